#include "smpsim/model/observation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>

#include "smpsim/model/look_table.h"
#include "smpsim/model/parameters.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

namespace {

constexpr double kRednessResolved = 0.1;  // docs/model.md §5
constexpr double kScabsCleared = 0.05;

// The observations of redness_resolved_day and scabs_cleared_day end this many days after
// the horizon.
constexpr std::size_t kCensorDaysPastHorizon = 365;

double observation_time(std::size_t day) {
  return static_cast<double>(day) + 0.5;
}

// The first observation day at or after time t (t_k = k + 0.5 >= t).
std::size_t first_day_at(double t) {
  if (t <= 0.5) return 0;
  const auto day = static_cast<std::size_t>(t - 0.5);  // floor, t > 0.5
  return static_cast<double>(day) + 0.5 < t ? day + 1 : day;
}

using WoundCounts = Observer::WoundCounts;

// The wound counts at t_k = k + 0.5 for each day k < days: among the punctured dots of the
// latest session started by t_k, those inflamed, under a scab and not closed. Each dot counts
// over the days its session is the latest, by difference arrays: one pass over the dots and
// one over the days, not one over the dots every day.
std::vector<WoundCounts> wound_series(const Scalp& scalp, std::span<const double> session_starts,
                                      std::size_t days) {
  std::vector<std::int64_t> punctured(days + 1, 0), inflamed(days + 1, 0), scabbed(days + 1, 0),
      open(days + 1, 0);
  // The first day at or after t, no later than `end` (kNever and far times end there).
  const auto day_at = [&](double t, std::size_t end) {
    return t > static_cast<double>(end) ? end : std::min(first_day_at(t), end);
  };
  const auto count_over = [](std::vector<std::int64_t>& counts, std::size_t begin,
                             std::size_t end) {
    if (begin < end) {
      ++counts[begin];
      --counts[end];
    }
  };
  for (const Dot& dot : scalp.dots) {
    const std::size_t session = dot.session;
    const std::size_t window_end =
        session + 1 < session_starts.size() ? day_at(session_starts[session + 1], days) : days;
    const std::size_t punctured_from = day_at(dot.puncture, window_end);
    count_over(punctured, punctured_from, window_end);
    count_over(inflamed, punctured_from, day_at(dot.inflammation_end, window_end));
    count_over(open, punctured_from, day_at(dot.closure, window_end));
    if (dot.has_scab()) {
      count_over(scabbed, day_at(dot.scab_form, window_end), day_at(dot.scab_off, window_end));
    }
  }
  std::vector<WoundCounts> series(days);
  WoundCounts running;
  for (std::size_t k = 0; k < days; ++k) {
    running.punctured += punctured[k];
    running.inflamed += inflamed[k];
    running.scabbed += scabbed[k];
    running.open += open[k];
    series[k] = running;
  }
  return series;
}

double coefficient_of_variation(std::span<const double> values) {
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  if (mean <= 0) return 0;  // an empty scalp is evenly empty
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size())) / mean;
}

// docs/model.md §4: a dot is visible when V >= visible_threshold x e^(-mu x depth), the depth a
// fixed perceptual reference (version 1: the needle's target, which moved the eye with it).
double visibility_threshold(const Parameters& parameters) {
  return parameters.optics.visible_threshold *
         std::exp(-parameters.optics.mu_per_um * parameters.threshold_depth_um());
}

}  // namespace

