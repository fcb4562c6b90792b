#include "smpsim/run/schedule.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace smpsim {

Schedule::Schedule(const std::vector<Parameters>& points,
                   const std::vector<std::int64_t>& baselines, std::int64_t first_point)
    : points_(points.size()), first_point_(first_point) {
  unfinished_points_ = static_cast<std::int64_t>(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) {
    PointState& state = points_[k];
    state.convergence = points[k].convergence;
    if (!state.convergence.effects.empty() && !baselines.empty()) {
      const std::int64_t point = first_point + static_cast<std::int64_t>(k);
      state.baseline = first_point + baselines[k];
      if (state.baseline != point) at(state.baseline).dependents.push_back(point);
    }
  }
  for (std::size_t k = 0; k < points.size(); ++k) {
    PointState& state = points_[k];
    const auto point = first_point + static_cast<std::int64_t>(k);
    release(point, state.convergence.enabled()
                       ? std::min(state.convergence.batch, state.convergence.max_patients)
                       : points[k].run.patients);
  }
}

void Schedule::release(std::int64_t point, std::int64_t patients) {
  PointState& state = at(point);
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

bool Schedule::has_effects(const PointState& state) const {
  return state.baseline >= 0 || !state.dependents.empty();
}

void Schedule::complete(const BlockKey& key, std::vector<Outcomes> outcomes) {
  ++blocks_done_;
  PointState& state = at(key.point);
  state.waiting.emplace(key.first, std::move(outcomes));
  // Fold the outcomes into the moments in patient order, as they become contiguous.
  while (!state.waiting.empty() && state.waiting.begin()->first == state.consumed) {
    auto node = state.waiting.extract(state.waiting.begin());
    for (const Outcomes& o : node.mapped()) {
      for (std::size_t i = 0; i < kOutcomeCount; ++i) state.moments[i].add(o[i]);
      if (has_effects(state)) state.history.push_back(o);
    }
    state.consumed += static_cast<std::int64_t>(node.mapped().size());
  }
  if (state.consumed == state.released) decide(key.point);
  // A baseline's new patients may complete the pairs its points wait for.
  for (const std::int64_t dependent : state.dependents) {
    const PointState& other = at(dependent);
    if (other.consumed == other.released && other.consumed <= state.consumed) decide(dependent);
  }
}

bool Schedule::outcomes_met(const PointState& state, std::ostringstream& status) const {
  const ConvergenceSpec& c = state.convergence;
  bool met = true;
  for (const std::string& name : c.outcomes) {
    const RunningMoments& m = state.moments[outcome_index(name)];
    const double half_width = kNormal95 * m.standard_error();
    const double target =
        c.rel_half_width > 0 ? c.rel_half_width * std::abs(m.mean()) : c.abs_half_width;
    met = met && half_width <= target;
    status << " " << name << " ±" << half_width << " (target " << target << ")";
  }
  return met;
}

bool Schedule::effects_met(const PointState& state, std::ostringstream& status) const {
  const ConvergenceSpec& c = state.convergence;
  if (state.baseline < 0 || c.effects.empty()) return true;
  const PointState& base = at(state.baseline);
  if (&base == &state) return true;  // a baseline's effect from itself is 0, exactly
  const auto n = static_cast<std::size_t>(state.consumed);
  bool met = true;
  for (const std::string& name : c.effects) {
    const std::size_t o = outcome_index(name);
    RunningMoments difference;
    for (std::size_t i = 0; i < n; ++i) difference.add(state.history[i][o] - base.history[i][o]);
    const double half_width = kNormal95 * difference.standard_error();
    met = met && half_width <= c.abs_half_width;
    status << " " << name << " effect ±" << half_width << " (target " << c.abs_half_width << ")";
  }
  return met;
}

void Schedule::grow(std::int64_t point) {
  PointState& state = at(point);
  const ConvergenceSpec& c = state.convergence;
  release(point, std::min(c.batch, c.max_patients - state.released));
  if (state.baseline < 0 || state.baseline == point) return;
  // The baseline grows in whole batches of its own, so its blocks are the same whichever
  // point asks first, and reopens if it had finished.
  PointState& base = at(state.baseline);
  while (base.released < state.released) {
    release(state.baseline, std::min(c.batch, c.max_patients - base.released));
    if (base.done) {
      base.done = false;
      ++unfinished_points_;
    }
  }
}

// All released patients of the point are in: it is done, or (convergence) another batch. With
// effect targets it waits until its baseline has as many patients; the baseline's completion
// decides it then.
void Schedule::decide(std::int64_t point) {
  PointState& state = at(point);
  if (state.done) return;
  const ConvergenceSpec& c = state.convergence;
  bool met = true;
  if (c.enabled()) {
    if (state.baseline >= 0 && state.baseline != point &&
        at(state.baseline).consumed < state.consumed) {
      return;  // the pairs are not all in yet
    }
    std::ostringstream status;
    status << "  point " << point << ":";
    met = outcomes_met(state, status);
    met = effects_met(state, status) && met;
    status_ = status.str();
    // A baseline stays open while a point of it still grows: it must reach the point's size.
    if (!met && state.released < c.max_patients) {
      grow(point);
      return;
    }
  }
  state.converged = met;
  state.done = true;
  --unfinished_points_;
}

std::int64_t Schedule::blocks_known() const {
  std::int64_t known = 0;
  for (const PointState& state : points_) known += static_cast<std::int64_t>(state.blocks.size());
  return known;
}

const std::vector<BlockKey>& Schedule::blocks_of(std::int64_t point) const {
  return at(point).blocks;
}

bool Schedule::converged(std::int64_t point) const {
  return at(point).converged;
}

}  // namespace smpsim
