"""The reader: an smpsim HDF5 output file as pandas objects (docs/interface.md)."""
import tomllib
from functools import cached_property
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

STATISTICS = ["mean", "sem", "p05", "p50", "p95"]  # per outcome in /summary


class IncompleteResultError(RuntimeError):
    """The file comes from a run that has not finished."""


class NotAnSmpsimResultError(RuntimeError):
    """The file is not an smpsim output file (not HDF5, or HDF5 without smpsim's layout)."""


# What every smpsim output file has at its root (docs/interface.md).
REQUIRED_ATTRIBUTES = ["format_version", "smpsim_version", "seed", "config", "complete", "n_points"]


def open_result(path, allow_incomplete=False):
    """Opens an smpsim output file; refuses an unfinished run unless allow_incomplete."""
    return Result(path, allow_incomplete)


def _text(value):
    """A str from an HDF5 string, fixed-length (bytes) or variable-length."""
    return value.decode("utf-8").rstrip("\0") if isinstance(value, bytes) else value


def _plain(value):
    """A Python scalar from an HDF5 attribute value."""
    value = _text(value)
    return value.item() if isinstance(value, np.generic) else value


def _point_group(point):
    return f"/points/{point:06d}"


class Result:
    """An smpsim output file: metadata, tables and daily series as pandas objects."""

    def __init__(self, path, allow_incomplete=False):
        self.path = Path(path)
        partial = Path(f"{path}.partial")
        if not self.path.exists() and partial.exists():
            raise IncompleteResultError(
                f"{path} does not exist but {partial} does: the run has not finished. Finish it "
                f"with `smpsim run ... --resume`, or read what is there with "
                f"smpsim.open_result('{partial}', allow_incomplete=True).")
        if not self.path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        if self.path.is_dir():
            raise NotAnSmpsimResultError(f"{path}: is a directory, not an smpsim output file")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as error:
            raise NotAnSmpsimResultError(
                f"{path}: not an smpsim output file: not a readable HDF5 file ({error})") from None
        missing = [name for name in REQUIRED_ATTRIBUTES if name not in self._file.attrs]
        # A calibration's file holds /calibration instead of /points.
        body = "points" in self._file or "calibration" in self._file
        if missing or not body:
            self._file.close()
            what = ", ".join([f"attribute {name}" for name in missing] +
                             ([] if missing or body else ["group /points"]))
            if not body and missing:
                what += ", group /points"
            raise NotAnSmpsimResultError(f"{path}: not an smpsim output file (missing {what})")
        if not self.complete and not allow_incomplete:
            flag = self._attr("complete")
            self._file.close()
            raise IncompleteResultError(
                f"{path}: an unfinished smpsim run (complete = {flag}"
                f"{', a .partial file' if self.path.suffix == '.partial' else ''}); its tables "
                f"may be short and /summary missing. Finish it with `smpsim run ... --resume`, or "
                f"read what is there with smpsim.open_result(path, allow_incomplete=True).")

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def __repr__(self):
        return (f"<smpsim result {self.path}: {self.n_points} point(s), smpsim {self.version}, "
                f"{'complete' if self.complete else 'INCOMPLETE'}>")

    # ---- metadata --------------------------------------------------------------------------
    def _attr(self, name):
        return _plain(self._file.attrs[name]) if name in self._file.attrs else None

    @property
    def version(self):
        return self._attr("smpsim_version")

    @property
    def commit(self):
        return self._attr("git_commit")

    @property
    def seed(self):
        return self._attr("seed")

    @property
    def format_version(self):
        return self._attr("format_version")

    @property
    def created_utc(self):
        return self._attr("created_utc")

    @property
    def n_points(self):
        return self._attr("n_points")

    @property
    def sweep_method(self):
        """"grid", "lhs", "sobol" or "morris"; None for a plain run (stored as "none")."""
        method = self._attr("sweep_method")
        return None if method in (None, "none") else method

    @property
    def complete(self):
        """True when the run finished: complete = 1 and not a .partial file."""
        return self._attr("complete") == 1 and self.path.suffix != ".partial"

    @property
    def config_text(self):
        """The resolved TOML config of the run."""
        return self._attr("config")

    def config(self):
        """The resolved config as a dict."""
        return tomllib.loads(self.config_text)

    # ---- tables ----------------------------------------------------------------------------
    def _table(self, path):
        frame = pd.DataFrame(self._file[path][:])
        for column in frame.columns[frame.dtypes == object]:
            frame[column] = frame[column].map(_text)
        return frame

    def _point(self, point):
        group = _point_group(point)
        if group not in self._file:
            raise KeyError(f"{self.path}: no point {point} (the file has {self.n_points})")
        return group

    def summary(self):
        """One row per point: point, swept parameters, n_patients, <outcome>_mean/_sem/_p05/
        _p50/_p95 and any further columns; None when the run wrote no summary (unfinished)."""
        return self._table("summary") if "summary" in self._file else None

    def sensitivity(self):
        """The Sobol or Morris indices (parameter, outcome, ...); None for other runs."""
        return self._table("sensitivity") if "sensitivity" in self._file else None

    def calibration(self):
        """A calibration's results (docs/calibration.md), or None for other runs: a dict with
        ``particles`` (one row per particle of every generation: generation, particle, each
        calibrated parameter, distance, weight, each target's simulated statistic),
        ``generations`` (generation, epsilon, acceptance_rate, proposals, wall_seconds),
        ``posterior`` (per parameter: mean, sd, q05, q50, q95 and the prior's), ``targets``
        (target, observed, sd), ``predictive`` (per posterior draw and target: the simulated
        statistic against the observed one; None without a predictive check), ``parameters``
        and ``target_names`` (in the config's order), ``effective_sample_size`` and
        ``stop_reason``."""
        if "calibration" not in self._file:
            return None
        group = self._file["calibration"]
        frames, rows = [], []
        for name in sorted(group["generations"]):
            g = group["generations"][name]
            frame = self._table(f"calibration/generations/{name}/particles")
            frame.insert(0, "generation", int(name))
            frames.append(frame)
            rows.append({"generation": int(name), **{key: _plain(g.attrs[key]) for key in
                         ("epsilon", "acceptance_rate", "proposals", "wall_seconds")}})
        targets = self._table("calibration/targets")
        posterior = self._table("calibration/posterior")
        return {
            "particles": pd.concat(frames, ignore_index=True),
            "generations": pd.DataFrame(rows),
            "posterior": posterior,
            "targets": targets,
            "predictive": (self._table("calibration/predictive")
                           if "predictive" in group else None),
            "parameters": list(posterior.parameter),
            "target_names": list(targets.target),
            "effective_sample_size": float(group.attrs["effective_sample_size"]),
            "stop_reason": _text(group.attrs["stop_reason"]),
        }

    def effects(self):
        """/effects of a sweep with a baseline: one row per point and outcome, with point,
        baseline, the swept values, outcome, mean and sem of the paired difference (point -
        baseline, patient by patient), its 95 % interval (ci_low, ci_high) and sem_ratio (its
        SEM over the unpaired one: what common random numbers bought); None otherwise."""
        return self._table("effects") if "effects" in self._file else None

    def patients(self, point=0):
        """One row per patient: patient_id, attributes and final outcomes."""
        return self._table(f"{self._point(point)}/patients")

    def sessions(self, point=0):
        """One row per session: patient_id, session (1-based), day, dots and the examination."""
        return self._table(f"{self._point(point)}/sessions")

    def daily_names(self, point=0):
        """The daily series of a point; none when the run set run.daily = false."""
        group = self._file[self._point(point)]
        if "daily" not in group:
            return []
        # Less the dimension scales (patient_id, day) that label the series' dimensions.
        return [name for name, dataset in group["daily"].items()
                if _text(dataset.attrs.get("CLASS", b"")) != "DIMENSION_SCALE"]

    def daily(self, name, point=0, wide=False):
        """A daily series at t = k + 0.5 days since session 1: long (patient_id, day, value) or
        wide (index patient_id, one column per day)."""
        group = self._point(point)
        if "daily" not in self._file[group]:
            raise KeyError(f"{self.path}: point {point} has no daily series: the run set "
                           f"run.daily = false")
        if name not in self._file[f"{group}/daily"]:
            raise KeyError(f"{self.path}: no daily series {name!r}; the series are "
                           f"{', '.join(self.daily_names(point))}")
        values = self._file[f"{group}/daily/{name}"][:]
        # An unfinished run may have written a batch's patients but not yet its daily rows.
        patient_ids = self._file[f"{group}/patients"]["patient_id"][:len(values)]
        days = np.arange(values.shape[1]) + 0.5
        if wide:
            return pd.DataFrame(values, index=pd.Index(patient_ids, name="patient_id"),
                                columns=pd.Index(days, name="day"))
        return pd.DataFrame({"patient_id": np.repeat(patient_ids, len(days)),
                             "day": np.tile(days, len(values)),
                             "value": values.ravel()})

    @cached_property
    def _point_values(self):
        groups = self._file["points"]
        return pd.DataFrame([{key: float(value) for key, value in group.attrs.items()}
                             for group in groups.values()],
                            index=pd.Index([int(name) for name in groups], name="point"))

    def points(self):
        """The swept parameters' values, one row per point (no columns for a plain run)."""
        return self._point_values.copy()

    @property
    def parameters(self):
        """The swept parameters' dotted config keys."""
        return list(self._point_values.columns)

    def all_patients(self):
        """Every point's patients in one tidy frame: point, the swept values as columns, then
        the patients table's columns."""
        frames = []
        values = self._point_values
        for point in values.index:
            frame = self.patients(point)
            frame.insert(0, "point", point)
            for i, key in enumerate(values.columns):
                frame.insert(1 + i, key, values.loc[point, key])
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def problem(self):
        """The sweep as a SALib problem dict: num_vars, names and bounds (a range's low and
        high; a grid's smallest and largest value)."""
        swept = self.config().get("sweep", {}).get("parameters", {})
        bounds = [[min(v), max(v)] if isinstance(v, list) else [v["low"], v["high"]]
                  for v in swept.values()]
        return {"num_vars": len(swept), "names": list(swept), "bounds": bounds}

    def to_xarray(self):
        """The daily series and final outcomes as an xarray.Dataset: series over (point,
        patient_id, day), outcomes over (point, patient_id) (final_retained where a series has
        the outcome's name), the swept values as coordinates
        along point and each series' units and long_name as attributes. Points with fewer
        patients (a convergence study) are padded with NaN."""
        import xarray as xr  # Debian's python3-xarray; needed only here

        names = self.daily_names(0)
        if not names:
            raise ValueError(f"{self.path}: the run wrote no daily series (run.daily = false)")
        points = list(self._point_values.index)
        tables = [self.patients(p) for p in points]
        ids = np.unique(np.concatenate([t["patient_id"].to_numpy() for t in tables]))
        first = self._file[f"{_point_group(points[0])}/daily/{names[0]}"]
        days = np.arange(first.shape[1]) + 0.5
        variables = {}
        for name in names:
            cube = np.full((len(points), len(ids), len(days)), np.nan, dtype=np.float32)
            for i, point in enumerate(points):
                values = self._file[f"{_point_group(point)}/daily/{name}"][:]
                rows = np.searchsorted(ids, tables[i]["patient_id"].to_numpy()[:len(values)])
                cube[i, rows] = values
            attrs = {key: _text(value) for key, value in
                     self._file[f"{_point_group(points[0])}/daily/{name}"].attrs.items()
                     if key in ("units", "long_name")}
            variables[name] = (("point", "patient_id", "day"), cube, attrs)
        summary = self.summary()
        summarised = set(summary.columns) if summary is not None else set()
        outcomes = [c for c in tables[0].columns if c != "patient_id" and f"{c}_mean" in summarised]
        for outcome in outcomes:
            matrix = np.full((len(points), len(ids)), np.nan)
            for i, table in enumerate(tables):
                matrix[i, np.searchsorted(ids, table["patient_id"].to_numpy())] = table[outcome]
            # A final outcome named like a daily series (retained) is the series' last word.
            name = f"final_{outcome}" if outcome in variables else outcome
            variables[name] = (("point", "patient_id"), matrix, {"long_name": f"final {outcome}"})
        coords = {"point": points, "patient_id": ids,
                  "day": ("day", days, {"units": "day", "long_name": "t = k + 0.5 since session 1"})}
        for key in self._point_values.columns:
            coords[key] = ("point", self._point_values[key].to_numpy())
        return xr.Dataset(variables, coords=coords,
                          attrs={"seed": self.seed, "smpsim_version": self.version})


def outcome_table(result, point=0):
    """One point's row of /summary as a table: one row per outcome, columns mean, sem, p05,
    p50, p95 and the 95 % interval of the mean (ci_low, ci_high = mean ∓ 1.96 sem)."""
    row = result.summary().set_index("point").loc[point]
    outcomes = [column[:-len("_p05")] for column in row.index if column.endswith("_p05")]
    table = pd.DataFrame([[row[f"{outcome}_{statistic}"] for statistic in STATISTICS]
                          for outcome in outcomes],
                         index=pd.Index(outcomes, name="outcome"), columns=STATISTICS)
    return table.assign(ci_low=table["mean"] - 1.96 * table["sem"],
                        ci_high=table["mean"] + 1.96 * table["sem"])
