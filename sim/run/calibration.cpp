#include "smpsim/run/calibration.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <numeric>

#include "smpsim/config/access.h"
#include "smpsim/config/validation.h"
#include "smpsim/model/error.h"
#include "smpsim/model/observation.h"
#include "smpsim/model/rng.h"
#include "smpsim/run/engine.h"
#include "smpsim/run/progress.h"
#include "smpsim/run/ranks.h"
#include "smpsim/run/schedule.h"

namespace smpsim {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A proposal outside the prior's support, or whose parameters are not valid together, is drawn
// again from the same stream; this many misses in a row mean the priors leave (nearly) no valid
// parameters, or the previous generation lies (nearly) outside them, which cannot happen.
constexpr int kMaxTruncationDraws = 100000;

// The predictive check's draws come from the proposal streams of the generation after the last,
// substream 1, apart from any generation's proposals (substream 0).
constexpr std::uint32_t kPredictiveSubstream = 1;

// A batch asks for 20 % more proposals than the acceptance so far predicts it needs, so that one
// batch usually finishes the generation without computing many proposals past its last particle.
constexpr double kBatchMargin = 1.2;

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

double prior_density(const std::vector<CalibratedParameter>& parameters,
                     const std::vector<double>& values) {
  double density = 1;
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    density *= parameters[k].prior.density(values[k]);
  }
  return density;
}

// The previous generation as a proposal distribution: its particles and weights, and the
// Cholesky factor of twice their weighted covariance (the perturbation kernel).
struct Kernel {
  std::vector<std::vector<double>> particles;
  std::vector<double> cumulative;  // cumulative weights, for choosing a particle
  std::vector<double> weights;
  Eigen::MatrixXd factor;          // L, L L^T = 2 Cov
  Eigen::MatrixXd factor_inverse;  // L^-1, for the kernel's density

  explicit Kernel(const CalibrationGeneration& previous)
      : particles(previous.values), weights(previous.weight) {
    const auto d = static_cast<Eigen::Index>(particles.front().size());
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (std::size_t i = 0; i < particles.size(); ++i) {
      mean += weights[i] * Eigen::Map<const Eigen::VectorXd>(particles[i].data(), d);
    }
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
    for (std::size_t i = 0; i < particles.size(); ++i) {
      const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(particles[i].data(), d) - mean;
      covariance += weights[i] * x * x.transpose();
    }
    covariance *= 2;
    // Particles that all agree in some direction leave the covariance singular there: a jitter
    // of 1e-12 of the scale keeps the factor defined without moving anything measurable.
    for (Eigen::Index k = 0; k < d; ++k) {
      covariance(k, k) += 1e-12 * std::max(1.0, mean(k) * mean(k));
    }
    const Eigen::LLT<Eigen::MatrixXd> cholesky(covariance);
    if (cholesky.info() != Eigen::Success) {
      throw std::runtime_error("calibration: the particles' covariance is not positive definite");
    }
    factor = cholesky.matrixL();
    factor_inverse = factor.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(d, d));
    double sum = 0;
    for (double w : weights) cumulative.push_back(sum += w);
  }

  // Σ_j w_j K(θ | θ_j), without K's constant factor (it cancels when the weights are normalised).
  double mixture_density(const std::vector<double>& values) const {
    const auto d = static_cast<Eigen::Index>(values.size());
    const Eigen::Map<const Eigen::VectorXd> theta(values.data(), d);
    double density = 0;
    for (std::size_t j = 0; j < particles.size(); ++j) {
      const Eigen::VectorXd z =
          factor_inverse * (theta - Eigen::Map<const Eigen::VectorXd>(particles[j].data(), d));
      density += weights[j] * std::exp(-0.5 * z.squaredNorm());
    }
    return density;
  }

  // A particle chosen by weight, perturbed, drawn again until inside the prior's support and
  // admissible (valid parameters).
  std::vector<double> propose(
      RandomStream& stream, const std::vector<CalibratedParameter>& parameters,
      const std::function<bool(const std::vector<double>&)>& admissible) const {
    const auto d = static_cast<Eigen::Index>(parameters.size());
    boost::random::normal_distribution<double> normal;
    for (int attempt = 0; attempt < kMaxTruncationDraws; ++attempt) {
      const double u = stream.uniform();
      const std::size_t j = std::min<std::size_t>(
          static_cast<std::size_t>(
              std::lower_bound(cumulative.begin(), cumulative.end(), u * cumulative.back()) -
              cumulative.begin()),
          particles.size() - 1);
      Eigen::VectorXd z(d);
      for (Eigen::Index k = 0; k < d; ++k) z(k) = normal(stream);
      const Eigen::VectorXd theta =
          Eigen::Map<const Eigen::VectorXd>(particles[j].data(), d) + factor * z;
      std::vector<double> values(theta.data(), theta.data() + d);
      if (prior_density(parameters, values) > 0 && admissible(values)) return values;
    }
    throw std::runtime_error("calibration: no valid proposal inside the prior's support in " +
                             std::to_string(kMaxTruncationDraws) + " draws");
  }
};

