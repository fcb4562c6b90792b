#!/usr/bin/env bash
# Regenerates docs/images/calibration_posteriors.png from configs/calibrate_example.toml.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/build/smpsim" run "$root/configs/calibrate_example.toml" -o "$work/calibration.h5" --quiet
PYTHONPATH="$root/scripts" /usr/bin/python3 -c "
import sys, smpsim
with smpsim.open_result(sys.argv[1]) as r:
    smpsim.plot_calibration_posteriors(r, sys.argv[2])
" "$work/calibration.h5" "$root/docs/images/calibration_posteriors.png"
