#!/usr/bin/python3
"""The full-size synthetic validation of the calibration (docs/calibration.md): observations from
smpsim at k_enc = 0.40 and cap_um = 95 on 2,000 other patients, a calibration of 200 particles on
cohorts of 200 patients from wide uniform priors, 300 dots per session. Prints generations,
proposals, wall time and the posterior against the truth.

    bench/calibration_validation.py [--threads N] [--keep DIR]   # build/smpsim, or $SMPSIM
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
sys.argv.insert(1, "--full")
import calibration_synthetic  # noqa: E402

calibration_synthetic.main()