CalibrationSummary summarise_posterior(const std::vector<CalibratedParameter>& parameters,
                                       const CalibrationGeneration& last) {
  CalibrationSummary summary;
  double squares = 0;
  for (double w : last.weight) squares += w * w;
  summary.effective_sample_size = squares > 0 ? 1 / squares : 0;
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    std::vector<double> values;
    for (const auto& particle : last.values) values.push_back(particle[k]);
    double mean = 0, variance = 0;
    for (std::size_t i = 0; i < values.size(); ++i) mean += last.weight[i] * values[i];
    for (std::size_t i = 0; i < values.size(); ++i) {
      variance += last.weight[i] * (values[i] - mean) * (values[i] - mean);
    }
    const Distribution& prior = parameters[k].prior;
    summary.rows.push_back(
        {parameters[k].key, mean, std::sqrt(variance), weighted_quantile(values, last.weight, 0.05),
         weighted_quantile(values, last.weight, 0.50), weighted_quantile(values, last.weight, 0.95),
         prior.mean(), std::sqrt(prior.variance()), prior.quantile(0.05, 0.95),
         prior.quantile(0.5, 0.5), prior.quantile(0.95, 0.05)});
  }
  return summary;
}

}  // namespace

double target_statistic(const CalibrationTarget& target, std::span<const PatientResult> cohort) {
  std::vector<double> values;
  values.reserve(cohort.size());
  if (target.statistic.ends_with("_daily")) {
    const std::size_t series = static_cast<std::size_t>(
        std::find(kDailyNames.begin(), kDailyNames.end(), target.series) - kDailyNames.begin());
    const auto day = static_cast<std::size_t>(std::llround(target.day - 0.5));
    for (const PatientResult& r : cohort) {
      values.push_back(r.daily.series(static_cast<Daily>(series))[day]);
    }
  } else {
    const std::size_t outcome = outcome_index(target.outcome);
    for (const PatientResult& r : cohort) values.push_back(r.outcomes[outcome]);
  }
  if (values.empty()) return std::nan("");
  const double n = static_cast<double>(values.size());
  if (target.statistic == "mean" || target.statistic == "mean_daily") {
    return std::accumulate(values.begin(), values.end(), 0.0) / n;
  }
  if (target.statistic == "median" || target.statistic == "median_daily") {
    return quantile(values, 0.5);
  }
  if (target.statistic == "quantile") return quantile(values, target.q);
  // share
  const auto count = std::count_if(values.begin(), values.end(), [&](double x) {
    if (target.compare == "equals") return x == target.threshold;
    if (target.compare == "below") return x < target.threshold;
    return x > target.threshold;
  });
  return static_cast<double>(count) / n;
}

double target_distance(const std::vector<CalibrationTarget>& targets,
                       const std::vector<double>& statistics) {
  double squares = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const double z = (statistics[i] - targets[i].value) / targets[i].sd;
    squares += z * z;
  }
  return std::isnan(squares) ? kInfinity : std::sqrt(squares);
}

double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights,
                         double p) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  double total = 0;
  for (double w : weights) total += w;
  double cumulative = 0;
  for (std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= p * total) return values[i];
  }
  return values[order.back()];
}

