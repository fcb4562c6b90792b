"""scripts/notebooks/paired_effects.ipynb executes headless, every cell: it runs
configs/paired_effects.toml through smpsim.run into a temporary file, reads its effects and
draws its figure; it is kept without outputs."""
import tempfile
import unittest
from pathlib import Path

import support
import smpsim

NOTEBOOK = support.SOURCE_DIR / "scripts" / "notebooks" / "paired_effects.ipynb"


class PairedEffectsNotebook(unittest.TestCase):
    def test_is_committed_without_outputs(self):
        support.assert_committed_without_outputs(self, NOTEBOOK)

    def test_executes_the_study(self):
        with tempfile.TemporaryDirectory() as work:
            output = Path(work, "paired_effects.h5")  # the kernel also inherits SMPSIM
            outputs = support.execute_notebook(NOTEBOOK, output, timeout=240)
            self.assertEqual([o for o in outputs if o.output_type == "error"], [])
            self.assertEqual(sum("image/png" in o.get("data", {}) for o in outputs), 1)
            with smpsim.open_result(output) as result:
                self.assertEqual(result.n_points, 27)
                effects = result.effects()
                # Adherence 0 is every point's baseline: 9 baselines, each with 3 points.
                baselines = result.points().loc[effects.baseline.unique()]
                self.assertEqual(len(baselines), 9)
                self.assertTrue((baselines["patient.adherence.value"] == 0.0).all())


if __name__ == "__main__":
    unittest.main()
