"""Read smpsim's HDF5 output and draw its standard plots.

``python3 -m smpsim OUT.h5 [--plots DIR]`` prints the file's summary, or writes every standard
plot that applies to the file into DIR and prints the path of each PNG, one per line.
"""
import argparse

from .plots import write_standard_plots
from .result import IncompleteResultError, NotAnSmpsimResultError, open_result, outcome_table


def _print_summary(result):
    print(result)
    print(f"seed {result.seed}, commit {result.commit}, created {result.created_utc}")
    calibration = result.calibration()
    if calibration is not None:
        print(calibration["generations"].to_string(index=False))
        print(calibration["posterior"].to_string(index=False))
        print(f"effective sample size {calibration['effective_sample_size']:.1f}, stopped by "
              f"{calibration['stop_reason']}")
        return
    summary = result.summary()
    if summary is None:
        print("no /summary: the run did not finish")
    elif result.n_points == 1:
        print(f"{summary.n_patients[0]} patients")
        print(outcome_table(result).to_string(float_format="%.4g"))
    else:
        means = [column for column in summary.columns if column.endswith("_mean")]
        print(summary[["point", *result.parameters, "n_patients", *means]].to_string(
            max_rows=40, float_format="%.4g"))


def main(argv=None, prog="python3 -m smpsim"):
    """The command: `prog` names it in the usage and, as its first word, in error messages."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="an smpsim HDF5 output file")
    parser.add_argument("--plots", metavar="DIR",
                        help="write the standard plots into DIR and print their paths")
    parser.add_argument("--patient", type=int, default=0,
                        help="patient whose trace the region grid shows (default 0)")
    parser.add_argument("--smpsim", help="the smpsim executable for the trace "
                                         "(default $SMPSIM or build/smpsim)")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="read an unfinished run's file")
    arguments = parser.parse_args(argv)
    try:
        with open_result(arguments.output, arguments.allow_incomplete) as result:
            if arguments.plots is None:
                _print_summary(result)
            else:
                for path in write_standard_plots(result, arguments.plots, arguments.patient,
                                                 arguments.smpsim):
                    print(path)
    except NotAnSmpsimResultError as error:  # bad input
        parser.exit(2, f"{prog.split()[-1].removesuffix('.py')}: {error}\n")
    except (IncompleteResultError, OSError, RuntimeError) as error:
        parser.exit(1, f"{prog.split()[-1].removesuffix('.py')}: {error}\n")
    except (KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        parser.exit(1, f"{prog.split()[-1].removesuffix('.py')}: error: {message}\n")
    except Exception as error:  # never a traceback: say what failed, on which file
        parser.exit(1, f"{prog.split()[-1].removesuffix('.py')}: error: {arguments.output}: "
                       f"{type(error).__name__}: {error}\n")


if __name__ == "__main__":
    main()
