"""Each standard plot writes a PNG of the expected size (150 dpi): on a small run, on a trace,
and, for sweeps and sensitivity analyses, on synthetic files with the output layout."""
import subprocess
import tempfile
import unittest
from pathlib import Path

import smpsim
import support


class PlotTest(unittest.TestCase):
    def assertPng(self, path, width, height):
        """A PNG of width x height pixels, give or take the rounding of inches x dpi."""
        self.assertTrue(Path(path).is_file(), path)
        self.assertGreater(Path(path).stat().st_size, 10_000, path)
        actual = support.png_size(path)
        self.assertLessEqual(abs(actual[0] - width), 1, f"{path}: {actual}")
        self.assertLessEqual(abs(actual[1] - height), 1, f"{path}: {actual}")


class PlotsOfARun(PlotTest):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.directory = Path(cls.work.name)
        cls.result = smpsim.open_result(support.run_smpsim(cls.directory / "run.h5"))

    @classmethod
    def tearDownClass(cls):
        cls.result.close()
        cls.work.cleanup()

    def test_healing_timeline(self):
        path = smpsim.plot_healing_timeline(self.result, self.directory / "timeline.png")
        self.assertPng(path, 1500, 1200)

    def test_outcome_distributions(self):
        path = smpsim.plot_outcome_distributions(self.result, self.directory / "outcomes.png")
        self.assertPng(path, 1800, 1050)

    def test_region_dots_from_a_trace_file_and_a_frame(self):
        csv = self.directory / "patient5.csv"
        config = self.directory / "config.toml"
        config.write_text(self.result.config_text)
        with csv.open("w") as out:
            subprocess.run([support.SMPSIM, "trace", str(config), "--patient", "5"], stdout=out,
                           check=True)
        sessions = self.result.patients().sessions[5]
        width = round(3.3 * (sessions + 3) * 150)  # sessions, all, final look, torn off
        self.assertPng(smpsim.plot_region_dots(csv, self.directory / "dots_csv.png",
                                               self.result.config()), width, 540)
        trace = smpsim.run_trace(self.result, 5)
        self.assertEqual((trace.event == "puncture").sum(), 200 * sessions)
        self.assertPng(smpsim.plot_region_dots(trace, self.directory / "dots_frame.png",
                                               self.result.config()), width, 540)

    def test_the_command_writes_and_lists_the_standard_plots(self):
        plots = self.directory / "plots"
        listed = support.analyse(self.result.path, "--plots", plots, check=True).stdout.split()
        self.assertEqual([Path(path).name for path in listed],
                         ["healing_timeline.png", "outcome_distributions.png", "region_dots.png"])
        for path in listed:
            self.assertGreater(support.png_size(path)[0], 0)

    def test_the_command_prints_the_summary(self):
        printed = support.analyse(self.result.path, check=True).stdout
        self.assertIn("60 patients", printed)
        self.assertIn("final_coverage", printed)


class PlotsOfSweeps(PlotTest):
    PARAMETERS = ["technician.target_depth_um", "patient.itch.mean"]

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.directory = Path(cls.work.name)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def sweep(self, method):
        path = self.directory / f"{method}.h5"
        support.write_sweep_file(path, method, self.PARAMETERS)
        return smpsim.open_result(path)

    def test_outcomes_against_parameters(self):
        with self.sweep("grid") as result:
            path = smpsim.plot_outcomes_vs_parameters(result, self.directory / "vs.png")
            # 8 outcomes by 2 parameters
            self.assertPng(path, 3120, 810)

    def test_sobol_indices(self):
        with self.sweep("sobol") as result:
            # 4 outcomes: panels 3 + 1
            self.assertPng(smpsim.plot_sobol_indices(result, self.directory / "sobol.png"),
                           1800, 1095)

    def test_morris(self):
        with self.sweep("morris") as result:
            self.assertPng(smpsim.plot_morris(result, self.directory / "morris.png"), 1890, 1095)

    def test_per_patient_plots_of_a_sweep_point(self):
        with self.sweep("lhs") as result:
            self.assertPng(smpsim.plot_healing_timeline(result, self.directory / "t.png",
                                                        point=3), 1500, 1200)
            self.assertPng(smpsim.plot_outcome_distributions(result, self.directory / "o.png",
                                                             point=3), 1800, 1050)


if __name__ == "__main__":
    unittest.main()
