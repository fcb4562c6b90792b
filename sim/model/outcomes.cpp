#include "smpsim/model/outcomes.h"

#include <algorithm>
#include <cmath>

namespace smpsim {

const std::array<OutcomeInfo, kOutcomeCount> kOutcomes = {{
    {"final_coverage", OutcomeKind::kReal, "share of regions at density_target, final look"},
    {"final_shade", OutcomeKind::kReal, "mean dot shade relative to its fresh shade, final look"},
    {"retained", OutcomeKind::kReal, "pigment in the skin / pigment deposited, final look"},
    {"patchiness", OutcomeKind::kReal, "coefficient of variation of region density, final look"},
    {"blowout_fraction", OutcomeKind::kReal, "share of dots placed below the papillary dermis"},
    {"sessions", OutcomeKind::kCount, "sessions of the treatment"},
    {"treatment_days", OutcomeKind::kReal, "days from the first to the last session"},
    {"scratch_episodes", OutcomeKind::kCount, "scratch episodes over the treatment"},
    {"early_detachments", OutcomeKind::kCount, "scabs torn off early by scratching"},
    {"satisfied", OutcomeKind::kFlag,
     "final coverage >= coverage_target and patchiness <= patchiness_max"},
    {"redness_resolved_day", OutcomeKind::kReal,
     "first observation day after session 1 with redness < 0.1"},
    {"scabs_cleared_day", OutcomeKind::kReal,
     "first observation day after the last session with scabs < 0.05, in days after it"},
}};

void RunningMoments::add(double x) {
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  squares_ += delta * (x - mean_);
}

double RunningMoments::variance() const {
  return count_ > 1 ? squares_ / static_cast<double>(count_ - 1) : 0.0;
}

double RunningMoments::standard_error() const {
  return count_ > 1 ? std::sqrt(variance() / static_cast<double>(count_)) : 0.0;
}

PointSummary summarise(const OutcomeColumns& columns, std::int64_t max_sessions) {
  PointSummary summary;
  summary.patients = static_cast<std::int64_t>(columns[0].size());
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    RunningMoments moments;
    for (double v : columns[i]) moments.add(v);
    std::vector<double> sorted = columns[i];
    OutcomeSummary& s = summary.outcomes[i];
    s.mean = moments.mean();
    s.sem = moments.standard_error();
    s.p05 = quantile(sorted, 0.05);
    s.p50 = quantile(sorted, 0.50);
    s.p95 = quantile(sorted, 0.95);
  }
  summary.session_shares.assign(static_cast<std::size_t>(max_sessions), 0.0);
  for (double sessions : columns[static_cast<std::size_t>(Outcome::kSessions)]) {
    const auto index = static_cast<std::size_t>(sessions) - 1;
    if (index < summary.session_shares.size()) summary.session_shares[index] += 1;
  }
  for (double& share : summary.session_shares)
    share /= static_cast<double>(std::max<std::int64_t>(summary.patients, 1));
  return summary;
}

PairedDifference paired_difference(std::span<const double> a, std::span<const double> b) {
  RunningMoments moments;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) moments.add(a[i] - b[i]);
  return {moments.mean(), moments.standard_error()};
}

double quantile(std::span<double> values, double p) {
  if (values.empty()) return 0;
  const double position = p * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(below),
                   values.end());
  const double low = values[below];
  double high = low;
  if (above != below) {
    high = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(above), values.end());
  }
  return low + (position - static_cast<double>(below)) * (high - low);
}

std::size_t outcome_index(std::string_view name) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (kOutcomes[i].name == name) return i;
  }
  return kOutcomeCount;
}

}  // namespace smpsim
