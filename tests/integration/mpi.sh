#!/usr/bin/env bash
# MPI: 2 and 3 ranks (oversubscribed) give the one-process run's datasets bit for bit, for a
# plain config, a sweep and a convergence study (which stops where the one-process run stops);
# a failing rank stops the run with a message naming the rank and no complete file.
set -euo pipefail
if ! command -v mpirun >/dev/null; then echo "no mpirun: skipped"; exit 77; fi
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { mpirun --allow-run-as-root --oversubscribe -np "$1" "${@:2}"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compare() { "$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$@"; }

small=(--set technician.dots_per_session=300 --quiet)
sweep=(--set 'sweep.method="grid"' --set 'sweep.parameters={"optics.cap_um"=[50.0, 90.0], "patient.itch.mean"=[1.0, 5.0]}'
       --set sweep.baseline=0)
converge=(--set 'convergence.outcomes=["final_shade"]' --set convergence.rel_half_width=0.01
          --set convergence.batch=48 --set convergence.max_patients=2000
          --set 'sweep.method="grid"' --set 'sweep.parameters={"optics.cap_um"=[50.0, 90.0]}')

for case in plain sweep converge; do
  case $case in
    plain) args=(--patients 200 "${small[@]}") ;;
    sweep) args=(--patients 60 "${small[@]}" "${sweep[@]}") ;;
    converge) args=("${small[@]}" "${converge[@]}") ;;
  esac
  "$SMPSIM" run "${args[@]}" --threads 1 -o "$work/$case-1.h5"
  for ranks in 2 3; do
    mpi "$ranks" "$SMPSIM" run "${args[@]}" --threads 1 -o "$work/$case-$ranks.h5"
    compare "$work/$case-1.h5" "$work/$case-$ranks.h5"
  done
done
# Hybrid: 2 ranks x 2 threads.
mpi 2 "$SMPSIM" run --patients 200 "${small[@]}" --threads 2 -o "$work/hybrid.h5"
compare "$work/plain-1.h5" "$work/hybrid.h5"
"$PYTHON" -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert f.attrs['ranks_used']==2 and f.attrs['threads_used']==2" "$work/hybrid.h5"

# A rank that fails stops them all, naming the rank; nothing claims to be complete.
set +e
mpi 2 "$SMPSIM" run --patients 64 "${small[@]}" --set 'patient.itch={dist="constant",value=1e9}' \
    -o "$work/failed.h5" 2>"$work/failed.txt"
status=$?
set -e
cat "$work/failed.txt"
test "$status" -ne 0
grep -q "smpsim: error: rank [0-9]: patient [0-9]*: more than" "$work/failed.txt"
test ! -e "$work/failed.h5"
echo "MPI runs equal the one-process runs"
