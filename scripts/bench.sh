#!/usr/bin/env bash
# scripts/bench.sh [--quick] [--only micro|whole] [--repeat K] [--build DIR] [-- BENCHMARK FLAGS...]
#
# Builds Release into build/ and measures smpsim, writing everything to out/bench/:
#   micro   the Google Benchmark suites (build/bench/bench_*), one JSON per unit:
#           out/bench/bench_<unit>.json; then the kernel against its floor: bench_kernel's ns
#           per default patient over the floor its counts (bench_kernel_counts) cost at the
#           measured unit costs, out/bench/kernel_floor.json
#   whole   whole runs of configs/default.toml under /usr/bin/time -v: patients/s at 1 and 2
#           threads, peak memory at 10^4 and 10^5 patients, time at N and 4N patients and at
#           1x and 4x technician.dots_per_session, the share of wall time spent writing the
#           output, and the cost of one event against the roofline (bench/roofline.cpp, built
#           with the benchmarks as DIR/bench/roofline); out/bench/whole_runs.json
# and prints a table of every figure. --quick divides every patient count by 10 and shortens
# the micro benchmarks (for development; the figures are then rough). --repeat K makes each
# whole run K times and keeps the fastest. Flags after `--` go to every benchmark binary
# (e.g. -- --benchmark_repetitions=5 --benchmark_filter=Pop).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=false
only=all
build=build
repeat=1
benchmark_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --only)
      only="${2:-}"
      shift
      [[ "$only" == micro || "$only" == whole ]] || { echo "bench.sh: --only micro|whole" >&2; exit 2; }
      ;;
    --build) build="${2:?bench.sh: --build DIR}"; shift ;;
    --repeat)
      repeat="${2:-}"
      shift
      [[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --repeat K, K >= 1" >&2; exit 2; }
      ;;
    --) shift; benchmark_flags=("$@"); break ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# ---- Sizes ----------------------------------------------------------------------------------
scale=1
min_time=0.5          # seconds per micro benchmark (Google Benchmark's default)
trace_patients=100    # patients traced to count events
roofline_patients=200  # the roofline's own runs take under a second
if $quick; then
  scale=10
  min_time=0.05
  trace_patients=10
fi
n_patients=$((1000 / scale))          # N: throughput, scaling and output-share runs
memory_small=$((10000 / scale))
memory_large=$((100000 / scale))

out="out/bench"
mkdir -p "$out"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
commit="$(git describe --always --dirty 2>/dev/null || echo unknown)"

# ---- Build ----------------------------------------------------------------------------------
source "$root/scripts/setup.sh"
smpsim_setup
smpsim_build "$build" all -DSMPSIM_BENCHMARKS=ON
smpsim="$root/$build/smpsim"

# ---- Micro benchmarks -----------------------------------------------------------------------
run_micro() {
  local binaries=("$build"/bench/bench_*)
  [ -x "${binaries[0]}" ] || { echo "bench.sh: no benchmark binaries in $build/bench" >&2; exit 1; }
  for binary in "${binaries[@]}"; do
    local unit
    unit="$(basename "$binary")"
    echo "== $unit" >&2
    "$binary" --benchmark_min_time="$min_time" \
      --benchmark_out="$out/$unit.json" --benchmark_out_format=json \
      --benchmark_context="git_commit=$commit,quick=$quick" \
      "${benchmark_flags[@]}" >"$out/$unit.txt" 2>&1 \
      || { cat "$out/$unit.txt" >&2; exit 1; }
  done
  echo
  echo "Micro benchmarks (out/bench/bench_*.json)"
  "$python" - "$out"/bench_*.json <<'EOF'
import json, sys

def si(x, unit):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= factor:
            return f"{x / factor:.3g} {prefix}{unit}"
    return f"{x:.3g} {unit}"

def duration(value, unit):
    ns = value * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
    for factor, name in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if ns >= factor:
            return f"{ns / factor:.3g} {name}"
    return f"{ns:.3g} ns"

# Rates are per CPU second (Google Benchmark's default) unless the benchmark uses real time.
print(f"  {'benchmark':<30} {'real/iter':>10} {'cpu/iter':>10} {'items/s':>10} {'bytes/s':>10}  other")
for path in sys.argv[1:]:
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "mean":
            continue
        items = si(b["items_per_second"], "/s") if "items_per_second" in b else ""
        data = si(b["bytes_per_second"], "B/s") if "bytes_per_second" in b else ""
        other = []
        if "events" in b:
            other.append(f"{si(b['events'], 'events/s')} = {1e9 / b['events']:.0f} ns/event")
        if "events_per_patient" in b:
            other.append(f"{b['events_per_patient']:.0f} events/patient")
        if "raw_bytes_per_patient" in b:
            other.append(f"{b['raw_bytes_per_patient']:.0f} B/patient")
        if "packets" in b:
            other.append(si(b["packets"], "packets/s"))
        if "dots" in b:
            other.append(si(b["dots"], "dots/s"))
        print(f"  {b['name']:<30} {duration(b['real_time'], b['time_unit']):>10} "
              f"{duration(b['cpu_time'], b['time_unit']):>10} {items:>10} {data:>10}  {'; '.join(other)}")
EOF
  kernel_floor
}

# The kernel against its floor (bench/bench_kernel.cpp): what a default patient costs against
# what its work costs at the measured unit costs: every random word at the cost of one in a
# chunk's columns, every normal and exponential at the cost of one in the draw's vector passes,
# every dot look at the cost of one vectorised exp, every output byte at the writer's speed.
# Writes out/bench/kernel_floor.json and prints the counts, the floor and measured / floor.
kernel_floor() {
  local unit
  for unit in bench_kernel bench_kernel_counts bench_rng bench_observation bench_writer; do
    [ -f "$out/$unit.json" ] || { echo "bench.sh: no $out/$unit.json; no kernel floor" >&2; return; }
  done
  echo
  echo "The kernel against its floor (out/bench/kernel_floor.json)"
  "$python" - "$out" <<'EOF'
import json, os, sys

out = sys.argv[1]
def benchmarks(unit):
    return {b["name"]: b for b in json.load(open(os.path.join(out, unit + ".json")))["benchmarks"]
            if b.get("run_type") != "aggregate" or b.get("aggregate_name") == "mean"}
def ns_per_item(b):  # per CPU second, as Google Benchmark's items_per_second
    return 1e9 / b["items_per_second"]

kernel, counts = benchmarks("bench_kernel"), benchmarks("bench_kernel_counts")
rng, observation = benchmarks("bench_rng"), benchmarks("bench_observation")
writer = benchmarks("bench_writer")
cost = {
    # every Philox word at the cost of one in a chunk's columns (eight streams in AVX2 lanes),
    # every normal and exponential at the cost of one in the draw's vector passes (a uniform is
    # its word): a floor, not an estimate
    "word_ns": ns_per_item(rng["BM_StreamColumns"]),
    "normal_ns": ns_per_item(rng["BM_VectorNormal"]),
    "exponential_ns": ns_per_item(rng["BM_VectorExponential"]),
    "vector_exp_ns": ns_per_item(observation["BM_VectorExp"]),
    "writer_ns_per_byte": 1e9 / next(b["bytes_per_second"] for name, b in writer.items()
                                     if name.startswith("BM_WriteOutputFile")),
}
names = ["dots", "packets", "streams", "philox_words", "uniforms", "normals", "exponentials",
         "scalar_exp", "dot_looks", "daily_dot_looks", "present_updates", "bytes_copied",
         "output_bytes"]
report = {"unit_costs": cost, "versions": {}}
for name in sorted(kernel):
    if not name.startswith("BM_KernelPatient/") or name not in counts:
        continue
    c = counts[name]
    draws_ns = (c["philox_words"] * cost["word_ns"] + c["normals"] * cost["normal_ns"]
                + c["exponentials"] * cost["exponential_ns"])
    looks_ns = c["dot_looks"] * cost["vector_exp_ns"]
    writing_ns = c["output_bytes"] * cost["writer_ns_per_byte"]
    floor_ns = draws_ns + looks_ns + writing_ns
    measured_ns = ns_per_item(kernel[name])
    report["versions"][name.split(":")[-1]] = {
        "counts_per_patient": {n: c[n] for n in names}, "draws_ns": draws_ns,
        "looks_ns": looks_ns, "writing_ns": writing_ns, "floor_ns": floor_ns,
        "measured_ns": measured_ns, "measured_over_floor": measured_ns / floor_ns}
json.dump(report, open(os.path.join(out, "kernel_floor.json"), "w"), indent=2)
versions = report["versions"]
def row(label, values, form):
    print(f"  {label:<44}" + "".join(f"{v:>12{form}}" for v in values))
row("per default patient, model.version", list(versions), "")
for n in names:
    row(n, [versions[v]["counts_per_patient"][n] for v in versions], ".0f")
print("  unit costs (ns): " + ", ".join(f"{k.removesuffix('_ns')} {v:.3g}" for k, v in cost.items()))
for key, label in (("draws_ns", "floor: draws"), ("looks_ns", "floor: dot looks"),
                   ("writing_ns", "floor: output bytes"), ("floor_ns", "floor"),
                   ("measured_ns", "measured (bench_kernel, CPU time)")):
    row(label + " (ms/patient)", [versions[v][key] / 1e6 for v in versions], ".3f")
row("measured / floor (target <= 2)", [versions[v]["measured_over_floor"] for v in versions], ".2f")
EOF
}

# ---- Whole runs -----------------------------------------------------------------------------
# Every run is timed by /usr/bin/time -v: wall time, CPU time (user + system) and maximum RSS.
# On a shared machine a 1-thread run's CPU time is the steadier measure of its work, so the
# 1-thread figures give both. With --repeat K each run is made K times and the fastest kept.
runs="$out/runs"                 # each run's /usr/bin/time report and stderr
declare -A wall cpu rss dots_placed  # s, s, MB, dots the technician placed; by run name
run_records=()                   # JSON objects, one per run
figure_rows=()                   # "label|value|note" for the table
figure_json=()                   # "key": value pairs

figure() {  # figure KEY LABEL VALUE [NOTE]; no LABEL: in the JSON only
  if [ -n "$2" ]; then figure_rows+=("$2|$3|${4:-}"); fi
  local value="$3"
  [[ "$value" =~ ^-?[0-9.]+([eE][-+]?[0-9]+)?$ ]] || value="\"$value\""
  figure_json+=("\"$1\": $value")
}

calc() { awk "BEGIN { printf \"%.4g\", $1 }"; }

# "WALL CPU RSS_MB" from a /usr/bin/time -v report.
time_report() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); for (i = 1; i <= n; ++i) w = w * 60 + p[i] }
    /User time \(seconds\)/ { c += $2 }
    /System time \(seconds\)/ { c += $2 }
    /Maximum resident set size/ { m = $2 / 1024 }
    END { printf "%.2f %.2f %.1f", w, c, m }' "$1"
}

