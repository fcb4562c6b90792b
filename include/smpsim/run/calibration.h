#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/calibration_table.h"
#include "smpsim/io/checkpoint.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/rng.h"

namespace smpsim {

// One target's statistic over a cohort, in patient order (docs/calibration.md): the mean,
// median or a quantile of an outcome, the share of patients whose outcome equals, is below or is
// above a value, or the cohort's mean or median of a daily series at a day.
double target_statistic(const CalibrationTarget& target, std::span<const PatientResult> cohort);

// √Σ((s_i − value_i) / sd_i)²: how far a cohort's statistics are from the observed ones.
double target_distance(const std::vector<CalibrationTarget>& targets,
                       const std::vector<double>& statistics);

// The p-quantile of values weighted by `weights` (summing to 1): the smallest value whose
// cumulative weight reaches p.
double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights,
                         double p);

// ABC-SMC (Toni et al. 2009; Beaumont et al. 2009) on the engine: generation 0 samples the
// prior; each later one perturbs the previous generation's weighted particles by a multivariate
// normal with twice their weighted covariance, truncated to the prior's support, and accepts a
// proposal when its cohort's distance is within epsilon, the `quantile` of the previous
// generation's distances. Proposals are evaluated in batches, each a set of points (one per
// proposal, every one on the same `calibration.patients` patients) that the engine computes on
// all threads and ranks with the checkpoint; they come from streams keyed by (seed, generation,
// proposal index) and are accepted in proposal-index order, so the particles are the same at any
// thread or rank count and after a resume. A batch's size depends only on earlier results.
class Calibration {
 public:
  explicit Calibration(const Parameters& base);

  // Rank 0: runs the generations and the predictive check; tells the other ranks each batch.
  // Returns the signal that stopped it between blocks (the checkpoint is resumable), or 0.
  int run(const Checkpoint& checkpoint, const std::set<BlockKey>& committed, int threads,
          bool progress);
  // Other ranks: computes the batches rank 0 deals until it says the calibration is over.
  int serve(int threads, std::uint64_t identity);

  const CalibrationResult& result() const { return result_; }
  std::int64_t evaluations() const { return next_point_; }
  double checkpoint_seconds() const { return checkpoint_seconds_; }
  // Blocks computed or read back, and those known so far (the batches planned so far).
  std::int64_t blocks_done() const { return blocks_done_; }
  std::int64_t blocks_known() const { return blocks_known_; }

 private:
  struct Batch;
  Parameters point_of(const std::vector<double>& values, std::int64_t seed) const;
  // Why these values do not make valid parameters together (a beta's mean and sd each within
  // their priors, but sd^2 >= mean (1 - mean)); nothing when they do. The prior is truncated to
  // the values that do: such a proposal is drawn again, like one outside the prior's support.
  std::optional<std::string> inadmissible(const std::vector<double>& values) const;
  // A draw from the priors, drawn again until admissible.
  std::vector<double> draw_prior(RandomStream& stream) const;

  Parameters base_;              // with run.patients = calibration.patients, daily only when needed
  std::int64_t next_point_ = 0;  // evaluations so far: the next batch's first point
  double checkpoint_seconds_ = 0;
  std::int64_t blocks_done_ = 0;
  std::int64_t blocks_known_ = 0;
  CalibrationResult result_;
};

}  // namespace smpsim
