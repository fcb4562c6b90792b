#pragma once

// Helpers shared by the model tests: in-process cohorts and standard errors.

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "smpsim/cohort.h"
#include "smpsim/config.h"
#include "smpsim/outcomes.h"

namespace smpsim::testing {

// Runs `patients` patients of `parameters` on every core and keeps their results in memory.
inline std::vector<PatientResult> simulate_cohort(const Parameters& parameters,
                                                  std::int64_t patients) {
  std::vector<PatientResult> results;
  results.reserve(static_cast<std::size_t>(patients));
  Progress quiet(patients, false);
  run_cohort(parameters, 0, patients, resolve_threads(0),
             [&](std::span<const PatientResult> block) {
               results.insert(results.end(), block.begin(), block.end());
             },
             quiet);
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
