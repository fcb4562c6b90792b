#pragma once

// Helpers shared by the model tests: in-process cohorts and standard errors.

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "smpsim/config.h"
#include "smpsim/outcomes.h"
#include "smpsim/patient.h"
#include "smpsim/simulation.h"

namespace smpsim::testing {

// Runs patients 0 .. n-1 of `parameters` on every core and keeps their results in memory.
inline std::vector<PatientResult> simulate_cohort(const Parameters& parameters,
                                                  std::int64_t patients) {
  std::vector<PatientResult> results(static_cast<std::size_t>(patients));
  const PatientSampler sampler(parameters);
  const auto seed = static_cast<std::uint64_t>(parameters.run.seed);
#pragma omp parallel for schedule(dynamic, 8)
  for (std::int64_t id = 0; id < patients; ++id) {
    results[static_cast<std::size_t>(id)] =
        simulate_patient(parameters, sampler.sample(seed, static_cast<std::uint64_t>(id)));
  }
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
