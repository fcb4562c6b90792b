#!/usr/bin/env bash
# A convergence run meets its target and stops there, identically at 1 and 2 threads.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--set technician.dots_per_session=300
      --set 'convergence.outcomes=["final_shade", "retained"]' --set convergence.rel_half_width=0.01
      --set convergence.batch=64 --set convergence.max_patients=4000
      --set sweep.method='"grid"' --set 'sweep.parameters={"optics.cap_um"=[50.0, 90.0]}')
"$SMPSIM" run "${args[@]}" --threads 1 -o "$work/one.h5" --quiet
"$SMPSIM" run "${args[@]}" --threads 2 -o "$work/two.h5" --quiet
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/one.h5" "$work/two.h5"
"$PYTHON" - "$work/one.h5" <<'PY'
import sys
import h5py, numpy as np, pandas as pd
with h5py.File(sys.argv[1]) as f:
    summary = pd.DataFrame(f["/summary"][:])
    for k, row in summary.iterrows():
        n = int(row.n_patients)
        assert row.converged == 1, f"point {k} did not converge"
        assert n % 64 == 0 and n < 4000, f"point {k}: {n} patients"
        patients = pd.DataFrame(f[f"/points/{k:06d}/patients"][:])
        assert len(patients) == n
        def half_width(x):
            return 1.959963984540054 * x.std() / np.sqrt(len(x))
        for outcome in ["final_shade", "retained"]:
            x = patients[outcome]
            assert np.isclose(row[f"{outcome}_half_width"], half_width(x), rtol=1e-9)
            assert half_width(x) <= 0.01 * abs(x.mean()) * (1 + 1e-12)
        # One batch fewer would not have met both targets: it stopped at the first that did.
        earlier = patients.iloc[: n - 64]
        met = all(half_width(earlier[o]) <= 0.01 * abs(earlier[o].mean()) for o in ["final_shade", "retained"])
        assert n == 64 or not met, f"point {k} could have stopped at {n - 64}"
        print(f"point {k}: converged at {n} patients")
PY
