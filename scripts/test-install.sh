#!/bin/sh
# Tests of the install path, with real processes and the real dpkg:
#   - scripts/install.sh into a DESTDIR (PREFIX respected), the installed
#     binaries working from there, a reinstall keeping an edited config,
#     scripts/uninstall.sh keeping only config and state;
#   - scripts/no-service-starts.sh (what setup-debian.sh installs through);
#   - scripts/package-deb.sh: dpkg-deb --info/--contents, lintian, then
#     dpkg -i and dpkg -r on this machine, and a purge at the end even when
#     a test fails.
# It uses binaries already built (no second, release build):
#   scripts/test-install.sh [BUILD_DIR]    (default: swift build --show-bin-path)
# It never starts a service. The last line is `install: N passed, N failed`;
# the exit status is 1 when anything failed.
set -u
cd "$(dirname "$0")/.."
repo="$PWD"
build_dir="${1:-${PROMSHARD_BUILD_DIR:-$(swift build --show-bin-path)}}"
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
tmp="$(mktemp -d)"
passed=0
failed=0
errors="$tmp/errors"
deb_installed_by_us=false
user_existed=false
getent passwd promshard >/dev/null && user_existed=true
real_policy=/usr/sbin/policy-rc.d
real_policy_before="$tmp/policy-rc.d.before"
[ -e "$real_policy" ] && cp -p "$real_policy" "$real_policy_before"

cleanup() {
  if $deb_installed_by_us; then
    $SUDO dpkg --purge promshard >/dev/null 2>&1 || true
    if ! $user_existed && getent passwd promshard >/dev/null; then
      $SUDO userdel promshard >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# MARK: A tiny harness: each test is a function; `expect` records a failure
# and the test goes on, so one run lists every problem.
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
  what="$1"
  shift
  if ! "$@" >"$tmp/out" 2>&1; then
    { echo "$what"; sed 's/^/    | /' "$tmp/out" | head -n 30; } >>"$errors"
  fi
}
expect_not() { # expect_not DESCRIPTION COMMAND...: the command must fail
  what="$1"
  shift
  if "$@" >"$tmp/out" 2>&1; then echo "$what" >>"$errors"; fi
}
run_test() {
  : >"$errors"
  started="$(date +%s)"
  "$1"
  took="$(($(date +%s) - started))s"
  if [ -s "$errors" ]; then
    failed=$((failed + 1))
    echo "FAIL $1 ($took)"
    sed 's/^/     /' "$errors"
  else
    passed=$((passed + 1))
    echo "ok   $1 ($took)"
  fi
}
json_field() { # json_field FILE KEY: prints the KEY of the last JSON line of FILE
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' "$1" "$2"
}
same_line() { [ "$(cat "$1")" = "$(cat "$2")" ]; }
contains() { grep -qF -- "$2" "$1"; }

# MARK: install.sh / uninstall.sh into a DESTDIR

dest="$tmp/dest"
prefix=/opt/promshard
installed_files="
$prefix/bin/promshard
$prefix/bin/promshard-exec-file
$prefix/bin/promshard-exec-scp
$prefix/bin/promshard-exec-ansible
$prefix/bin/promshard-exec-job
$prefix/share/promshard/plugins/ansible/copy_file_and_reload.yaml
$prefix/share/promshard/plugins/ansible/callback_plugins/promshard_job.py
$prefix/share/promshard/plugins/examples/copy-and-reload.sh
$prefix/share/promshard/plugins/examples/job-runner.sh
$prefix/share/promshard/install-manifest.txt
$prefix/share/doc/promshard/README.md
$prefix/share/doc/promshard/docs/CONFIG.md
$prefix/share/doc/promshard/examples/promshard.yaml
$prefix/lib/systemd/system/promshard.service
$prefix/share/bash-completion/completions/promshard
$prefix/share/zsh/site-functions/_promshard
/etc/promshard/promshard.yaml
"

install_into_destdir() {
  DESTDIR="$dest" PREFIX="$prefix" scripts/install.sh --from-build-dir "$build_dir"
}

