#!/bin/bash
# bench-submissions.sh BINARY [DURATION] — durable public submissions over
# HTTP (POST /api/v1/applications, each a ledger append with its receipt):
# starts `BINARY serve --demo` on a fresh data directory, runs wrk with 64
# connections and scripts/wrk-submissions.lua against it on the same
# machine, and prints wrk's figures with the server's CPU time per request,
# bytes it wrote per request and entries per ledger batch. Needs wrk, curl
# and python3. Used for docs/benchmarks.md (issue 5).
set -u
BIN=$1; DUR=${2:-15s}
PORT=${PORT:-18097}; MPORT=$((PORT + 1))
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(mktemp -d /tmp/qingdan-bench.XXXXXX)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
"$BIN" serve --demo --rate-limit 0 --data "$DATA" --addr 127.0.0.1:$PORT --metrics-addr 127.0.0.1:$MPORT > "$DATA/server.log" 2>&1 &
PID=$!
for _ in $(seq 120); do curl -sf localhost:$PORT/readyz >/dev/null && break; sleep 1; done
sleep 3
# Only services that take applications: those implementing a power (a
# pure public service, power_code "", is refused since issue 20).
codes=$(curl -s "http://127.0.0.1:$PORT/api/v1/services?per_page=100" |
	python3 -c 'import json,sys; print(" ".join(s["code"] for s in json.load(sys.stdin)["items"] if s.get("power_code")))')
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
written() { awk '/^wchar/ {print $2}' /proc/$PID/io; }
batches() { curl -s localhost:$MPORT/metrics | awk '/^qingdan_ledger_batch_entries_count\{log="ledger"/ {print $2}'; }
b0=$(batches); c0=$(cpu); w0=$(written)
/usr/bin/time -f "%U %S" -o "$DATA/wrk.time" wrk -t2 -c64 -d"$DUR" --latency -s "$HERE/wrk-submissions.lua" \
	http://127.0.0.1:$PORT -- $codes > "$DATA/wrk.out" 2>&1
c1=$(cpu); w1=$(written); b1=$(batches)
slow=$(curl -s localhost:$MPORT/metrics | awk '/^qingdan_ledger_batch_duration_seconds_bucket\{log="ledger",le="0.064"\}/ {fast=$2} /^qingdan_ledger_batch_duration_seconds_bucket\{log="ledger",le="\+Inf"\}/ {all=$2} END {print all-fast}')
grep -E 'Latency  |50%|90%|99%|requests in|Requests/sec|Non-2xx|Socket errors|status ' "$DATA/wrk.out"
reqs=$(grep -o '[0-9]* requests in' "$DATA/wrk.out" | cut -d' ' -f1)
python3 -c "print('server CPU/request: %.0f us; wrk CPU/request: %.0f us; bytes written/request: %.0f; entries/batch: %.1f; batches over 64 ms (whole run): $slow' % (($c1-$c0)/$tick/$reqs*1e6, sum(map(float, open('$DATA/wrk.time').read().split()))/$reqs*1e6, ($w1-$w0)/$reqs, $reqs/($b1-$b0)))"
