#include "smpsim/model/technician.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "smpsim/model/parameters.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/vector_math.h"

namespace smpsim {

namespace {
constexpr double kShallowestDepthUm = 10;  // docs/model.md §4: depth truncated at 10 um
}  // namespace

RegionPlan::RegionPlan(std::vector<double> weights, std::int64_t dots)
    : cumulative_(std::move(weights)) {
  const bool all_zero =
      std::all_of(cumulative_.begin(), cumulative_.end(), [](double w) { return w <= 0; });
  double total = 0;
  for (double& w : cumulative_) {
    total += all_zero ? 1.0 : w;
    w = total;
  }
  for (double& w : cumulative_) w /= total;
  cumulative_.back() = 1.0;
  if (dots > 0) count_out(dots);
}

void RegionPlan::count_out(std::int64_t dots) {
  // Largest remainder (Hamilton): each region's quota floored, the dots left over to the largest
  // fractional parts, ties to the lower region; deterministic, and no region is off its quota
  // by a whole dot.
  const std::size_t regions = cumulative_.size();
  counts_.assign(regions, 0);
  std::vector<double> remainder(regions);
  std::int64_t given = 0;
  double below = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    const double quota = (cumulative_[r] - below) * static_cast<double>(dots);
    below = cumulative_[r];
    counts_[r] = static_cast<std::int64_t>(std::floor(quota));
    remainder[r] = quota - static_cast<double>(counts_[r]);
    given += counts_[r];
  }
  std::vector<std::size_t> order(regions);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t i = 0; given < dots; i = (i + 1) % regions, ++given) ++counts_[order[i]];
  first_dot_after_.resize(regions);
  std::partial_sum(counts_.begin(), counts_.end(), first_dot_after_.begin());
}

std::uint32_t RegionPlan::region_of(std::int64_t dot, double uniform) const {
  if (counts_.empty()) return choose(uniform);
  const auto it = std::upper_bound(first_dot_after_.begin(), first_dot_after_.end(), dot);
  return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
      it - first_dot_after_.begin(), static_cast<std::ptrdiff_t>(counts_.size()) - 1));
}

std::uint32_t RegionPlan::choose(double uniform) const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), uniform);
  return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
      it - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
}

Technician::Technician(const Parameters& parameters)
    : regions_(static_cast<std::uint32_t>(parameters.technician.regions)),
      counted_dots_(parameters.version_one() ? 0 : parameters.technician.dots_per_session),
      adaptive_(parameters.technician.adaptive),
      aim_(parameters.technician.fill * parameters.technician.density_target),
      session_days_(parameters.technician.session_hours / 24),
      needle_depth_um_(parameters.technician.depth_sd_um > 0
                           ? Distribution::normal(parameters.technician.target_depth_um,
                                                  parameters.technician.depth_sd_um)
                           : Distribution::constant(parameters.technician.target_depth_um)),
      pigment_(parameters.technician.pigment_per_dot),
      plans_moves_(parameters.plans_moves()),
      target_depth_um_(parameters.technician.target_depth_um),
      blowout_tolerance_(parameters.technician.blowout_tolerance),
      lost_tolerance_(parameters.technician.lost_tolerance),
      faint_tolerance_(parameters.technician.faint_tolerance),
      depth_step_um_(parameters.technician.depth_step_um),
      max_depth_shift_um_(parameters.technician.max_depth_shift_um),
      pigment_step_(parameters.technician.pigment_step),
      max_pigment_factor_(parameters.technician.max_pigment_factor) {}

SessionMove Technician::next_move(const SessionMove& last, const SessionFindings& found) const {
  if (!plans_moves_) return last;
  SessionMove next = last;
  // Blowouts first: a blurred dot is a defect no later session can undo, a lost one is not.
  if (found.blowout_share > blowout_tolerance_) {
    next.depth_shift_um -= depth_step_um_;
  } else if (found.lost_share > lost_tolerance_) {
    next.depth_shift_um += depth_step_um_;
  }
  // Never aim above the shallowest depth a needle is drawn at (10 um), so that the truncated
  // normal keeps at least half its draws.
  const double shallowest = std::max(-max_depth_shift_um_, kShallowestDepthUm - target_depth_um_);
  next.depth_shift_um =
      std::clamp(next.depth_shift_um, std::min(shallowest, 0.0), max_depth_shift_um_);
  if (found.faint_share > faint_tolerance_) {
    next.pigment_factor = std::min(last.pigment_factor * pigment_step_, max_pigment_factor_);
  }
  return next;
}

RegionPlan Technician::uniform_plan() const {
  return RegionPlan(std::vector<double>(regions_, 1.0), counted_dots_);
}

