#!/usr/bin/env bash
# Convergence on paired effects: every point but the baseline stops at the first batch whose
# paired effect of `satisfied` from the baseline has the target 95 % half-width, the baseline
# has as many patients as its largest point, and the counts and files are the same at 1 and 2
# threads and at 2 MPI ranks.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--set technician.dots_per_session=200 --set run.daily=false --quiet
      --set 'convergence.effects=["satisfied"]' --set convergence.abs_half_width=0.03
      --set convergence.batch=64 --set convergence.max_patients=4000
      --set sweep.method='"grid"' --set sweep.baseline=0
      --set 'sweep.parameters={"patient.itch.mean"=[3.0, 1.0, 6.0, 12.0]}')
"$SMPSIM" run "${args[@]}" --threads 1 -o "$work/one.h5"
"$SMPSIM" run "${args[@]}" --threads 2 -o "$work/two.h5"
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/one.h5" "$work/two.h5"
if command -v mpirun >/dev/null; then
  export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
  # Under ASan, MPI runs are checked for everything but leaks: Open MPI does not free what its
  # unloaded plugins allocated (scripts/sanitize.sh). Without ASan the option is ignored.
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe -np 2 "$SMPSIM" run "${args[@]}" --threads 1 \
      -o "$work/ranks.h5"
  "$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/one.h5" "$work/ranks.h5"
else
  echo "no mpirun: the 2-rank run is skipped"
fi
"$PYTHON" - "$work/one.h5" <<'PY'
import sys
import h5py, numpy as np, pandas as pd
def half_width(d):
    return 1.959963984540054 * d.std() / np.sqrt(len(d))
with h5py.File(sys.argv[1]) as f:
    summary = pd.DataFrame(f["/summary"][:])
    effects = pd.DataFrame(f["/effects"][:])
    effects["outcome"] = effects.outcome.str.decode("utf-8") if effects.outcome.dtype == object else effects.outcome
    baseline = pd.DataFrame(f["/points/000000/patients"][:])
    counts = summary.n_patients.astype(int).tolist()
    for k in range(1, len(summary)):
        n = counts[k]
        assert summary.converged[k] == 1, f"point {k} did not converge"
        assert n % 64 == 0 and n < 4000, f"point {k}: {n} patients"
        patients = pd.DataFrame(f[f"/points/{k:06d}/patients"][:])
        d = patients.satisfied.astype(float) - baseline.satisfied[:n].astype(float).values
        assert half_width(d) <= 0.03, f"point {k}: half-width {half_width(d)}"
        assert n == 64 or half_width(d[: n - 64]) > 0.03, f"point {k} could have stopped at {n - 64}"
        row = effects[(effects.point == k) & (effects.outcome.astype(str).str.contains("satisfied"))]
        assert np.isclose((row.ci_high - row.ci_low).iloc[0] / 2, half_width(d), rtol=1e-9)
        print(f"point {k}: effect half-width {half_width(d):.4f} at {n} patients")
    assert counts[0] == max(counts[1:]), f"the baseline has {counts[0]} patients, its points {counts[1:]}"
    assert len(set(counts[1:])) > 1, f"every point stopped at {counts[1]}: the test shows nothing"
    print(f"baseline: {counts[0]} patients")
PY
