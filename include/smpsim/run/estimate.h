#pragma once

#include <cstdint>
#include <vector>

#include "smpsim/model/parameters.h"
#include "smpsim/run/sweep.h"

namespace smpsim {

// What a study will cost, from a short pilot on this machine (`smpsim check --estimate`): a
// few patients of a few points, simulated on the run's threads and timed.
struct StudyEstimate {
  std::int64_t pilot_points = 0;
  std::int64_t pilot_patients = 0;  // per pilot point
  double pilot_seconds = 0;
  double patients_per_second = 0;  // on `threads` threads of this machine
  int threads = 1;
  // A fixed cohort: patients in the study and its expected wall time.
  std::int64_t patients = 0;
  double seconds = 0;
  // A convergence study: per pilot point, the patients its targets are expected to need
  // (from the pilot's variance; capped at max_patients), and the study's expected total.
  struct PointNeed {
    std::int64_t point;
    // convergence.outcomes' order, then convergence.effects' (paired with the baseline)
    std::vector<std::int64_t> patients_per_outcome;
    std::int64_t patients;  // the largest, in whole batches, capped
  };
  std::vector<PointNeed> needs;
};

// Pilots `pilot_patients` patients at up to `pilot_points` points spread evenly over the plan.
StudyEstimate estimate_study(const Parameters& base, const SweepPlan& plan, int threads,
                             std::int64_t pilot_points = 8, std::int64_t pilot_patients = 24);

}  // namespace smpsim