test_install_puts_every_file_in_place() {
  expect "install.sh --from-build-dir exits 0" install_into_destdir
  for f in $installed_files; do expect "installed: $f" test -f "$dest$f"; done
  for b in promshard promshard-exec-file promshard-exec-scp promshard-exec-ansible promshard-exec-job; do
    expect "executable: $prefix/bin/$b" test -x "$dest$prefix/bin/$b"
  done
  expect "executable: plugins/examples/copy-and-reload.sh" \
    test -x "$dest$prefix/share/promshard/plugins/examples/copy-and-reload.sh"
  expect "directory: /etc/promshard/targets" test -d "$dest/etc/promshard/targets"
  expect "directory: /var/lib/promshard" test -d "$dest/var/lib/promshard"
  expect "the installed binaries are the built ones" cmp "$build_dir/promshard" "$dest$prefix/bin/promshard"
  if ! $user_existed; then
    expect_not "a DESTDIR install creates no system user" getent passwd promshard
  fi
}

test_installed_unit_runs_the_installed_binary() {
  unit="$dest$prefix/lib/systemd/system/promshard.service"
  expect "ExecStart uses PREFIX" contains "$unit" \
    "ExecStart=$prefix/bin/promshard run --config /etc/promshard/promshard.yaml"
  expect "ExecStartPre checks the config" contains "$unit" \
    "ExecStartPre=$prefix/bin/promshard check --config /etc/promshard/promshard.yaml"
  expect "Documentation points at the installed README" contains "$unit" \
    "Documentation=file://$prefix/share/doc/promshard/README.md"
  expect_not "no /usr/local/bin left in the unit" contains "$unit" "/usr/local/bin"
  expect "User=promshard" contains "$unit" "User=promshard"
}

test_installed_check_passes_on_the_installed_example_config() {
  # `file` resolves to the promshard-exec-file next to the installed binary.
  expect "promshard check on the example config" \
    "$dest$prefix/bin/promshard" check --config "$dest/etc/promshard/promshard.yaml"
  "$dest$prefix/bin/promshard" check --config "$dest/etc/promshard/promshard.yaml" >"$tmp/check" 2>&1
  expect "check says OK" contains "$tmp/check" ": OK (1 services: node)"
}

test_every_installed_executor_answers_describe() {
  for name in file scp ansible; do
    exe="$dest$prefix/bin/promshard-exec-$name"
    if "$exe" describe >"$tmp/describe" 2>"$tmp/describe.err"; then
      expect "$name: describe names it" test "$(json_field "$tmp/describe" name)" = "$name"
      expect "$name: protocol 1" test "$(json_field "$tmp/describe" protocol)" = 1
      expect "$name: a version" test -n "$(json_field "$tmp/describe" version)"
    else
      { echo "$exe describe failed"; cat "$tmp/describe.err"; } >>"$errors"
    fi
  done
}

test_version_flag_prints_the_version_line() {
  bin="$dest$prefix/bin/promshard"
  "$bin" version >"$tmp/v1" 2>&1
  "$bin" --version >"$tmp/v2" 2>&1
  expect "promshard --version exits 0" "$bin" --version
  expect "--version and version print the same line" same_line "$tmp/v1" "$tmp/v2"
  expect "the line starts with promshard <version>" grep -Eq '^promshard [0-9]+\.[0-9]+\.[0-9]+ ' "$tmp/v1"
}

test_completions_are_for_promshard() {
  bash_comp="$dest$prefix/share/bash-completion/completions/promshard"
  zsh_comp="$dest$prefix/share/zsh/site-functions/_promshard"
  expect "bash completion registers promshard" grep -q "complete .*promshard" "$bash_comp"
  expect "bash completion knows the verbs" grep -q "check" "$bash_comp"
  expect "bash completion parses" bash -n "$bash_comp"
  expect "zsh completion starts with #compdef promshard" sh -c "head -n 1 '$zsh_comp' | grep -q '^#compdef promshard'"
}

