#pragma once

// Helpers shared by the model tests: in-process cohorts and standard errors.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "config_text.h"
#include "smpsim/config/config.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/simulation.h"
#include "smpsim/run/engine.h"
#include "smpsim/run/schedule.h"

namespace smpsim::testing {

// Runs patients 0 .. n-1 of `parameters` on every core, in the engine's blocks, and keeps their
// results in memory.
inline std::vector<PatientResult> simulate_cohort(const Parameters& parameters,
                                                  std::int64_t patients) {
  const std::int64_t blocks = (patients + kPatientsPerBlock - 1) / kPatientsPerBlock;
  std::vector<std::vector<PatientResult>> by_block(static_cast<std::size_t>(blocks));
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t first = b * kPatientsPerBlock;
    by_block[static_cast<std::size_t>(b)] =
        simulate_block(parameters, {0, first, std::min(kPatientsPerBlock, patients - first)});
  }
  std::vector<PatientResult> results;
  results.reserve(static_cast<std::size_t>(patients));
  for (auto& block : by_block) std::move(block.begin(), block.end(), std::back_inserter(results));
  return results;
}

// Mean and standard error of f over the cohort.
struct Estimate {
  double mean;
  double sem;
};

template <class Items, class F>
Estimate estimate(const Items& items, F f) {
  RunningMoments moments;
  for (const auto& item : items) moments.add(f(item));
  return {moments.mean(), moments.standard_error()};
}

// The tolerance of every statistical check: four standard errors.
inline constexpr double kSigmas = 4.0;

}  // namespace smpsim::testing
