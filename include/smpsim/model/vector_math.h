#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace smpsim {

// The transforms of a dot's random words into its variates (docs/model.md §7), in plain double
// arithmetic: loops over a session's dots vectorize (AVX2 has no vector log or exp of its own,
// and glibc's vector ones are not the scalar ones' bits), and the vector and scalar code give the
// same bits, since they are the same IEEE operations in the same order (the project compiles
// with -ffp-contract=off).

// The uniform on (0, 1) of a 32-bit word: (w + 1/2) / 2^32, so 0 and 1 never occur; and its
// complement 1 - u, exact, from the complemented word. Through a signed conversion, which AVX2
// has for 32-bit lanes (an unsigned one it lacks).
[[gnu::always_inline]] inline double unit_uniform(std::uint32_t word) {
  const auto centred = static_cast<std::int32_t>(word ^ 0x80000000u);
  return (static_cast<double>(centred) + 2147483648.5) * 0x1.0p-32;
}
[[gnu::always_inline]] inline double unit_complement(std::uint32_t word) {
  return unit_uniform(~word);
}

// log x for finite x > 0 in normal range (within 2 ulp of glibc's log). x = 2^e m with
// m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, by its
// series to s^21 (the next term is below 2^-53 of the sum).
[[gnu::always_inline]] inline double log_positive(double x) {
  constexpr std::uint64_t kOne = 0x3FF0000000000000ull;
  constexpr std::uint64_t kSqrtHalf = 0x3FE6A09E667F3BCDull;
  constexpr double kLn2High = 0x1.62E42FEFA3800p-1;  // ln 2 to 43 bits: e x kLn2High is exact
  constexpr double kLn2Low = 0x1.EF35793C76730p-45;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  // The biased exponent of x / sqrt(1/2), so that m lands in [sqrt(1/2), sqrt(2)); unsigned
  // shifts only (AVX2 has no 64-bit arithmetic one).
  const std::uint64_t biased = (bits + (kOne - kSqrtHalf)) >> 52;
  const double m = std::bit_cast<double>(bits - ((biased - 1023) << 52));
  // The exponent as a double by the 2^52 trick (AVX2 has no 64-bit integer conversion).
  const double e = std::bit_cast<double>(biased | 0x4330000000000000ull) - (0x1.0p52 + 1023);
  const double s = (m - 1) / (m + 1);
  const double z = s * s;
  double p = 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  const double log_m = 2 * s + 2 * s * (z * p);
  return e * kLn2High + (e * kLn2Low + log_m);
}

// e^x for x in [-708, 709] (within 1 ulp of glibc's exp); clamped there. x = n ln 2 + r,
// |r| <= ln 2 / 2, a degree-13 Taylor polynomial for e^r, and 2^n built in the exponent bits.
[[gnu::always_inline]] inline double exp_double(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2High = 0x1.62E42FEFA3800p-1;
  constexpr double kLn2Low = 0x1.EF35793C76730p-45;
  constexpr double kRoundingShift = 0x1.8p52;  // adding it rounds to an integer
  // By value, not std::clamp's references: a select of values if-converts in any loop.
  x = x < -708.0 ? -708.0 : x;
  x = x > 709.0 ? 709.0 : x;
  const double shifted = x * kLog2e + kRoundingShift;
  const double n = shifted - kRoundingShift;
  const double r = (x - n * kLn2High) - n * kLn2Low;
  double p = 1.0 / 6227020800;  // 1/13!
  p = p * r + 1.0 / 479001600;
  p = p * r + 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // n + 1023 in the exponent field: the low bits of `shifted` hold n in two's complement.
  const std::uint64_t n_bits =
      std::bit_cast<std::uint64_t>(shifted) - std::bit_cast<std::uint64_t>(kRoundingShift);
  return p * std::bit_cast<double>((n_bits + 1023) << 52);
}

// The standard normal quantile at p, given also its complement q = 1 - p, for
// min(p, q) >= 1e-11 (a 32-bit word's uniform is at least 2^-33): Wichura's AS 241 (PPND16,
// Applied Statistics 37, 1988), relative error ~1e-16, its two branches for that range both
// computed and one selected, so that loops over dots vectorize. The uniform of a word reaches
// +-6.34 sd.
[[gnu::always_inline]] inline double normal_quantile(double p, double q) {
  const double centred = p - 0.5;
  // The central branch, |p - 1/2| <= 0.425.
  const double r = 0.180625 - centred * centred;
  double a = 2.5090809287301226727e+3;
  a = a * r + 3.3430575583588128105e+4;
  a = a * r + 6.7265770927008700853e+4;
  a = a * r + 4.5921953931549871457e+4;
  a = a * r + 1.3731693765509461125e+4;
  a = a * r + 1.9715909503065514427e+3;
  a = a * r + 1.3314166789178437745e+2;
  a = a * r + 3.3871328727963666080e+0;
  double b = 5.2264952788528545610e+3;
  b = b * r + 2.8729085735721942674e+4;
  b = b * r + 3.9307895800092710610e+4;
  b = b * r + 2.1213794301586595867e+4;
  b = b * r + 5.3941960214247511077e+3;
  b = b * r + 6.8718700749205790830e+2;
  b = b * r + 4.2313330701600911252e+1;
  b = b * r + 1.0;
  const double central = centred * a / b;
  // The tail branch, sqrt(-log(min(p, q))) in [1.6, 5].
  const double t = std::sqrt(-log_positive(std::min(p, q))) - 1.6;
  double c = 7.74545014278341407640e-4;
  c = c * t + 2.27238449892691845833e-2;
  c = c * t + 2.41780725177450611770e-1;
  c = c * t + 1.27045825245236838258e+0;
  c = c * t + 3.64784832476320460504e+0;
  c = c * t + 5.76949722146069140550e+0;
  c = c * t + 4.63033784615654529590e+0;
  c = c * t + 1.42343711074968357734e+0;
  double d = 1.05075007164441684324e-9;
  d = d * t + 5.47593808499534494600e-4;
  d = d * t + 1.51986665636164571966e-2;
  d = d * t + 1.48103976427480074590e-1;
  d = d * t + 6.89767334985100004550e-1;
  d = d * t + 1.67638483018380384940e+0;
  d = d * t + 2.05319162663775882187e+0;
  d = d * t + 1.0;
  const double tail = c / d;
  const double tail_signed = centred < 0 ? -tail : tail;
  return std::abs(centred) <= 0.425 ? central : tail_signed;
}