test_ansible_executor_finds_the_installed_playbook() {
  # No params.playbook and no PROMSHARD_PLUGINS_DIR: the executor looks in
  # <its dir>/../share/promshard/plugins. The real ansible-playbook runs it
  # against a closed loopback ssh port, so the delivery fails as
  # unreachable (exit 1), not as a bad request (exit 2).
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  echo '[{"targets":["10.0.0.1:9100"]}]' >"$tmp/rendered.json"
  cat >"$tmp/request.json" <<JSON
{"protocol":1,"service":"node","collector":{"name":"127.0.0.1:9090","address":"127.0.0.1","port":9090},
 "file":{"path":"$tmp/rendered.json","dest":"$tmp/out/sd.json","sha256":""},"reload_url":"",
 "params":{"port":$port,"connect_timeout":2,"host_key_checking":false},"deadline_ms":60000}
JSON
  code=0
  env -u PROMSHARD_PLUGINS_DIR "$dest$prefix/bin/promshard-exec-ansible" run <"$tmp/request.json" \
    >"$tmp/ansible.out" 2>"$tmp/ansible.err" || code=$?
  playbook="$dest$prefix/share/promshard/plugins/ansible/copy_file_and_reload.yaml"
  python3 - "$tmp/ansible.out" "$playbook" >"$tmp/progress" 2>&1 <<'PY' || { echo "no progress line runs the installed playbook:"; cat "$tmp/progress" "$tmp/ansible.out" "$tmp/ansible.err" | head -n 20; } >>"$errors"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
wanted = "ansible-playbook " + sys.argv[2] + " on 127.0.0.1"
assert any(l.get("message", "").startswith(wanted) for l in lines), lines
PY
  expect "the delivery fails as unreachable (exit 1), got $code" test "$code" -eq 1
}

test_reinstall_keeps_an_edited_config() {
  printf '# edited by the operator\n' >>"$dest/etc/promshard/promshard.yaml"
  cp "$dest/etc/promshard/promshard.yaml" "$tmp/edited.yaml"
  expect "second install exits 0" install_into_destdir
  expect "the edited config is kept" cmp "$tmp/edited.yaml" "$dest/etc/promshard/promshard.yaml"
  expect "the example is still in the docs" cmp contrib/config/promshard.yaml \
    "$dest$prefix/share/doc/promshard/examples/promshard.yaml"
}

test_uninstall_keeps_only_config_and_state() {
  touch "$dest/var/lib/promshard/history.sqlite"
  expect "uninstall.sh exits 0" env DESTDIR="$dest" PREFIX="$prefix" scripts/uninstall.sh
  (cd "$dest" && find . | sort) >"$tmp/left"
  cat >"$tmp/expected" <<'TXT'
.
./etc
./etc/promshard
./etc/promshard/promshard.yaml
./etc/promshard/targets
./var
./var/lib
./var/lib/promshard
./var/lib/promshard/history.sqlite
TXT
  expect "only config and state are left" diff "$tmp/expected" "$tmp/left"
}

# MARK: no-service-starts.sh (setup-debian.sh runs apt-get through it)

test_no_service_starts_blocks_and_removes_its_own_policy() {
  policy="$tmp/policy/policy-rc.d"
  mkdir -p "$tmp/policy"
  code=0
  PROMSHARD_POLICY_RC_D="$policy" scripts/no-service-starts.sh \
    sh -c '"$PROMSHARD_POLICY_RC_D" prometheus start; echo "$?" >"$1"' sh "$tmp/policy/answer" || code=$?
  expect "the command ran and succeeded (exit $code)" test "$code" -eq 0
  expect "policy-rc.d answered 101 (no start) during the command" test "$(cat "$tmp/policy/answer")" = 101
  expect_not "its policy-rc.d is removed afterwards" test -e "$policy"

  code=0
  PROMSHARD_POLICY_RC_D="$policy" scripts/no-service-starts.sh sh -c 'exit 3' || code=$?
  expect "the command's exit status is passed on (3, got $code)" test "$code" -eq 3
  expect_not "its policy-rc.d is removed after a failure" test -e "$policy"

  PROMSHARD_POLICY_RC_D="$policy" scripts/no-service-starts.sh sleep 1 &
  wrapper=$!
  while [ ! -e "$policy" ] && kill -0 "$wrapper" 2>/dev/null; do sleep 0.05; done
  kill -TERM "$wrapper"
  code=0
  wait "$wrapper" || code=$?
  expect "SIGTERM ends it with 143 (got $code)" test "$code" -eq 143
  expect_not "its policy-rc.d is removed after SIGTERM" test -e "$policy"
}