Observer::Observer(const Parameters& parameters, const Patient& patient)
    : optics_{parameters.optics.mu_per_um,
              parameters.optics.hyperplasia_um,
              parameters.optics.cap_days,
              visibility_threshold(parameters),
              parameters.technician.session_hours / 24,
              patient.contrast() / static_cast<double>(parameters.kinetics.packets_per_dot),
              parameters.optics.blowout_sharpness,
              static_cast<std::size_t>(parameters.technician.regions),
              parameters.version_one()
                  ? visibility_threshold(parameters)
                  : visibility_threshold(parameters) / parameters.technician.fade_allowance,
              !parameters.version_one(),
              !parameters.version_one()},
      density_target_(parameters.technician.density_target),
      lost_below_(parameters.technician.lost_below),
      dots_per_region_(parameters.technician.dots_per_region()),
      assess_day_(parameters.protocol.assess_day),
      hair_mm_per_day_(patient.hair_mm_per_day()),
      hair_obscure_mm_(parameters.optics.hair_obscure_mm),
      horizon_days_(static_cast<std::size_t>(parameters.protocol.horizon_days)),
      prior_density_(
          patient.prior_density.empty()
              ? std::vector<double>(static_cast<std::size_t>(parameters.technician.regions), 0.0)
              : patient.prior_density) {}

Observer::~Observer() = default;

void Observer::add_session(const Scalp& scalp, std::span<const double> session_starts) {
  if (!table_) table_ = std::make_unique<LookTable>(optics_);
  table_->add_session(scalp, session_starts);
}

double Observer::density_of(std::size_t region, double visible) const {
  return prior_density_[region] + visible / dots_per_region_;
}

ScalpSnapshot Observer::snapshot(const Scalp& scalp, std::span<const double> session_starts,
                                 double t) {
  return take_snapshot(scalp, session_starts, t, LookTable::Eye::kPlain);
}

Examination Observer::examine(const Scalp& scalp, std::span<const double> session_starts,
                              double t) {
  Examination exam;
  exam.seen = take_snapshot(scalp, session_starts, t, LookTable::Eye::kExamination);
  const LookTable::SessionShares shares =
      table_->session_shares(session_starts.size() - 1, lost_below_, t);
  exam.findings = {shares.deep, shares.lost, shares.faint};
  return exam;
}

ScalpSnapshot Observer::take_snapshot(const Scalp& scalp, std::span<const double> session_starts,
                                      double t, LookTable::Eye eye) {
  LookTable& table = *table_;
  table.bring_to(scalp, t);
  const LookTable::Look look = table.look(session_starts, t, eye);
  ScalpSnapshot snapshot;
  const std::size_t regions = prior_density_.size();
  snapshot.region_density.resize(regions);
  std::size_t covered = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    snapshot.region_density[r] = density_of(r, look.visible[r]);
    covered += snapshot.region_density[r] >= density_target_;
  }
  snapshot.coverage = static_cast<double>(covered) / static_cast<double>(regions);
  snapshot.patchiness = coefficient_of_variation(snapshot.region_density);
  snapshot.shade = look.punctured ? look.shade / static_cast<double>(look.punctured) : 0;
  snapshot.retained =
      look.deposited > 0
          ? look.present / (look.deposited * static_cast<double>(scalp.packets_per_dot))
          : 0;
  return snapshot;
}

DailyObservations Observer::daily(const Scalp& scalp, std::span<const double> session_starts) {
  const std::size_t days = horizon_days_ + 1;
  const std::size_t regions = prior_density_.size();
  DailyObservations out;
  out.days = days;
  out.values.assign(kDailyCount * days, 0.0f);

  // Redness, scabs and open among the latest session's dots.
  const std::span<const WoundCounts> wounds = this->wounds(scalp, session_starts);

  // The look, day by day: a dot's present pigment is read again on the days its packets leave.
  LookTable& table = *table_;
  table.bring_to(scalp, observation_time(0));  // the packets' exits as scratching left them
  const double packets = static_cast<double>(scalp.packets_per_dot);
  for (std::size_t k = 0; k < days; ++k) {
    const double t = observation_time(k);
    if (k > 0) table.advance(t);
    const LookTable::Look look = table.look(session_starts, t);
    SMPSIM_COUNT(daily_dot_looks, look.evaluated);
    const double hair = hair_mm(t, session_starts);
    std::size_t covered = 0;
    for (std::size_t r = 0; r < regions; ++r)
      covered += density_of(r, look.visible[r]) >= density_target_;
    const double n = static_cast<double>(look.punctured);
    const WoundCounts& w = wounds[k];
    out.series(Daily::kRedness)[k] = static_cast<float>(w.share(w.inflamed));
    out.series(Daily::kScabs)[k] = static_cast<float>(w.share(w.scabbed));
    out.series(Daily::kOpen)[k] = static_cast<float>(w.share(w.open));
    out.series(Daily::kRetained)[k] =
        static_cast<float>(look.deposited > 0 ? look.present / (look.deposited * packets) : 0);
    out.series(Daily::kShade)[k] = static_cast<float>(n > 0 ? look.shade / n : 0);
    out.series(Daily::kSeenShade)[k] =
        static_cast<float>(n > 0 ? look.seen / n * std::exp(-hair / hair_obscure_mm_) : 0);
    out.series(Daily::kCoverage)[k] =
        static_cast<float>(static_cast<double>(covered) / static_cast<double>(regions));
    out.series(Daily::kHairMm)[k] = static_cast<float>(hair);
  }
  return out;
}

