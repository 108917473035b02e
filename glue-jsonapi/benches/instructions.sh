#!/usr/bin/env bash
# Instructions per request of the router bench's cases, counted by callgrind: deterministic,
# unlike wall-clock time on a shared machine. Each case runs twice (WARM and WARM+N requests)
# and the difference is divided by N.
#
#   glue-jsonapi/benches/instructions.sh            # every case, both paths
#   N=200 CASES="glue glue_linked" glue-jsonapi/benches/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-500}; WARM=${WARM:-50}
CASES=${CASES:-"glue glue_linked axum axum_linked"}
PATHS=${PATHS:-"/customers /customers/DE--7"}
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install -y valgrind)"; exit 1; }
bench=$(cargo bench -p glue-jsonapi --bench router --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "router" and m.get("executable"):
        print(m["executable"])')
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
count() {
  GLUE_BENCH_REQUESTS="$1:$2" valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    "$bench" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$work/out"
}
printf 'case\tpath\tinstructions_per_request\n'
for case in $CASES; do
  for path in $PATHS; do
    a=$(count "$case$path" "$WARM"); b=$(count "$case$path" $((WARM + N)))
    printf '%s\t%s\t%d\n' "$case" "$path" $(( (b - a) / N ))
  done
done
