#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/checkpoint.h"
#include "smpsim/model/outcomes.h"

namespace smpsim {

// Patients per unit of work: large enough to amortise scheduling and checkpoint files, small
// enough that an interrupted run loses little and the last blocks balance across threads.
inline constexpr std::int64_t kPatientsPerBlock = 32;

// Which blocks of which points remain to be simulated. A point of fixed size releases all its
// blocks at once; a point with convergence targets releases one batch at a time and decides,
// from its patients' outcomes in patient order, whether another batch follows. The decisions
// depend only on the outcomes, never on the order blocks finish in, so the schedule comes out
// the same at any thread or rank count. With effect targets (convergence.effects) a point's
// decision after n patients waits for its baseline's first n, pairs them patient by patient,
// and asks the baseline for as many patients as the point has: a baseline grows in whole
// batches to the largest of its points, so every pair is complete.
class Schedule {
 public:
  // baselines: per point, the index in `points` of the point its effects are taken from (empty:
  // no baseline). `points[0]` is point `first_point`: its blocks' keys count from there.
  explicit Schedule(const std::vector<Parameters>& points,
                    const std::vector<std::int64_t>& baselines = {}, std::int64_t first_point = 0);

  // The next released block not yet handed out, if any.
  std::optional<BlockKey> next();
  // A handed-out (or already checkpointed) block finished with these outcomes, in patient order.
  void complete(const BlockKey& key, std::vector<Outcomes> outcomes);

  bool finished() const { return unfinished_points_ == 0; }
  std::int64_t blocks_done() const { return blocks_done_; }
  // Blocks known so far: all of them without convergence targets.
  std::int64_t blocks_known() const;

  // After finished(): each point's blocks in patient order and whether its targets
  // were met, and the status line of the latest convergence decision.
  const std::vector<BlockKey>& blocks_of(std::int64_t point) const;
  bool converged(std::int64_t point) const;
  const std::string& status() const { return status_; }

 private:
  struct PointState {
    ConvergenceSpec convergence;
    std::int64_t baseline = -1;  // the point its effects are taken from; -1: none
    std::int64_t released = 0;   // patients released so far
    std::int64_t consumed = 0;   // patients whose outcomes entered the moments, in order
    std::map<std::int64_t, std::vector<Outcomes>> waiting;  // finished out of order
    std::array<RunningMoments, kOutcomeCount> moments;
    // With effect targets, a point's and its baseline's outcomes in patient order, to pair.
    std::vector<Outcomes> history;
    std::vector<BlockKey> blocks;
    std::vector<std::int64_t> dependents;  // the points whose baseline this is, but itself
    bool done = false;
    bool converged = true;
  };
  // A point's state by its number (first_point_ + its index); baselines and dependents are
  // numbers too.
  PointState& at(std::int64_t point) {
    return points_[static_cast<std::size_t>(point - first_point_)];
  }
  const PointState& at(std::int64_t point) const {
    return points_[static_cast<std::size_t>(point - first_point_)];
  }
  void release(std::int64_t point, std::int64_t patients);
  void decide(std::int64_t point);
  // The outcomes' own targets met after the point's patients so far.
  bool outcomes_met(const PointState& state, std::ostringstream& status) const;
  // Effect targets: whether the pairs with the baseline are in, and if so, whether met.
  bool effects_met(const PointState& state, std::ostringstream& status) const;
  bool has_effects(const PointState& state) const;
  // The point grows by a batch; with effect targets, its baseline grows to match.
  void grow(std::int64_t point);

  std::vector<PointState> points_;
  std::int64_t first_point_ = 0;
  std::deque<BlockKey> ready_;
  std::int64_t unfinished_points_ = 0;
  std::int64_t blocks_done_ = 0;
  std::string status_;
};

}  // namespace smpsim
