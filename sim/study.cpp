#include "smpsim/study.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>

#include "smpsim/checkpoint.h"
#include "smpsim/progress.h"
#include "smpsim/error.h"
#include "smpsim/patient.h"
#include "smpsim/schedule.h"
#include "smpsim/sensitivity.h"
#include "smpsim/simulation.h"

namespace smpsim {

namespace {

namespace fs = std::filesystem;

// The signal that asked the run to stop (SIGINT, SIGTERM), or 0. Workers check it between
// blocks, so a stop leaves every finished block in the checkpoint.
std::atomic<int> stop_signal{0};

extern "C" void request_stop(int signal) { stop_signal.store(signal); }

class StopOnSignals {
 public:
  StopOnSignals() {
    stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_interrupt_);
    sigaction(SIGTERM, &action, &previous_terminate_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &previous_interrupt_, nullptr);
    sigaction(SIGTERM, &previous_terminate_, nullptr);
  }

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

std::vector<PatientResult> simulate_block(const Parameters& p, const BlockKey& key) {
  const PatientSampler sampler(p);
  const auto seed = static_cast<std::uint64_t>(p.run.seed);
  std::vector<PatientResult> results;
  results.reserve(static_cast<std::size_t>(key.count));
  for (std::int64_t id = key.first; id < key.first + key.count; ++id) {
    results.push_back(simulate_patient(p, sampler.sample(seed, static_cast<std::uint64_t>(id))));
  }
  return results;
}

std::vector<Outcomes> outcomes_of(const std::vector<PatientResult>& results) {
  std::vector<Outcomes> outcomes;
  for (const PatientResult& r : results) outcomes.push_back(r.outcomes);
  return outcomes;
}

// Simulates every block the schedule releases on `threads` threads, committing each to the
// checkpoint as it finishes; blocks the checkpoint already holds are read instead. Returns the
// signal that stopped it, or 0 when the schedule finished.
int simulate_blocks(const std::vector<Parameters>& points, Schedule& schedule,
                    const Checkpoint& checkpoint, const std::set<BlockKey>& committed,
                    int threads, Progress& progress) {
  std::mutex lock;
  std::condition_variable changed;
  std::exception_ptr failure;
  std::int64_t busy = 0;

#pragma omp parallel num_threads(threads)
  while (true) {
    BlockKey key;
    {
      std::unique_lock guard(lock);
      std::optional<BlockKey> next;
      // Wait for a released block; more may come when a convergence batch completes.
      while (!failure && stop_signal == 0 && !(next = schedule.next())) {
        if (schedule.finished() || busy == 0) break;
        changed.wait_for(guard, std::chrono::milliseconds(100));
      }
      if (!next) break;
      key = *next;
      ++busy;
    }
    std::vector<Outcomes> outcomes;
    try {
      if (committed.count(key)) {
        BlockKey stored;
        outcomes = outcomes_of(deserialize_block(checkpoint.read(key), stored,
                                                 checkpoint.directory().string()));
      } else {
        const std::vector<PatientResult> results =
            simulate_block(points[static_cast<std::size_t>(key.point)], key);
        checkpoint.commit(key, serialize_block(key, results));
        outcomes = outcomes_of(results);
      }
    } catch (...) {
      const std::lock_guard guard(lock);
      if (!failure) failure = std::current_exception();
      --busy;
      changed.notify_all();
      continue;
    }
    const std::lock_guard guard(lock);
    --busy;
    schedule.complete(key, std::move(outcomes));
    progress.set_status(schedule.status());
    progress.advance(key.count);
    changed.notify_all();
  }
  if (failure) std::rethrow_exception(failure);
  return schedule.finished() ? 0 : stop_signal.load();
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
    const double noise_share =
        between > 0 ? std::min(1.0, noise / between) : (noise > 0 ? 1.0 : 0.0);
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
      const double change =
          points[step.to].outcomes[o].mean - points[step.from].outcomes[o].mean;
      effects[step.parameter][o].push_back(change / unit_step);
      noise[step.parameter][o].push_back(paired_difference(to[o], from[o]).sem /
                                         std::abs(unit_step));
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
      const double rms =
          noise[i][o].empty() ? 0 : std::sqrt(squares / static_cast<double>(noise[i][o].size()));
      table.rows.push_back({plan.keys[i], std::string(kOutcomes[o].name),
                            {x.mu_star, x.mu_star_conf, x.mu, x.sigma, rms}});
    }
  }
  return table;
}

