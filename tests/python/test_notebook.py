"""scripts/notebooks/explore.ipynb executes headless, every cell, on a small run, and is kept
without outputs."""
import os
import tempfile
import unittest
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import support

NOTEBOOK = support.SOURCE_DIR / "scripts" / "notebooks" / "explore.ipynb"


class ExploreNotebook(unittest.TestCase):
    def test_is_committed_without_outputs(self):
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                self.assertEqual(cell.outputs, [], cell.source[:60])
                self.assertIsNone(cell.execution_count)

    def test_executes_on_a_small_run(self):
        with tempfile.TemporaryDirectory() as work:
            output = support.run_smpsim(Path(work, "small.h5"))
            notebook = nbformat.read(NOTEBOOK, as_version=4)
            os.environ["SMPSIM_OUTPUT"] = str(output)  # the kernel inherits it
            # A failing cell raises CellExecutionError with its traceback.
            NotebookClient(notebook, timeout=120, kernel_name="python3",
                           resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
            errors = [output for cell in notebook.cells if cell.cell_type == "code"
                      for output in cell.outputs if output.output_type == "error"]
            self.assertEqual(errors, [])
            self.assertEqual(sorted(path.name for path in Path(work, "small_plots").iterdir()),
                             ["healing_timeline.png", "outcome_distributions.png",
                              "region_dots.png"])


if __name__ == "__main__":
    unittest.main()
