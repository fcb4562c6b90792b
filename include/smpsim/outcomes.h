#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "smpsim/observation.h"
#include "smpsim/patient.h"

namespace smpsim {

// The final outcomes of MODEL.md §5, taken final_day after the last session.
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

using Outcomes = std::array<double, kOutcomeCount>;
inline double& at(Outcomes& o, Outcome name) { return o[static_cast<std::size_t>(name)]; }
inline double at(const Outcomes& o, Outcome name) { return o[static_cast<std::size_t>(name)]; }

// One row of the sessions table: a session and what its examination found.
struct SessionRecord {
  std::int32_t session;  // 1-based
  double day;            // start of the session
  std::int32_t dots;
  double coverage_at_exam;
  double patchiness_at_exam;
  double hair_mm_at_exam;
};

// Everything one simulated patient leaves for the output.
struct PatientResult {
  Patient patient;
  Outcomes outcomes{};
  std::vector<SessionRecord> sessions;
  DailyObservations daily;
};

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
