#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "smpsim/model/distributions.h"
#include "smpsim/model/dot_kinetics.h"

namespace smpsim {

struct Parameters;

// How a session's dots are spread over the scalp's regions, in proportion to a weight per region
// (all zero: uniformly). Version 1 draws each dot's region from the weights; version 2 counts the
// dots out (docs/model.md §7, T14): each region gets its share of the session's dots rounded by
// largest remainder, as a technician who works region by region does, so a region's density does
// not carry the multinomial noise of ~60 simulated dots standing for ~600 real ones.
class RegionPlan {
 public:
  // Counted out over `dots` dots when `dots` > 0; drawn when 0.
  explicit RegionPlan(std::vector<double> weights, std::int64_t dots = 0);

  // The region of the session's dot `dot`; `uniform` (drawn from the dot's own stream either
  // way, so the rest of its draws stay the same) decides it when the plan is drawn.
  std::uint32_t region_of(std::int64_t dot, double uniform) const;
  std::uint32_t choose(double uniform) const;  // the drawn region
  std::span<const double> cumulative() const { return cumulative_; }
  // Dots per region when counted out (empty when drawn).
  std::span<const std::int64_t> counts() const { return counts_; }

 private:
  void count_out(std::int64_t dots);

  std::vector<double> cumulative_;
  std::vector<std::int64_t> counts_;
  std::vector<std::int64_t> first_dot_after_;  // counted: region r holds dots below entry r
};

// What the examination of one session showed of that session's own dots (docs/model.md §3.1).
struct SessionFindings {
  double blowout_share = 0;  // b: dots placed deep (z >= E + P)
  double lost_share = 0;     // l: dots with less than lost_below of their pigment still in the skin
  double faint_share = 0;    // q: neither deep nor lost, and yet not seen at the examination
};

// How the technician works in one session: the needle's depth shift from target_depth_um and the
// factor on each dot's pigment (docs/model.md §3.1). The first session works as planned.
struct SessionMove {
  double depth_shift_um = 0;
  double pigment_factor = 1;
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

  // The next session's move from the last one and what its examination found (§3.1): one depth
  // step shallower after too many blowouts, else one deeper after too many lost dots, clamped
  // to +-max_depth_shift_um; pigment x pigment_step (up to max_pigment_factor) after too many
  // faint dots. With plan = "fixed" (or model.version = 1) every session is the first's.
  SessionMove next_move(const SessionMove& last, const SessionFindings& found) const;

  // The region, puncture time within the session, depth (normal, truncated at 10 um) and
  // pigment of a chunk of the session's dots, from their words (dot_word::kRegion to kPigment).
  void punctures(const RegionPlan& plan, const SessionMove& move, double session_start,
                 const DotWords& words, Punctures& out) const;

 private:
  std::uint32_t regions_;
  std::int64_t counted_dots_;  // dots_per_session when counted out (version 2), else 0
  bool adaptive_;
  double aim_;  // fill x density_target
  double session_days_;
  Distribution needle_depth_um_;  // before the truncation at 10 um
  Distribution pigment_;
  bool plans_moves_;
  double target_depth_um_;
  double blowout_tolerance_, lost_tolerance_, faint_tolerance_;
  double depth_step_um_, max_depth_shift_um_, pigment_step_, max_pigment_factor_;
};

}  // namespace smpsim