// Writes the checkpointed blocks, point by point in patient order, into the HDF5 layout, with
// the summary and sensitivity indices, and gives the file its name.
void assemble(const Parameters& base, const std::vector<Parameters>& points,
              const Schedule& schedule, const Checkpoint& checkpoint, const RunInfo& info,
              const std::string& output, StudyResult& result) {
  const SweepPlan& plan = result.plan;
  ResultWriter writer(output, info);
  std::int64_t max_sessions = 0;
  for (const Parameters& p : points) max_sessions = std::max(max_sessions, p.protocol.max_sessions);
  for (std::size_t k = 0; k < points.size(); ++k) {
    const Parameters& p = points[k];
    const auto point = static_cast<std::int64_t>(k);
    writer.begin_point(point, plan.keys, plan.values[k],
                       p.run.daily ? static_cast<std::size_t>(p.protocol.horizon_days + 1) : 0);
    for (const BlockKey& key : schedule.blocks_of(point)) {
      BlockKey stored;
      writer.append(deserialize_block(checkpoint.read(key), stored, checkpoint.directory().string()));
    }
    writer.end_point();
    PointSummary summary = summarise(writer.read_outcomes(point), max_sessions);
    summary.point = point;
    summary.parameter_values = plan.values[k];
    summary.converged = schedule.converged(point);
    result.points.push_back(std::move(summary));
  }
  if (base.sweep.baseline >= 0) add_paired_differences(writer, base.sweep.baseline, result.points);
  writer.write_summary({plan.keys, base.convergence.enabled(), base.sweep.baseline >= 0},
                       result.points);
  if (plan.method == "sobol") result.sensitivity = sobol_table(base, plan, result.points);
  if (plan.method == "morris") result.sensitivity = morris_table(base, plan, result.points, writer);
  if (!result.sensitivity.rows.empty()) writer.write_sensitivity(result.sensitivity);
  writer.finish();
}

}  // namespace

StudyResult run_study(const Parameters& base, const StudyOptions& options) {
  StudyResult result;
  result.plan = plan_sweep(base);
  const SweepPlan& plan = result.plan;
  result.threads = resolve_threads(base.run.threads);
  std::vector<Parameters> points;
  for (std::size_t k = 0; k < plan.points(); ++k) points.push_back(point_parameters(base, plan, k));

  RunInfo info;
  info.config_toml = to_toml(base);
  info.seed = static_cast<std::uint64_t>(base.run.seed);
  info.points = static_cast<std::int64_t>(plan.points());
  info.threads_used = result.threads;
  info.sweep_method = base.sweep.method;

  const fs::path checkpoint_path = checkpoint_directory(options.output);
  std::error_code error;
  const bool resumable = options.resume && fs::exists(checkpoint_path / "manifest.toml", error);
  if (options.resume && !resumable && is_complete_output(options.output)) {
    result.already_complete = true;
    return result;
  }
  check_output_path(options.output, options.overwrite || resumable);
  if (!options.overwrite && !resumable && fs::exists(checkpoint_path, error)) {
    throw InputError(checkpoint_path.string() + ": an interrupted run left this checkpoint; "
                     "continue it with --resume, or start over with --overwrite");
  }
  const Checkpoint checkpoint(checkpoint_path, info.config_toml, info.seed, resumable);
  const std::vector<BlockKey> done = resumable ? checkpoint.committed() : std::vector<BlockKey>{};
  const std::set<BlockKey> committed(done.begin(), done.end());

  Schedule schedule(points);
  const std::int64_t total = base.convergence.enabled()
                                 ? 0
                                 : base.run.patients * static_cast<std::int64_t>(plan.points());
  Progress progress(total, options.progress);
  {
    const StopOnSignals stop_on_signals;
    result.interrupted_by =
        simulate_blocks(points, schedule, checkpoint, committed, result.threads, progress);
  }
  progress.finish();
  result.blocks_done = schedule.blocks_done();
  result.blocks_known = schedule.blocks_known();
  if (result.interrupted_by != 0) return result;

  assemble(base, points, schedule, checkpoint, info, options.output, result);
  checkpoint.remove();
  result.seconds = progress.seconds();
  return result;
}

}  // namespace smpsim
