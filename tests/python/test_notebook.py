"""scripts/notebooks/explore.ipynb executes headless, every cell, on a small run, and is kept
without outputs."""
import tempfile
import unittest
from pathlib import Path

import support

NOTEBOOK = support.SOURCE_DIR / "scripts" / "notebooks" / "explore.ipynb"


class ExploreNotebook(unittest.TestCase):
    def test_is_committed_without_outputs(self):
        support.assert_committed_without_outputs(self, NOTEBOOK)

    def test_executes_on_a_small_run(self):
        with tempfile.TemporaryDirectory() as work:
            output = support.run_smpsim(Path(work, "small.h5"))
            outputs = support.execute_notebook(NOTEBOOK, output, timeout=120)
            self.assertEqual([o for o in outputs if o.output_type == "error"], [])
            self.assertEqual(sorted(path.name for path in Path(work, "small_plots").iterdir()),
                             ["healing_timeline.png", "outcome_distributions.png",
                              "region_dots.png"])


if __name__ == "__main__":
    unittest.main()