test_no_service_starts_leaves_an_existing_policy_alone() {
  policy="$tmp/policy/policy-rc.d"
  mkdir -p "$tmp/policy"
  printf '#!/bin/sh\n# the admin'"'"'s own\nexit 0\n' >"$policy"
  chmod 0755 "$policy"
  cp -p "$policy" "$tmp/policy/theirs"
  PROMSHARD_POLICY_RC_D="$policy" scripts/no-service-starts.sh \
    sh -c 'cmp "$PROMSHARD_POLICY_RC_D" "$1"' sh "$tmp/policy/theirs" >"$tmp/out" 2>&1 ||
    echo "the existing policy-rc.d was replaced during the command" >>"$errors"
  expect "the existing policy-rc.d is still there, unchanged" cmp "$tmp/policy/theirs" "$policy"
  rm -f "$policy"
}

# MARK: The Debian package

deb=""
build_deb() {
  deb="$(PROMSHARD_DEB_COMPRESSION=gzip scripts/package-deb.sh --from-build-dir "$build_dir" --output "$tmp/deb" 2>"$tmp/package.err")"
}

test_package_deb_builds_the_deb() {
  if ! build_deb; then
    { echo "package-deb.sh failed"; tail -n 30 "$tmp/package.err"; } >>"$errors"
    return
  fi
  version="$("$build_dir/promshard" version | cut -d' ' -f2)"
  expect "named promshard_<version>_<arch>.deb" test "$(basename "$deb")" = "promshard_${version}_$(dpkg --print-architecture).deb"
  expect "the file exists" test -f "$deb"
}

test_deb_info_declares_dependencies_and_scripts() {
  [ -f "$deb" ] || { echo "no .deb" >>"$errors"; return; }
  dpkg-deb --info "$deb" >"$tmp/info"
  expect "Package: promshard" grep -qx " Package: promshard" "$tmp/info"
  expect "Depends on libyaml-0-2" grep -Eq '^ Depends:.*\blibyaml-0-2\b' "$tmp/info"
  expect "Depends on libcurl4" grep -Eq '^ Depends:.*\blibcurl4\b' "$tmp/info"
  expect "Recommends ansible-core, openssh-client" grep -qx " Recommends: ansible-core, openssh-client" "$tmp/info"
  for s in postinst prerm postrm conffiles md5sums; do expect "has $s" grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\*? *$s" "$tmp/info"; done
  expect "conffile /etc/promshard/promshard.yaml" sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/promshard/promshard.yaml"
}

deb_files="
./usr/bin/promshard
./usr/bin/promshard-exec-file
./usr/bin/promshard-exec-scp
./usr/bin/promshard-exec-ansible
./usr/bin/promshard-exec-job
./usr/share/promshard/plugins/ansible/copy_file_and_reload.yaml
./usr/share/promshard/plugins/ansible/callback_plugins/promshard_job.py
./usr/share/promshard/plugins/examples/copy-and-reload.sh
./usr/share/promshard/plugins/examples/job-runner.sh
./usr/lib/systemd/system/promshard.service
./usr/share/bash-completion/completions/promshard
./usr/share/zsh/vendor-completions/_promshard
./usr/share/doc/promshard/copyright
./usr/share/doc/promshard/changelog.gz
./usr/share/doc/promshard/README.md
./usr/share/lintian/overrides/promshard
./etc/promshard/promshard.yaml
"

test_deb_contents_lists_every_file() {
  [ -f "$deb" ] || { echo "no .deb" >>"$errors"; return; }
  dpkg-deb --contents "$deb" | awk '{ print $6 }' >"$tmp/contents"
  for f in $deb_files; do expect "contains $f" grep -qx -- "$f" "$tmp/contents"; done
  expect "contains the directory ./etc/promshard/targets/" grep -qx -- "./etc/promshard/targets/" "$tmp/contents"
  expect_not "no state directory in the package (postinst makes it)" grep -q "^./var/" "$tmp/contents"
  expect_not "no install manifest in the package" grep -q "install-manifest" "$tmp/contents"
  expect "files are owned by root" sh -c "dpkg-deb --contents '$deb' | awk '{ print \$2 }' | sort -u | grep -qx root/root"
}

test_lintian_is_clean() {
  [ -f "$deb" ] || { echo "no .deb" >>"$errors"; return; }
  command -v lintian >/dev/null || { echo "lintian is not installed (apt-get install lintian)" >>"$errors"; return; }
  code=0
  lintian --fail-on error,warning --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1 || code=$?
  if [ "$code" -ne 0 ] || grep -Eq '^(E|W):' "$tmp/lintian"; then
    { echo "lintian --fail-on error,warning exits $code:"; sed 's/^/    | /' "$tmp/lintian"; } >>"$errors"
  fi
}

