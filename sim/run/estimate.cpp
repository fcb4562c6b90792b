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
  const ConvergenceSpec& target = base.convergence;
  std::vector<std::int64_t> piloted;
  for (std::int64_t i = 0; i < estimate.pilot_points; ++i) {
    piloted.push_back(i * points / estimate.pilot_points);  // spread evenly over the plan
  }
  // Effect targets pair each piloted point with its baseline: the baselines are piloted too.
  std::vector<std::int64_t> simulated = piloted;
  const bool effects = !target.effects.empty() && !plan.baselines.empty();
  if (effects) {
    for (std::int64_t point : piloted) {
      const std::int64_t baseline = plan.baselines[static_cast<std::size_t>(point)];
      if (std::find(simulated.begin(), simulated.end(), baseline) == simulated.end()) {
        simulated.push_back(baseline);
      }
    }
  }
  // One block of a few patients per thread and point: the pilot runs as the study would, all
  // threads busy, so its rate includes what threads cost each other.
  const std::int64_t per_block = std::max<std::int64_t>(1, pilot_patients / threads);
  std::vector<BlockKey> blocks;
  for (std::int64_t point : simulated) {
    for (std::int64_t first = 0; first < pilot_patients; first += per_block) {
      blocks.push_back({point, first, std::min(per_block, pilot_patients - first)});
    }
  }
  std::vector<std::vector<PatientResult>> results(blocks.size());
  std::vector<Parameters> parameters;
  for (std::int64_t point : simulated) {
    parameters.push_back(point_parameters(base, plan, static_cast<std::size_t>(point)));
  }
  const auto started = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto at =
        std::find(simulated.begin(), simulated.end(), blocks[b].point) - simulated.begin();
    results[b] = simulate_block(parameters[static_cast<std::size_t>(at)], blocks[b]);
  }
  estimate.pilot_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  estimate.patients_per_second =
      static_cast<double>(static_cast<std::int64_t>(simulated.size()) * pilot_patients) /
      estimate.pilot_seconds;

  // A point's pilot patients in patient order (its blocks were made in order).
  const auto patients_of = [&](std::int64_t point) {
    std::vector<const PatientResult*> patients;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      if (blocks[b].point != point) continue;
      for (const PatientResult& r : results[b]) patients.push_back(&r);
    }
    return patients;
  };
  if (!target.enabled()) {
    estimate.patients = base.run.patients * points;
  } else {
    std::int64_t total_needed = 0;
    for (const std::int64_t point : piloted) {
      const auto own = patients_of(point);
      StudyEstimate::PointNeed need{point, {}, 0};
      for (const std::string& name : target.outcomes) {
        RunningMoments moments;
        for (const PatientResult* r : own) moments.add(r->outcomes[outcome_index(name)]);
        need.patients_per_outcome.push_back(patients_for(moments, target));
      }
      // An effect's need from the pilot's paired differences, patient by patient.
      const auto reference =
          effects ? patients_of(plan.baselines[static_cast<std::size_t>(point)]) : own;
      for (const std::string& name : target.effects) {
        RunningMoments differences;
        for (std::size_t i = 0; i < own.size() && effects; ++i) {
          differences.add(own[i]->outcomes[outcome_index(name)] -
                          reference[i]->outcomes[outcome_index(name)]);
        }
        need.patients_per_outcome.push_back(patients_for(differences, target));
      }
      for (const std::int64_t patients : need.patients_per_outcome) {
        need.patients = std::max(need.patients, patients);
      }
      // Patients come in whole batches, at least one, and stop at max_patients.
      need.patients =
          std::min(target.max_patients,
                   std::max<std::int64_t>(1, (need.patients + target.batch - 1) / target.batch) *
                       target.batch);
      estimate.needs.push_back(std::move(need));
    }
    // A baseline grows with its points: it needs as many patients as the largest of them.
    for (StudyEstimate::PointNeed& need : estimate.needs) {
      for (const StudyEstimate::PointNeed& other : estimate.needs) {
        if (effects && plan.baselines[static_cast<std::size_t>(other.point)] == need.point) {
          need.patients = std::max(need.patients, other.patients);
        }
      }
      total_needed += need.patients;
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
