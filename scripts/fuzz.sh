#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [--merge]: builds the two libFuzzer targets (clang-14, ASan + UBSan)
# into build-fuzz/ and runs each for half of SECONDS (default 60):
#   config  config parsing and validation (tests/fuzz/fuzz_config.cpp), from the kept corpus
#           (tests/fuzz/corpus), the regressions and the seed configs (configs/, tests/bad_inputs/);
#   cli     whole `check` / `trace` command lines, --set included (tests/fuzz/fuzz_cli.cpp), from
#           tests/fuzz/cli_corpus and tests/fuzz/cli_regressions.
# New inputs go to build-fuzz/corpus (build-fuzz/cli_corpus); with --merge, those that add
# coverage are then merged into the kept corpus to be committed. Prints each target's executions
# and any finding; a finding's input is copied to the target's regressions and the script exits 1.
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
smpsim_build build-fuzz smpsim_fuzz_cli
build="$root/build-fuzz"
fuzz="$root/tests/fuzz"
half=$(( seconds / 2 > 0 ? seconds / 2 : 1 ))

# fuzz_target NAME BINARY TIMEOUT KEPT_CORPUS REGRESSIONS [SEED_DIRS...]: runs one target for
# $half s, TIMEOUT s at most per input.
failed=false
fuzz_target() {
  local name="$1" binary="$2" timeout="$3" kept="$4" regressions="$5"
  shift 5
  local work="$build/$name" log="$build/fuzz_$name.log" status=0
  mkdir -p "$work/corpus" "$work/findings" "$regressions"
  rm -f "$work"/findings/*
  # One process, inputs up to 8 KiB, 10 s and 2 GiB per input; a sweep of many points is only
  # validated, not planned (fuzz_config.cpp), so larger inputs are the fuzzer's own waste.
  (cd "$build" && "./$binary" -max_total_time="$half" -max_len=8192 -timeout="$timeout" \
     -rss_limit_mb=2048 -dict="$fuzz/config.dict" -artifact_prefix="$work/findings/" \
     -print_final_stats=1 "$work/corpus" "$kept" "$regressions" "$@") >"$log" 2>&1 || status=$?
  echo "fuzz: target $name ($half s):"
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)' "$log" || true
  grep -E '^#[0-9]+ +DONE' "$log" || true
  local findings=("$work"/findings/*)
  if [ "$status" -ne 0 ] || [ -e "${findings[0]}" ]; then
    grep -E -A25 'ERROR: |runtime error|smpsim fuzz finding|deadly signal|==ERROR' "$log" | head -60 >&2 || true
    for finding in "${findings[@]}"; do
      [ -e "$finding" ] || continue
      local known=""
      for regression in "$regressions"/*; do
        if cmp -s "$finding" "$regression"; then known="$regression"; fi
      done
      if [ -n "$known" ]; then
        echo "fuzz: the finding is a known regression, $known" >&2
      else
        cp "$finding" "$regressions/"
        echo "fuzz: finding kept as $regressions/$(basename "$finding")" >&2
      fi
    done
    echo "fuzz: $name FAILED (exit $status); full log in $log" >&2
    failed=true
    return
  fi
  if $merge; then
    # Keeps the smallest inputs that together reach all the coverage of the old and new corpus.
    local merged="$work/merged"
    rm -rf "$merged" && mkdir -p "$merged"
    (cd "$build" && "./$binary" -merge=1 -max_len=8192 -timeout="$timeout" -rss_limit_mb=2048 \
       "$merged" "$kept" "$work/corpus") >"$work/merge.log" 2>&1
    rm -f "$kept"/*
    cp "$merged"/* "$kept/"
    echo "fuzz: $kept now holds $(ls "$kept" | wc -l) inputs" >&2
  fi
}

fuzz_target config smpsim_fuzz_config 10 "$fuzz/corpus" "$fuzz/regressions" "$root/configs" \
  "$root/tests/bad_inputs"
# `check` plans and checks every point of a sweep, and up to 10^6 are valid: measured on
# 2026-12-03, a 10^6-point grid of six keys took 0.35 s in Release and 4.7 s in this build, an
# lhs of 10^6 points over 16 distribution fields 2.2 s and 26 s (the coverage tracing of every
# comparison costs ~10x). The command-line target allows 120 s an input; a hang still fails.
fuzz_target cli smpsim_fuzz_cli 120 "$fuzz/cli_corpus" "$fuzz/cli_regressions"
if $failed; then exit 1; fi
echo "fuzz: no findings in $seconds s"
