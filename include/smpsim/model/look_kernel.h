#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace smpsim {

// The look kernel: the optics of docs/model.md §4 over columns of dots, in single precision,
// vectorized. Examinations, the final look and the daily series all go through it.

// e^x for x <= 0 in plain single-precision arithmetic (relative error < 3e-7): loops over dots
// vectorize, and scalar and vector code give the same bits, so an examination and the daily
// series agree exactly. Range reduction x = n ln2 + r, |r| <= ln2 / 2, a degree-6 Taylor
// polynomial for e^r, and 2^n built in the exponent bits.
inline float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693145751953125f;
  constexpr float kLn2Low = 1.428606765330187045e-06f;
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 x 2^23: adding it rounds to an integer
  x = std::max(x, -87.0f);                       // e^-87 is the smallest normal float's order
  const float shifted = x * kLog2e + kRoundingShift;
  const float n = shifted - kRoundingShift;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t exponent = std::bit_cast<std::int32_t>(shifted) - 0x4B400000 + 127;
  return p * std::bit_cast<float>(exponent << 23);
}

// docs/model.md §4: hyperplasia peaks u = 3 days after a puncture.
inline constexpr double kHyperplasiaPeakDay = 3;

// The optical constants of one patient, in single precision for the kernel.
struct KernelOptics {
  float mu;                 // attenuation, 1/um
  float hyperplasia_scale;  // hyperplasia_um x e / 3: hyperplasia(u) = scale x u x e^(-u/3)
  float per_cap_day;        // 1/cap_days
  float threshold;          // visibility threshold
};

// One session's clocks at the time of a look: e^(-(t - s)/3) and e^(-(t - s)/cap_days), so that
// a dot's e^(-u/3) is this times its own e^((p - s)/3), a multiplication rather than an
// exponential. `direct_cap`: the cap's time scale is so short against a session's length that
// e^((p - s)/cap_days) would overflow; the kernel then takes e^(-u/cap_days) directly.
struct SessionClock {
  float peak;
  float cap;
  bool direct_cap;
};

// The look of the dots [begin, end) of one session at time t (docs/model.md §4): relative shade
// (the share of the fresh look still in the skin, dimmed by the new skin), the same when not
// under a scab, visibility (the present shade V before new skin, dimmed, against the
// threshold), and whether the dot is punctured yet. Branch-free so that it vectorizes; compiled
// for AVX2 and for the x86-64 baseline, chosen at run time: the same IEEE operations in the
// same order, so the same bits.
void look_kernel(std::size_t begin, std::size_t end, float t, SessionClock clock,
                 KernelOptics optics, const float* puncture, const float* peak_offset,
                 const float* cap_offset, const float* cap_um, const float* present_share,
                 const float* present_shade, const float* scab_form, const float* scab_off,
                 float* relative, float* seen, float* visible, float* punctured_mask);

// Sums over [begin, end) of relative shade, seen shade, punctured dots, their pigment and their
// pigment still in the skin: one pass, eight fixed partial sums, so the result does not depend
// on the vector width.
struct LookSums {
  double shade = 0, seen = 0, punctured = 0, deposited = 0, present = 0;
};

LookSums sum_look(std::size_t begin, std::size_t end, const float* relative, const float* seen,
                  const float* punctured, const double* pigment, const double* present_pigment);

// The dots of [begin, end) the last look found visible (visible is 0 or 1): counted in integers,
// in a function of its own so that the count runs 8-wide in AVX2 where the caller is compiled for
// the baseline.
std::size_t count_visible(std::size_t begin, std::size_t end, const float* visible);

}  // namespace smpsim
