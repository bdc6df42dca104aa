#!/bin/sh
# soak.sh: run a qingdan server under a steady mixed load for a while and
# show its resident memory (RSS) at the start, every minute, and at the end.
#
#   scripts/soak.sh [DURATION] [RATE]      e.g. scripts/soak.sh 30m 40
#
# Environment: QINGDAN_BIN (a built qingdan; default: built here),
# LOADTEST_BIN (default: built here), SOAK_DIR (data folder; default a new
# temporary folder), SOAK_CLIENTS (default 16).
set -eu
duration=${1:-30m}
rate=${2:-40}
clients=${SOAK_CLIENTS:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/qingdan-soak.XXXXXX")
if [ -z "${QINGDAN_BIN:-}" ]; then QINGDAN_BIN=$work/qingdan; (cd "$root" && go build -o "$QINGDAN_BIN" ./cmd/qingdan); fi
if [ -z "${LOADTEST_BIN:-}" ]; then LOADTEST_BIN=$work/loadtest; (cd "$root" && go build -o "$LOADTEST_BIN" ./scripts/loadtest); fi
data=${SOAK_DIR:-$work/data}
port=$(( 20000 + $$ % 20000 ))
addr=127.0.0.1:$port
maddr=127.0.0.1:$((port + 1))

"$QINGDAN_BIN" serve --demo --rate-limit 0 --addr "$addr" --data "$data" --log-format json --metrics-addr "$maddr" >"$work/server.out" 2>"$work/server.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
i=0
until curl -fsS "http://$addr/readyz" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "server did not become ready" >&2; exit 1; }
	sleep 0.5
done

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
heap() { curl -fsS "http://$maddr/metrics" | awk '/^go_memstats_heap_inuse_bytes / {printf "%d", $2 / 1024}'; }
mem() { echo "RSS $(rss $pid) KiB, Go heap in use $(heap) KiB"; }
echo "server pid $pid on $addr, data $data"
echo "at start (after seeding, before load): $(mem)"
(
	while kill -0 $pid 2>/dev/null; do
		sleep 60
		echo "$(date -u +%H:%M:%S) $(mem)"
	done
) &
sampler=$!
"$LOADTEST_BIN" -url "http://$addr" -mix mixed -clients "$clients" -rate "$rate" -duration "$duration" -max-requests 20000000
kill $sampler 2>/dev/null || true
echo "at end (load finished): $(mem)"
sleep 30
echo "30 s after the load: $(mem)"
curl -fsS "http://$maddr/metrics" | grep -E '^qingdan_ledger_(entries_appended_total|tree_size)\{log="ledger"\}' || true
curl -fsS "http://$addr/checkpoint" | sed -n 2p | sed 's/^/ledger entries: /'
kill -TERM $pid
wait $pid || true
trap - EXIT
"$QINGDAN_BIN" verify --data "$data"
