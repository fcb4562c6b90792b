#include <catch2/catch.hpp>

#include <boost/math/distributions/normal.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>

#include "smpsim/model/vector_math.h"

using namespace smpsim;

namespace {

// How many representable doubles lie between a and b (same sign).
std::int64_t ulps_apart(double a, double b) {
  return std::llabs(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

}  // namespace

TEST_CASE("a word's uniform lies in (0, 1) and its complement is exact", "[vector_math]") {
  CHECK(unit_uniform(0) == 0x1.0p-33);
  CHECK(unit_uniform(~0u) == 1 - 0x1.0p-33);
  std::mt19937 words(4);
  for (int i = 0; i < 100000; ++i) {
    const std::uint32_t w = words();
    const double u = unit_uniform(w);
    REQUIRE(u == (static_cast<double>(w) + 0.5) * 0x1.0p-32);
    REQUIRE(unit_complement(w) == 1 - u);
  }
}

TEST_CASE("log_positive and exp_double are within 2 ulp of the C library", "[vector_math]") {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> mantissa(0.5, 1.0), power(-708, 709);
  std::int64_t worst_log = 0, worst_exp = 0;
  for (int i = 0; i < 1000000; ++i) {
    const double x = std::ldexp(mantissa(random), static_cast<int>(random() % 2000) - 1000);
    worst_log = std::max(worst_log, ulps_apart(log_positive(x), std::log(x)));
    const double y = power(random);
    worst_exp = std::max(worst_exp, ulps_apart(exp_double(y), std::exp(y)));
  }
  CHECK(worst_log <= 2);
  CHECK(worst_exp <= 2);
  CHECK(log_positive(1.0) == 0.0);
  CHECK(exp_double(0.0) == 1.0);
  CHECK(ulps_apart(exp_double(-1e6), std::exp(-708.0)) <= 2);  // clamped: never 0 or subnormal
  CHECK(exp_double(-1e6) >= std::numeric_limits<double>::min());
}

TEST_CASE("normal_quantile matches Boost's over every 32-bit word's probability", "[vector_math]") {
  const boost::math::normal unit;
  double worst = 0;
  for (std::uint64_t w = 0; w <= 0xFFFFFFFFull; w += 65521) {
    const auto word = static_cast<std::uint32_t>(w);
    const double p = unit_uniform(word), q = unit_complement(word);
    const double exact = p < 0.5 ? boost::math::quantile(unit, p)
                                 : boost::math::quantile(boost::math::complement(unit, q));
    worst =
        std::max(worst, std::abs(normal_quantile(p, q) - exact) / std::max(1.0, std::abs(exact)));
  }
  CHECK(worst < 1e-15);
  // The tails a word reaches: +-6.34 sd, symmetric to the bit.
  const double lowest = normal_quantile(unit_uniform(0), unit_complement(0));
  CHECK(lowest == Approx(-6.3379577545537886).epsilon(1e-15));
  CHECK(normal_quantile(unit_uniform(~0u), unit_complement(~0u)) == -lowest);
  CHECK(normal_quantile(0.5, 0.5) == 0.0);
}
