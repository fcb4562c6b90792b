"""One patient's events from `smpsim trace`: finding the executable, running and reading a
trace."""
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

# The repository of a source checkout (scripts/smpsim/trace.py), for its build/smpsim.
REPOSITORY = Path(__file__).resolve().parent.parent.parent


def find_smpsim():
    """The smpsim executable: $SMPSIM, the repository's build/smpsim, or smpsim on PATH."""
    candidates = [os.environ.get("SMPSIM"), REPOSITORY / "build" / "smpsim", shutil.which("smpsim")]
    return next((str(c) for c in candidates if c and os.access(c, os.X_OK)), None)


def read_trace(trace):
    """A trace (CSV path, file object or DataFrame) as a DataFrame: time, event, dot, region,
    detail."""
    if isinstance(trace, pd.DataFrame):
        return trace
    return pd.read_csv(trace, dtype={"dot": "Int64", "region": "Int64", "detail": str},
                       keep_default_na=False, na_values={"dot": [""], "region": [""]})


def run_trace(result, patient, point=0, smpsim=None):
    """Patient `patient`'s events at `point`, traced by smpsim with the file's own config."""
    executable = smpsim or find_smpsim()
    if executable is None:
        raise FileNotFoundError("no smpsim executable: set SMPSIM or build build/smpsim")
    with tempfile.TemporaryDirectory() as work:
        config = Path(work, "config.toml")
        config.write_text(result.config_text)
        traced = subprocess.run([executable, "trace", str(config), "--patient", str(patient),
                                 "--point", str(point)], capture_output=True, text=True)
    if traced.returncode != 0:
        raise RuntimeError(f"smpsim trace of patient {patient} failed: {traced.stderr.strip()}")
    return read_trace(io.StringIO(traced.stdout))


def _detail(details, key):
    """The values of `key` in trace details "key=value;key=value"."""
    return details.str.extract(f"(?:^|;){key}=([^;]*)", expand=False)
