#include "smpsim/run/study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <optional>
#include <set>

#include "smpsim/io/checkpoint.h"
#include "smpsim/io/run_lock.h"
#include "smpsim/model/error.h"
#include "smpsim/run/calibration.h"
#include "smpsim/run/engine.h"
#include "smpsim/run/progress.h"
#include "smpsim/run/ranks.h"
#include "smpsim/run/schedule.h"
#include "smpsim/run/sensitivity.h"

namespace smpsim {

namespace {

namespace fs = std::filesystem;

// What rank 0 tells the other ranks before the blocks: go (0), an exit status, or this.
constexpr std::int64_t kNothingToDo = 3;

// A signal arrived during the assembly: the file is not given its name; the checkpoint stays.
struct AssemblyStopped {
  int signal;
};

void stop_if_asked() {
  if (const int signal = stop_requested()) throw AssemblyStopped{signal};
}

// Paired differences of every point from its baseline, patient by patient, on common random
// numbers: each point's <outcome>_diff_mean and _diff_sem, and its rows of /effects.
std::vector<Effect> paired_effects(const ResultWriter& writer, const SweepPlan& plan,
                                   std::vector<PointSummary>& points) {
  std::vector<Effect> effects;
  for (PointSummary& point : points) {
    const std::int64_t baseline = plan.baselines[static_cast<std::size_t>(point.point)];
    const OutcomeColumns columns = writer.read_outcomes(point.point);
    const OutcomeColumns reference = writer.read_outcomes(baseline);
    const PointSummary& base = points[static_cast<std::size_t>(baseline)];
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      const PairedDifference d = paired_difference(columns[i], reference[i]);
      point.outcomes[i].diff_mean = d.mean;
      point.outcomes[i].diff_sem = d.sem;
      // What pairing bought: the SEM of the difference of two independent cohorts of these
      // sizes would be the root of the sum of the squared SEMs.
      const double unpaired = std::hypot(point.outcomes[i].sem, base.outcomes[i].sem);
      effects.push_back({point.point, baseline, std::string(kOutcomes[i].name), d.mean, d.sem,
                         d.mean - kNormal95 * d.sem, d.mean + kNormal95 * d.sem,
                         unpaired > 0 ? d.sem / unpaired : std::nan("")});
    }
  }
  return effects;
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
    const auto indices = sobol_indices(
        means, plan.keys.size(), plan.base_samples,
        static_cast<std::size_t>(parameters.sweep.bootstrap),
        design_stream(parameters, DesignStream::kSobolBootstrap, static_cast<std::uint32_t>(o)));
    for (std::size_t i = 0; i < plan.keys.size(); ++i) {
      const SobolIndex& x = indices[i];
      table.rows.push_back({plan.keys[i],
                            std::string(kOutcomes[o].name),
                            {x.s1, x.s1_conf, x.st, x.st_conf, noise_share, patient_share}});
    }
  }
  return table;
}

