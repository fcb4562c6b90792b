#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/writer.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/run/sweep.h"

namespace smpsim {

struct StudyOptions {
  std::string output;
  bool overwrite = false;  // replace an existing output or checkpoint
  bool resume = false;     // continue from the checkpoint an interrupted run left
  bool progress = false;   // progress line on stderr
};

// How a study ended: the one value `smpsim run` maps to its exit status.
enum class StudyEnd : std::uint8_t {
  kComplete,             // the file is written and named
  kAlreadyComplete,      // --resume found the output complete: nothing to do
  kInterruptedBySigint,  // stopped between blocks; the checkpoint is resumable
  kInterruptedBySigterm,
  kBadInputElsewhere,  // a rank other than 0: rank 0 refused the input
  kFailedElsewhere,    // a rank other than 0: rank 0 failed before the blocks
};

struct StudyResult {
  SweepPlan plan;
  std::vector<PointSummary> points;
  SensitivityTable sensitivity;                  // Sobol or Morris sweeps
  std::vector<Effect> effects;                   // sweeps with a baseline: /effects
  std::optional<CalibrationResult> calibration;  // a calibration: /calibration
  std::int64_t evaluations = 0;                  // a calibration's cohorts simulated
  double seconds = 0;
  int threads = 1;  // per rank
  int ranks = 1;
  StudyEnd end = StudyEnd::kComplete;
  std::int64_t blocks_done = 0;
  std::int64_t blocks_known = 0;
  // Where the time went (rank 0; `SMPSIM_TIMINGS=1 smpsim run` prints it): wall seconds of
  // the whole run, of simulating blocks, of writing the file; thread-seconds of checkpointing.
  struct Timings {
    double total = 0;
    double simulate = 0;
    double checkpoint_write = 0;
    double assemble = 0;
  } timings;
};

// Runs a study, the whole of `smpsim run`: plan the points; open or resume the checkpoint;
// compute the blocks of patients the schedule releases (all at once, or a convergence batch at
// a time) on all threads and ranks, committing each to the checkpoint; assemble the file point
// by point in patient order, with the summary, the paired differences against the baseline and
// the sensitivity indices; and give it its name.
StudyResult run_study(const Parameters& parameters, const StudyOptions& options);

}  // namespace smpsim