// ---- The calibration on the engine ----------------------------------------------------------

Calibration::Calibration(const Parameters& base) : base_(base) {
  const CalibrationSpec& c = base.calibration;
  base_.run.patients = c.patients;
  base_.run.daily = std::any_of(c.targets.begin(), c.targets.end(), [](const CalibrationTarget& t) {
    return t.statistic.ends_with("_daily");
  });
  for (const CalibratedParameter& p : c.parameters) result_.parameters.push_back(p.key);
  for (const CalibrationTarget& t : c.targets) {
    result_.targets.push_back(t.name);
    result_.observed.push_back(t.value);
    result_.observed_sd.push_back(t.sd);
  }
}

Parameters Calibration::point_of(const std::vector<double>& values, std::int64_t seed) const {
  Parameters p = base_;
  p.run.seed = seed;
  std::vector<NumberKey> keys = number_keys(p, result_.parameters);  // the calibrated keys
  set_numbers(p, keys, values);
  return p;
}

std::vector<double> Calibration::draw_prior(RandomStream& stream) const {
  std::optional<std::string> first_reason;
  for (int attempt = 0; attempt < kMaxTruncationDraws; ++attempt) {
    std::vector<double> values;
    for (const CalibratedParameter& p : base_.calibration.parameters) {
      values.push_back(p.prior.sample(stream));
    }
    std::optional<std::string> reason = inadmissible(values);
    if (!reason) return values;
    if (!first_reason) first_reason = std::move(reason);
  }
  throw InputError("calibration.parameters: none of " + std::to_string(kMaxTruncationDraws) +
                   " draws from the priors gives valid parameters; the first: " + *first_reason);
}

std::optional<std::string> Calibration::inadmissible(const std::vector<double>& values) const {
  try {
    validate_point(point_of(values, base_.run.seed));
  } catch (const InputError& e) {
    return e.what();
  }
  return std::nullopt;
}

// One batch of evaluations: their parameter values and seeds, as rank 0 tells the other ranks.
struct Calibration::Batch {
  std::vector<std::vector<double>> values;
  std::vector<std::int64_t> seeds;

  std::vector<double> words() const {
    std::vector<double> flat;
    for (std::size_t k = 0; k < values.size(); ++k) {
      flat.insert(flat.end(), values[k].begin(), values[k].end());
      flat.push_back(static_cast<double>(seeds[k]));  // seeds are below 2^53 (checked)
    }
    return flat;
  }
  static Batch of_words(const std::vector<double>& flat, std::size_t dimensions) {
    Batch batch;
    for (std::size_t i = 0; i + dimensions < flat.size(); i += dimensions + 1) {
      batch.values.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(i),
                                flat.begin() + static_cast<std::ptrdiff_t>(i + dimensions));
      batch.seeds.push_back(static_cast<std::int64_t>(flat[i + dimensions]));
    }
    return batch;
  }
};

