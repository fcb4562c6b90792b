#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "smpsim/model/distributions.h"
#include "smpsim/model/format.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/rng.h"

using namespace smpsim;

namespace {

// Draws n values; checks the sample mean against the analytic mean within 4 standard errors,
// and the sample variance within 4 standard errors of the variance estimate.
void check_moments(const Distribution& d, std::uint32_t stream_id) {
  constexpr int kDraws = 200000;
  RandomStream stream(7, stream_id, StreamPurpose::kDot);
  std::vector<double> x(kDraws);
  RunningMoments moments;
  for (double& v : x) {
    v = d.sample(stream);
    REQUIRE(v >= d.lower());
    REQUIRE(v <= d.upper());
    moments.add(v);
  }
  INFO(d.to_toml());
  CHECK(std::abs(moments.mean() - d.mean()) <= 4 * moments.standard_error());
  // Standard error of the sample variance: sqrt((m4 - s^4) / n).
  double m4 = 0;
  for (double v : x) m4 += std::pow(v - moments.mean(), 4);
  m4 /= kDraws;
  const double s2 = moments.variance();
  const double variance_se = std::sqrt((m4 - s2 * s2) / kDraws);
  CHECK(std::abs(s2 - d.variance()) <= 4 * variance_se);
}

}  // namespace

TEST_CASE("each distribution's samples have its mean and variance", "[distributions]") {
  check_moments(Distribution::normal(3, 2), 1);
  check_moments(Distribution::trunc_normal(250, 50, 120, 450), 2);
  check_moments(Distribution::trunc_normal(0, 1, 2, 4), 3);  // interval in the upper tail
  check_moments(Distribution::trunc_normal(0.36, 0.05, 0.2, 0.5), 4);
  check_moments(Distribution::log_normal(70, 0.2), 5);
  check_moments(Distribution::uniform(0.6, 1.0), 6);
  check_moments(Distribution::gamma(3, 2.5), 7);
  check_moments(Distribution::beta(6, 2), 8);
  check_moments(Distribution::beta_mean_sd(0.6, 0.2), 9);
  check_moments(Distribution::beta_mean_sd(0.05, 0.02), 10);  // a skewed one near 0
}

TEST_CASE("a beta given by {mean, sd} is the beta of shapes mean k, (1 - mean) k",
          "[distributions]") {
  // k = mean (1 - mean) / sd^2 - 1 = 0.24 / 0.04 - 1 = 5: the beta of a = 3, b = 2.
  const Distribution moments = Distribution::beta_mean_sd(0.6, 0.2);
  const Distribution shapes = Distribution::beta(3, 2);
  CHECK(moments.mean() == 0.6);
  CHECK(moments.variance() == Approx(shapes.variance()));
  for (double p : {1e-9, 0.1, 0.5, 0.9}) {
    CHECK(moments.quantile(p, 1 - p) == Approx(shapes.quantile(p, 1 - p)).epsilon(1e-12));
  }
  CHECK(moments.lower() == 0.0);
  CHECK(moments.upper() == 1.0);
  CHECK(moments.field_index("mean") == 0u);
  CHECK(moments.field_index("sd") == 1u);
  CHECK(!moments.field_index("a"));
  CHECK(kind_name(moments.kind()) == "beta");
  CHECK(moments.to_toml() == "{ dist = \"beta\", mean = 0.6, sd = 0.2 }");
}

TEST_CASE("a constant distribution always gives its value", "[distributions]") {
  RandomStream stream(1, 1, StreamPurpose::kDot);
  const Distribution d = Distribution::constant(4.5);
  for (int i = 0; i < 10; ++i) CHECK(d.sample(stream) == 4.5);
  CHECK(d.quantile(0.01, 0.99) == 4.5);
  CHECK(d.variance() == 0);
}

