#include "smpsim/run/schedule.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace smpsim {

Schedule::Schedule(const std::vector<Parameters>& points, std::int64_t first_point)
    : points_(points.size()), first_point_(first_point) {
  unfinished_points_ = static_cast<std::int64_t>(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) {
    PointState& state = points_[k];
    state.convergence = points[k].convergence;
    const auto point = first_point + static_cast<std::int64_t>(k);
    release(point, state.convergence.enabled()
                       ? std::min(state.convergence.batch, state.convergence.max_patients)
                       : points[k].run.patients);
  }
}

void Schedule::release(std::int64_t point, std::int64_t patients) {
  PointState& state = points_[static_cast<std::size_t>(point - first_point_)];
  const std::int64_t end = state.released + patients;
  for (std::int64_t first = state.released; first < end; first += kPatientsPerBlock) {
    const BlockKey key{point, first, std::min(kPatientsPerBlock, end - first)};
    state.blocks.push_back(key);
    ready_.push_back(key);
  }
  state.released = end;
}

std::optional<BlockKey> Schedule::next() {
  if (ready_.empty()) return std::nullopt;
  const BlockKey key = ready_.front();
  ready_.pop_front();
  return key;
}

void Schedule::complete(const BlockKey& key, std::vector<Outcomes> outcomes) {
  ++blocks_done_;
  PointState& state = points_[static_cast<std::size_t>(key.point - first_point_)];
  state.waiting.emplace(key.first, std::move(outcomes));
  // Fold the outcomes into the moments in patient order, as they become contiguous.
  while (!state.waiting.empty() && state.waiting.begin()->first == state.consumed) {
    auto node = state.waiting.extract(state.waiting.begin());
    for (const Outcomes& o : node.mapped()) {
      for (std::size_t i = 0; i < kOutcomeCount; ++i) state.moments[i].add(o[i]);
    }
    state.consumed += static_cast<std::int64_t>(node.mapped().size());
  }
  if (state.consumed == state.released) decide(key.point);
}

// All released patients of the point are in: it is done, or (convergence) another batch.
void Schedule::decide(std::int64_t point) {
  PointState& state = points_[static_cast<std::size_t>(point - first_point_)];
  const ConvergenceSpec& c = state.convergence;
  bool met = true;
  if (c.enabled()) {
    std::ostringstream status;
    status << "  point " << point << ":";
    for (const std::string& name : c.outcomes) {
      const RunningMoments& m = state.moments[outcome_index(name)];
      const double half_width = kNormal95 * m.standard_error();
      const double target =
          c.rel_half_width > 0 ? c.rel_half_width * std::abs(m.mean()) : c.abs_half_width;
      met = met && half_width <= target;
      status << " " << name << " ±" << half_width << " (target " << target << ")";
    }
    status_ = status.str();
    if (!met && state.released < c.max_patients) {
      release(point, std::min(c.batch, c.max_patients - state.released));
      return;
    }
  }
  state.converged = met;
  --unfinished_points_;
}

std::int64_t Schedule::blocks_known() const {
  std::int64_t known = 0;
  for (const PointState& state : points_) known += static_cast<std::int64_t>(state.blocks.size());
  return known;
}

const std::vector<BlockKey>& Schedule::blocks_of(std::int64_t point) const {
  return points_[static_cast<std::size_t>(point - first_point_)].blocks;
}

bool Schedule::converged(std::int64_t point) const {
  return points_[static_cast<std::size_t>(point - first_point_)].converged;
}

}  // namespace smpsim
