#!/usr/bin/env bash
# Load figures of the demo shop (SPEC §13): a measurement, not a test. Needs wrk (Debian's
# `wrk` package) and a release build:
#
#     cargo build --release -p example-shop
#     examples/shop/benches/load.sh target/release/example-shop [SECONDS]
#
# 1. A login flood on a fresh shop: 400 connections POST /token with wrong passwords for
#    ever new usernames for 15 s. Prints the statuses (400 wrong password, 429 the client
#    address throttled, 503 the hashing pool full) and the shop's peak resident memory.
# 2. Mixed traffic on another fresh shop (the flood's address throttle would refuse its
#    logins) for SECONDS (60 by default): 8 connections on the backend (customer pages,
#    product creations, logins) and 8 on the storefront (filtered, sorted product pages).
#    Prints throughput, p50/p99 latency, the 5xx count of each, and the peak memory.
#
# Each wrk run prints one JSON line; 5xx answers other than the flood's 503s are a failure
# (exit 1).
set -euo pipefail

binary=$(realpath "$1")
seconds=${2:-60}
export LOAD_DIR
LOAD_DIR=$(cd "$(dirname "$0")/load" && pwd)
export LOAD_API_KEY="load-test-admin-key-0123456789abcdef"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d /tmp/glue-load.XXXXXX)
shop_pid=
cleanup() {
  [ -n "$shop_pid" ] && kill "$shop_pid" 2>/dev/null && wait "$shop_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a fresh shop on its own SQLite file; sets shop_pid, backend and storefront.
start_shop() {
  local name=$1
  backend=$(free_port)
  storefront=$(free_port)
  DATABASE_URL="sqlite://$work/$name.db" SHOP_API_KEY="$LOAD_API_KEY" \
    SHOP_BACKEND_ADDR="127.0.0.1:$backend" SHOP_STOREFRONT_ADDR="127.0.0.1:$storefront" \
    GLUE_TOKEN_SECRET="load-test-token-secret-of-32-bytes!" RUST_LOG=error \
    "$binary" >"$work/$name.log" 2>&1 &
  shop_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$backend") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "the shop did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

stop_shop() {
  kill "$shop_pid"
  wait "$shop_pid" 2>/dev/null || true
  shop_pid=
}

peak_mib() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$shop_pid/status"
}

# The JSON line a wrk run printed last.
run_wrk() {
  wrk "$@" | grep '^{' | tail -n 1
}

status=0

start_shop flood
before=$(peak_mib)
flood=$(run_wrk -t4 -c400 -d15s --timeout 30s -s "$LOAD_DIR/flood.lua" "http://127.0.0.1:$backend")
echo "{\"login_flood\": $flood, \"peak_rss_mib_before\": $before, \"peak_rss_mib_after\": $(peak_mib)}"
if python3 -c 'import json, sys; s = json.loads(sys.argv[1])["statuses"]; sys.exit(any(k.startswith("5") and k != "503" for k in s))' "$flood"; then :; else
  echo "the flood got 5xx answers other than 503" >&2
  status=1
fi
stop_shop

start_shop mixed
wrk -t2 -c8 -d"${seconds}s" --timeout 30s -s "$LOAD_DIR/backend.lua" "http://127.0.0.1:$backend" \
  | grep '^{' | tail -n 1 >"$work/backend.json" &
backend_wrk=$!
storefront_result=$(run_wrk -t2 -c8 -d"${seconds}s" --timeout 30s -s "$LOAD_DIR/storefront.lua" \
  "http://127.0.0.1:$storefront")
wait "$backend_wrk"
backend_result=$(cat "$work/backend.json")
echo "{\"mixed\": {\"backend\": $backend_result, \"storefront\": $storefront_result, \"peak_rss_mib\": $(peak_mib)}}"
for result in "$backend_result" "$storefront_result"; do
  if ! python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1])["server_errors"] > 0)' "$result"; then
    echo "mixed traffic got 5xx answers" >&2
    status=1
  fi
done
exit "$status"
