#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "smpsim/model/distributions.h"
#include "smpsim/model/dot_kinetics.h"

namespace smpsim {

struct Parameters;
class RandomStream;

// How a session's dots are spread over the scalp's regions: a cumulative weight per region.
class RegionPlan {
 public:
  explicit RegionPlan(std::vector<double> weights);  // all zero: uniform
  std::uint32_t choose(double uniform) const;
  std::span<const double> cumulative() const { return cumulative_; }

 private:
  std::vector<double> cumulative_;
};

// The technician (docs/model.md §3, §4): where each dot goes, when, how deep and with how much
// pigment.
class Technician {
 public:
  explicit Technician(const Parameters& parameters);

  // The first session of a treatment spreads dots uniformly; later sessions (and a touch-up's
  // first, which starts from the faded earlier treatment) send them to regions in proportion
  // to max(fill x density_target - density, 0), uniformly when every weight is 0.
  RegionPlan plan(std::span<const double> region_density) const;
  RegionPlan uniform_plan() const;

  // A dot's region, puncture time within the session, depth (normal, truncated at 10 um) and
  // pigment; the first draws of the dot's own random stream.
  Puncture puncture(const RegionPlan& plan, double session_start, RandomStream& stream) const;

 private:
  std::uint32_t regions_;
  bool adaptive_;
  double aim_;  // fill x density_target
  double session_days_;
  Distribution needle_depth_um_;  // before the truncation at 10 um
  Distribution pigment_;
};

}  // namespace smpsim
