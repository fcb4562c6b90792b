#include "smpsim/model/technician.h"

#include <algorithm>

#include "smpsim/model/parameters.h"
#include "smpsim/model/rng.h"

namespace smpsim {

namespace {
constexpr double kShallowestDepthUm = 10;  // docs/model.md §4: depth truncated at 10 um
}  // namespace

RegionPlan::RegionPlan(std::vector<double> weights) : cumulative_(std::move(weights)) {
  const bool all_zero =
      std::all_of(cumulative_.begin(), cumulative_.end(), [](double w) { return w <= 0; });
  double total = 0;
  for (double& w : cumulative_) {
    total += all_zero ? 1.0 : w;
    w = total;
  }
  for (double& w : cumulative_) w /= total;
  cumulative_.back() = 1.0;
}

std::uint32_t RegionPlan::choose(double uniform) const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), uniform);
  return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
      it - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
}

Technician::Technician(const Parameters& parameters)
    : regions_(static_cast<std::uint32_t>(parameters.technician.regions)),
      adaptive_(parameters.technician.adaptive),
      aim_(parameters.technician.fill * parameters.technician.density_target),
      session_days_(parameters.technician.session_hours / 24),
      needle_depth_um_(parameters.technician.depth_sd_um > 0
                           ? Distribution::normal(parameters.technician.target_depth_um,
                                                  parameters.technician.depth_sd_um)
                           : Distribution::constant(parameters.technician.target_depth_um)),
      pigment_(parameters.technician.pigment_per_dot) {}

RegionPlan Technician::uniform_plan() const {
  return RegionPlan(std::vector<double>(regions_, 1.0));
}

RegionPlan Technician::plan(std::span<const double> region_density) const {
  if (!adaptive_) return uniform_plan();
  std::vector<double> weights(regions_);
  for (std::size_t r = 0; r < weights.size(); ++r) {
    weights[r] = std::max(aim_ - region_density[r], 0.0);
  }
  return RegionPlan(std::move(weights));
}

Puncture Technician::puncture(const RegionPlan& plan, double session_start,
                              RandomStream& stream) const {
  Puncture puncture;
  puncture.region = plan.choose(stream.uniform());
  puncture.time = session_start + session_days_ * stream.uniform();
  // Normal, truncated at 10 um by rejection: exact, and since the target is at least 10 um at
  // least half the draws are kept.
  do {
    puncture.depth_um = needle_depth_um_.sample(stream);
  } while (puncture.depth_um < kShallowestDepthUm);
  puncture.pigment = pigment_.sample(stream);
  return puncture;
}

}  // namespace smpsim
