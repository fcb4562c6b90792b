#include "checks.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "smpsim/model/outcomes.h"

namespace smpsim {

const std::vector<std::string>& outcome_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const OutcomeInfo& outcome : kOutcomes) list.emplace_back(outcome.name);
    return list;
  }();
  return names;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) text += separator;
    text += items[i];
  }
  return text;
}

[[noreturn]] void fail(const std::string& where, std::string_view key, const std::string& what) {
  throw InputError(where + ": " + std::string(key) + ": " + what);
}

namespace {

// Bounds of an integer key as integers: a bound at or beyond what an int64 holds is its limit.
std::int64_t integer_bound(double x) {
  constexpr double kBeyond = 9223372036854775808.0;  // 2^63
  if (x >= kBeyond) return std::numeric_limits<std::int64_t>::max();
  if (x <= -kBeyond) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(x);
}

}  // namespace

bool integer_in_bounds(const Bounds& bounds, std::int64_t value) {
  return value >= integer_bound(bounds.low) && value <= integer_bound(bounds.high);
}

std::string describe_integer_bounds(const Bounds& bounds) {
  return "in [" + std::to_string(integer_bound(bounds.low)) + ", " +
         std::to_string(integer_bound(bounds.high)) + "]";
}

void check_bounds(const Bounds& bounds, double value, const std::string& where,
                  std::string_view key) {
  if (!bounds.contains(value)) {
    fail(where, key, "must be " + bounds.describe() + ", got " + format_short(value));
  }
}

namespace {

// Whether a distribution's values stay within `limit` in magnitude beyond a 1e-12 tail each
// side, shown without its quantiles: Boost's take up to 80 us a beta, and a sweep checks up to
// 10^6 points. A beta's values lie in [0, 1], a truncated normal's in [low, high]. For any
// other distribution, Cantelli's inequality P(X - mean >= t) <= var / (var + t^2) is below
// 1e-12 for t = 10^6 sd, either side; the median lies between those tails' quantiles. That the
// quantiles can be computed at all is shown otherwise: a normal's, a lognormal's and a
// uniform's are closed forms, and a truncated normal's, a gamma's and a beta's are computable
// within Distribution::invalid_reason's limits (30 sd, shapes up to 1e9; tested over them).
// Probing Boost's quantiles proved no more: its beta quantile gives up at 1e-12 for a few
// common shapes (beta(0.5, 3)), which it refused. False: not shown; compute the quantiles.
bool tails_within(const Distribution& d, double mean, double variance, double limit) {
  switch (d.kind()) {
    case DistributionKind::kBeta:
    case DistributionKind::kBetaMeanSd:
      return true;
    case DistributionKind::kTruncNormal:
      return std::max(std::abs(d.lower()), std::abs(d.upper())) <= limit;
    default:
      return std::abs(mean) + 1e6 * std::sqrt(variance) <= limit;
  }
}

}  // namespace

std::optional<std::string> distribution_problem(const Distribution& d, const Bounds& support) {
  if (std::string reason = d.invalid_reason(); !reason.empty()) {
    return kind_name(d.kind()).data() + std::string(" distribution: ") + reason;
  }
  // What the model cannot compute with: values beyond 1e15 in magnitude overflow the model's
  // sums and products to inf or NaN (a lognormal pigment of median 1e308 gave an infinite
  // `retained`). The supports of gamma and lognormal keys are unbounded, so the bound is on the
  // distribution's tails rather than in the key table's ranges. What Boost cannot compute
  // (a gamma whose shape underflows to 0, a beta of huge shapes) invalid_reason refuses above;
  // anything else Boost throws on is caught below.
  constexpr double kTail = 1e-12;
  constexpr double kComputable = 1e15;
  try {
    const double mean = d.mean(), variance = d.variance();
    if (!tails_within(d, mean, variance, kComputable)) {
      for (const double p : {kTail, 0.5, 1 - kTail}) {
        const double x = d.quantile(p, 1 - p);
        if (!std::isfinite(x) || std::abs(x) > kComputable) {
          return "a " + std::string(kind_name(d.kind())) +
                 " distribution with these fields takes values up to " + format_short(x) +
                 " in magnitude (its quantile at " + format_short(p) +
                 "); the model computes with values of at most " + format_short(kComputable);
        }
      }
    }
    if (!std::isfinite(mean) || !std::isfinite(variance)) {
      return "a distribution whose mean or variance is not finite";
    }
  } catch (const std::exception& e) {
    return "cannot be sampled with these fields (" + std::string(e.what()) +
           "); choose fields of moderate magnitude";
  }
  // The distribution's support must lie within the key's valid values.
  const bool beta =
      d.kind() == DistributionKind::kBeta || d.kind() == DistributionKind::kBetaMeanSd;
  const bool open_low =
      d.kind() == DistributionKind::kLogNormal || d.kind() == DistributionKind::kGamma || beta;
  const bool open_high = beta;
  const bool low_ok =
      d.lower() > support.low || (d.lower() == support.low && (!support.low_open || open_low));
  const bool high_ok = d.upper() < support.high || std::isinf(support.high) ||
                       (d.upper() == support.high && (!support.high_open || open_high));
  if (!low_ok || !high_ok) {
    return "a " + std::string(kind_name(d.kind())) + " distribution takes values in [" +
           format_short(d.lower()) + ", " + format_short(d.upper()) + "], but the values must be " +
           support.describe() +
           (std::isinf(support.high) ? " (use truncnormal, lognormal or gamma)"
                                     : " (use truncnormal, uniform or beta)");
  }
  return std::nullopt;
}

void check_distribution(const Distribution& d, const Bounds& support, const std::string& where,
                        std::string_view key) {
  if (std::optional<std::string> problem = distribution_problem(d, support)) {
    fail(where, key, *problem);
  }
}
}  // namespace smpsim
