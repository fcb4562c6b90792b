#!/usr/bin/python3
"""Extreme but valid parameters give valid results (or a clear error), never a hang, and never
NaN or inf in any dataset."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import datasets  # noqa: E402

SMPSIM = os.environ["SMPSIM"]
SMALL = ["--patients", "4", "--set", "technician.dots_per_session=48", "--threads", "2"]
CONSTANT = 'patient.{}={{dist="constant",value={}}}'

CASES = {
    "no encapsulation or clearance": ["kinetics.k_enc=0", "kinetics.k_clear=0"],
    "huge rates": ["kinetics.k_enc=1e6", "kinetics.k_clear=1e6", "kinetics.k_release=1e6"],
    "release always recaptured": ["kinetics.recapture=1"],
    "release never recaptured": ["kinetics.recapture=0", "kinetics.k_release=10"],
    "zero itch": [CONSTANT.format("itch", 0)],
    "heavy itch": [CONSTANT.format("itch", 2000)],
    "every scratch tears everything": ["kinetics.p_detach=1", "kinetics.loss_open=1",
                                       "aftercare.cover_protection=0", "kinetics.settle_days=1e6"],
    "no scabs": ["kinetics.scab_probability=0"],
    "moist scabs": ["aftercare.cover_hours_per_day=24", CONSTANT.format("adherence", 1)],
    "horizon shorter than the treatment": ["protocol.horizon_days=5"],
    "horizon of one day": ["protocol.horizon_days=0"],
    "long horizon": ["protocol.horizon_days=3650"],
    "one dot in one region": ["technician.dots_per_session=1", "technician.regions=1"],
    "no attenuation": ["optics.mu_per_um=0"],
    "opaque skin": ["optics.mu_per_um=1"],
    "pigment far too deep": ["technician.target_depth_um=10000", "technician.depth_sd_um=0"],
    "pigment at the surface": ["technician.target_depth_um=10", "technician.depth_sd_um=0"],
    "no new skin": ["optics.hyperplasia_um=0", "optics.cap_um=0"],
    "instant cap": ["optics.cap_days=1e-9", "optics.cap_um=1e5"],
    "hair hides everything": ["optics.hair_obscure_mm=1e-9"],
    "every dot invisible": ["optics.visible_threshold=1e6"],
    "every dot visible": ["optics.visible_threshold=0"],
    "zero pigment": ['technician.pigment_per_dot={dist="constant",value=0}'],
    "always another session": ["technician.density_target=1e6", "protocol.max_sessions=12"],
    "one session touch-up with nothing left": ["protocol.touch_up=true", "protocol.max_sessions=1",
                                               'protocol.prior_density={dist="constant",value=0}'],
    "day-long sessions": ["technician.session_hours=24"],
    "only track packets": ["kinetics.track_share=1"],
    "one packet per dot": ["kinetics.packets_per_dot=1"],
    "64 packets per dot": ["kinetics.packets_per_dot=64"],
    "every distribution degenerate": [
        CONSTANT.format(name, value) for name, value in [
            ("epidermis_um", 70), ("papillary_um", 250), ("immune", 1), ("fibroblast", 1),
            ("healing", 1), ("itch", 3), ("adherence", 0.75), ("hair_mm_per_day", 0.36),
            ("contrast", 0.8), ("age", 40)]] + ["technician.depth_sd_um=0",
                                                'technician.pigment_per_dot={dist="constant",value=1}'],
    "no immune response and no fibroblasts": [CONSTANT.format("immune", 0), CONSTANT.format("fibroblast", 0)],
    "extreme healing": [CONSTANT.format("healing", 1e-3)],
    "instant healing": [CONSTANT.format("healing", 1e4)],
}


def scan(path):
    """Names of datasets (or table columns) holding NaN or inf."""
    bad = []
    with h5py.File(path, "r") as f:
        for name, dataset in datasets(f).items():
            data = dataset[()]
            if data.dtype.names:
                for column in data.dtype.names:
                    if np.issubdtype(data.dtype[column], np.floating) and not np.isfinite(data[column]).all():
                        bad.append(f"{name}:{column}")
            elif np.issubdtype(data.dtype, np.floating) and not np.isfinite(data).all():
                bad.append(name)
    return bad


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for name, settings in CASES.items():
            out = os.path.join(work, name.replace(" ", "_") + ".h5")
            args = [SMPSIM, "run", *SMALL, "-o", out, "--quiet"]
            for setting in settings:
                args += ["--set", setting]
            try:
                result = subprocess.run(args, capture_output=True, text=True, timeout=120)
            except subprocess.TimeoutExpired:
                print(f"FAILED {name}: hung")
                failures += 1
                continue
            if result.returncode != 0:
                ok = result.returncode in (1, 2) and "smpsim: error:" in result.stderr
                print(f"{'ok' if ok else 'FAILED':6} {name}: refused ({result.returncode}): {result.stderr.strip()}")
                failures += not ok
                continue
            bad = scan(out)
            print(f"{'ok' if not bad else 'FAILED':6} {name}" + (f": not finite: {bad}" if bad else ""))
            failures += bool(bad)
    print(f"{len(CASES) - failures} of {len(CASES)} extreme cases handled")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
