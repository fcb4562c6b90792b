#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/look_table.h"
#include "smpsim/model/technician.h"

namespace smpsim {

struct Parameters;
struct Patient;

// The daily series of docs/model.md §5 (and two more: `open`, `seen_shade`), in output order.
enum class Daily : std::uint8_t {
  kRedness,    // share of the latest session's dots still inflamed
  kScabs,      // share of the latest session's dots under a scab
  kOpen,       // share of the latest session's dots whose epidermis has not closed
  kRetained,   // pigment still in the skin / pigment deposited
  kShade,      // mean dot shade relative to its own fresh shade
  kSeenShade,  // the same as seen: scabs hide a dot, hair dims it by e^(-hair / hair_obscure_mm)
  kCoverage,   // share of regions at density_target
  kHairMm,     // hair length since the last shave
};
inline constexpr std::size_t kDailyCount = 8;
inline constexpr std::array<std::string_view, kDailyCount> kDailyNames = {
    "redness", "scabs", "open", "retained", "shade", "seen_shade", "coverage", "hair_mm"};
// Each series' unit ("1": a share or a ratio) and meaning, as the output's units and long_name.
struct DailyInfo {
  std::string_view unit;
  std::string_view meaning;
};
inline constexpr std::array<DailyInfo, kDailyCount> kDailyInfo = {{
    {"1", "share of the latest session's dots still inflamed"},
    {"1", "share of the latest session's dots under a scab"},
    {"1", "share of the latest session's dots whose epidermis has not closed"},
    {"1", "pigment still in the skin over pigment deposited"},
    {"1", "mean dot shade relative to its own fresh shade"},
    {"1", "mean dot shade as seen: scabs hide a dot, hair dims it"},
    {"1", "share of regions at density_target"},
    {"mm", "hair length since the last shave"},
}};

// One patient's daily observations at t = k + 0.5, k = 0..horizon_days.
struct DailyObservations {
  std::size_t days = 0;
  std::vector<float> values;  // kDailyCount x days, series by series
  std::span<float> series(Daily name) {
    return {values.data() + static_cast<std::size_t>(name) * days, days};
  }
  std::span<const float> series(Daily name) const {
    return {values.data() + static_cast<std::size_t>(name) * days, days};
  }
};

// What the technician sees at an examination (and the final look): region densities in units
// of dots_per_session / regions, including a touch-up's prior density.
struct ScalpSnapshot {
  std::vector<double> region_density;
  double coverage = 0;    // share of regions with density >= density_target
  double patchiness = 0;  // coefficient of variation of region density
  double shade = 0;       // mean relative dot shade
  double retained = 0;    // pigment in the skin / pigment deposited
};

// The technician's examination (docs/model.md §3.1, §5): the scalp as the technician sees it
// (version 2: not through scabs, with the fading to come discounted) and what it showed of the
// latest session's own dots.
struct Examination {
  ScalpSnapshot seen;
  SessionFindings findings;
};

// Optics and observation of one patient's scalp (docs/model.md §4-5). A dot's pigment is seen
// through the new skin over it: o = z + hyperplasia(u) + cap(u) for each packet still in
// the skin, and its shade is V = contrast (m / K) sum e^(-mu o) (x blowout_sharpness if deep).
class Observer {
 public:
  Observer(const Parameters& parameters, const Patient& patient);
  ~Observer();

  // Takes in the dots of the session just placed (the latest in `session_starts`). Every
  // session's dots must be added before a snapshot or the daily series.
  void add_session(const Scalp& scalp, std::span<const double> session_starts);

  ScalpSnapshot snapshot(const Scalp& scalp, std::span<const double> session_starts, double t);
  Examination examine(const Scalp& scalp, std::span<const double> session_starts, double t);
  DailyObservations daily(const Scalp& scalp, std::span<const double> session_starts);

  // Hair length at t: shaved at each session's start and at the end of each examination day.
  double hair_mm(double t, std::span<const double> session_starts) const;

  // First observation day t = k + 0.5 with redness below 0.1 (docs/model.md §5), in days after
  // session 1; and, in days after the last session, the day from which its scabs stay below
  // 0.05.
  double redness_resolved_day(const Scalp& scalp, std::span<const double> session_starts);
  double scabs_cleared_day(const Scalp& scalp, std::span<const double> session_starts);

  // Counts among the latest session's punctured dots: inflamed, under a scab, not closed.
  struct WoundCounts {
    std::int64_t punctured = 0;
    std::int64_t inflamed = 0;
    std::int64_t scabbed = 0;
    std::int64_t open = 0;

    double share(std::int64_t count) const {
      return punctured ? static_cast<double>(count) / static_cast<double>(punctured) : 0.0;
    }
  };

 private:
  // The wound counts of each observation day, to the horizon plus a year, which the daily series
  // and the two healing outcomes read: built once for a state of the scalp. Only new dots and
  // torn scabs change the times they count, so the numbers of dots and of tears say when to
  // build them again.
  std::span<const WoundCounts> wounds(const Scalp& scalp, std::span<const double> session_starts);

  double density_of(std::size_t region, double visible) const;
  ScalpSnapshot take_snapshot(const Scalp& scalp, std::span<const double> session_starts, double t,
                              LookTable::Eye eye);

  LookOptics optics_;
  double density_target_;
  double lost_below_;
  double dots_per_region_;
  double assess_day_;
  double hair_mm_per_day_;
  double hair_obscure_mm_;
  std::size_t horizon_days_;
  std::vector<double> prior_density_;
  std::unique_ptr<LookTable> table_;  // the dots, column by column, for looks
  std::vector<WoundCounts> wounds_;
  std::size_t wounds_dots_ = 0, wounds_torn_ = 0, wounds_sessions_ = 0;  // what wounds_ is for
};

}  // namespace smpsim
