#include "smpsim/observation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "smpsim/config.h"
#include "smpsim/patient.h"

namespace smpsim {

namespace {

constexpr double kHyperplasiaPeakDay = 3;  // MODEL.md §4: hyperplasia peaks at u = 3 days
constexpr double kRednessResolved = 0.1;   // MODEL.md §5
constexpr double kScabsCleared = 0.05;

double observation_time(std::size_t day) { return static_cast<double>(day) + 0.5; }

// The first observation day at or after time t (t_k = k + 0.5 >= t).
std::size_t first_day_at(double t) {
  return static_cast<std::size_t>(std::max(0.0, std::ceil(t - 0.5)));
}

// e^x for x <= 0 in plain single-precision arithmetic (relative error < 3e-7): loops over dots
// vectorize, and scalar and vector code give the same bits, so an examination and the daily
// series agree exactly. Range reduction x = n ln2 + r, |r| <= ln2 / 2, a degree-6 Taylor
// polynomial for e^r, and 2^n built in the exponent bits.
inline float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693145751953125f;
  constexpr float kLn2Low = 1.428606765330187045e-06f;
  constexpr float kRoundingShift = 12582912.0f;  // 1.5 x 2^23: adding it rounds to an integer
  x = std::max(x, -87.0f);                       // e^-87 is the smallest normal float's order
  const float shifted = x * kLog2e + kRoundingShift;
  const float n = shifted - kRoundingShift;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t exponent = std::bit_cast<std::int32_t>(shifted) - 0x4B400000 + 127;
  return p * std::bit_cast<float>(exponent << 23);
}

// The optical constants of one patient, in single precision for the kernel.
struct KernelOptics {
  float mu;                 // attenuation, 1/um
  float hyperplasia_scale;  // hyperplasia_um x e / 3: hyperplasia(u) = scale x u x e^(-u/3)
  float per_peak_day;       // 1/3
  float per_cap_day;        // 1/cap_days
  float threshold;          // visibility threshold
};

// The look of n dots at time t (MODEL.md §4): relative shade (the share of the fresh look still
// in the skin, dimmed by the new skin), the same when not under a scab, and visibility (the
// present shade V before new skin, dimmed, against the threshold). Branch-free so that it vectorizes; compiled for AVX2 and for the x86-64
// baseline, chosen at run time: the same IEEE operations in the same order, so the same bits.
__attribute__((target_clones("avx2", "default"))) void look_kernel(
    std::size_t n, float t, const float* puncture, const float* cap_um,
    const float* present_share, const float* present_shade, const float* scab_form,
    const float* scab_off, KernelOptics optics, float* relative, float* seen, float* visible,
    float* punctured_mask) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const float u = std::max(t - puncture[i], 0.0f);
    const float hyperplasia =
        optics.hyperplasia_scale * u * exp_nonpositive(-u * optics.per_peak_day);
    const float cap = cap_um[i] * (1.0f - exp_nonpositive(-u * optics.per_cap_day));
    const float new_skin = exp_nonpositive(-optics.mu * (hyperplasia + cap));
    const bool punctured = puncture[i] <= t;
    const bool scabbed = (scab_form[i] <= t) & (t < scab_off[i]);
    const float shade = present_share[i] * new_skin * (punctured ? 1.0f : 0.0f);
    relative[i] = shade;
    seen[i] = scabbed ? 0.0f : shade;
    visible[i] = punctured & (present_shade[i] * new_skin >= optics.threshold) ? 1.0f : 0.0f;
    punctured_mask[i] = punctured ? 1.0f : 0.0f;
  }
}