# timed NAME COMMAND...: runs COMMAND under /usr/bin/time -v; keeps its report and stderr as
# runs/NAME.time and runs/NAME.stderr when it is NAME's fastest so far. Returns its status.
timed() {
  local name="$1" status=0
  shift
  SMPSIM_TIMINGS=1 /usr/bin/time -v -o "$runs/try.time" "$@" 2>"$runs/try.stderr" || status=$?
  local this best
  read -r this _ <<<"$(time_report "$runs/try.time")"
  best="${wall[$name]:-}"
  if [ -z "$best" ] || awk "BEGIN { exit !($this < $best) }"; then
    mv "$runs/try.time" "$runs/$name.time"
    mv "$runs/try.stderr" "$runs/$name.stderr"
    read -r "wall[$name]" "cpu[$name]" "rss[$name]" <<<"$(time_report "$runs/$name.time")"
  fi
  rm -f "$runs/try.time" "$runs/try.stderr"
  return "$status"
}

record_run() {  # record_run NAME PATIENTS THREADS OPTIONS [DOTS_PLACED]
  local name="$1" patients="$2" threads="$3" options="$4"
  dots_placed[$name]="${5:-null}"
  run_records+=("{\"name\": \"$name\", \"patients\": $patients, \"threads\": $threads, \"options\": \"$options\", \"wall_s\": ${wall[$name]}, \"cpu_s\": ${cpu[$name]}, \"max_rss_mb\": ${rss[$name]}, \"patients_per_s\": $(calc "$patients / ${wall[$name]}"), \"dots_placed\": ${dots_placed[$name]}}")
}

