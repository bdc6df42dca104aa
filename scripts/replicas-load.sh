#!/usr/bin/env bash
# Throughput of 1, 2 or 3 'qingdan serve' replicas on one PostgreSQL, over
# HTTP with scripts/loadtest spreading its requests round-robin over them.
#
#   scripts/replicas-load.sh 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' 3 [loadtest flags…]
#
# The first argument is a URL of a PostgreSQL server on which the user may
# create databases; the script creates a fresh database qingdan_load_<N>
# (dropping an earlier one of that name), starts replica 1 with --demo
# (the demo county, its accounts and 400 past applications), then the
# others, all with --rate-limit 0 and one shared key folder, runs
#   go run ./scripts/loadtest -url <every replica> [loadtest flags…]
# (default: -mix decisions -clients 64 -duration 20s -verify-receipts),
# stops the replicas, runs 'qingdan verify --db' on the database, and drops
# it. Loopback only; ports 18181 onwards.
set -euo pipefail
cd "$(dirname "$0")/.."
admin="$1"; n="$2"; shift 2
[ "$#" -gt 0 ] || set -- -mix decisions -clients 64 -duration 20s -verify-receipts
db="qingdan_load_$n"
work=$(mktemp -d /tmp/qingdan-replicas.XXXXXX)
dsn=$(python3 - "$admin" "$db" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
go build -o "$work/qingdan" ./cmd/qingdan
urls=()
for i in $(seq 1 "$n"); do
  port=$((18180 + i)); extra=()
  [ "$i" = 1 ] && extra=(--demo)
  "$work/qingdan" serve --db "$dsn" --data "$work/keys" --addr "127.0.0.1:$port" --rate-limit 0 "${extra[@]}" \
    >"$work/replica-$i.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "replica $i never became ready"; cat "$work/replica-$i.log"; exit 1; }
  urls+=("http://127.0.0.1:$port")
done
echo "== $n replica(s) on $db: ${urls[*]}"
go run ./scripts/loadtest -url "$(IFS=,; echo "${urls[*]}")" "$@"
for p in "${pids[@]}"; do kill -TERM "$p"; done
wait "${pids[@]}" 2>/dev/null || true
pids=()
"$work/qingdan" verify --db "$dsn" --data "$work/keys"