machine_is_free_for_the_deb() {
  if dpkg-query -W -f='${Status}' promshard 2>/dev/null | grep -q "installed"; then
    echo "promshard is already installed on this machine: not touching it" >>"$errors"
    return 1
  fi
  for p in /etc/promshard /var/lib/promshard /usr/bin/promshard; do
    if [ -e "$p" ]; then echo "$p exists already: not installing the package over it" >>"$errors"; return 1; fi
  done
}

test_deb_installs_and_runs_from_path() {
  [ -f "$deb" ] || { echo "no .deb" >>"$errors"; return; }
  machine_is_free_for_the_deb || return
  deb_installed_by_us=true
  expect "dpkg -i exits 0" $SUDO dpkg -i "$deb"
  expect "promshard is on the PATH at /usr/bin" test "$(command -v promshard)" = /usr/bin/promshard
  promshard version >"$tmp/version" 2>&1
  expect "promshard version runs from the PATH" grep -Eq '^promshard [0-9]' "$tmp/version"
  expect "the promshard user exists" getent passwd promshard
  expect "/var/lib/promshard belongs to promshard" test "$(stat -c %U:%G /var/lib/promshard)" = promshard:promshard
  expect "promshard check passes on the installed config" promshard check --config /etc/promshard/promshard.yaml
  expect "the unit runs /usr/bin/promshard" grep -q "^ExecStart=/usr/bin/promshard run" /usr/lib/systemd/system/promshard.service
  # No service was started: no process runs the installed binary.
  expect_not "no promshard process was started" sh -c 'for p in /proc/[0-9]*; do [ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/promshard ] && exit 0; done; exit 1'
}

test_deb_removal_leaves_only_config_and_state() {
  $deb_installed_by_us || { echo "the package was not installed" >>"$errors"; return; }
  expect "dpkg -r exits 0" $SUDO dpkg -r promshard
  expect "status is config-files" sh -c "dpkg-query -W -f='\${Status}' promshard | grep -qx 'deinstall ok config-files'"
  for f in $deb_files; do
    path="${f#.}"
    case "$path" in
      /etc/promshard/promshard.yaml) expect "the config is kept: $path" test -f "$path" ;;
      *) expect_not "removed: $path" test -e "$path" ;;
    esac
  done
  expect "the state directory is kept" test -d /var/lib/promshard
  expect_not "promshard is no longer on the PATH" sh -c 'command -v promshard'
  expect "dpkg --purge exits 0" $SUDO dpkg --purge promshard
  expect_not "purge removes the config" test -e /etc/promshard
  expect_not "purge removes the state" test -e /var/lib/promshard
}

test_the_real_policy_rc_d_is_untouched() {
  if [ -e "$real_policy_before" ]; then
    expect "$real_policy is unchanged" cmp "$real_policy_before" "$real_policy"
  else
    expect_not "no $real_policy was left behind" test -e "$real_policy"
  fi
}

for b in promshard promshard-exec-file promshard-exec-scp promshard-exec-ansible promshard-exec-job; do
  [ -x "$build_dir/$b" ] || { echo "install: $build_dir/$b is not built (swift build)" >&2; echo "install: 0 passed, 1 failed"; exit 1; }
done

run_test test_install_puts_every_file_in_place
run_test test_installed_unit_runs_the_installed_binary
run_test test_installed_check_passes_on_the_installed_example_config
run_test test_every_installed_executor_answers_describe
run_test test_version_flag_prints_the_version_line
run_test test_completions_are_for_promshard
run_test test_ansible_executor_finds_the_installed_playbook
run_test test_reinstall_keeps_an_edited_config
run_test test_uninstall_keeps_only_config_and_state
run_test test_no_service_starts_blocks_and_removes_its_own_policy
run_test test_no_service_starts_leaves_an_existing_policy_alone
run_test test_package_deb_builds_the_deb
run_test test_deb_info_declares_dependencies_and_scripts
run_test test_deb_contents_lists_every_file
run_test test_lintian_is_clean
run_test test_deb_installs_and_runs_from_path
run_test test_deb_removal_leaves_only_config_and_state
run_test test_the_real_policy_rc_d_is_untouched

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