RegionPlan Technician::plan(std::span<const double> region_density) const {
  if (!adaptive_) return uniform_plan();
  std::vector<double> weights(regions_);
  for (std::size_t r = 0; r < weights.size(); ++r) {
    weights[r] = std::max(aim_ - region_density[r], 0.0);
  }
  return RegionPlan(std::move(weights), counted_dots_);
}

namespace {

// The technician's transforms of a chunk's words, across dots (see look_kernel.cpp for why
// always inlined into clones). The depth is the normal N(mean, sd) truncated at 10 um, by
// inversion: Φ^-1(Φ(a) + u (1 - Φ(a))), a = (10 - mean) / sd, exact, and since mean >= 10 the
// probabilities stay above 2^-34. The pigment's standard normal is computed for every family;
// pigments that are not normal or log-normal take their quantile afterwards.
[[gnu::always_inline]] inline void puncture_loop(double session_start, double session_days,
                                                 double depth_mean, double depth_sd,
                                                 double below_floor, const DotWords& words,
                                                 Punctures& out, double* pigment_normal) {
  const std::uint32_t* time = words.row(dot_word::kTime);
  const std::uint32_t* depth = words.row(dot_word::kDepth);
  const std::uint32_t* pigment = words.row(dot_word::kPigment);
  const double above_floor = 1 - below_floor;
#pragma omp simd
  for (std::size_t i = 0; i < DotWords::kChunk; ++i) {
    out.time[i] = session_start + session_days * unit_uniform(time[i]);
    const double p = below_floor + unit_uniform(depth[i]) * above_floor;
    const double q = unit_complement(depth[i]) * above_floor;
    const double z = normal_quantile(p, q);
    out.depth_um[i] = std::max(depth_mean + depth_sd * z, kShallowestDepthUm);
    pigment_normal[i] = normal_quantile(unit_uniform(pigment[i]), unit_complement(pigment[i]));
  }
}

__attribute__((target_clones("avx2", "default"))) void puncture_columns(
    double session_start, double session_days, double depth_mean, double depth_sd,
    double below_floor, const DotWords& words, Punctures& out, double* pigment_normal) {
  puncture_loop(session_start, session_days, depth_mean, depth_sd, below_floor, words, out,
                pigment_normal);
}

}  // namespace

void Technician::punctures(const RegionPlan& plan, const SessionMove& move, double session_start,
                           const DotWords& words, Punctures& out) const {
  // + 0 and x 1 leave a fixed plan's numbers unchanged, bit for bit.
  const double mean = needle_depth_um_.field(0) + move.depth_shift_um;
  const double sd =
      needle_depth_um_.kind() == DistributionKind::kNormal ? needle_depth_um_.field(1) : 0.0;
  const double below_floor = sd > 0 ? standard_normal_cdf((kShallowestDepthUm - mean) / sd) : 0.0;
  double pigment_normal[DotWords::kChunk];
  puncture_columns(session_start, session_days_, mean, sd, below_floor, words, out, pigment_normal);
  out.size = words.size();
  const std::uint32_t* region = words.row(dot_word::kRegion);
  const std::uint32_t* pigment = words.row(dot_word::kPigment);
  const DistributionKind kind = pigment_.kind();
  for (std::size_t i = 0; i < out.size; ++i) {
    out.region[i] =
        plan.region_of(words.first() + static_cast<std::int64_t>(i), unit_uniform(region[i]));
    const double z = pigment_normal[i];
    double deposit = 0;  // every kind sets it below
    switch (kind) {
      case DistributionKind::kConstant:
        deposit = pigment_.field(0);
        break;
      case DistributionKind::kNormal:
        deposit = pigment_.field(0) + pigment_.field(1) * z;
        break;
      case DistributionKind::kLogNormal:
        deposit = pigment_.field(0) * exp_double(pigment_.field(1) * z);
        break;
      case DistributionKind::kUniform:
      case DistributionKind::kTruncNormal:
        deposit = pigment_.quantile(unit_uniform(pigment[i]), unit_complement(pigment[i]));
        break;
      case DistributionKind::kGamma:
      case DistributionKind::kBeta:
      case DistributionKind::kBetaMeanSd: {
        // No closed-form quantile (Boost's costs microseconds): Boost's sampler, from a stream
        // of the dot's own.
        RandomStream stream(words.seed(), words.patient_id(), StreamPurpose::kPigment,
                            words.session(), words.first() + static_cast<std::uint32_t>(i));
        deposit = pigment_.sample(stream);
        break;
      }
    }
    out.pigment[i] = deposit * move.pigment_factor;
  }
}

}  // namespace smpsim
