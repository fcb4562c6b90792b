#include "smpsim/study.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "smpsim/cohort.h"
#include "smpsim/sensitivity.h"

namespace smpsim {

namespace {

std::size_t outcome_index(const std::string& name) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (kOutcomes[i].name == name) return i;
  }
  return kOutcomeCount;
}

// Simulates one point's patients into the writer: a fixed cohort, or batches until every
// convergence target is met. Returns whether the targets were met.
bool simulate_point(const Parameters& p, int threads, ResultWriter& writer, Progress& progress) {
  const ConvergenceSpec& convergence = p.convergence;
  std::array<RunningMoments, kOutcomeCount> moments;
  const BlockSink sink = [&](std::span<const PatientResult> block) {
    writer.append(block);
    for (const PatientResult& r : block) {
      for (std::size_t i = 0; i < kOutcomeCount; ++i) moments[i].add(r.outcomes[i]);
    }
  };
  if (!convergence.enabled()) {
    run_cohort(p, 0, p.run.patients, threads, sink, progress);
    return true;
  }
  // Batches are fixed blocks of patient ids, and the decision after each depends only on the
  // patients so far, so where a point stops does not depend on threads or ranks.
  for (std::int64_t first = 0; first < convergence.max_patients; first += convergence.batch) {
    const std::int64_t count = std::min(convergence.batch, convergence.max_patients - first);
    run_cohort(p, first, count, threads, sink, progress);
    bool met = true;
    std::ostringstream status;
    for (const std::string& name : convergence.outcomes) {
      const RunningMoments& m = moments[outcome_index(name)];
      const double half_width = kNormal95 * m.standard_error();
      const double target = convergence.rel_half_width > 0
                                ? convergence.rel_half_width * std::abs(m.mean())
                                : convergence.abs_half_width;
      met = met && half_width <= target;
      status << " " << name << " ±" << half_width << " (target " << target << ")";
    }
    progress.set_status(status.str());
    if (met) return true;
  }
  return false;
}

// Paired differences of every point from the baseline, patient by patient.
void add_paired_differences(const ResultWriter& writer, std::int64_t baseline,
                            std::vector<PointSummary>& points) {
  const OutcomeColumns reference = writer.read_outcomes(baseline);
  for (PointSummary& point : points) {
    const OutcomeColumns columns = writer.read_outcomes(point.point);
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      const PairedDifference d = paired_difference(columns[i], reference[i]);
      point.outcomes[i].diff_mean = d.mean;
      point.outcomes[i].diff_sem = d.sem;
    }
  }
}

// Sobol indices of each outcome's point means, with how much of their variance is Monte Carlo
// noise (the points' squared standard errors over the variance of their means) and how much of
// an individual patient's outcome variance is patient to patient.
SensitivityTable sobol_table(const Parameters& parameters, const SweepPlan& plan,
                             const std::vector<PointSummary>& points) {
  SensitivityTable table;
  table.columns = {"S1", "S1_conf", "ST", "ST_conf", "noise_share", "patient_share"};
  for (std::size_t o = 0; o < kOutcomeCount; ++o) {
    std::vector<double> means;
    double noise = 0, within = 0;
    for (const PointSummary& point : points) {
      const OutcomeSummary& s = point.outcomes[o];
      means.push_back(s.mean);
      noise += s.sem * s.sem;
      within += s.sem * s.sem * static_cast<double>(point.patients);
    }
    const double n = static_cast<double>(points.size());
    noise /= n;
    within /= n;
    double mean = 0, between = 0;
    for (double m : means) mean += m / n;
    for (double m : means) between += (m - mean) * (m - mean) / n;
    const double noise_share = between > 0 ? std::min(1.0, noise / between) : (noise > 0 ? 1.0 : 0.0);
    const double patient_share = within + between > 0 ? within / (within + between) : 0.0;
    const auto indices =
        sobol_indices(means, plan.keys.size(), plan.base_samples,
                      static_cast<std::size_t>(parameters.sweep.bootstrap),
                      design_stream(parameters, DesignStream::kSobolBootstrap,
                                    static_cast<std::uint32_t>(o)));
    for (std::size_t i = 0; i < plan.keys.size(); ++i) {
      const SobolIndex& x = indices[i];
      table.rows.push_back({plan.keys[i], std::string(kOutcomes[o].name),
                            {x.s1, x.s1_conf, x.st, x.st_conf, noise_share, patient_share}});
    }
  }
  return table;
}