// The pigment of a dot still in the skin at t: the sum of its packets' looks and their count.
struct PresentPigment {
  double look = 0;
  std::int32_t packets = 0;
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

// Sum of values[i] x weights[i] in a fixed order with four partial sums, so the result does not
// depend on the vector width the loop is compiled for.
template <class T, class W>
double ordered_sum(std::span<const T> values, std::span<const W> weights) {
  double partial[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= values.size(); i += 4) {
    for (std::size_t j = 0; j < 4; ++j) {
      partial[j] += static_cast<double>(values[i + j]) * static_cast<double>(weights[i + j]);
    }
  }
  for (; i < values.size(); ++i) {
    partial[0] += static_cast<double>(values[i]) * static_cast<double>(weights[i]);
  }
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

// The session whose dots define redness, scabs and open at t: the latest one started by t.
std::size_t latest_session(std::span<const double> session_starts, double t) {
  std::size_t latest = 0;
  for (std::size_t j = 0; j < session_starts.size(); ++j) {
    if (session_starts[j] <= t) latest = j;
  }
  return latest;
}

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

WoundCounts wound_counts(const Scalp& scalp, std::span<const double> session_starts, double t) {
  const std::size_t session = latest_session(session_starts, t);
  WoundCounts counts;
  for (const Dot& dot : scalp.dots) {
    if (dot.session != session || dot.puncture > t) continue;
    ++counts.punctured;
    counts.inflamed += t < dot.inflammation_end;
    counts.scabbed += dot.scab_present(t);
    counts.open += t < dot.closure;
  }
  return counts;
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

// The look of every dot at one time, computed column by column over the dots grouped by
// region: what an examination, the final look and each day of the daily series measure.
class Observer::LookTable {
 public:
  LookTable(const Observer& observer, const Scalp& scalp) : observer_(observer), scalp_(scalp) {
    const std::size_t n = scalp.dots.size();
    const std::size_t regions = observer.prior_density_.size();
    // Dots grouped by region, in dot order within a region.
    region_begin_.assign(regions + 1, 0);
    for (const Dot& dot : scalp.dots) ++region_begin_[dot.region + 1];
    for (std::size_t r = 0; r < regions; ++r) region_begin_[r + 1] += region_begin_[r];
    order_.resize(n);
    std::vector<std::size_t> next(region_begin_.begin(), region_begin_.end() - 1);
    for (std::size_t d = 0; d < n; ++d) order_[next[scalp.dots[d].region]++] = d;

    puncture_.resize(n);
    cap_um_.resize(n);
    weight_.resize(n);
    fresh_look_.resize(n);
    present_share_.resize(n);
    present_shade_.resize(n);
    scab_form_.resize(n);
    scab_off_.resize(n);
    pigment_.resize(n);
    present_pigment_.resize(n);
    relative_.resize(n);
    seen_.resize(n);
    visible_.resize(n);
    punctured_.resize(n);
    ones_.assign(n, 1.0f);
    for (std::size_t i = 0; i < n; ++i) {
      const Dot& dot = scalp.dots[order_[i]];
      puncture_[i] = static_cast<float>(dot.puncture);
      cap_um_[i] = static_cast<float>(dot.cap_um);
      weight_[i] = observer.shade_weight(dot);
      fresh_look_[i] = dot.fresh_look;
      scab_form_[i] = static_cast<float>(dot.scab_form);
      scab_off_[i] = static_cast<float>(dot.scab_off);
      pigment_[i] = dot.pigment;
    }
  }

  std::size_t size() const { return order_.size(); }
  std::size_t dot_at(std::size_t i) const { return order_[i]; }

  // The pigment still in the skin of the dot at position i, at time t.
  void update_present(std::size_t i, double t) {
    const PresentPigment present = present_at(scalp_.packets_of(order_[i]), t);
    // The share of the fresh look still there; when attenuation underflows every look to 0
    // (an opaque skin), the share of packets.
    const double packets = static_cast<double>(scalp_.packets_per_dot);
    present_share_[i] = static_cast<float>(
        fresh_look_[i] > 0 ? present.look / fresh_look_[i] : present.packets / packets);
    present_shade_[i] = static_cast<float>(weight_[i] * present.look);
    present_pigment_[i] = pigment_[i] * present.packets;
  }
  void update_all_present(double t) {
    for (std::size_t i = 0; i < size(); ++i) update_present(i, t);
  }

  // Sums over the dots punctured by t and the visible dots per region, at time t, with the
  // present pigment as last updated.
  struct Look {
    std::int64_t punctured = 0;
    double shade = 0;     // sum of relative shades
    double seen = 0;      // the same over dots not under a scab
    double deposited = 0; // sum of pigment
    double present = 0;   // sum of pigment x packets in the skin
    std::vector<std::int64_t> visible;  // per region
  };

  Look look(double time) {
    const auto t = static_cast<float>(time);
    const Observer& o = observer_;
    const float mu = static_cast<float>(o.mu_per_um_);
    const float hyperplasia_scale =
        static_cast<float>(o.hyperplasia_um_ * std::exp(1.0) / kHyperplasiaPeakDay);
    const float per_peak_day = static_cast<float>(1 / kHyperplasiaPeakDay);
    const float per_cap_day = static_cast<float>(1 / o.cap_days_);
    const float threshold = static_cast<float>(o.threshold_);
    const std::size_t n = size();
    look_kernel(n, t, puncture_.data(), cap_um_.data(), present_share_.data(),
                present_shade_.data(), scab_form_.data(), scab_off_.data(),
                {mu, hyperplasia_scale, per_peak_day, per_cap_day, threshold}, relative_.data(),
                seen_.data(), visible_.data(), punctured_.data());
    Look out;
    const std::span<const float> punctured(punctured_);
    out.punctured = static_cast<std::int64_t>(ordered_sum(punctured, std::span<const float>(ones_)));
    out.shade = ordered_sum(std::span<const float>(relative_), std::span<const float>(ones_));
    out.seen = ordered_sum(std::span<const float>(seen_), std::span<const float>(ones_));
    out.deposited = ordered_sum(std::span<const double>(pigment_), punctured);
    out.present = ordered_sum(std::span<const double>(present_pigment_), punctured);
    const std::size_t regions = region_begin_.size() - 1;
    out.visible.assign(regions, 0);
    for (std::size_t r = 0; r < regions; ++r) {
      for (std::size_t i = region_begin_[r]; i < region_begin_[r + 1]; ++i) {
        out.visible[r] += static_cast<std::int64_t>(visible_[i]);
      }
    }
    return out;
  }

 private:
  const Observer& observer_;
  const Scalp& scalp_;
  std::vector<std::size_t> region_begin_;
  std::vector<std::size_t> order_;
  std::vector<float> puncture_, cap_um_, scab_form_, scab_off_;
  std::vector<double> weight_, fresh_look_;
  std::vector<float> present_share_;  // present look / fresh look
  std::vector<float> present_shade_;  // V before new skin: contrast (m / K) present look
  std::vector<double> pigment_;
  std::vector<double> present_pigment_;  // pigment x packets still in the skin
  std::vector<float> relative_, seen_, punctured_, ones_;
  std::vector<float> visible_;  // 1 when visible
};

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

double Observer::density_of(std::size_t region, std::int64_t visible) const {
  return prior_density_[region] + static_cast<double>(visible) / dots_per_region_;
}

ScalpSnapshot Observer::snapshot(const Scalp& scalp, double t) const {
  LookTable table(*this, scalp);
  table.update_all_present(t);
  const LookTable::Look look = table.look(t);
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

DailyObservations Observer::daily(const Scalp& scalp, std::span<const double> session_starts) const {
  const std::size_t days = horizon_days_ + 1;
  const std::size_t regions = prior_density_.size();
  DailyObservations out;
  out.days = days;
  out.values.assign(kDailyCount * days, 0.0f);

  // Redness, scabs and open: each dot counts over the days its session is the latest one
  // (difference arrays, one pass over the dots).
  std::vector<std::int64_t> punctured(days + 1, 0), inflamed(days + 1, 0), scabbed(days + 1, 0),
      open(days + 1, 0);
  auto count_over = [&](std::vector<std::int64_t>& counts, double from, double until,
                        std::size_t window_end) {
    const std::size_t begin = first_day_at(from);
    const std::size_t end = until == kNever ? window_end : std::min(first_day_at(until), window_end);
    if (begin < end) {
      ++counts[begin];
      --counts[end];
    }
  };
  for (const Dot& dot : scalp.dots) {
    const std::size_t session = dot.session;
    const std::size_t window_end = session + 1 < session_starts.size()
                                       ? std::min(first_day_at(session_starts[session + 1]), days)
                                       : days;
    count_over(punctured, dot.puncture, kNever, window_end);
    count_over(inflamed, dot.puncture, dot.inflammation_end, window_end);
    count_over(open, dot.puncture, dot.closure, window_end);
    if (dot.has_scab()) count_over(scabbed, dot.scab_form, dot.scab_off, window_end);
  }

  // The look, day by day: the present pigment of a dot is refreshed on the days its packets
  // leave, bucketed by day.
  LookTable table(*this, scalp);
  std::vector<std::uint32_t> refresh_begin(days + 1, 0), refresh;  // dots to refresh, by day
  auto exit_day = [&](const Packet& packet) {
    return packet.exit == kNever ? days : std::min(first_day_at(packet.exit), days);
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (const Packet& packet : scalp.packets_of(table.dot_at(i))) ++refresh_begin[exit_day(packet)];
  }
  for (std::size_t k = days; k > 0; --k) refresh_begin[k] = refresh_begin[k - 1];
  refresh_begin[0] = 0;
  for (std::size_t k = 1; k <= days; ++k) refresh_begin[k] += refresh_begin[k - 1];
  refresh.resize(refresh_begin[days]);
  {
    std::vector<std::uint32_t> next(refresh_begin.begin(), refresh_begin.end() - 1);
    for (std::size_t i = 0; i < table.size(); ++i) {
      for (const Packet& packet : scalp.packets_of(table.dot_at(i))) {
        const std::size_t day = exit_day(packet);
        if (day < days) refresh[next[day]++] = static_cast<std::uint32_t>(i);
      }
    }
  }
  table.update_all_present(observation_time(0));
  WoundCounts wounds;
  const double packets = static_cast<double>(scalp.packets_per_dot);
  for (std::size_t k = 0; k < days; ++k) {
    const double t = observation_time(k);
    if (k > 0) {
      for (std::uint32_t j = refresh_begin[k]; j < refresh_begin[k + 1]; ++j) {
        table.update_present(refresh[j], t);
      }
    }
    const LookTable::Look look = table.look(t);
    wounds.punctured += punctured[k];
    wounds.inflamed += inflamed[k];
    wounds.scabbed += scabbed[k];
    wounds.open += open[k];
    const double hair = hair_mm(t, session_starts);
    std::size_t covered = 0;
    for (std::size_t r = 0; r < regions; ++r) covered += density_of(r, look.visible[r]) >= density_target_;
    const double n = static_cast<double>(look.punctured);
    out.series(Daily::kRedness)[k] = static_cast<float>(wounds.share(wounds.inflamed));
    out.series(Daily::kScabs)[k] = static_cast<float>(wounds.share(wounds.scabbed));
    out.series(Daily::kOpen)[k] = static_cast<float>(wounds.share(wounds.open));
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

double Observer::redness_resolved_day(const Scalp& scalp,
                                      std::span<const double> session_starts) const {
  for (std::size_t k = 0;; ++k) {
    const double t = observation_time(k);
    const WoundCounts wounds = wound_counts(scalp, session_starts, t);
    if (wounds.share(wounds.inflamed) < kRednessResolved) return t;
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
    const WoundCounts wounds = wound_counts(scalp, session_starts, t);
    if (wounds.share(wounds.scabbed) >= kScabsCleared) cleared = t + 1;
  }
  return cleared - last;
}

}  // namespace smpsim
