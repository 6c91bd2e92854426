#!/bin/sh
# Push throughput and latency: straight to one Pushgateway, through the
# promshard router in front of that same gateway, and through the router
# over three gateways; side by side in one run, with wrk (Debian `wrk`).
#
# usage: scripts/bench-push.sh [duration (default 10s)] [connections (default 16)]
# needs a release build: swift build -c release --product promshard (or PROMSHARD_BIN=path)
set -eu
duration=${1:-10s}
connections=${2:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROMSHARD_BIN:-"$root/.build/release/promshard"}
[ -x "$bin" ] || { echo "build first: swift build -c release --product promshard" >&2; exit 2; }
tmp=$(mktemp -d /tmp/promshard-bench-push.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
gateway() {
  /usr/bin/prometheus-pushgateway --persistence.file= --web.listen-address="127.0.0.1:$1" --log.level=warn \
    >"$tmp/pg-$1.log" 2>&1 &
  pids="$pids $!"
}
router() { # name listen gateways...
  name=$1; listen=$2; shift 2
  list=$(echo "$@" | sed 's/ /, /g')
  mkdir -p "$tmp/$name"
  cat >"$tmp/$name/promshard.yaml" <<YAML
state_dir: $tmp/$name/var
http: { listen: 127.0.0.1:$(port) }
services: []
push:
  listen: 127.0.0.1:$listen
  gateways:
    static: [$list]
    health_check: { interval: 1s, timeout: 1s, fall: 2, rise: 1 }
YAML
  "$bin" run --config "$tmp/$name/promshard.yaml" --log-level warning >"$tmp/$name/log" 2>&1 &
  pids="$pids $!"
}
wait_http() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

g1=$(port); g2=$(port); g3=$(port); r1=$(port); r3=$(port)
gateway "$g1"; gateway "$g2"; gateway "$g3"
router one "$r1" "127.0.0.1:$g1"
router three "$r3" "127.0.0.1:$g1" "127.0.0.1:$g2" "127.0.0.1:$g3"
wait_http "http://127.0.0.1:$g1/-/ready"; wait_http "http://127.0.0.1:$g2/-/ready"; wait_http "http://127.0.0.1:$g3/-/ready"
wait_http "http://127.0.0.1:$r1/metrics/job/probe"; wait_http "http://127.0.0.1:$r3/metrics/job/probe"

run() { # label url
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$root/scripts/bench/push.lua" "$2")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errs:-0}"
}
# Warm up every path once.
wrk -t1 -c4 -d2s -s "$root/scripts/bench/push.lua" "http://127.0.0.1:$g1" >/dev/null
wrk -t1 -c4 -d2s -s "$root/scripts/bench/push.lua" "http://127.0.0.1:$r1" >/dev/null
wrk -t1 -c4 -d2s -s "$root/scripts/bench/push.lua" "http://127.0.0.1:$r3" >/dev/null
echo "wrk -t2 -c$connections -d$duration, PUT of a 2-metric text body over 120 groups"
echo "| path | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
run "straight to one Pushgateway" "http://127.0.0.1:$g1"
run "router (proxy) → that one gateway" "http://127.0.0.1:$r1"
run "router (proxy) → three gateways" "http://127.0.0.1:$r3"
run "straight to one Pushgateway (again)" "http://127.0.0.1:$g1"