# Mean sessions per patient in a finished output (its /summary), for the work a run did: the
# technician stops early when coverage is reached, so 4x dots per session is not 4x dots.
sessions_mean() {
  "$python" -c 'import sys, h5py; print(float(h5py.File(sys.argv[1], "r")["summary"]["sessions_mean"][0]))' "$1"
}

# time_run NAME PATIENTS THREADS [smpsim run options...]: runs configs/default.toml; a failed
# run stops the script.
time_run() {
  local name="$1" patients="$2" threads="$3"
  shift 3
  local h5="$out/$name.h5" dots="$dots_per_session" option k
  for option in "$@"; do
    [[ "$option" == technician.dots_per_session=* ]] && dots="${option#*=}"
  done
  echo "== $name: $patients patients, $threads thread(s) $*" >&2
  for ((k = 0; k < repeat; ++k)); do
    rm -rf "$h5" "$h5.checkpoint" "$h5.partial"
    timed "$name" "$smpsim" run configs/default.toml --threads "$threads" --patients "$patients" \
      -o "$h5" --overwrite --quiet "$@" || {
      cat "$runs/$name.stderr" >&2
      echo "bench.sh: run $name failed" >&2
      exit 1
    }
  done
  record_run "$name" "$patients" "$threads" "$*" \
    "$(awk -v s="$(sessions_mean "$h5")" "BEGIN { printf \"%.0f\", $patients * s * $dots }")"
  rm -rf "$h5"
}

