#include "smpsim/model/distributions.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "smpsim/model/format.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

namespace {

using Fields = std::array<std::string_view, Distribution::kMaxFields>;

struct KindInfo {
  DistributionKind kind;
  std::string_view name;
  std::size_t field_count;
  Fields fields;
};

// Indexed by DistributionKind; parse_kind("beta") finds {a, b} first, and the reader picks
// {mean, sd} by the fields a table gives.
constexpr std::array<KindInfo, 8> kKinds = {{
    {DistributionKind::kConstant, "constant", 1, {"value"}},
    {DistributionKind::kNormal, "normal", 2, {"mean", "sd"}},
    {DistributionKind::kTruncNormal, "truncnormal", 4, {"mean", "sd", "low", "high"}},
    {DistributionKind::kLogNormal, "lognormal", 2, {"median", "sigma"}},
    {DistributionKind::kUniform, "uniform", 2, {"low", "high"}},
    {DistributionKind::kGamma, "gamma", 2, {"mean", "sd"}},
    {DistributionKind::kBeta, "beta", 2, {"a", "b"}},
    {DistributionKind::kBetaMeanSd, "beta", 2, {"mean", "sd"}},
}};

constexpr std::array<std::string_view, 7> kKindNames = {
    "constant", "normal", "truncnormal", "lognormal", "uniform", "gamma", "beta"};

const KindInfo& info(DistributionKind kind) {
  return kKinds[static_cast<std::size_t>(kind)];
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// Gamma given by mean and sd, as Boost's shape and scale.
double gamma_shape(double mean, double sd) {
  return (mean / sd) * (mean / sd);
}
double gamma_scale(double mean, double sd) {
  return sd * sd / mean;
}

// Beta given by mean m and sd s, as its shapes: a = m k, b = (1 - m) k with
// k = m (1 - m) / s^2 - 1, which makes the mean m and the variance m (1 - m) / (k + 1) = s^2.
struct BetaShapes {
  double a, b;
};
BetaShapes beta_shapes(double mean, double sd) {
  const double k = mean * (1 - mean) / (sd * sd) - 1;
  return {mean * k, (1 - mean) * k};
}
// The shapes of either way of writing a beta: {a, b} as they are, {mean, sd} converted.
BetaShapes beta_shapes_of(DistributionKind kind,
                          const std::array<double, Distribution::kMaxFields>& f) {
  return kind == DistributionKind::kBeta ? BetaShapes{f[0], f[1]} : beta_shapes(f[0], f[1]);
}

// The largest gamma or beta shape a distribution may have. The model samples correlated
// attributes by their quantiles, and Boost computes those for shapes up to about 1e10 (a gamma)
// and 1e11 (a beta); beyond, it fails or takes minutes (a beta of shapes 1e25: 40 s a quantile,
// measured 2026-12-03). A distribution this narrow (a gamma's sd below mean / 31623) is a
// constant in all but name.
constexpr double kMaxShape = 1e9;

std::string shape_limit_reason(BetaShapes shapes) {
  char text[256];
  std::snprintf(text, sizeof text,
                "shapes a = %.4g, b = %.4g: a beta with a shape above 1e9 is so narrow that its "
                "quantiles cannot be computed (use dist = \"constant\" for a fixed value)",
                shapes.a, shapes.b);
  return text;
}

// Standard normal quantile from a lower-tail probability p and its complement q.
double standard_normal_quantile(double p, double q) {
  const boost::math::normal unit;
  return p < 0.5 ? boost::math::quantile(unit, p)
                 : boost::math::quantile(boost::math::complement(unit, q));
}

template <class BoostDist>
double quantile_of(const BoostDist& dist, double p, double q) {
  return p < 0.5 ? boost::math::quantile(dist, p)
                 : boost::math::quantile(boost::math::complement(dist, q));
}

}  // namespace

double standard_normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

std::string_view kind_name(DistributionKind kind) {
  return info(kind).name;
}

std::optional<DistributionKind> parse_kind(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::span<const std::string_view> kind_names() {
  return kKindNames;
}

Distribution::Distribution(DistributionKind kind, std::array<double, kMaxFields> fields)
    : kind_(kind), fields_(fields) {}

Distribution Distribution::constant(double value) {
  return {DistributionKind::kConstant, {value}};
}
Distribution Distribution::normal(double mean, double sd) {
  return {DistributionKind::kNormal, {mean, sd}};
}
Distribution Distribution::trunc_normal(double mean, double sd, double low, double high) {
  return {DistributionKind::kTruncNormal, {mean, sd, low, high}};
}
Distribution Distribution::log_normal(double median, double sigma) {
  return {DistributionKind::kLogNormal, {median, sigma}};
}
Distribution Distribution::uniform(double low, double high) {
  return {DistributionKind::kUniform, {low, high}};
}
Distribution Distribution::gamma(double mean, double sd) {
  return {DistributionKind::kGamma, {mean, sd}};
}
Distribution Distribution::beta(double a, double b) {
  return {DistributionKind::kBeta, {a, b}};
}
Distribution Distribution::beta_mean_sd(double mean, double sd) {
  return {DistributionKind::kBetaMeanSd, {mean, sd}};
}

std::span<const std::string_view> Distribution::field_names() const {
  const KindInfo& k = info(kind_);
  return std::span<const std::string_view>(k.fields.data(), k.field_count);
}

std::optional<std::size_t> Distribution::field_index(std::string_view name) const {
  const auto names = field_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

std::string Distribution::invalid_reason() const {
  const auto names = field_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!std::isfinite(fields_[i])) return std::string(names[i]) + " must be a finite number";
  }
  const auto& f = fields_;
  switch (kind_) {
    case DistributionKind::kConstant:
      return {};
    case DistributionKind::kNormal:
      if (f[1] <= 0) return "sd must be > 0 (use dist = \"constant\" for a fixed value)";
      return {};
    case DistributionKind::kGamma: {
      if (f[1] <= 0) return "sd must be > 0 (use dist = \"constant\" for a fixed value)";
      if (f[0] <= 0) return "mean must be > 0";
      const double shape = gamma_shape(f[0], f[1]), scale = gamma_scale(f[0], f[1]);
      constexpr double kSmallest = std::numeric_limits<double>::min();
      if (!(shape >= kSmallest) || !(scale >= kSmallest) || !std::isfinite(scale)) {
        char text[256];
        std::snprintf(text, sizeof text,
                      "its shape (mean / sd)^2 = %.4g and scale sd^2 / mean = %.4g are beyond "
                      "double precision; choose fields of moderate magnitude",
                      shape, scale);
        return text;
      }
      if (shape > kMaxShape) {
        char text[256];
        std::snprintf(text, sizeof text,
                      "its shape (mean / sd)^2 = %.4g exceeds 1e9 (sd below about mean / 31623): "
                      "a gamma so narrow that its quantiles cannot be computed (use "
                      "dist = \"constant\" for a fixed value)",
                      shape);
        return text;
      }
      return {};
    }
    case DistributionKind::kTruncNormal: {
      if (f[1] <= 0) return "sd must be > 0 (use dist = \"constant\" for a fixed value)";
      if (f[2] >= f[3]) return "low must be < high";
      // Both bounds more than 30 sd on one side of the mean leave no probability to sample.
      const double alpha = (f[2] - f[0]) / f[1], beta = (f[3] - f[0]) / f[1];
      if (alpha > 30 || beta < -30) return "[low, high] lies more than 30 sd from the mean";
      return {};
    }
    case DistributionKind::kLogNormal:
      if (f[0] <= 0) return "median must be > 0";
      if (f[1] <= 0) return "sigma must be > 0 (use dist = \"constant\" for a fixed value)";
      if (f[1] > 10) return "sigma must be <= 10";
      return {};
    case DistributionKind::kUniform:
      if (f[0] >= f[1]) return "low must be < high (use dist = \"constant\" for a fixed value)";
      return {};
    case DistributionKind::kBeta:
      if (f[0] <= 0 || f[1] <= 0) return "a and b must be > 0";
      if (f[0] > kMaxShape || f[1] > kMaxShape) return shape_limit_reason({f[0], f[1]});
      return {};
    case DistributionKind::kBetaMeanSd: {
      if (f[0] <= 0 || f[0] >= 1) return "mean must be in (0, 1), got " + format_short(f[0]);
      if (f[1] <= 0) return "sd must be > 0 (use dist = \"constant\" for a fixed value)";
      // sd^2 >= mean (1 - mean) leaves no beta: its shapes a and b would be <= 0.
      if (f[1] * f[1] >= f[0] * (1 - f[0])) {
        char largest[32];
        std::snprintf(largest, sizeof largest, "%.4g", std::sqrt(f[0] * (1 - f[0])));
        return "sd must be < sqrt(mean x (1 - mean)) = " + std::string(largest) + " for mean " +
               format_short(f[0]) + ", got " + format_short(f[1]) +
               " (sd^2 >= mean x (1 - mean) leaves no beta)";
      }
      if (const BetaShapes shapes = beta_shapes(f[0], f[1]);
          shapes.a > kMaxShape || shapes.b > kMaxShape) {
        return shape_limit_reason(shapes);
      }
      return {};
    }
  }
  return {};
}

double Distribution::lower() const {
  switch (kind_) {
    case DistributionKind::kConstant:
      return fields_[0];
    case DistributionKind::kNormal:
      return -kInf;
    case DistributionKind::kTruncNormal:
      return fields_[2];
    case DistributionKind::kUniform:
      return fields_[0];
    case DistributionKind::kLogNormal:
    case DistributionKind::kGamma:
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd:
      return 0.0;
  }
  return -kInf;
}

double Distribution::upper() const {
  switch (kind_) {
    case DistributionKind::kConstant:
      return fields_[0];
    case DistributionKind::kTruncNormal:
      return fields_[3];
    case DistributionKind::kUniform:
      return fields_[1];
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd:
      return 1.0;
    case DistributionKind::kNormal:
    case DistributionKind::kLogNormal:
    case DistributionKind::kGamma:
      return kInf;
  }
  return kInf;
}

double Distribution::mean() const {
  const auto& f = fields_;
  switch (kind_) {
    case DistributionKind::kConstant:
      return f[0];
    case DistributionKind::kNormal:
    case DistributionKind::kGamma:
    case DistributionKind::kBetaMeanSd:
      return f[0];
    case DistributionKind::kTruncNormal: {
      const double a = (f[2] - f[0]) / f[1], b = (f[3] - f[0]) / f[1];
      const boost::math::normal unit;
      const double mass = standard_normal_cdf(b) - standard_normal_cdf(a);
      return f[0] + f[1] * (boost::math::pdf(unit, a) - boost::math::pdf(unit, b)) / mass;
    }
    case DistributionKind::kLogNormal:
      return f[0] * std::exp(0.5 * f[1] * f[1]);
    case DistributionKind::kUniform:
      return 0.5 * (f[0] + f[1]);
    case DistributionKind::kBeta:
      return f[0] / (f[0] + f[1]);
  }
  return 0;
}

double Distribution::variance() const {
  const auto& f = fields_;
  switch (kind_) {
    case DistributionKind::kConstant:
      return 0;
    case DistributionKind::kNormal:
    case DistributionKind::kGamma:
    case DistributionKind::kBetaMeanSd:
      return f[1] * f[1];
    case DistributionKind::kTruncNormal: {
      const double a = (f[2] - f[0]) / f[1], b = (f[3] - f[0]) / f[1];
      const boost::math::normal unit;
      const double mass = standard_normal_cdf(b) - standard_normal_cdf(a);
      const double pa = boost::math::pdf(unit, a), pb = boost::math::pdf(unit, b);
      const double ta = std::isfinite(a) ? a * pa : 0.0, tb = std::isfinite(b) ? b * pb : 0.0;
      const double shift = (pa - pb) / mass;
      return f[1] * f[1] * (1 + (ta - tb) / mass - shift * shift);
    }
    case DistributionKind::kLogNormal: {
      const double s2 = f[1] * f[1];
      return (std::exp(s2) - 1) * f[0] * f[0] * std::exp(s2);
    }
    case DistributionKind::kUniform:
      return (f[1] - f[0]) * (f[1] - f[0]) / 12;
    case DistributionKind::kBeta: {
      const double n = f[0] + f[1];
      return f[0] * f[1] / (n * n * (n + 1));
    }
  }
  return 0;
}

double Distribution::sample(RandomStream& stream) const {
  const auto& f = fields_;
  switch (kind_) {
    case DistributionKind::kConstant:
      return f[0];
    case DistributionKind::kNormal:
      SMPSIM_COUNT(normals, 1);
      return boost::random::normal_distribution<double>(f[0], f[1])(stream);
    case DistributionKind::kTruncNormal: {
      // Inverse CDF on the truncated interval: one uniform, no rejection loop.
      const double u = stream.uniform();
      return quantile(u, 1 - u);
    }
    case DistributionKind::kLogNormal:
      SMPSIM_COUNT(normals, 1);
      return boost::random::lognormal_distribution<double>(std::log(f[0]), f[1])(stream);
    case DistributionKind::kUniform:
      return boost::random::uniform_real_distribution<double>(f[0], f[1])(stream);
    case DistributionKind::kGamma:
      return boost::random::gamma_distribution<double>(gamma_shape(f[0], f[1]),
                                                       gamma_scale(f[0], f[1]))(stream);
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd: {
      const BetaShapes shapes = beta_shapes_of(kind_, f);
      return boost::random::beta_distribution<double>(shapes.a, shapes.b)(stream);
    }
  }
  return f[0];
}

double Distribution::quantile(double p, double q) const {
  const auto& f = fields_;
  switch (kind_) {
    case DistributionKind::kConstant:
      return f[0];
    case DistributionKind::kNormal:
      return f[0] + f[1] * standard_normal_quantile(p, q);
    case DistributionKind::kTruncNormal: {
      // Work in the tail the interval lies in, so a truncation far from the mean stays exact.
      const double a = (f[2] - f[0]) / f[1], b = (f[3] - f[0]) / f[1];
      double x;
      if (a > 0) {  // mirror: upper-tail probabilities of the interval [a, b]
        const double qa = standard_normal_cdf(-a), qb = standard_normal_cdf(-b);
        const double tail = qb + q * (qa - qb);
        x = -standard_normal_quantile(tail, 1 - tail);
      } else {
        const double pa = standard_normal_cdf(a), pb = standard_normal_cdf(b);
        const double lower_tail = pa + p * (pb - pa);
        x = standard_normal_quantile(lower_tail, 1 - lower_tail);
      }
      return std::clamp(f[0] + f[1] * x, f[2], f[3]);
    }
    case DistributionKind::kLogNormal:
      return f[0] * std::exp(f[1] * standard_normal_quantile(p, q));
    case DistributionKind::kUniform:
      return f[0] + p * (f[1] - f[0]);
    case DistributionKind::kGamma:
      return quantile_of(
          boost::math::gamma_distribution<double>(gamma_shape(f[0], f[1]), gamma_scale(f[0], f[1])),
          p, q);
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd: {
      const BetaShapes shapes = beta_shapes_of(kind_, f);
      return quantile_of(boost::math::beta_distribution<double>(shapes.a, shapes.b), p, q);
    }
  }
  return f[0];
}

double Distribution::density(double x) const {
  const auto& f = fields_;
  if (!(x >= lower() && x <= upper())) return 0;
  switch (kind_) {
    case DistributionKind::kConstant:
      return x == f[0] ? 1.0 : 0.0;
    case DistributionKind::kNormal:
      return boost::math::pdf(boost::math::normal(f[0], f[1]), x);
    case DistributionKind::kTruncNormal: {
      const double mass =
          standard_normal_cdf((f[3] - f[0]) / f[1]) - standard_normal_cdf((f[2] - f[0]) / f[1]);
      return boost::math::pdf(boost::math::normal(f[0], f[1]), x) / mass;
    }
    case DistributionKind::kLogNormal:
      return x > 0 ? boost::math::pdf(boost::math::lognormal(std::log(f[0]), f[1]), x) : 0.0;
    case DistributionKind::kUniform:
      return 1 / (f[1] - f[0]);
    case DistributionKind::kGamma:
      return boost::math::pdf(
          boost::math::gamma_distribution<double>(gamma_shape(f[0], f[1]), gamma_scale(f[0], f[1])),
          x);
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd: {
      const BetaShapes shapes = beta_shapes_of(kind_, f);
      return boost::math::pdf(boost::math::beta_distribution<double>(shapes.a, shapes.b), x);
    }
  }
  return 0;
}

std::string Distribution::to_toml() const {
  std::string text = "{ dist = \"" + std::string(kind_name(kind_)) + "\"";
  const auto names = field_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += ", " + std::string(names[i]) + " = " + format_number(fields_[i]);
  }
  return text + " }";
}

}  // namespace smpsim