int Calibration::run(const Checkpoint& checkpoint, const std::set<BlockKey>& committed, int threads,
                     bool show_progress) {
  const CalibrationSpec& c = base_.calibration;
  const auto particles = static_cast<std::size_t>(c.particles);
  const std::uint64_t seed = static_cast<std::uint64_t>(base_.run.seed);
  Progress progress(0, show_progress);
  int stopped_by = 0;

  // Evaluates a batch on every thread and rank: each proposal's statistics, in order. Empty when
  // a signal stopped the run.
  const auto evaluate = [&](const Batch& batch) -> std::vector<std::vector<double>> {
    ranks::broadcast(static_cast<std::int64_t>(batch.values.size()));
    std::vector<double> words = batch.words();
    ranks::broadcast(words);
    std::vector<Parameters> points;
    for (std::size_t k = 0; k < batch.values.size(); ++k) {
      points.push_back(point_of(batch.values[k], batch.seeds[k]));
    }
    const std::int64_t first = next_point_;
    next_point_ += static_cast<std::int64_t>(points.size());
    Schedule schedule(points, {}, first);
    const EngineRun run =
        coordinate_blocks(points, schedule, checkpoint, committed, threads, progress, first);
    checkpoint_seconds_ += run.checkpoint_seconds;
    blocks_done_ += schedule.blocks_done();
    blocks_known_ += schedule.blocks_known();
    if (run.stopped_by) {
      stopped_by = run.stopped_by;
      return {};
    }
    std::vector<std::vector<double>> statistics;
    for (std::size_t k = 0; k < points.size(); ++k) {
      std::vector<PatientResult> cohort;
      for (const BlockKey& key : schedule.blocks_of(first + static_cast<std::int64_t>(k))) {
        std::vector<PatientResult> block = checkpoint.read_checked(key);
        std::move(block.begin(), block.end(), std::back_inserter(cohort));
      }
      std::vector<double> s;
      for (const CalibrationTarget& t : c.targets) s.push_back(target_statistic(t, cohort));
      statistics.push_back(std::move(s));
    }
    return statistics;
  };

  try {
    result_.stop_reason = "max_generations";
    double previous_acceptance = 1;
    for (std::int64_t g = 0; g < c.max_generations; ++g) {
      const auto generation_started = std::chrono::steady_clock::now();
      CalibrationGeneration generation;
      std::optional<Kernel> kernel;
      if (g == 0) {
        generation.epsilon = kInfinity;
      } else {
        kernel.emplace(result_.generations.back());
        // quantile reorders what it is given: a copy, so the stored distances keep particle order.
        std::vector<double> distances = result_.generations.back().distance;
        generation.epsilon = quantile(distances, c.quantile);
      }
      // A generation that would need more proposals than min_acceptance allows is given up.
      const std::size_t cap =
          g == 0 ? particles
                 : static_cast<std::size_t>(std::ceil(static_cast<double>(particles) /
                                                      std::max(c.min_acceptance, 1e-4)));
      std::size_t proposed = 0;
      std::int64_t last_accepted = -1;
      while (generation.distance.size() < particles && proposed < cap) {
        const std::size_t remaining = particles - generation.distance.size();
        const double rate =
            std::max({proposed > 0 ? static_cast<double>(generation.distance.size()) /
                                         static_cast<double>(proposed)
                                   : previous_acceptance,
                      c.min_acceptance, 0.01});
        const std::size_t size =
            g == 0 ? remaining
                   : std::min(cap - proposed,
                              std::max(remaining,
                                       static_cast<std::size_t>(std::ceil(
                                           kBatchMargin * static_cast<double>(remaining) / rate))));
        Batch batch;
        for (std::size_t k = 0; k < size; ++k) {
          const auto index = static_cast<std::uint64_t>(proposed + k);
          RandomStream stream(seed, index, StreamPurpose::kProposal, static_cast<std::uint32_t>(g));
          std::vector<double> values;
          if (!kernel) {
            values = draw_prior(stream);
          } else {
            values = kernel->propose(stream, c.parameters, [this](const std::vector<double>& v) {
              return !inadmissible(v);
            });
          }
          batch.values.push_back(std::move(values));
          batch.seeds.push_back(base_.run.seed);
        }
        // ETA: this generation at the acceptance so far, then the generations left at its pace
        // (acceptance falls as epsilon does, so this is a lower bound).
        const double elapsed = seconds_since(generation_started);
        const double this_one =
            proposed > 0
                ? elapsed * static_cast<double>(proposed + size) / static_cast<double>(proposed)
                : (result_.generations.empty() ? 0 : result_.generations.back().wall_seconds);
        const double eta = std::max(0.0, this_one - elapsed) +
                           static_cast<double>(c.max_generations - g - 1) * this_one;
        char acceptance[64] = "";
        if (proposed > 0) {
          std::snprintf(acceptance, sizeof acceptance, " (%.0f %%)",
                        100.0 * static_cast<double>(generation.distance.size()) /
                            static_cast<double>(proposed));
        }
        char status[200];
        std::snprintf(status, sizeof status,
                      "  generation %lld/%lld  epsilon %.4g  accepted %zu of %zu%s  ETA >= %.0f s",
                      static_cast<long long>(g), static_cast<long long>(c.max_generations - 1),
                      generation.epsilon, generation.distance.size(), proposed, acceptance, eta);
        progress.set_status(status);
        const std::vector<std::vector<double>> statistics = evaluate(batch);
        if (stopped_by) break;
        for (std::size_t k = 0; k < size && generation.distance.size() < particles; ++k) {
          const double distance = target_distance(c.targets, statistics[k]);
          if (!(distance <= generation.epsilon)) continue;
          const std::vector<double>& values = batch.values[k];
          generation.values.push_back(values);
          generation.distance.push_back(distance);
          generation.statistics.push_back(statistics[k]);
          generation.weight.push_back(
              kernel ? prior_density(c.parameters, values) / kernel->mixture_density(values) : 1.0);
          last_accepted = static_cast<std::int64_t>(proposed + k);
        }
        proposed += size;
      }
      if (stopped_by) break;
      if (generation.distance.size() < particles) {
        result_.stop_reason = "min_acceptance";
        break;
      }
      const double total = std::accumulate(generation.weight.begin(), generation.weight.end(), 0.0);
      for (double& w : generation.weight) w /= total;
      generation.proposals = last_accepted + 1;
      generation.acceptance =
          static_cast<double>(particles) / static_cast<double>(generation.proposals);
      generation.wall_seconds = seconds_since(generation_started);
      previous_acceptance = generation.acceptance;
      result_.generations.push_back(std::move(generation));
      const CalibrationGeneration& done = result_.generations.back();
      if (g > 0 && done.acceptance < c.min_acceptance) {
        result_.stop_reason = "min_acceptance";
        break;
      }
    }
    if (!stopped_by && result_.generations.empty()) {
      throw std::runtime_error("calibration: no generation was completed");
    }
    if (!stopped_by) {
      const CalibrationGeneration& last = result_.generations.back();
      result_.posterior = summarise_posterior(c.parameters, last);
      // The predictive check: posterior draws by weight, each on a cohort of new patients (the
      // run's seed + 1 + k), so its spread holds both what is still uncertain in the parameters
      // and the cohort-to-cohort variation of the statistics.
      Batch batch;
      double sum = 0;
      std::vector<double> cumulative;
      for (double w : last.weight) cumulative.push_back(sum += w);
      for (std::int64_t k = 0; k < c.posterior_check; ++k) {
        RandomStream stream(seed, static_cast<std::uint64_t>(k), StreamPurpose::kProposal,
                            static_cast<std::uint32_t>(result_.generations.size()),
                            kPredictiveSubstream);
        const double u = stream.uniform() * cumulative.back();
        const auto j = std::min<std::size_t>(
            static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) -
                                     cumulative.begin()),
            last.values.size() - 1);
        batch.values.push_back(last.values[j]);
        batch.seeds.push_back(base_.run.seed + 1 + k);
      }
      if (!batch.values.empty()) {
        progress.set_status("  predictive check");
        const std::vector<std::vector<double>> statistics = evaluate(batch);
        for (std::size_t k = 0; !stopped_by && k < batch.values.size(); ++k) {
          result_.predictive.push_back({batch.values[k], statistics[k]});
        }
      }
    }
  } catch (...) {
    ranks::broadcast(std::int64_t{0});  // the other ranks wait for the next batch: none
    throw;
  }
  ranks::broadcast(std::int64_t{0});
  progress.finish();
  return stopped_by;
}

int Calibration::serve(int threads, std::uint64_t identity) {
  const std::size_t d = base_.calibration.parameters.size();
  int stopped_by = 0;
  while (true) {
    const std::int64_t size = ranks::broadcast(std::int64_t{0});
    if (size <= 0) return stopped_by;
    std::vector<double> words;
    ranks::broadcast(words);
    const Batch batch = Batch::of_words(words, d);
    std::vector<Parameters> points;
    for (std::size_t k = 0; k < batch.values.size(); ++k) {
      points.push_back(point_of(batch.values[k], batch.seeds[k]));
    }
    const std::int64_t first = next_point_;
    next_point_ += static_cast<std::int64_t>(points.size());
    const EngineRun run = compute_dealt_blocks(points, threads, identity, first);
    if (run.stopped_by) stopped_by = run.stopped_by;
  }
}

}  // namespace smpsim
