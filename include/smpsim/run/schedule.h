#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
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
// the same at any thread or rank count.
class Schedule {
 public:
  // `points[0]` is point `first_point`: its blocks' keys count from there.
  explicit Schedule(const std::vector<Parameters>& points, std::int64_t first_point = 0);

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
    std::int64_t released = 0;  // patients released so far
    std::int64_t consumed = 0;  // patients whose outcomes entered the moments, in order
    std::map<std::int64_t, std::vector<Outcomes>> waiting;  // finished out of order
    std::array<RunningMoments, kOutcomeCount> moments;
    std::vector<BlockKey> blocks;
    bool converged = true;
  };
  void release(std::int64_t point, std::int64_t patients);
  void decide(std::int64_t point);

  std::vector<PointState> points_;
  std::int64_t first_point_ = 0;
  std::deque<BlockKey> ready_;
  std::int64_t unfinished_points_ = 0;
  std::int64_t blocks_done_ = 0;
  std::string status_;
};

}  // namespace smpsim
