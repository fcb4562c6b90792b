#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [--merge]: builds the libFuzzer target over config parsing and
# validation (tests/fuzz/fuzz_config.cpp; clang-14, ASan + UBSan) into build-fuzz/ and runs it
# for SECONDS (default 60), starting from the kept corpus (tests/fuzz/corpus), the regressions
# and the seed configs (configs/, tests/bad_inputs/). New inputs go to build-fuzz/corpus; with
# --merge, those that add coverage are then merged into tests/fuzz/corpus to be committed.
# Prints the executions and any finding; a finding's input is copied to tests/fuzz/regressions/
# and the script exits 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
merge=false
for argument in "$@"; do
  case "$argument" in
    --merge) merge=true ;;
    ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [--merge]" >&2; exit 2 ;;
    *) seconds="$argument" ;;
  esac
done

source "$root/scripts/setup.sh"
SMPSIM_PACKAGES+=(clang-14 libclang-rt-14-dev libomp-14-dev)
smpsim_setup
smpsim_build build-fuzz smpsim_fuzz_config -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DSMPSIM_SANITIZE=fuzzer \
  -DSMPSIM_BENCHMARKS=OFF
build="$root/build-fuzz"

fuzz="$root/tests/fuzz"
mkdir -p "$build/corpus" "$build/findings"
rm -f "$build"/findings/*
log="$build/fuzz.log"
# One process, inputs up to 8 KiB, 10 s and 2 GiB per input; a sweep of many points is only
# validated, not planned (fuzz_config.cpp), so larger inputs are the fuzzer's own waste.
status=0
(cd "$build" && ./smpsim_fuzz_config -max_total_time="$seconds" -max_len=8192 -timeout=10 \
   -rss_limit_mb=2048 -dict="$fuzz/config.dict" -artifact_prefix="$build/findings/" \
   -print_final_stats=1 "$build/corpus" "$fuzz/corpus" "$fuzz/regressions" "$root/configs" \
   "$root/tests/bad_inputs") >"$log" 2>&1 || status=$?

grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)' "$log" || true
grep -E '^#[0-9]+ +DONE' "$log" || true
findings=("$build"/findings/*)
if [ "$status" -ne 0 ] || [ -e "${findings[0]}" ]; then
  grep -E -A25 'ERROR: |runtime error|smpsim fuzz finding|deadly signal|==ERROR' "$log" | head -60 >&2 || true
  for finding in "${findings[@]}"; do
    [ -e "$finding" ] || continue
    known=""
    for regression in "$fuzz"/regressions/*; do
      if cmp -s "$finding" "$regression"; then known="$regression"; fi
    done
    if [ -n "$known" ]; then
      echo "fuzz: the finding is a known regression, tests/fuzz/regressions/$(basename "$known")" >&2
    else
      cp "$finding" "$fuzz/regressions/"
      echo "fuzz: finding kept as tests/fuzz/regressions/$(basename "$finding")" >&2
    fi
  done
  echo "fuzz: FAILED (exit $status); full log in $log" >&2
  exit 1
fi

if $merge; then
  # Keeps the smallest inputs that together reach all the coverage of the old and new corpus.
  merged="$build/merged"
  rm -rf "$merged" && mkdir -p "$merged"
  (cd "$build" && ./smpsim_fuzz_config -merge=1 -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
     "$merged" "$fuzz/corpus" "$build/corpus") >"$build/merge.log" 2>&1
  rm -f "$fuzz"/corpus/*
  cp "$merged"/* "$fuzz/corpus/"
  echo "fuzz: tests/fuzz/corpus now holds $(ls "$fuzz/corpus" | wc -l) inputs" >&2
fi
echo "fuzz: no findings in $seconds s"
