#!/bin/sh
# A complete promshard executor plugin (protocol v1) in plain POSIX shell.
#
# It installs the rendered file_sd file at `file.dest` on this machine
# (temporary file in the same directory, then mv: atomic), skips the write
# when the content is already there, then POSTs `reload_url` with curl.
#
#   copy-and-reload.sh describe   prints {"name","version","protocol":1}
#   copy-and-reload.sh run        reads the request (JSON) on stdin
#
# Needs: python3 (to read and write JSON; no jq), curl, cp, mv, cmp, mktemp.
# Params (dispatch.params): always_reload (boolean, default false).
# Exit codes: 0 ok, 1 failed, 2 bad request. The last stdout line is the
# result; promshard keeps the tail of stderr. See docs/PLUGINS.md.
set -u

NAME=example-copy-and-reload
VERSION=1.0.0

# json_string TEXT: TEXT as a JSON string literal.
json_string() {
    python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"
}

# progress TEXT: a progress line (promshard keeps them, only the last line counts).
progress() {
    printf '{"event":"progress","message":%s}\n' "$(json_string "$1")"
}

# finish STATUS MESSAGE CHANGED EXIT: the result line, then exit.
finish() {
    printf '{"status":"%s","message":%s,"changed":%s}\n' "$1" "$(json_string "$2")" "$3"
    exit "$4"
}

# bad_request MESSAGE: the request cannot be acted on (exit 2).
bad_request() {
    echo "bad request: $1" >&2
    finish failed "bad request: $1" false 2
}

case "${1:-}" in
describe)
    printf '{"name":"%s","version":"%s","protocol":1}\n' "$NAME" "$VERSION"
    exit 0
    ;;
run) ;;
*)
    echo "usage: $0 describe | run   (promshard executor plugin, protocol 1)" >&2
    exit 2
    ;;
esac

request=$(cat)

# field KEY.PATH: a field of the request ("" when absent or null; booleans as true/false).
# Exits 3 when the request is not a JSON object.
field() {
    printf '%s' "$request" | python3 -c '
import json, sys
try:
    value = json.load(sys.stdin)
except ValueError:
    sys.exit(3)
if not isinstance(value, dict):
    sys.exit(3)
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
if value is None:
    value = ""
elif isinstance(value, bool):
    value = "true" if value else "false"
print(value)' "$1"
}

protocol=$(field protocol) || bad_request "the request is not a JSON object"
[ "$protocol" = 1 ] || bad_request "unsupported protocol '$protocol' (this executor speaks 1)"
src=$(field file.path)
dest=$(field file.dest)
url=$(field reload_url)
deadline_ms=$(field deadline_ms)
always_reload=$(field params.always_reload)
[ -n "$src" ] || bad_request "file.path is empty"
[ -n "$dest" ] || bad_request "file.dest is empty"
case "$deadline_ms" in '' | *[!0-9]*) bad_request "deadline_ms is not a number" ;; esac
[ -r "$src" ] || finish failed "cannot read $src" false 1

changed=false
if cmp -s "$src" "$dest"; then
    progress "$dest unchanged"
else
    dir=$(dirname "$dest")
    mkdir -p "$dir" || finish failed "cannot create directory $dir" false 1
    tmp=$(mktemp "$dir/.promshard-example.XXXXXX") || finish failed "cannot create a temporary file in $dir" false 1
    if ! { cp "$src" "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$dest"; }; then
        rm -f "$tmp"
        finish failed "cannot install $dest" false 1
    fi
    changed=true
    progress "wrote $dest"
fi

if [ -z "$url" ]; then
    finish ok "$dest installed; no reload_url" "$changed" 0
fi
# A failed reload leaves a marker, so that a retry with unchanged content still reloads.
pending="$(dirname "$dest")/.$(basename "$dest").reload-pending"
if [ "$changed" = false ] && [ "$always_reload" != true ] && [ ! -e "$pending" ]; then
    finish ok "$dest unchanged; reload skipped" false 0
fi

# Leave a second of the deadline for reporting, so a slow reload is ours to report.
seconds=$((deadline_ms / 1000 - 1))
[ "$seconds" -ge 1 ] || seconds=1
progress "reload $url"
if ! error=$(curl --silent --show-error --fail --request POST --max-time "$seconds" --output /dev/null "$url" 2>&1); then
    echo "$error" >&2
    : >"$pending"
    finish failed "$dest installed; reload $url failed: $error" "$changed" 1
fi
rm -f "$pending"
finish ok "$dest installed; reload $url: ok" "$changed" 0
