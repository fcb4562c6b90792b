"""What the Python tests share: small smpsim runs, the analysis command, synthetic sweep files
and PNG sizes.

ctest sets SMPSIM (the executable), SMPSIM_SOURCE_DIR and PYTHONPATH=<source>/scripts.
"""
import os
import struct
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

SMPSIM = os.environ["SMPSIM"]
SOURCE_DIR = Path(os.environ["SMPSIM_SOURCE_DIR"])
SCRIPTS = SOURCE_DIR / "scripts"  # the package smpsim and the shim smpsim_analysis.py
DEFAULT_CONFIG = SOURCE_DIR / "configs" / "default.toml"
SMALL_RUN = ["--patients", "60", "--set", "technician.dots_per_session=200", "--threads", "1"]

ATTRIBUTES = ["epidermis_um", "papillary_um", "immune", "fibroblast", "healing", "itch",
              "adherence", "hair_mm_per_day", "contrast", "age"]
OUTCOME_TYPES = {"final_coverage": "f8", "final_shade": "f8", "retained": "f8",
                 "patchiness": "f8", "blowout_fraction": "f8", "sessions": "i4",
                 "treatment_days": "f8", "scratch_episodes": "i4", "early_detachments": "i4",
                 "satisfied": "i1", "redness_resolved_day": "f8", "scabs_cleared_day": "f8"}
DAILY = ["redness", "scabs", "open", "retained", "shade", "seen_shade", "coverage", "hair_mm"]
STATISTICS = ["mean", "sem", "p05", "p50", "p95"]


def run_smpsim(output, *options):
    """A small default run into `output` (a Path); returns it."""
    subprocess.run([SMPSIM, "run", str(DEFAULT_CONFIG), "-o", str(output), "--overwrite",
                    "--quiet", *SMALL_RUN, *options], check=True)
    return output


def environment(package_path=True):
    """This environment with PYTHONPATH = the checkout's scripts/ or, if not package_path,
    without PYTHONPATH."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if package_path:
        environment["PYTHONPATH"] = str(SCRIPTS)
    return environment


def analyse(*arguments, **options):
    """`python3 -m smpsim ARGUMENTS` with the checkout's package: a CompletedProcess with text
    stdout and stderr."""
    return subprocess.run([sys.executable, "-m", "smpsim", *map(str, arguments)],
                          env=environment(), capture_output=True, text=True, **options)


def png_size(path):
    """(width, height) in pixels from a PNG's IHDR chunk."""
    header = Path(path).read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


SWEEP_CONFIG = """\
[run]
patients = {patients}
seed = 1

[protocol]
final_day = 30.0
horizon_days = {horizon}
patchiness_max = 0.15

[technician]
dots_per_session = 200
regions = 16
coverage_target = 0.9

[kinetics]
packets_per_dot = 8

[sweep]
method = "{method}"
samples = 4
[sweep.parameters]
{ranges}
"""