// Morris elementary effects per unit of each parameter's range, with the noise of one effect:
// the root mean square of its paired (patient by patient) standard error.
SensitivityTable morris_table(const Parameters& parameters, const SweepPlan& plan,
                              const std::vector<PointSummary>& points, const ResultWriter& writer) {
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
      noise[step.parameter][o].push_back(paired_difference(to[o], from[o]).sem /
                                         std::abs(unit_step));
    }
  }
  SensitivityTable table;
  table.columns = {"mu_star", "mu_star_conf", "mu", "sigma", "ee_noise"};
  for (std::size_t o = 0; o < kOutcomeCount; ++o) {
    for (std::size_t i = 0; i < d; ++i) {
      const MorrisIndex x =
          morris_index(effects[i][o], static_cast<std::size_t>(parameters.sweep.bootstrap),
                       design_stream(parameters, DesignStream::kMorrisBootstrap,
                                     static_cast<std::uint32_t>(o * d + i)));
      double squares = 0;
      for (double e : noise[i][o]) squares += e * e;
      const double rms =
          noise[i][o].empty() ? 0 : std::sqrt(squares / static_cast<double>(noise[i][o].size()));
      table.rows.push_back({plan.keys[i],
                            std::string(kOutcomes[o].name),
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
      stop_if_asked();
      writer.append(checkpoint.read_checked(key));
    }
    writer.end_point();
    PointSummary summary = summarise(writer.read_outcomes(point), max_sessions);
    summary.point = point;
    summary.parameter_values = plan.values[k];
    summary.converged = schedule.converged(point);
    result.points.push_back(std::move(summary));
  }
  if (!plan.baselines.empty()) result.effects = paired_effects(writer, plan, result.points);
  writer.write_summary({plan.keys, base.convergence.enabled(), !plan.baselines.empty()},
                       result.points);
  if (!result.effects.empty()) writer.write_effects(plan.keys, plan.values, result.effects);
  if (plan.method == "sobol") result.sensitivity = sobol_table(base, plan, result.points);
  if (plan.method == "morris") result.sensitivity = morris_table(base, plan, result.points, writer);
  if (!result.sensitivity.rows.empty()) writer.write_sensitivity(result.sensitivity);
  stop_if_asked();
  writer.finish();
}

// One study on rank 0 (or, with compute_dealt_blocks, another rank), step by step.
class Study {
 public:
  // Plans the sweep's points.
  Study(const Parameters& base, const StudyOptions& options)
      : started_(std::chrono::steady_clock::now()), base_(base), options_(options) {
    result_.plan = plan_sweep(base);
    result_.threads = resolve_threads(base.run.threads);
    result_.ranks = ranks::size();
    for (std::size_t k = 0; k < result_.plan.points(); ++k) {
      points_.push_back(point_parameters(base, result_.plan, k));
    }
    schedule_.emplace(points_, result_.plan.baselines);
  }

  // Another rank: waits for rank 0's word that the checkpoint is open, then computes the
  // blocks rank 0 deals.
  StudyResult compute_dealt_blocks() {
    const std::int64_t go = ranks::broadcast(0);
    if (go == kNothingToDo) {
      result_.end = StudyEnd::kAlreadyComplete;
    } else if (go == kExitBadInput) {
      result_.end = StudyEnd::kBadInputElsewhere;
    } else if (go != 0) {
      result_.end = StudyEnd::kFailedElsewhere;
    } else {
      const std::uint64_t identity =
          run_identity(to_toml(base_), static_cast<std::uint64_t>(base_.run.seed));
      if (base_.calibration.enabled()) {
        end_by(Calibration(base_).serve(result_.threads, identity));
      } else {
        end_by(smpsim::compute_dealt_blocks(points_, result_.threads, identity).stopped_by);
      }
    }
    return std::move(result_);
  }

  // Checks the output path and opens the checkpoint, or resumes the one an interrupted run
  // left, and tells the other ranks. False: --resume found the output complete.
  bool open_checkpoint() {
    info_.config_toml = to_toml(base_);
    info_.seed = static_cast<std::uint64_t>(base_.run.seed);
    info_.points = static_cast<std::int64_t>(points_.size());
    info_.threads_used = result_.threads;
    info_.ranks_used = result_.ranks;
    info_.sweep_method = base_.sweep.method;
    info_.calibration_method = base_.calibration.method;
    info_.model_version = base_.model.version;

    const fs::path checkpoint_path = checkpoint_directory(options_.output);
    bool resumable = false;
    // Every way this can fail is told to the other ranks, which wait for rank 0's word.
    try {
      // One run per output, before anything else is looked at.
      try {
        lock_.emplace(options_.output);
      } catch (const IoError&) {
        check_output_path(options_.output, true);  // a missing or read-only directory, said so
        throw;
      }
      // A folder without a manifest holds nothing committed: it is treated as empty.
      resumable = options_.resume && Checkpoint::exists(checkpoint_path);
      if (options_.resume && !resumable && is_complete_output(options_.output)) {
        ranks::broadcast(kNothingToDo);
        result_.end = StudyEnd::kAlreadyComplete;
        return false;
      }
      check_output_path(options_.output, options_.overwrite || resumable);
      if (!options_.overwrite && !resumable && Checkpoint::exists(checkpoint_path)) {
        throw InputError(checkpoint_path.string() +
                         ": an interrupted run left this checkpoint; "
                         "continue it with --resume, or start over with --overwrite");
      }
      checkpoint_.emplace(checkpoint_path, info_.config_toml, info_.seed, resumable);
    } catch (const InputError&) {
      ranks::broadcast(kExitBadInput);
      throw;
    } catch (...) {
      ranks::broadcast(kExitRuntimeFailure);
      throw;
    }
    ranks::broadcast(0);
    if (resumable) {
      for (const BlockKey& key : checkpoint_->committed()) committed_.insert(key);
    }
    return true;
  }

  // Computes every block the schedule releases, committing each to the checkpoint. False: a
  // signal stopped it between blocks (the checkpoint is resumable).
  bool compute_blocks() {
    if (base_.calibration.enabled()) return calibrate();
    const std::int64_t total = base_.convergence.enabled()
                                   ? 0
                                   : base_.run.patients * static_cast<std::int64_t>(points_.size());
    Progress progress(total, options_.progress);
    const auto simulating = std::chrono::steady_clock::now();
    const EngineRun run =
        coordinate_blocks(points_, *schedule_, *checkpoint_, committed_, result_.threads, progress);
    result_.timings.simulate = seconds_since(simulating);
    result_.timings.checkpoint_write = run.checkpoint_seconds;
    progress.finish();
    result_.seconds = progress.seconds();
    result_.blocks_done = schedule_->blocks_done();
    result_.blocks_known = schedule_->blocks_known();
    end_by(run.stopped_by);
    return result_.end == StudyEnd::kComplete;
  }

  // A calibration: its generations and predictive check on the engine. False: a signal stopped
  // it between blocks (the checkpoint is resumable).
  bool calibrate() {
    const auto simulating = std::chrono::steady_clock::now();
    Calibration calibration(base_);
    end_by(calibration.run(*checkpoint_, committed_, result_.threads, options_.progress));
    result_.timings.simulate = seconds_since(simulating);
    result_.timings.checkpoint_write = calibration.checkpoint_seconds();
    result_.seconds = seconds_since(simulating);
    result_.calibration = calibration.result();
    result_.evaluations = calibration.evaluations();
    result_.blocks_done = calibration.blocks_done();
    result_.blocks_known = calibration.blocks_known();
    return result_.end == StudyEnd::kComplete;
  }

  // Writes the file from the checkpoint, gives it its name and removes the checkpoint. A signal
  // meanwhile stops it before the file is named, with the checkpoint kept.
  void assemble_file() {
    const auto assembling = std::chrono::steady_clock::now();
    try {
      if (result_.calibration) {
        info_.points = 0;
        ResultWriter writer(options_.output, info_);
        writer.write_calibration(*result_.calibration);
        stop_if_asked();
        writer.finish();
      } else {
        assemble(base_, points_, *schedule_, *checkpoint_, info_, options_.output, result_);
      }
    } catch (const AssemblyStopped& stopped) {
      end_by(stopped.signal);
      return;
    }
    checkpoint_->remove();
    result_.timings.assemble = seconds_since(assembling);
  }

  StudyResult finish() {
    result_.timings.total = seconds_since(started_);
    return std::move(result_);
  }

 private:
  static double seconds_since(std::chrono::steady_clock::time_point from) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
  }

  void end_by(int signal) {
    if (signal == SIGINT) result_.end = StudyEnd::kInterruptedBySigint;
    if (signal == SIGTERM) result_.end = StudyEnd::kInterruptedBySigterm;
  }

  const std::chrono::steady_clock::time_point started_;
  const Parameters& base_;
  const StudyOptions& options_;
  StudyResult result_;
  std::vector<Parameters> points_;
  RunInfo info_;
  std::optional<RunLock> lock_;  // rank 0: held for the whole run
  std::optional<Checkpoint> checkpoint_;
  std::set<BlockKey> committed_;
  std::optional<Schedule> schedule_;  // made once the points are
};

}  // namespace

StudyResult run_study(const Parameters& base, const StudyOptions& options) {
  const StopOnSignals stop_on_signals;  // from the start to the file's name
  Study study(base, options);
  if (!ranks::coordinator()) return study.compute_dealt_blocks();
  if (!study.open_checkpoint()) return study.finish();
  if (!study.compute_blocks()) return study.finish();
  study.assemble_file();
  return study.finish();
}

}  // namespace smpsim
