#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "smpsim/model/observation.h"
#include "smpsim/model/patient.h"

namespace smpsim {

// The final outcomes of docs/model.md §5, taken final_day after the last session.
enum class Outcome : std::uint8_t {
  kFinalCoverage,
  kFinalShade,
  kRetained,
  kPatchiness,
  kBlowoutFraction,
  kSessions,
  kTreatmentDays,
  kScratchEpisodes,
  kEarlyDetachments,
  kSatisfied,
  kRednessResolvedDay,
  kScabsClearedDay,
};
inline constexpr std::size_t kOutcomeCount = 12;

// How an outcome is stored: a real number, a count (int32) or a yes/no flag (int8).
enum class OutcomeKind : std::uint8_t { kReal, kCount, kFlag };

struct OutcomeInfo {
  std::string_view name;
  OutcomeKind kind;
  std::string_view meaning;
};
extern const std::array<OutcomeInfo, kOutcomeCount> kOutcomes;
// The index of the outcome called `name` in kOutcomes; kOutcomeCount when there is none.
std::size_t outcome_index(std::string_view name);

using Outcomes = std::array<double, kOutcomeCount>;
inline double& at(Outcomes& o, Outcome name) {
  return o[static_cast<std::size_t>(name)];
}
inline double at(const Outcomes& o, Outcome name) {
  return o[static_cast<std::size_t>(name)];
}

// One row of the sessions table: a session and what its examination found.
struct SessionRecord {
  std::int32_t session;  // 1-based
  double day;            // start of the session
  std::int32_t dots;
  double coverage_at_exam;
  double patchiness_at_exam;
  double hair_mm_at_exam;
  // How the technician worked (docs/model.md §3.1) and what the examination found of the
  // session's own dots.
  double depth_shift_um;
  double pigment_factor;
  double blowout_share;
  double lost_share;
  double faint_share;
};

// Everything one simulated patient leaves for the output.
struct PatientResult {
  Patient patient;
  Outcomes outcomes{};
  std::vector<SessionRecord> sessions;
  DailyObservations daily;
};

// Statistics of one outcome over a point's cohort (docs/interface.md, /summary).
struct OutcomeSummary {
  double mean = 0;
  double sem = 0;
  double p05 = 0;
  double p50 = 0;
  double p95 = 0;
  double diff_mean = 0;  // paired difference from the baseline point, when one is named
  double diff_sem = 0;
};

struct PointSummary {
  std::int64_t point = 0;
  std::vector<double> parameter_values;
  std::int64_t patients = 0;
  bool converged = true;  // convergence targets met (always true without targets)
  std::array<OutcomeSummary, kOutcomeCount> outcomes;
  std::vector<double> session_shares;  // share of patients with 1, 2, ... sessions
};

// Per-patient outcome columns of one point, in patient order.
using OutcomeColumns = std::array<std::vector<double>, kOutcomeCount>;

// The summary of a point from its outcome columns: means and standard errors (Welford, in
// patient order), quantiles, and the sessions distribution up to `max_sessions`.
PointSummary summarise(const OutcomeColumns& columns, std::int64_t max_sessions);

// Mean and standard error of the patient-by-patient difference a - b over the patients both
// have (the first min(|a|, |b|)).
struct PairedDifference {
  double mean;
  double sem;
};
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b);

// Half-width of a 95 % confidence interval, 1.96 standard errors.
inline constexpr double kNormal95 = 1.959963984540054;

// Mean and standard error, accumulated in patient order (Welford), so a summary is the same
// bit for bit whatever the thread count.
class RunningMoments {
 public:
  void add(double x);
  std::int64_t count() const { return count_; }
  double mean() const { return mean_; }
  double variance() const;  // sample variance (n - 1)
  double standard_error() const;

 private:
  std::int64_t count_ = 0;
  double mean_ = 0;
  double squares_ = 0;
};

// The p-quantile with linear interpolation between order statistics (numpy's default).
// Reorders `values`.
double quantile(std::span<double> values, double p);

}  // namespace smpsim