TEST_CASE("quantiles invert the distributions and stay accurate in both tails", "[distributions]") {
  const Distribution lognormal = Distribution::log_normal(70, 0.2);
  CHECK(lognormal.quantile(0.5, 0.5) == Approx(70));
  CHECK(Distribution::uniform(20, 70).quantile(0.25, 0.75) == Approx(32.5));
  CHECK(Distribution::normal(1, 2).quantile(0.975, 0.025) == Approx(1 + 2 * 1.959963985));
  // Sampler and quantile agree: a share p of the draws lies below the p-quantile.
  for (const Distribution& d : {Distribution::gamma(3, 2.5), Distribution::beta(6, 2),
                                Distribution::trunc_normal(250, 50, 120, 450)}) {
    RandomStream stream(3, 3, StreamPurpose::kDot);
    for (double p : {0.1, 0.5, 0.9}) {
      const double q = d.quantile(p, 1 - p);
      constexpr int kDraws = 100000;
      int below = 0;
      for (int i = 0; i < kDraws; ++i) below += d.sample(stream) < q;
      INFO(d.to_toml() << " p = " << p);
      CHECK(std::abs(below / double(kDraws) - p) <= 4 * std::sqrt(p * (1 - p) / kDraws));
    }
  }
  // Upper tail given by its complement: the quantile of p = 1 - 1e-14 is still finite.
  CHECK(std::isfinite(Distribution::normal(0, 1).quantile(1 - 1e-14, 1e-14)));
  CHECK(Distribution::normal(0, 1).quantile(1 - 1e-14, 1e-14) == Approx(7.6506280929));
  // A truncation far in a tail samples inside its interval.
  const Distribution far = Distribution::trunc_normal(0, 1, 8, 9);
  CHECK(far.quantile(0.5, 0.5) > 8);
  CHECK(far.quantile(0.5, 0.5) < 9);
}

TEST_CASE("invalid fields are explained", "[distributions]") {
  CHECK(Distribution::normal(0, 0).invalid_reason().find("sd must be > 0") != std::string::npos);
  CHECK(Distribution::log_normal(-1, 0.2).invalid_reason().find("median") != std::string::npos);
  CHECK(Distribution::uniform(2, 1).invalid_reason().find("low must be < high") !=
        std::string::npos);
  CHECK(Distribution::beta(0, 1).invalid_reason().find("a and b") != std::string::npos);
  CHECK(Distribution::beta_mean_sd(0.6, 0.2).invalid_reason().empty());
  CHECK(Distribution::beta_mean_sd(1.2, 0.1).invalid_reason().find("mean must be in (0, 1)") !=
        std::string::npos);
  CHECK(Distribution::beta_mean_sd(0.6, 0).invalid_reason().find("sd must be > 0") !=
        std::string::npos);
  // sd^2 = mean (1 - mean) exactly (0.25 = 0.5 x 0.5) leaves no beta, as does anything above.
  CHECK(Distribution::beta_mean_sd(0.5, 0.5).invalid_reason().find(
            "sd must be < sqrt(mean x (1 - mean)) = 0.5 for mean 0.5, got 0.5") !=
        std::string::npos);
  CHECK(!Distribution::beta_mean_sd(0.6, 0.5).invalid_reason().empty());
  CHECK(Distribution::trunc_normal(0, 1, 3, 2).invalid_reason().find("low") != std::string::npos);
  CHECK(Distribution::gamma(1, std::nan("")).invalid_reason().find("finite") != std::string::npos);
  CHECK(Distribution::gamma(3, 2.5).invalid_reason().empty());
}