double Observer::hair_mm(double t, std::span<const double> session_starts) const {
  double last_shave = -1;
  for (std::size_t j = 0; j < session_starts.size(); ++j) {
    const double start = session_starts[j];
    if (start > t) break;
    last_shave = start;
    // The patient shaves at the end of the examination day, unless the next session came first.
    const double after_exam = start + assess_day_ + 1;
    const bool next_first = j + 1 < session_starts.size() && session_starts[j + 1] <= after_exam;
    if (after_exam <= t && !next_first) last_shave = after_exam;
  }
  return last_shave < 0 ? 0.0 : hair_mm_per_day_ * (t - last_shave);
}

std::span<const WoundCounts> Observer::wounds(const Scalp& scalp,
                                              std::span<const double> session_starts) {
  const bool current = !wounds_.empty() && wounds_dots_ == scalp.dots.size() &&
                       wounds_torn_ == scalp.torn.size() &&
                       wounds_sessions_ == session_starts.size();
  if (!current) {
    wounds_ = wound_series(scalp, session_starts, horizon_days_ + kCensorDaysPastHorizon);
    wounds_dots_ = scalp.dots.size();
    wounds_torn_ = scalp.torn.size();
    wounds_sessions_ = session_starts.size();
  }
  return wounds_;
}

double Observer::redness_resolved_day(const Scalp& scalp, std::span<const double> session_starts) {
  // Bounded: a healing rate near 0 would keep the skin red for millions of days. Past the
  // horizon plus a year the day is censored there (no normal input comes near it).
  const std::size_t last_day = horizon_days_ + kCensorDaysPastHorizon;
  const std::span<const WoundCounts> wounds = this->wounds(scalp, session_starts);
  for (std::size_t k = 0; k < last_day; ++k) {
    if (wounds[k].share(wounds[k].inflamed) < kRednessResolved) return observation_time(k);
  }
  return observation_time(last_day);
}

double Observer::scabs_cleared_day(const Scalp& scalp, std::span<const double> session_starts) {
  // Cleared: from this day on, scabs stay below 0.05 (they form a day or two after the
  // session, so the first days' low share does not count).
  const double last = session_starts.back();
  double last_scab_off = last;
  for (const Dot& dot : scalp.dots) {
    if (dot.has_scab()) last_scab_off = std::max(last_scab_off, dot.scab_off);
  }
  std::size_t k = first_day_at(last);
  double cleared = observation_time(k);
  // Bounded like redness_resolved_day: the day is censored at the horizon plus a year.
  const std::size_t last_day = std::max(k, horizon_days_ + kCensorDaysPastHorizon);
  const std::span<const WoundCounts> wounds = this->wounds(scalp, session_starts);
  for (; observation_time(k) <= last_scab_off + 1 && k < last_day; ++k) {
    if (wounds[k].share(wounds[k].scabbed) >= kScabsCleared) cleared = observation_time(k) + 1;
  }
  return cleared - last;
}

}  // namespace smpsim