def write_sweep_file(path, method, parameters, n_points=6, patients=12, horizon=20):
    """An HDF5 file with smpsim's output layout for a sweep of `parameters` (dotted keys) by
    `method`: random tables, a /summary with the extra columns later sweeps add and, for sobol
    and morris, a /sensitivity table with fixed-length string columns."""
    rng = np.random.default_rng(7)
    values = rng.uniform(0.5, 2.0, size=(n_points, len(parameters)))
    ranges = "\n".join(f'"{name}" = {{low = 0.5, high = 2.0}}' for name in parameters)
    with h5py.File(path, "w") as f:
        f.attrs["format_version"] = np.int32(1)
        f.attrs["smpsim_version"] = "1.0.0"
        f.attrs["git_commit"] = "synthetic"
        f.attrs["seed"] = np.uint64(1)
        f.attrs["config"] = SWEEP_CONFIG.format(patients=patients, horizon=horizon,
                                                method=method, ranges=ranges)
        f.attrs["complete"] = np.int32(1)
        f.attrs["created_utc"] = "2026-01-01T00:00:00Z"
        f.attrs["n_points"] = np.int64(n_points)
        f.attrs["threads_used"] = np.int64(1)
        f.attrs["sweep_method"] = method

        summary_columns = ([("point", "i8")] + [(name, "f8") for name in parameters]
                           + [("n_patients", "i8")]
                           + [(f"{o}_{s}", "f8") for o in OUTCOME_TYPES for s in STATISTICS]
                           + [("sessions_share_1", "f8"), ("final_coverage_diff_mean", "f8"),
                              ("final_coverage_diff_sem", "f8"),
                              ("final_coverage_half_width", "f8"), ("converged", "i1")])
        summary = np.zeros(n_points, dtype=summary_columns)
        summary["point"] = np.arange(n_points)
        summary["n_patients"] = patients
        for column, name in enumerate(parameters):
            summary[name] = values[:, column]
        for name, _ in summary_columns[len(parameters) + 2:]:
            summary[name] = rng.uniform(0.01, 1.0, n_points)
        f.create_dataset("summary", data=summary)

        for point in range(n_points):
            group = f.create_group(f"points/{point:06d}")
            for column, name in enumerate(parameters):
                group.attrs[name] = values[point, column]
            write_point_tables(group, rng, patients, horizon)

        if method in ("sobol", "morris"):
            indices = (["S1", "S1_conf", "ST", "ST_conf", "noise_share"] if method == "sobol"
                       else ["mu_star", "mu_star_conf", "mu", "sigma"])
            outcomes = ["final_coverage", "patchiness", "retained", "sessions"]
            rows = np.zeros(len(parameters) * len(outcomes),
                            dtype=[("parameter", "S64"), ("outcome", "S32")]
                            + [(name, "f8") for name in indices])
            rows["outcome"] = np.repeat(outcomes, len(parameters))
            rows["parameter"] = np.tile(parameters, len(outcomes))
            for name in indices:
                rows[name] = rng.uniform(0.0, 0.5, len(rows))
            f.create_dataset("sensitivity", data=rows)


def write_point_tables(group, rng, patients, horizon):
    """Random patients, sessions and daily tables of one point."""
    table = np.zeros(patients, dtype=[("patient_id", "i8")] + [(a, "f8") for a in ATTRIBUTES]
                     + list(OUTCOME_TYPES.items()))
    table["patient_id"] = np.arange(patients)
    for name in ATTRIBUTES + ["final_coverage", "final_shade", "retained", "patchiness",
                              "blowout_fraction"]:
        table[name] = rng.uniform(0, 1, patients)
    table["sessions"] = rng.integers(2, 5, patients)
    group.create_dataset("patients", data=table)

    rows = [(p, s, 10.0 * (s - 1), 200, 0.5, 0.1, 2.5)
            for p, count in enumerate(table["sessions"]) for s in range(1, count + 1)]
    sessions = np.array(rows, dtype=[("patient_id", "i8"), ("session", "i4"), ("day", "f8"),
                                     ("dots", "i4"), ("coverage_at_exam", "f8"),
                                     ("patchiness_at_exam", "f8"), ("hair_mm_at_exam", "f8")])
    group.create_dataset("sessions", data=sessions)
    for name in DAILY:
        group.create_dataset(f"daily/{name}",
                             data=rng.uniform(0, 1, (patients, horizon + 1)).astype("f4"))


def assert_committed_without_outputs(test, notebook_path):
    """A notebook is kept without outputs: every code cell unexecuted."""
    import nbformat
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            test.assertEqual(cell.outputs, [], cell.source[:60])
            test.assertIsNone(cell.execution_count)


def execute_notebook(notebook_path, output, timeout):
    """Executes every cell of a notebook headless with SMPSIM_OUTPUT = output (the kernel
    inherits it) and returns the code cells' outputs; a failing cell raises CellExecutionError
    with its traceback."""
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(notebook_path, as_version=4)
    os.environ["SMPSIM_OUTPUT"] = str(output)
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook_path.parent)}}).execute()
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
