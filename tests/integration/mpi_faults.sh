#!/usr/bin/env bash
# MPI faults: SIGTERM to one rank (not rank 0) of a 2-rank run stops the whole run cleanly
# (exit 143, a resumable checkpoint); SIGKILL of one rank leaves the survivor to exit with a
# clear message and a resumable checkpoint; --resume with 1 and with 2 ranks gives the
# uninterrupted run's datasets bit for bit.
set -euo pipefail
if ! command -v mpirun >/dev/null; then echo "no mpirun: skipped"; exit 77; fi
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { mpirun --allow-run-as-root --oversubscribe -np "$1" "${@:2}"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compare() { "$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$@"; }
args=(--patients 960 --set technician.dots_per_session=400 --threads 1 --quiet)
"$SMPSIM" run "${args[@]}" -o "$work/reference.h5"

# The pid of rank $2 among the processes mpirun $1 started.
rank_pid() {
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    if tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$child"
      return
    fi
  done
}

# Starts a 2-rank run into $1, waits for 3 committed blocks, sends $2 to rank $3; leaves the
# exit status in $status and stderr in $1.err.
fault() {
  local output=$1 sig=$2 rank=$3 pid="" waited=0
  mpirun --allow-run-as-root --oversubscribe -np 2 "$SMPSIM" run "${args[@]}" -o "$output" \
    2>"$output.err" &
  local launcher=$!
  while (( $(ls "$output.checkpoint" 2>/dev/null | grep -c '\.block$') < 3 )); do
    sleep 0.01
    waited=$((waited + 1))
    if (( waited > 3000 )); then echo "no blocks after 30 s"; exit 1; fi
  done
  pid=$(rank_pid "$launcher" "$rank")
  test -n "$pid"
  kill -s "$sig" "$pid"
  set +e
  if ! timeout 60 tail --pid="$launcher" -f /dev/null; then
    # A hung run fails here in a minute, not at ctest's timeout: wait would block until then.
    echo "--- $sig to rank $rank: mpirun still running 60 s later; killing it"
    pkill -KILL -P "$launcher"
    kill -s KILL "$launcher"
    wait "$launcher"
    cat "$output.err"
    exit 1
  fi
  wait "$launcher"
  status=$?
  set -e
  echo "--- $sig to rank $rank: exit $status"
  cat "$output.err"
}

# SIGTERM to rank 1: every rank stops, exit 143, resumable; resume on 1 rank.
fault "$work/term.h5" TERM 1
test "$status" -eq 143
grep -q "interrupted (SIGTERM)" "$work/term.h5.err"
test ! -e "$work/term.h5"
test -f "$work/term.h5.checkpoint/manifest.toml"
"$SMPSIM" run "${args[@]}" -o "$work/term.h5" --resume
compare "$work/reference.h5" "$work/term.h5"

# SIGKILL of rank 1: the survivor says so and exits non-zero; resumable; resume on 2 ranks.
fault "$work/kill.h5" KILL 1
test "$status" -ne 0
test ! -e "$work/kill.h5"
test -f "$work/kill.h5.checkpoint/manifest.toml"
grep -Eq "smpsim: (interrupted|error)" "$work/kill.h5.err"
mpi 2 "$SMPSIM" run "${args[@]}" -o "$work/kill.h5" --resume
compare "$work/reference.h5" "$work/kill.h5"

# SIGTERM to rank 0 under MPI: the same clean stop.
fault "$work/term0.h5" TERM 0
test "$status" -eq 143
mpi 2 "$SMPSIM" run "${args[@]}" -o "$work/term0.h5" --resume
compare "$work/reference.h5" "$work/term0.h5"
echo "MPI faults stop cleanly and resume to the identical file"