// Morris elementary effects per unit of each parameter's range, with the noise of one effect:
// the root mean square of its paired (patient by patient) standard error.
SensitivityTable morris_table(const Parameters& parameters, const SweepPlan& plan,
                              const std::vector<PointSummary>& points,
                              const ResultWriter& writer) {
  const std::size_t d = plan.keys.size();
  std::vector<std::array<std::vector<double>, kOutcomeCount>> effects(d), noise(d);
  for (const MorrisStep& step : plan.morris_steps) {
    const SweptParameter& swept = parameters.sweep.parameters[step.parameter];
    const double unit_step =
        (plan.values[step.to][step.parameter] - plan.values[step.from][step.parameter]) /
        (swept.high - swept.low);
    if (unit_step == 0) continue;  // an integer key rounded both ends to the same value
    const OutcomeColumns to = writer.read_outcomes(static_cast<std::int64_t>(step.to));
    const OutcomeColumns from = writer.read_outcomes(static_cast<std::int64_t>(step.from));
    for (std::size_t o = 0; o < kOutcomeCount; ++o) {
      const double change = points[step.to].outcomes[o].mean - points[step.from].outcomes[o].mean;
      effects[step.parameter][o].push_back(change / unit_step);
      noise[step.parameter][o].push_back(paired_difference(to[o], from[o]).sem / std::abs(unit_step));
    }
  }
  SensitivityTable table;
  table.columns = {"mu_star", "mu_star_conf", "mu", "sigma", "ee_noise"};
  for (std::size_t o = 0; o < kOutcomeCount; ++o) {
    for (std::size_t i = 0; i < d; ++i) {
      const MorrisIndex x = morris_index(
          effects[i][o], static_cast<std::size_t>(parameters.sweep.bootstrap),
          design_stream(parameters, DesignStream::kMorrisBootstrap,
                        static_cast<std::uint32_t>(o * d + i)));
      double squares = 0;
      for (double e : noise[i][o]) squares += e * e;
      const double rms = noise[i][o].empty() ? 0 : std::sqrt(squares / static_cast<double>(noise[i][o].size()));
      table.rows.push_back({plan.keys[i], std::string(kOutcomes[o].name),
                            {x.mu_star, x.mu_star_conf, x.mu, x.sigma, rms}});
    }
  }
  return table;
}

}  // namespace

StudyResult run_study(const Parameters& base, const StudyOptions& options) {
  StudyResult result;
  result.plan = plan_sweep(base);
  const SweepPlan& plan = result.plan;
  result.threads = resolve_threads(base.run.threads);

  RunInfo info;
  info.config_toml = to_toml(base);
  info.seed = static_cast<std::uint64_t>(base.run.seed);
  info.points = static_cast<std::int64_t>(plan.points());
  info.threads_used = result.threads;
  info.sweep_method = base.sweep.method;
  ResultWriter writer(options.output, info, options.overwrite);

  const std::int64_t patients_per_point =
      base.convergence.enabled() ? 0 : base.run.patients;  // unknown when converging
  Progress progress(patients_per_point * static_cast<std::int64_t>(plan.points()), options.progress);
  std::int64_t max_sessions = 0;
  for (std::size_t k = 0; k < plan.points(); ++k) {
    const Parameters p = point_parameters(base, plan, k);
    max_sessions = std::max(max_sessions, p.protocol.max_sessions);
  }

  for (std::size_t k = 0; k < plan.points(); ++k) {
    const Parameters p = point_parameters(base, plan, k);
    const auto point = static_cast<std::int64_t>(k);
    progress.set_point(point, static_cast<std::int64_t>(plan.points()));
    writer.begin_point(point, plan.keys, plan.values[k],
                       p.run.daily ? static_cast<std::size_t>(p.protocol.horizon_days + 1) : 0);
    const bool converged = simulate_point(p, result.threads, writer, progress);
    writer.end_point();
    PointSummary summary = summarise(writer.read_outcomes(point), max_sessions);
    summary.point = point;
    summary.parameter_values = plan.values[k];
    summary.converged = converged;
    result.points.push_back(std::move(summary));
  }
  progress.finish();

  if (base.sweep.baseline >= 0) add_paired_differences(writer, base.sweep.baseline, result.points);
  writer.write_summary({plan.keys, base.convergence.enabled(), base.sweep.baseline >= 0},
                       result.points);
  if (plan.method == "sobol") result.sensitivity = sobol_table(base, plan, result.points);
  if (plan.method == "morris") result.sensitivity = morris_table(base, plan, result.points, writer);
  if (!result.sensitivity.rows.empty()) writer.write_sensitivity(result.sensitivity);
  writer.finish();
  result.seconds = progress.seconds();
  return result;
}

}  // namespace smpsim
