"""The analysis layer is the package smpsim: it imports from scripts/, `python3 -m smpsim` is its
command, scripts/smpsim_analysis.py still works as a deprecated shim, and `pip install -e
scripts/` works offline into a virtual environment that sees Debian's packages."""
import importlib.util
import re
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

import smpsim
import support

SHIM = support.SCRIPTS / "smpsim_analysis.py"
PACKAGE_INIT = support.SCRIPTS / "smpsim" / "__init__.py"
PLOTS = ["healing_timeline.png", "outcome_distributions.png", "region_dots.png"]


def python(*arguments, executable=sys.executable, package_path=True, cwd=None):
    """Python with `arguments` in `cwd` (default: a directory outside the checkout)."""
    return subprocess.run([str(executable), *map(str, arguments)],
                          env=support.environment(package_path), cwd=cwd or tempfile.gettempdir(),
                          capture_output=True, text=True)


class Package(unittest.TestCase):
    def test_imports_from_scripts(self):
        imported = python("-c", "import smpsim; print(smpsim.__file__); print(smpsim.__version__)"
                                "; print(sorted(set(smpsim.__all__) - set(vars(smpsim))))"
                                "; print(hasattr(smpsim, 'open'))")
        self.assertEqual(imported.returncode, 0, imported.stderr)
        file, version, missing, has_open = imported.stdout.splitlines()
        self.assertEqual(Path(file), PACKAGE_INIT)
        self.assertEqual(version, "1.1.0")
        self.assertEqual(missing, "[]")  # every name of __all__ is there
        self.assertEqual(has_open, "False")  # nothing shadows the builtin open

    def test_version_is_the_projects(self):
        cmake = (support.SOURCE_DIR / "CMakeLists.txt").read_text()
        version = re.search(r"project\(smpsim\s+VERSION\s+([0-9.]+)", cmake).group(1)
        self.assertEqual(smpsim.__version__, version)
        pyproject = (support.SCRIPTS / "pyproject.toml").read_text()
        self.assertRegex(pyproject, rf'(?m)^version = "{re.escape(version)}"')

    def test_submodules(self):
        from smpsim import plots, result, trace
        self.assertIs(smpsim.open_result, result.open_result)
        self.assertIs(smpsim.Result, result.Result)
        self.assertIs(smpsim.write_standard_plots, plots.write_standard_plots)
        self.assertIs(smpsim.run_trace, trace.run_trace)
        self.assertEqual(smpsim.REPOSITORY, support.SOURCE_DIR.resolve())


class Commands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.directory = Path(cls.work.name)
        cls.output = support.run_smpsim(cls.directory / "run.h5")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def assertSummary(self, printed):
        lines = printed.splitlines()
        self.assertEqual(lines[0], f"<smpsim result {self.output}: 1 point(s), smpsim "
                                   f"{smpsim.__version__}, complete>")
        self.assertIn("60 patients", lines)
        self.assertRegex(printed, r"(?m)^final_coverage\s")

    def test_python_m_smpsim_prints_the_summary(self):
        printed = support.analyse(self.output)
        self.assertEqual(printed.returncode, 0, printed.stderr)
        self.assertSummary(printed.stdout)

    def test_python_m_smpsim_help(self):
        helped = support.analyse("--help")
        self.assertEqual(helped.returncode, 0, helped.stderr)
        self.assertTrue(helped.stdout.startswith("usage: python3 -m smpsim "), helped.stdout)

    def test_the_shim_prints_the_same_summary_from_any_directory(self):
        shim = python(SHIM, self.output, package_path=False)
        self.assertEqual(shim.returncode, 0, shim.stderr)
        self.assertEqual(shim.stdout, support.analyse(self.output).stdout)
        self.assertSummary(shim.stdout)

    def test_the_shim_writes_the_plots_from_any_directory(self):
        plots = self.directory / "shim_plots"
        shim = python(SHIM, self.output, "--plots", plots, package_path=False)
        self.assertEqual(shim.returncode, 0, shim.stderr)
        self.assertEqual(shim.stdout.split(), [str(plots / name) for name in PLOTS])
        for name in PLOTS:
            self.assertGreater(support.png_size(plots / name)[0], 0)

    def test_the_shim_keeps_its_name_in_errors(self):
        shim = python(SHIM, self.directory / "missing.h5", package_path=False)
        self.assertEqual(shim.returncode, 1)
        self.assertTrue(shim.stderr.startswith("smpsim_analysis: "), shim.stderr)

    def test_the_shim_reexports_the_package(self):
        import smpsim_analysis as sa
        self.assertEqual(Path(sa.__file__), SHIM)
        for name in smpsim.__all__:
            self.assertIs(getattr(sa, name), getattr(smpsim, name), name)
        with self.assertWarnsRegex(DeprecationWarning, "smpsim.open_result"):
            result = sa.open(self.output)
        with result:
            self.assertIsInstance(result, smpsim.Result)
            self.assertEqual(len(result.patients()), 60)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            smpsim.open_result(self.output).close()  # the package's entry point does not warn


class EditableInstall(unittest.TestCase):
    """`pip install --no-build-isolation --no-index -e scripts/` in a --system-site-packages
    venv, offline: then smpsim imports from the checkout without PYTHONPATH."""

    def test_offline_editable_install_into_a_venv(self):
        if not all(importlib.util.find_spec(name) for name in ("venv", "ensurepip")):
            self.skipTest(f"{sys.executable} has no venv/ensurepip (Debian: apt-get install "
                          f"python3-venv)")
        before = self.listing()
        with tempfile.TemporaryDirectory() as work:
            venv = Path(work, "venv")
            created = python("-m", "venv", "--system-site-packages", venv, package_path=False)
            if created.returncode != 0 and "ensurepip" in created.stdout + created.stderr:
                self.skipTest(f"venv cannot bootstrap pip: {created.stdout + created.stderr}")
            self.assertEqual(created.returncode, 0, created.stdout + created.stderr)
            installed = python("-m", "pip", "install", "--no-build-isolation", "--no-index",
                               "--no-input", "-e", support.SCRIPTS,
                               executable=venv / "bin" / "python", package_path=False)
            self.assertEqual(installed.returncode, 0, installed.stdout + installed.stderr)
            imported = python("-c", "import smpsim; print(smpsim.__file__)",
                              executable=venv / "bin" / "python", package_path=False, cwd=work)
            self.assertEqual(imported.returncode, 0, imported.stderr)
            self.assertEqual(Path(imported.stdout.strip()), PACKAGE_INIT)
            helped = python("-m", "smpsim", "--help", executable=venv / "bin" / "python",
                            package_path=False, cwd=work)
            self.assertEqual(helped.returncode, 0, helped.stderr)
            self.assertIn("usage: python3 -m smpsim", helped.stdout)
        self.assertEqual(self.listing(), before, "the install left files in scripts/")

    @staticmethod
    def listing():
        """The files under scripts/ but __pycache__, a build's leftovers included."""
        return sorted(str(path.relative_to(support.SCRIPTS))
                      for path in support.SCRIPTS.rglob("*") if "__pycache__" not in path.parts)


if __name__ == "__main__":
    unittest.main()