# Time ratio of run B over run A, and the time exactly 4x A's work (dots placed) would take.
scaling_figures() {  # scaling_figures KEY LABEL A B
  local key="$1" label="$2" a="$3" b="$4"
  local work wall_ratio cpu_ratio
  work="$(calc "${dots_placed[$b]} / ${dots_placed[$a]}")"
  wall_ratio="$(calc "${wall[$b]} / ${wall[$a]}")"
  cpu_ratio="$(calc "${cpu[$b]} / ${cpu[$a]}")"
  figure "${key}_time_ratio" "  $label: time ratio" "$wall_ratio" \
    "CPU time $cpu_ratio; for ${work}x the dots placed"
  figure "${key}_time_for_4x_work" "  $label: time for 4x work (4 x time ratio / work ratio)" \
    "$(calc "4 * $wall_ratio / $work")" "CPU time $(calc "4 * $cpu_ratio / $work"); target <= 4.2"
  figure "${key}_cpu_time_ratio" "" "$cpu_ratio"
  figure "${key}_cpu_time_for_4x_work" "" "$(calc "4 * $cpu_ratio / $work")"
}

# The phase times of a run, when smpsim prints them (SMPSIM_TIMINGS=1):
# "smpsim: timing: total=T simulate=S checkpoint_write=C assemble=A threads=N" (seconds;
# checkpoint_write in thread-seconds). Prints "T S C A N", or nothing.
phase_times() {
  sed -n 's/^smpsim: timing: total=\([0-9.]*\) simulate=\([0-9.]*\) checkpoint_write=\([0-9.]*\) assemble=\([0-9.]*\) threads=\([0-9]*\).*/\1 \2 \3 \4 \5/p' \
    "$runs/$1.stderr" | tail -1
}

