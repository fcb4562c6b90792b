#include "smpsim/model/look_kernel.h"

namespace smpsim {

namespace {

// Branch-free so that it vectorizes; compiled for AVX2 and for the x86-64 baseline, chosen at
// run time (look_kernel): the same IEEE operations in the same order, so the same bits. Always
// inlined: a loop the compiler keeps out of line is compiled once, for the baseline, and the AVX2
// clone of look_kernel would only call it (940ed8a lost the AVX2 kernel that way).
template <bool kDirectCap>
[[gnu::always_inline]] inline void look_loop(
    std::size_t begin, std::size_t end, float t, SessionClock clock, KernelOptics optics,
    const float* puncture, const float* peak_offset, const float* cap_offset, const float* cap_um,
    const float* present_share, const float* present_shade, const float* scab_form,
    const float* scab_off, float* relative, float* seen, float* visible, float* punctured_mask) {
#pragma omp simd
  for (std::size_t i = begin; i < end; ++i) {
    const float u = std::max(t - puncture[i], 0.0f);
    const float hyperplasia = optics.hyperplasia_scale * u * (clock.peak * peak_offset[i]);
    const float settled = kDirectCap ? exp_nonpositive(-u * optics.per_cap_day)
                                     : std::min(clock.cap * cap_offset[i], 1.0f);
    const float cap = cap_um[i] * (1.0f - settled);
    const float new_skin = exp_nonpositive(-optics.mu * (hyperplasia + cap));
    const bool punctured = puncture[i] <= t;
    const bool scabbed = (scab_form[i] <= t) & (t < scab_off[i]);
    const float mask = punctured ? 1.0f : 0.0f;
    const float shade = present_share[i] * new_skin * mask;
    relative[i] = shade;
    seen[i] = scabbed ? 0.0f : shade;
    visible[i] = (present_shade[i] * new_skin >= optics.threshold) ? mask : 0.0f;
    punctured_mask[i] = mask;
  }
}

}  // namespace

__attribute__((target_clones("avx2", "default"))) void look_kernel(
    std::size_t begin, std::size_t end, float t, SessionClock clock, KernelOptics optics,
    const float* puncture, const float* peak_offset, const float* cap_offset, const float* cap_um,
    const float* present_share, const float* present_shade, const float* scab_form,
    const float* scab_off, float* relative, float* seen, float* visible, float* punctured_mask) {
  if (clock.direct_cap) {
    look_loop<true>(begin, end, t, clock, optics, puncture, peak_offset, cap_offset, cap_um,
                    present_share, present_shade, scab_form, scab_off, relative, seen, visible,
                    punctured_mask);
  } else {
    look_loop<false>(begin, end, t, clock, optics, puncture, peak_offset, cap_offset, cap_um,
                     present_share, present_shade, scab_form, scab_off, relative, seen, visible,
                     punctured_mask);
  }
}

__attribute__((target_clones("avx2", "default"))) LookSums sum_look(
    std::size_t begin, std::size_t end, const float* relative, const float* seen,
    const float* punctured, const double* pigment, const double* present_pigment) {
  constexpr std::size_t kLanes = 8;
  double shade[kLanes] = {}, seen_shade[kLanes] = {}, count[kLanes] = {}, deposited[kLanes] = {},
         present[kLanes] = {};
  auto add = [&](std::size_t lane, std::size_t i) {
    shade[lane] += relative[i];
    seen_shade[lane] += seen[i];
    count[lane] += punctured[i];
    deposited[lane] += pigment[i] * punctured[i];
    present[lane] += present_pigment[i] * punctured[i];
  };
  std::size_t i = begin;
  for (; i + kLanes <= end; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) add(j, i + j);
  }
  for (std::size_t j = 0; i < end; ++i, ++j) add(j, i);
  LookSums sums;
  for (std::size_t j = 0; j < kLanes; ++j) {
    sums.shade += shade[j];
    sums.seen += seen_shade[j];
    sums.punctured += count[j];
    sums.deposited += deposited[j];
    sums.present += present[j];
  }
  return sums;
}

__attribute__((target_clones("avx2", "default"))) std::size_t count_visible(std::size_t begin,
                                                                            std::size_t end,
                                                                            const float* visible) {
  // 32-bit lane counts: a session has at most 10^6 dots (technician.dots_per_session).
  std::uint32_t shown = 0;
  for (std::size_t i = begin; i < end; ++i) shown += visible[i] != 0.0f;
  return shown;
}

}  // namespace smpsim
