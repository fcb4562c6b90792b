#pragma once

#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/run/sweep.h"
#include "smpsim/io/writer.h"

namespace smpsim {

struct StudyOptions {
  std::string output;
  bool overwrite = false;  // replace an existing output or checkpoint
  bool resume = false;     // continue from the checkpoint an interrupted run left
  bool progress = false;   // progress line on stderr
};

struct StudyResult {
  SweepPlan plan;
  std::vector<PointSummary> points;
  SensitivityTable sensitivity;  // Sobol or Morris sweeps
  double seconds = 0;
  int threads = 1;  // per rank
  int ranks = 1;
  int worker_status = 0;          // a rank other than 0: the exit status rank 0 announced
  int interrupted_by = 0;         // SIGINT or SIGTERM stopped it: the checkpoint is resumable
  bool already_complete = false;  // --resume found the output complete: nothing to do
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

// Runs a study, the whole of `smpsim run`: plan the sweep's points; simulate every block of
// patients the schedule releases (all at once, or a convergence batch at a time) on all
// threads, committing each to the checkpoint; then write the file point by point in patient
// order, with the summary, the paired differences against the baseline and the sensitivity
// indices, and give it its name.
StudyResult run_study(const Parameters& parameters, const StudyOptions& options);

}  // namespace smpsim
