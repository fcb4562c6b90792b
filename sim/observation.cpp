#include "smpsim/observation.h"

#include <algorithm>
#include <cmath>

#include "smpsim/config.h"
#include "smpsim/patient.h"

namespace smpsim {

namespace {

constexpr double kHyperplasiaPeakDay = 3;  // MODEL.md §4: hyperplasia peaks at u = 3 days
constexpr double kRednessResolved = 0.1;   // MODEL.md §5
constexpr double kScabsCleared = 0.05;

double observation_time(std::size_t day) { return static_cast<double>(day) + 0.5; }

// The pigment of a dot still in the skin at t: the sum of its packets' looks and their count.
struct PresentPigment {
  double look = 0;
  std::size_t packets = 0;
};

PresentPigment present_at(std::span<const Packet> packets, double t) {
  PresentPigment present;
  for (const Packet& packet : packets) {
    if (packet.exit > t) {
      present.look += packet.look;
      ++present.packets;
    }
  }
  return present;
}

// The session whose dots define redness, scabs and open at t: the latest one started by t.
std::size_t latest_session(std::span<const double> session_starts, double t) {
  std::size_t latest = 0;
  for (std::size_t j = 0; j < session_starts.size(); ++j) {
    if (session_starts[j] <= t) latest = j;
  }
  return latest;
}

// Shares of the latest session's punctured dots that are inflamed, under a scab, not closed.
struct WoundShares {
  double redness = 0;
  double scabs = 0;
  double open = 0;
};

WoundShares wound_shares(const Scalp& scalp, std::span<const double> session_starts, double t) {
  const std::size_t session = latest_session(session_starts, t);
  std::size_t punctured = 0, inflamed = 0, scabbed = 0, open = 0;
  for (const Dot& dot : scalp.dots) {
    if (dot.session != session || dot.puncture > t) continue;
    ++punctured;
    inflamed += t < dot.inflammation_end;
    scabbed += dot.scab_present(t);
    open += t < dot.closure;
  }
  if (punctured == 0) return {};
  const double n = static_cast<double>(punctured);
  return {static_cast<double>(inflamed) / n, static_cast<double>(scabbed) / n,
          static_cast<double>(open) / n};
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

}  // namespace

Observer::Observer(const Parameters& parameters, const Patient& patient)
    : mu_per_um_(parameters.optics.mu_per_um),
      hyperplasia_um_(parameters.optics.hyperplasia_um),
      cap_days_(parameters.optics.cap_days),
      contrast_over_packets_(patient.contrast() /
                             static_cast<double>(parameters.kinetics.packets_per_dot)),
      blowout_sharpness_(parameters.optics.blowout_sharpness),
      threshold_(parameters.optics.visible_threshold *
                 std::exp(-parameters.optics.mu_per_um * parameters.technician.target_depth_um)),
      density_target_(parameters.technician.density_target),
      dots_per_region_(parameters.technician.dots_per_region()),
      assess_day_(parameters.protocol.assess_day),
      hair_mm_per_day_(patient.hair_mm_per_day()),
      hair_obscure_mm_(parameters.optics.hair_obscure_mm),
      horizon_days_(static_cast<std::size_t>(parameters.protocol.horizon_days)),
      prior_density_(patient.prior_density.empty()
                         ? std::vector<double>(static_cast<std::size_t>(parameters.technician.regions), 0.0)
                         : patient.prior_density) {}

double Observer::hyperplasia_um(double u) const {
  const double x = u / kHyperplasiaPeakDay;
  return hyperplasia_um_ * x * std::exp(1 - x);
}

double Observer::cap_um(const Dot& dot, double u) const {
  return dot.cap_um * -std::expm1(-u / cap_days_);
}

double Observer::new_skin_factor(const Dot& dot, double u) const {
  return std::exp(-mu_per_um_ * (hyperplasia_um(u) + cap_um(dot, u)));
}

double Observer::shade_weight(const Dot& dot) const {
  const double weight = contrast_over_packets_ * dot.pigment;
  return dot.layer == DotLayer::kDeep ? weight * blowout_sharpness_ : weight;
}

double Observer::density_of(std::size_t region, std::size_t visible) const {
  return prior_density_[region] + static_cast<double>(visible) / dots_per_region_;
}

ScalpSnapshot Observer::snapshot(const Scalp& scalp, double t) const {
  const std::size_t regions = prior_density_.size();
  std::vector<std::size_t> visible(regions, 0);
  double shade = 0, present_pigment = 0, deposited = 0;
  std::size_t punctured = 0;
  for (std::size_t d = 0; d < scalp.dots.size(); ++d) {
    const Dot& dot = scalp.dots[d];
    if (dot.puncture > t) continue;
    const PresentPigment present = present_at(scalp.packets_of(d), t);
    const double skin = new_skin_factor(dot, t - dot.puncture);
    ++punctured;
    shade += present.look * skin / dot.fresh_look;
    deposited += dot.pigment;
    present_pigment += dot.pigment * static_cast<double>(present.packets);
    if (shade_weight(dot) * present.look * skin >= threshold_) ++visible[dot.region];
  }
  ScalpSnapshot snapshot;
  snapshot.region_density.resize(regions);
  std::size_t covered = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    snapshot.region_density[r] = density_of(r, visible[r]);
    covered += snapshot.region_density[r] >= density_target_;
  }
  snapshot.coverage = static_cast<double>(covered) / static_cast<double>(regions);
  snapshot.patchiness = coefficient_of_variation(snapshot.region_density);
  snapshot.shade = punctured ? shade / static_cast<double>(punctured) : 0;
  snapshot.retained =
      deposited > 0
          ? present_pigment / (deposited * static_cast<double>(scalp.packets_per_dot))
          : 0;
  return snapshot;
}

DailyObservations Observer::daily(const Scalp& scalp, std::span<const double> session_starts) const {
  const std::size_t days = horizon_days_ + 1;
  const std::size_t regions = prior_density_.size();
  DailyObservations out;
  out.days = days;
  out.values.assign(kDailyCount * days, 0.0f);

  // Per day: sums over the dots punctured by then.
  std::vector<double> shade(days, 0), seen(days, 0), present_pigment(days, 0), deposited(days, 0);
  std::vector<std::size_t> punctured(days, 0), visible(days * regions, 0);
  for (std::size_t d = 0; d < scalp.dots.size(); ++d) {
    const Dot& dot = scalp.dots[d];
    const auto packets = scalp.packets_of(d);
    const double weight = shade_weight(dot);
    const auto first_day = static_cast<std::size_t>(std::max(0.0, std::ceil(dot.puncture - 0.5)));
    for (std::size_t k = first_day; k < days; ++k) {
      const double t = observation_time(k);
      const PresentPigment present = present_at(packets, t);
      const double skin = new_skin_factor(dot, t - dot.puncture);
      const double relative = present.look * skin / dot.fresh_look;
      ++punctured[k];
      shade[k] += relative;
      if (!dot.scab_present(t)) seen[k] += relative;
      deposited[k] += dot.pigment;
      present_pigment[k] += dot.pigment * static_cast<double>(present.packets);
      if (weight * present.look * skin >= threshold_) ++visible[k * regions + dot.region];
    }
  }

  const double packets = static_cast<double>(scalp.packets_per_dot);
  for (std::size_t k = 0; k < days; ++k) {
    const double t = observation_time(k);
    const WoundShares wounds = wound_shares(scalp, session_starts, t);
    const double hair = hair_mm(t, session_starts);
    std::size_t covered = 0;
    for (std::size_t r = 0; r < regions; ++r) {
      covered += density_of(r, visible[k * regions + r]) >= density_target_;
    }
    const double n = static_cast<double>(punctured[k]);
    out.series(Daily::kRedness)[k] = static_cast<float>(wounds.redness);
    out.series(Daily::kScabs)[k] = static_cast<float>(wounds.scabs);
    out.series(Daily::kOpen)[k] = static_cast<float>(wounds.open);
    out.series(Daily::kRetained)[k] =
        static_cast<float>(deposited[k] > 0 ? present_pigment[k] / (deposited[k] * packets) : 0);
    out.series(Daily::kShade)[k] = static_cast<float>(n > 0 ? shade[k] / n : 0);
    out.series(Daily::kSeenShade)[k] =
        static_cast<float>(n > 0 ? seen[k] / n * std::exp(-hair / hair_obscure_mm_) : 0);
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

double Observer::redness_resolved_day(const Scalp& scalp,
                                      std::span<const double> session_starts) const {
  for (std::size_t k = 0;; ++k) {
    const double t = observation_time(k);
    if (wound_shares(scalp, session_starts, t).redness < kRednessResolved) return t;
  }
}

double Observer::scabs_cleared_day(const Scalp& scalp,
                                   std::span<const double> session_starts) const {
  // Cleared: from this day on, scabs stay below 0.05 (they form a day or two after the
  // session, so the first days' low share does not count).
  const double last = session_starts.back();
  double last_scab_off = last;
  for (const Dot& dot : scalp.dots) {
    if (dot.has_scab()) last_scab_off = std::max(last_scab_off, dot.scab_off);
  }
  auto k = static_cast<std::size_t>(std::max(0.0, std::ceil(last - 0.5)));
  double cleared = observation_time(k);
  for (; observation_time(k) <= last_scab_off + 1; ++k) {
    const double t = observation_time(k);
    if (wound_shares(scalp, session_starts, t).scabs >= kScabsCleared) cleared = t + 1;
  }
  return cleared - last;
}

}  // namespace smpsim
