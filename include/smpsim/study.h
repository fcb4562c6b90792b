#pragma once

#include <string>
#include <vector>

#include "smpsim/config.h"
#include "smpsim/outcomes.h"
#include "smpsim/sweep.h"
#include "smpsim/writer.h"

namespace smpsim {

struct StudyOptions {
  std::string output;
  bool overwrite = false;
  bool progress = false;  // progress line on stderr
};

struct StudyResult {
  SweepPlan plan;
  std::vector<PointSummary> points;
  SensitivityTable sensitivity;  // Sobol or Morris sweeps
  double seconds = 0;
  int threads = 1;
};

// Runs a study: for each sweep point, for each block (or convergence batch) of patients,
// simulate and stream to the file; then the summary, the paired differences against the
// baseline, and the sensitivity indices. The whole of `smpsim run`.
StudyResult run_study(const Parameters& parameters, const StudyOptions& options);

}  // namespace smpsim
