#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smpsim {

class RandomStream;

// The distribution families a patient attribute (or a per-dot quantity) may follow
// (docs/model.md §2).
enum class DistributionKind : std::uint8_t {
  kConstant,     // {value}
  kNormal,       // {mean, sd}
  kTruncNormal,  // {mean, sd, low, high}
  kLogNormal,    // {median, sigma}
  kUniform,      // {low, high}
  kGamma,        // {mean, sd}
  kBeta,         // {a, b}
  kBetaMeanSd,   // {mean, sd}: the same family, written "beta" too, as researchers state it
};

std::string_view kind_name(DistributionKind kind);
std::optional<DistributionKind> parse_kind(std::string_view name);
std::span<const std::string_view> kind_names();

// A univariate distribution given by its family and its named fields, as written in a config:
// `{dist = "lognormal", median = 70, sigma = 0.2}`. The one sampler of the project's
// configurable quantities: `sample` draws through Boost.Random, `quantile` serves the copula.
class Distribution {
 public:
  static constexpr std::size_t kMaxFields = 4;

  Distribution() = default;  // constant 0
  Distribution(DistributionKind kind, std::array<double, kMaxFields> fields);

  static Distribution constant(double value);
  static Distribution normal(double mean, double sd);
  static Distribution trunc_normal(double mean, double sd, double low, double high);
  static Distribution log_normal(double median, double sigma);
  static Distribution uniform(double low, double high);
  static Distribution gamma(double mean, double sd);
  static Distribution beta(double a, double b);
  static Distribution beta_mean_sd(double mean, double sd);

  DistributionKind kind() const { return kind_; }
  std::span<const std::string_view> field_names() const;
  std::optional<std::size_t> field_index(std::string_view name) const;
  double field(std::size_t index) const { return fields_[index]; }
  void set_field(std::size_t index, double value) { fields_[index] = value; }

  // Why the fields do not make a distribution ("sd must be > 0"); empty when they do.
  std::string invalid_reason() const;

  // Support [lower, upper]; infinite where unbounded.
  double lower() const;
  double upper() const;
  double mean() const;
  double variance() const;

  double sample(RandomStream& stream) const;
  // The probability density at x (0 outside the support): a calibration's prior weights.
  double density(double x) const;
  // The quantile at probability p, given also as its complement q = 1 - p so that both
  // tails stay accurate (the copula passes Φ(z) and Φ(-z)).
  double quantile(double p, double q) const;

  // `{dist = "gamma", mean = 3, sd = 2.5}`, exact (shortest round-trip decimals).
  std::string to_toml() const;

  friend bool operator==(const Distribution&, const Distribution&) = default;

 private:
  DistributionKind kind_ = DistributionKind::kConstant;
  std::array<double, kMaxFields> fields_{};
};

// Φ(x), the standard normal CDF, accurate in the lower tail: Φ(-x) gives the upper tail.
double standard_normal_cdf(double x);

}  // namespace smpsim