// Single precision, for the variates whose error then stays far below the Monte Carlo error
// (docs/model.md §7): eight lanes, and shorter polynomials.

// A word's uniform, u = (w + 1/2) / 2^32, in single precision with its full relative precision in
// the lower tail (an unsigned word does not fit AVX2's signed conversion; w / 2 does). Near 1 it
// rounds to 1: take the complement's for an upper tail.
[[gnu::always_inline]] inline float unit_uniform_float(std::uint32_t word) {
  return static_cast<float>(static_cast<std::int32_t>(word >> 1)) * 0x1.0p-31f +
         static_cast<float>(word & 1u) * 0x1.0p-32f + 0x1.0p-33f;
}

// log x for finite x > 0 in normal range, relative error < 2e-7: log_positive's method with the
// series to s^9.
[[gnu::always_inline]] inline float log_float(float x) {
  constexpr std::uint32_t kOne = 0x3F800000u;
  constexpr std::uint32_t kSqrtHalf = 0x3F3504F3u;
  constexpr float kLn2High = 0.693145751953125f;  // 16 bits: e x kLn2High is exact
  constexpr float kLn2Low = 1.428606765330187045e-06f;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t biased = (bits + (kOne - kSqrtHalf)) >> 23;
  const float m = std::bit_cast<float>(bits - ((biased - 127u) << 23));
  const float e = static_cast<float>(static_cast<std::int32_t>(biased) - 127);
  const float s = (m - 1) / (m + 1);
  const float z = s * s;
  float p = 1.0f / 9;
  p = p * z + 1.0f / 7;
  p = p * z + 1.0f / 5;
  p = p * z + 1.0f / 3;
  const float log_m = 2 * s + 2 * s * (z * p);
  return e * kLn2High + (e * kLn2Low + log_m);
}

// e^x for x in [-87, 88], clamped there, relative error < 2e-7: exp_double's method with a
// degree-7 polynomial.
[[gnu::always_inline]] inline float exp_float(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693145751953125f;
  constexpr float kLn2Low = 1.428606765330187045e-06f;
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 x 2^23: adding it rounds to an integer
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float shifted = x * kLog2e + kRoundingShift;
  const float n = shifted - kRoundingShift;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t exponent = std::bit_cast<std::int32_t>(shifted) - 0x4B400000 + 127;
  return p * std::bit_cast<float>(exponent << 23);
}

// The standard normal quantile of a word's uniform u (its complement from ~word), in single
// precision (relative error < 1e-6): normal_quantile's AS 241 branches with the coefficients
// rounded to float, the tail's probability min(u, 1 - u) with its full relative precision, so
// that a word reaches +-6.34 sd as in double precision.
[[gnu::always_inline]] inline float normal_quantile_float(std::uint32_t word) {
  const float p = unit_uniform_float(word), q = unit_uniform_float(~word);
  const float centred = p - 0.5f;
  const float r = 0.180625f - centred * centred;
  float a = 2.5090809287301226727e+3f;
  a = a * r + 3.3430575583588128105e+4f;
  a = a * r + 6.7265770927008700853e+4f;
  a = a * r + 4.5921953931549871457e+4f;
  a = a * r + 1.3731693765509461125e+4f;
  a = a * r + 1.9715909503065514427e+3f;
  a = a * r + 1.3314166789178437745e+2f;
  a = a * r + 3.3871328727963666080e+0f;
  float b = 5.2264952788528545610e+3f;
  b = b * r + 2.8729085735721942674e+4f;
  b = b * r + 3.9307895800092710610e+4f;
  b = b * r + 2.1213794301586595867e+4f;
  b = b * r + 5.3941960214247511077e+3f;
  b = b * r + 6.8718700749205790830e+2f;
  b = b * r + 4.2313330701600911252e+1f;
  b = b * r + 1.0f;
  const float central = centred * a / b;
  const float t = std::sqrt(-log_float(p < q ? p : q)) - 1.6f;
  float c = 7.74545014278341407640e-4f;
  c = c * t + 2.27238449892691845833e-2f;
  c = c * t + 2.41780725177450611770e-1f;
  c = c * t + 1.27045825245236838258e+0f;
  c = c * t + 3.64784832476320460504e+0f;
  c = c * t + 5.76949722146069140550e+0f;
  c = c * t + 4.63033784615654529590e+0f;
  c = c * t + 1.42343711074968357734e+0f;
  float d = 1.05075007164441684324e-9f;
  d = d * t + 5.47593808499534494600e-4f;
  d = d * t + 1.51986665636164571966e-2f;
  d = d * t + 1.48103976427480074590e-1f;
  d = d * t + 6.89767334985100004550e-1f;
  d = d * t + 1.67638483018380384940e+0f;
  d = d * t + 2.05319162663775882187e+0f;
  d = d * t + 1.0f;
  const float tail = c / d;
  const float tail_signed = centred < 0 ? -tail : tail;
  return (centred <= 0.425f && centred >= -0.425f) ? central : tail_signed;
}

}  // namespace smpsim