# Share of wall time spent writing output (assembling the HDF5 file and writing the checkpoint),
# from the phase times the 1-thread run of N patients (`base`) printed.
measure_output_share() {
  local total simulate checkpoint assemble threads
  read -r total simulate checkpoint assemble threads <<<"$(phase_times "$1")"
  if [ -z "$total" ]; then
    echo "bench.sh: $smpsim printed no timing line; no output share" >&2
    figure output_share "output share of wall time" "n/a"
    return
  fi
  figure output_share "output share of wall time (SMPSIM_TIMINGS), 1 thread" \
    "$(calc "100 * ($assemble + $checkpoint / $threads) / $total")" "% (assembly + checkpoint writes)"
  figure assemble_share "  assembly (HDF5 file) share" "$(calc "100 * $assemble / $total")" "%"
  figure checkpoint_share "  checkpoint writes share" \
    "$(calc "100 * $checkpoint / $threads / $total")" "%"
}

# Events per patient: every row `smpsim trace` prints, i.e. every state change of the model
# within the simulated time: session starts, punctures, clots, scabs forming and coming off,
# closures, inflammation resolving, each packet's encapsulation and exit, scratch episodes,
# examinations, daily observations and the final look. Prints "mean min max".
count_events() {
  local counts="$out/events_per_patient.csv" rows="$runs/trace_rows.tmp" trace="$runs/trace.tmp"
  echo "patient,events" >"$counts"
  : >"$rows"
  local id
  for ((id = 0; id < trace_patients; ++id)); do
    "$smpsim" trace configs/default.toml --patient "$id" | tail -n +2 >"$trace"
    echo "$id,$(wc -l <"$trace")" >>"$counts"
    cut -d, -f2 "$trace" >>"$rows"
  done
  sort "$rows" | uniq -c | sort -rn | awk -v n="$trace_patients" \
    'BEGIN { print "event,per_patient" } { printf "%s,%.1f\n", $2, $1 / n }' >"$out/events_by_kind.csv"
  rm -f "$trace" "$rows"
  awk -F, 'NR > 1 { s += $2; if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
           END { printf "%.0f %d %d", s / (NR - 1), min, max }' "$counts"
}

# smpsim's cost of one event against the roofline's (a bare heap pop + push and one exponential
# draw from Philox, bench/roofline.cpp, built with the benchmarks).
measure_event_cost() {
  local mean min max
  read -r mean min max <<<"$(count_events)"
  figure events_per_patient "events/patient (trace of patients 0..$((trace_patients - 1)))" \
    "$mean" "min $min, max $max; by kind: out/bench/events_by_kind.csv"
  local smpsim_ns smpsim_cpu_ns
  smpsim_ns="$(calc "1e9 * ${wall[threads_1]} / $n_patients / $mean")"
  smpsim_cpu_ns="$(calc "1e9 * ${cpu[threads_1]} / $n_patients / $mean")"
  figure smpsim_ns_per_event "smpsim ns/event (1-thread wall / patients / events)" "$smpsim_ns" \
    "CPU time $smpsim_cpu_ns"
  figure smpsim_cpu_ns_per_event "" "$smpsim_cpu_ns"

  local roofline="$root/$build/bench/roofline"
  if [ ! -x "$roofline" ]; then
    echo "bench.sh: $roofline not built; no roofline" >&2
    figure roofline_ns_per_event "roofline ns/event" "n/a"
    return
  fi
  local line roofline_ns
  line="$("$roofline" 10 "$mean" "$roofline_patients")"
  echo "$line" >"$runs/roofline.txt"
  roofline_ns="$(sed -n 's/.*ns_per_event=\([0-9.]*\).*/\1/p' <<<"$line")"
  figure roofline_ns_per_event "roofline ns/event" "$roofline_ns" \
    "pending 10, $mean events x $roofline_patients patients"
  figure event_cost_ratio "  smpsim / roofline" "$(calc "$smpsim_ns / $roofline_ns")" \
    "CPU time $(calc "$smpsim_cpu_ns / $roofline_ns"); a reference: the target is the kernel's measured / floor"
  figure event_cost_ratio_cpu "" "$(calc "$smpsim_cpu_ns / $roofline_ns")"
}

