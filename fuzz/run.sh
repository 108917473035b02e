#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 10): a smoke run in CI, a long
# run by hand (`fuzz/run.sh 600`). Each target starts from its seeds (fuzz/seeds/<target>)
# and its corpus so far (fuzz/corpus/<target>, not committed); first it replays every input
# kept in fuzz/regressions/<target>, the crashes found before. Exits non-zero on any crash,
# leaving the input in fuzz/artifacts/<target>.
#
# Stable Rust suffices: the targets are built without a sanitizer (safe Rust; what is looked
# for is a panic, an overflow, a 5xx or a body that is not JSON), in release mode with debug
# assertions and overflow checks on. TARGETS="query range" runs only those.
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET=${1:-10}
TARGETS=${TARGETS:-"query query_builder range media_types accept_language document security_expression tokens"}

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
cargo fuzz build --sanitizer none

failed=0
for target in $TARGETS; do
  mkdir -p "corpus/$target" "artifacts/$target"
  if [ -d "regressions/$target" ]; then
    cargo fuzz run --sanitizer none "$target" "regressions/$target" -- -runs=0 >/dev/null 2>&1 || {
      echo "$target: a kept regression input fails again (fuzz/regressions/$target)"
      failed=1
    }
  fi
  log=$(mktemp)
  if cargo fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep 'DONE' "$log" | grep -o 'cov: [0-9]*' | tail -n 1)
    echo "$target: ${runs:-?} runs in ${SECONDS_PER_TARGET} s, ${cov:-cov: ?}, no crash"
  else
    echo "$target: CRASH"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|answered' "$log" | head -n 20
    failed=1
  fi
  rm -f "$log"
done
exit "$failed"
