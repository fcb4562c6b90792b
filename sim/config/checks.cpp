#include "checks.h"

#include <cmath>
#include <limits>

#include "smpsim/model/error.h"
#include "smpsim/model/format.h"

namespace smpsim {

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

void check_distribution(const Distribution& d, const Bounds& support, const std::string& where,
                        std::string_view key) {
  if (std::string reason = d.invalid_reason(); !reason.empty()) {
    fail(where, key, kind_name(d.kind()).data() + std::string(" distribution: ") + reason);
  }
  // The distribution's support must lie within the key's valid values.
  const bool open_low = d.kind() == DistributionKind::kLogNormal ||
                        d.kind() == DistributionKind::kGamma || d.kind() == DistributionKind::kBeta;
  const bool open_high = d.kind() == DistributionKind::kBeta;
  const bool low_ok =
      d.lower() > support.low || (d.lower() == support.low && (!support.low_open || open_low));
  const bool high_ok = d.upper() < support.high || std::isinf(support.high) ||
                       (d.upper() == support.high && (!support.high_open || open_high));
  if (!low_ok || !high_ok) {
    fail(where, key,
         "a " + std::string(kind_name(d.kind())) + " distribution takes values in [" +
             format_short(d.lower()) + ", " + format_short(d.upper()) +
             "], but the values must be " + support.describe() +
             (std::isinf(support.high) ? " (use truncnormal, lognormal or gamma)"
                                       : " (use truncnormal, uniform or beta)"));
  }
}
}  // namespace smpsim