# join_json INDENT ITEM...: the items one per line, comma-separated, as in a JSON array or object.
join_json() {
  local indent="$1"
  shift
  local IFS=$'\n'
  sed -e "s/^/$indent/" -e '$!s/$/,/' <<<"$*"
}

write_whole_json() {
  {
    echo "{"
    echo "  \"git_commit\": \"$commit\", \"date\": \"$(date -u +%FT%TZ)\", \"host\": \"$(hostname)\","
    echo "  \"cores\": $(nproc), \"quick\": $quick, \"repeat\": $repeat, \"config\": \"configs/default.toml\","
    echo "  \"runs\": ["
    join_json "    " "${run_records[@]}"
    echo "  ],"
    echo "  \"figures\": {"
    join_json "    " "${figure_json[@]}"
    echo "  }"
    echo "}"
  } >"$out/whole_runs.json"
}

run_whole() {
  mkdir -p "$runs"
  dots_per_session="$("$smpsim" check configs/default.toml | awk '$1 == "dots_per_session" { print $3 }')"
  local n4=$((4 * n_patients)) dots4=$((4 * dots_per_session))

  time_run threads_1 "$n_patients" 1
  time_run threads_2 "$n_patients" 2
  figure patients_per_s_1_thread "patients/s, 1 thread, $n_patients patients" \
    "$(calc "$n_patients / ${wall[threads_1]}")"
  figure patients_per_s_2_threads "patients/s, 2 threads, $n_patients patients" \
    "$(calc "$n_patients / ${wall[threads_2]}")"
  figure thread_speedup "  2 threads / 1 thread" "$(calc "${wall[threads_1]} / ${wall[threads_2]}")" "ideal 2"

  time_run memory_small "$memory_small" 2 --set run.daily=true
  time_run memory_large "$memory_large" 2 --set run.daily=true
  figure max_rss_small_mb "max RSS MB, $memory_small patients, 2 threads" "${rss[memory_small]}"
  figure max_rss_large_mb "max RSS MB, $memory_large patients, 2 threads" "${rss[memory_large]}"
  figure max_rss_ratio "  RSS ratio, 10x patients" "$(calc "${rss[memory_large]} / ${rss[memory_small]}")"

  time_run patients_4n "$n4" 1
  time_run dots_4x "$n_patients" 1 --set "technician.dots_per_session=$dots4"
  figure wall_n_s "wall s, $n_patients patients, 1 thread" "${wall[threads_1]}" "CPU ${cpu[threads_1]} s"
  figure wall_4n_s "wall s, $n4 patients, 1 thread" "${wall[patients_4n]}" "CPU ${cpu[patients_4n]} s"
  scaling_figures patients_4x "4x patients" threads_1 patients_4n
  figure wall_dots_4x_s "wall s, $n_patients patients, dots_per_session $dots4, 1 thread" \
    "${wall[dots_4x]}" "CPU ${cpu[dots_4x]} s"
  scaling_figures dots_4x "4x dots/session" threads_1 dots_4x

  measure_output_share threads_1
  measure_event_cost
  write_whole_json

  echo
  echo "Whole runs of configs/default.toml (out/bench/whole_runs.json)$($quick && echo '; --quick: counts / 10')"
  local row label value note
  for row in "${figure_rows[@]}"; do
    IFS='|' read -r label value note <<<"$row"
    printf "  %-66s %10s  %s\n" "$label" "$value" "$note"
  done
}

[ "$only" == whole ] || run_micro
[ "$only" == micro ] || run_whole
