#!/bin/sh
# A local demo: three real Prometheus servers on 127.0.0.1:19090-19092, 60
# targets, promshard sharding them with the file executor into ./var/demo.
# Ctrl-C stops everything.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-debian.sh demo
swift build --product promshard
swift build --product promshard-exec-file
bin="$(swift build --show-bin-path)"

demo="$PWD/var/demo"
rm -rf "$demo"
mkdir -p "$demo/targets" "$demo/sd"
pids=""
cleanup() {
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for port in 19090 19091 19092; do
  mkdir -p "$demo/prom-$port"
  cat > "$demo/prom-$port/prometheus.yml" <<YAML
global: { scrape_interval: 15s }
scrape_configs:
  - job_name: node
    file_sd_configs: [{ files: ['$demo/sd/$port.json'] }]
YAML
  prometheus --config.file="$demo/prom-$port/prometheus.yml" --web.listen-address="127.0.0.1:$port" \
    --storage.tsdb.path="$demo/prom-$port/data" --web.enable-lifecycle --log.level=warn \
    >"$demo/prom-$port/log" 2>&1 &
  pids="$pids $!"
done

# Sixty targets in two file_sd files (JSON and YAML), on closed loopback ports.
{
  printf '[{"labels": {"env": "demo", "team": "a"}, "targets": ['
  for i in $(seq 1 40); do [ "$i" -gt 1 ] && printf ', '; printf '"127.0.0.1:%d"' $((42000 + i)); done
  printf ']}]\n'
} > "$demo/targets/team-a.json"
{
  echo '- labels: { env: demo, team: b }'
  echo '  targets:'
  for i in $(seq 41 60); do echo "    - 127.0.0.1:$((42000 + i))"; done
} > "$demo/targets/team-b.yaml"

cat > "$demo/promshard.yaml" <<YAML
state_dir: ./state
services:
  - name: node
    collectors:
      static: [127.0.0.1:19090, 127.0.0.1:19091, 127.0.0.1:19092]
      health_check: { path: /-/healthy, interval: 2s, timeout: 1s, fall: 2, rise: 2 }
    targets:
      files: [targets/*.json, targets/*.yaml]
    dispatch:
      executor: file
      dest: sd/{port}.json
      reload_url: http://{address}:{port}/-/reload
      timeout: 10s
YAML

"$bin/promshard" check --config "$demo/promshard.yaml"
sleep 2
echo "== promshard plan (what it would do) =="
"$bin/promshard" plan --config "$demo/promshard.yaml" --counts-only
cat <<TXT
== promshard run ==
Targets per collector: http://127.0.0.1:19090/targets, :19091/targets, :19092/targets
Rendered files: $demo/sd/*.json   Config: $demo/promshard.yaml
Try: kill one Prometheus (pkill -f 'listen-address=127.0.0.1:19091') and watch its targets move.
Ctrl-C stops the demo.
TXT
"$bin/promshard" run --config "$demo/promshard.yaml" &
pids="$pids $!"
wait
