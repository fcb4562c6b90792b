"""smpsim's analysis layer: read an smpsim HDF5 output file and draw its standard plots.

With ``PYTHONPATH=scripts`` (or after ``pip install -e scripts/``)::

    import smpsim

    with smpsim.open_result("out/default.h5") as result:
        patients = result.patients()
        smpsim.plot_healing_timeline(result, "healing_timeline.png")

As a program: ``python3 -m smpsim OUT.h5 [--plots DIR]`` prints the file's summary, or writes
every standard plot that applies to the file into DIR and prints the path of each PNG, one
per line.

Modules: smpsim.result (the reader), smpsim.plots (the standard plots), smpsim.trace (one
patient's events from ``smpsim trace``). The file layout is docs/interface.md's.
"""
from .plots import (DISTRIBUTION_OUTCOMES, DPI, EARLY_DAYS, OUTCOME_UNITS, SWEEP_OUTCOMES,
                    TIMELINE_SERIES, plot_calibration_pairs, plot_calibration_posteriors,
                    plot_calibration_predictive, plot_calibration_progress,
                    plot_healing_timeline, plot_morris,
                    plot_outcome_distributions, plot_outcomes_vs_parameters, plot_region_dots,
                    plot_sobol_indices, write_calibration_plots, write_standard_plots)
from .result import (STATISTICS, IncompleteResultError, NotAnSmpsimResultError, Result, open_result,
                     outcome_table)
from .run import RunError, run
from .trace import REPOSITORY, find_smpsim, read_trace, run_trace

# smpsim's version (the project's VERSION in CMakeLists.txt), kept by hand: nothing is read at
# import time.
__version__ = "1.1.0"

__all__ = [
    "__version__",
    # the reader
    "open_result", "Result", "IncompleteResultError", "NotAnSmpsimResultError", "outcome_table",
    "STATISTICS",
    # the standard plots
    "plot_healing_timeline", "plot_outcome_distributions", "plot_outcomes_vs_parameters",
    "plot_sobol_indices", "plot_morris", "plot_region_dots", "write_standard_plots",
    "DPI", "OUTCOME_UNITS", "TIMELINE_SERIES", "DISTRIBUTION_OUTCOMES", "SWEEP_OUTCOMES",
    "EARLY_DAYS",
    # running smpsim
    "run", "RunError",
    # traces
    "find_smpsim", "read_trace", "run_trace", "REPOSITORY",
]
