#!/usr/bin/python3
"""`smpsim trace` of a patient matches that patient's row, sessions and daily series in `run`."""
import csv
import io
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

SMPSIM = os.environ["SMPSIM"]
CONFIG = os.path.join(os.environ["SMPSIM_SOURCE_DIR"], "configs", "default.toml")
PATIENT = 17
SETTINGS = ["--set", "technician.dots_per_session=400"]


def main():
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "run.h5")
        subprocess.run([SMPSIM, "run", CONFIG, "--patients", "40", "--threads", "2", "-o", out,
                        "--quiet"] + SETTINGS, check=True)
        trace = subprocess.run([SMPSIM, "trace", CONFIG, "--patient", str(PATIENT)] + SETTINGS,
                               check=True, capture_output=True, text=True).stdout
        rows = list(csv.DictReader(io.StringIO(trace)))
        with h5py.File(out, "r") as f:
            patients = pd.DataFrame(f["/points/000000/patients"][:])
            sessions = pd.DataFrame(f["/points/000000/sessions"][:])
            group = f["/points/000000/daily"]
            # the series, less the dimension scales that label them (patient_id, day)
            daily = {name: group[name][PATIENT] for name in group
                     if group[name].attrs.get("CLASS") != b"DIMENSION_SCALE"}

    row = patients[patients.patient_id == PATIENT].iloc[0]
    final = [r for r in rows if r["event"] == "final"]
    assert len(final) == 1, f"expected one final event, got {len(final)}"
    outcomes = dict(item.split("=") for item in final[0]["detail"].split(";"))
    densities = [float(d) for d in outcomes.pop("region_density").split("|")]
    assert len(densities) == 16 and all(d >= 0 for d in densities)
    for name, value in outcomes.items():
        assert float(value) == float(row[name]), f"{name}: trace {value} != run {row[name]}"

    starts = [float(r["time"]) for r in rows if r["event"] == "session_start"]
    mine = sessions[sessions.patient_id == PATIENT]
    assert starts == list(mine.day), f"session days: trace {starts} != run {list(mine.day)}"
    exams = [dict(i.split("=") for i in r["detail"].split(";")) for r in rows if r["event"] == "examination"]
    assert [float(e["coverage"]) for e in exams] == list(mine.coverage_at_exam)
    assert [float(e["patchiness"]) for e in exams] == list(mine.patchiness_at_exam)

    observations = [r for r in rows if r["event"] == "observation"]
    for name, series in daily.items():
        traced = np.array([float(dict(i.split("=") for i in r["detail"].split(";"))[name])
                           for r in observations], dtype=np.float32)
        assert np.array_equal(traced, series), f"daily {name} differs"

    times = [float(r["time"]) for r in rows]
    assert times == sorted(times), "trace rows are not in time order"
    punctures = sum(r["event"] == "puncture" for r in rows)
    assert punctures == 400 * len(starts), f"{punctures} punctures for {len(starts)} sessions"
    print(f"trace of patient {PATIENT}: {len(rows)} events match the run "
          f"({len(outcomes)} outcomes, {len(starts)} sessions, {len(daily)} daily series)")


if __name__ == "__main__":
    main()
