#include "smpsim/run/estimate.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "smpsim/model/outcomes.h"
#include "smpsim/run/engine.h"

namespace smpsim {

namespace {

// The patients a 95 % half-width target needs: (1.96 sd / half-width)^2.
std::int64_t patients_for(const RunningMoments& moments, const ConvergenceSpec& target) {
  const double sd = std::sqrt(moments.variance());
  const double half_width = target.abs_half_width > 0
                                ? target.abs_half_width
                                : target.rel_half_width * std::abs(moments.mean());
  if (!(half_width > 0)) return target.max_patients;  // a mean of 0 has no relative width
  const double needed = std::ceil(std::pow(kNormal95 * sd / half_width, 2));
  return static_cast<std::int64_t>(std::min(needed, static_cast<double>(target.max_patients)));
}

}  // namespace

StudyEstimate estimate_study(const Parameters& base, const SweepPlan& plan, int threads,
                             std::int64_t pilot_points, std::int64_t pilot_patients) {
  StudyEstimate estimate;
  estimate.threads = threads;
  const auto points = static_cast<std::int64_t>(plan.points());
  estimate.pilot_points = std::min(pilot_points, points);
  estimate.pilot_patients = pilot_patients;
  std::vector<std::int64_t> piloted;
  for (std::int64_t i = 0; i < estimate.pilot_points; ++i) {
    piloted.push_back(i * points / estimate.pilot_points);  // spread evenly over the plan
  }
  // One block of a few patients per thread and point: the pilot runs as the study would, all
  // threads busy, so its rate includes what threads cost each other.
  const std::int64_t per_block = std::max<std::int64_t>(1, pilot_patients / threads);
  std::vector<BlockKey> blocks;
  for (std::int64_t point : piloted) {
    for (std::int64_t first = 0; first < pilot_patients; first += per_block) {
      blocks.push_back({point, first, std::min(per_block, pilot_patients - first)});
    }
  }
  std::vector<std::vector<PatientResult>> results(blocks.size());
  std::vector<Parameters> parameters;
  for (std::int64_t point : piloted) {
    parameters.push_back(point_parameters(base, plan, static_cast<std::size_t>(point)));
  }
  const auto started = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto at = std::find(piloted.begin(), piloted.end(), blocks[b].point) - piloted.begin();
    results[b] = simulate_block(parameters[static_cast<std::size_t>(at)], blocks[b]);
  }
  estimate.pilot_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  estimate.patients_per_second =
      static_cast<double>(estimate.pilot_points * pilot_patients) / estimate.pilot_seconds;

  const ConvergenceSpec& target = base.convergence;
  if (!target.enabled()) {
    estimate.patients = base.run.patients * points;
  } else {
    std::int64_t total_needed = 0;
    for (std::size_t i = 0; i < piloted.size(); ++i) {
      std::vector<RunningMoments> moments(target.outcomes.size());
      for (std::size_t b = 0; b < blocks.size(); ++b) {
        if (blocks[b].point != piloted[i]) continue;
        for (const PatientResult& r : results[b]) {
          for (std::size_t o = 0; o < target.outcomes.size(); ++o) {
            moments[o].add(r.outcomes[outcome_index(target.outcomes[o])]);
          }
        }
      }
      StudyEstimate::PointNeed need{piloted[i], {}, 0};
      for (const RunningMoments& m : moments) {
        need.patients_per_outcome.push_back(patients_for(m, target));
        need.patients = std::max(need.patients, need.patients_per_outcome.back());
      }
      // Patients come in whole batches, at least one, and stop at max_patients.
      need.patients =
          std::min(target.max_patients,
                   std::max<std::int64_t>(1, (need.patients + target.batch - 1) / target.batch) *
                       target.batch);
      total_needed += need.patients;
      estimate.needs.push_back(std::move(need));
    }
    // The points not piloted are expected to need what the piloted ones did on average.
    estimate.patients = static_cast<std::int64_t>(
        std::llround(static_cast<double>(total_needed) / static_cast<double>(piloted.size()) *
                     static_cast<double>(points)));
  }
  estimate.seconds = static_cast<double>(estimate.patients) / estimate.patients_per_second;
  return estimate;
}

}  // namespace smpsim