TEST_CASE("gammas and betas too narrow for Boost's quantiles are refused", "[distributions]") {
  const auto refused = [](const Distribution& d, const std::string& part) {
    return d.invalid_reason().find(part) != std::string::npos;
  };
  // A beta of shapes 1.25e25 (sd 1e-13 about 0.5) took Boost 40 s a quantile.
  CHECK(refused(Distribution::beta_mean_sd(0.5, 1e-13), "shapes a = 1.25e+25, b = 1.25e+25"));
  CHECK(refused(Distribution::beta(2, 1e10), "a shape above 1e9"));
  CHECK(Distribution::beta(1e9, 1e9).invalid_reason().empty());
  CHECK(refused(Distribution::gamma(1, 1e-6), "(mean / sd)^2 = 1e+12 exceeds 1e9"));
  CHECK(Distribution::gamma(1, 1.0 / 31622).invalid_reason().empty());
  // A shape that underflows to 0 (Boost cannot sample it) or a scale that overflows.
  CHECK(refused(Distribution::gamma(1e-300, 1), "beyond double precision"));
  CHECK(refused(Distribution::gamma(1e-300, 1e200), "beyond double precision"));
}

TEST_CASE("Boost computes the quantiles of every gamma and beta the shape limit allows",
          "[distributions]") {
  // What the config's check relies on to skip their quantiles (config/checks.cpp): shapes from
  // 1e-300 to the limit 1e9, ten decades apart, and common ones, at the median and 1e-9 from
  // either end (a copula's z beyond 6 sd, one patient in 5e8). Nearer the ends Boost's
  // root-finding gives up for a few shapes: beta(0.5, 3) at 1e-12 after 200 iterations.
  std::vector<double> shapes;
  for (double shape = 1e-300; shape < 1e9; shape *= 1e10) shapes.push_back(shape);
  for (double shape : {1e-3, 0.5, 1.0, 3.0, 1e3, 1e6, 1e8, 1e9}) shapes.push_back(shape);
  for (const double a : shapes) {
    // Gammas of shape a and means 1 and 1e-9.
    for (const double mean : {1.0, 1e-9}) {
      const Distribution gamma = Distribution::gamma(mean, mean / std::sqrt(a));
      REQUIRE(gamma.invalid_reason().empty());
      for (const double p : {1e-9, 0.5, 1 - 1e-9}) {
        INFO(gamma.to_toml() << " at " << p);
        const double x = gamma.quantile(p, 1 - p);
        CHECK((std::isfinite(x) && x >= 0));
      }
    }
    for (const double b : shapes) {
      const Distribution beta = Distribution::beta(a, b);
      REQUIRE(beta.invalid_reason().empty());
      for (const double p : {1e-9, 0.5, 1 - 1e-9}) {
        INFO(beta.to_toml() << " at " << p);
        const double x = beta.quantile(p, 1 - p);
        CHECK((x >= 0 && x <= 1));
      }
    }
  }
}

TEST_CASE("truncated normals have finite quantiles up to 30 sd out", "[distributions]") {
  // What the config's check relies on to skip their quantiles (config/checks.cpp): intervals
  // about the mean, to one side, and within 30 sd of it far in either tail, narrow and wide.
  for (const double start : {-30.0, -29.0, -8.0, -1.0, 0.0, 1.0, 8.0, 29.0})
    for (const double width : {1e-9, 1e-3, 1.0, 5.0, 1e3}) {
      for (const double sign : {1.0, -1.0}) {
        const double low = sign > 0 ? start : -start - width;
        const Distribution d = Distribution::trunc_normal(3, 2, 3 + 2 * low, 3 + 2 * (low + width));
        if (!d.invalid_reason().empty()) continue;  // both bounds beyond 30 sd
        for (const double p : {1e-9, 1e-12, 0.5, 1 - 1e-12, 1 - 1e-9}) {
          INFO(d.to_toml() << " at " << p);
          const double x = d.quantile(p, 1 - p);
          CHECK((x >= d.lower() && x <= d.upper()));
        }
      }
    }
}

TEST_CASE("distributions print as TOML inline tables with exact numbers", "[distributions]") {
  CHECK(Distribution::log_normal(70, 0.2).to_toml() ==
        "{ dist = \"lognormal\", median = 70.0, sigma = 0.2 }");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(1e-300) == "1e-300");
  CHECK(std::stod(format_number(1.0 / 3)) == 1.0 / 3);
}
