#include "smpsim/observation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>

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
  if (t <= 0.5) return 0;
  const auto day = static_cast<std::size_t>(t - 0.5);  // floor, t > 0.5
  return static_cast<double>(day) + 0.5 < t ? day + 1 : day;
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
  float per_cap_day;        // 1/cap_days
  float threshold;          // visibility threshold
};

// One session's clocks at the time of a look: e^(-(t - s)/3) and e^(-(t - s)/cap_days), so that
// a dot's e^(-u/3) is this times its own e^((p - s)/3), a multiplication rather than an
// exponential. `direct_cap`: the cap's time scale is so short against a session's length that
// e^((p - s)/cap_days) would overflow; the kernel then takes e^(-u/cap_days) directly.
struct SessionClock {
  float peak;
  float cap;
  bool direct_cap;
};

// The look of the dots [begin, end) of one session at time t (MODEL.md §4): relative shade
// (the share of the fresh look still in the skin, dimmed by the new skin), the same when not
// under a scab, visibility (the present shade V before new skin, dimmed, against the
// threshold), and whether the dot is punctured yet. Branch-free so that it vectorizes; compiled
// for AVX2 and for the x86-64 baseline, chosen at run time: the same IEEE operations in the
// same order, so the same bits.
template <bool kDirectCap>
inline void look_loop(std::size_t begin, std::size_t end, float t, SessionClock clock,
                      KernelOptics optics, const float* puncture, const float* peak_offset,
                      const float* cap_offset, const float* cap_um, const float* present_share,
                      const float* present_shade, const float* scab_form, const float* scab_off,
                      float* relative, float* seen, float* visible, float* punctured_mask) {
#pragma omp simd
  for (std::size_t i = begin; i < end; ++i) {
    const float u = std::max(t - puncture[i], 0.0f);
    const float hyperplasia = optics.hyperplasia_scale * u * (clock.peak * peak_offset[i]);
    const float settled = kDirectCap ? exp_nonpositive(-u * optics.per_cap_day)
                                     : std::min(clock.cap * cap_offset[i], 1.0f);
    const float cap = cap_um[i] * (1.0f - settled);
    const float new_skin = exp_nonpositive(-optics.mu * (hyperplasia + cap));
    const bool punctured = puncture[i] <= t;
    const bool scabbed = (scab_form[i] <= t) & (t < scab_off[i]);
    const float mask = punctured ? 1.0f : 0.0f;
    const float shade = present_share[i] * new_skin * mask;
    relative[i] = shade;
    seen[i] = scabbed ? 0.0f : shade;
    visible[i] = (present_shade[i] * new_skin >= optics.threshold) ? mask : 0.0f;
    punctured_mask[i] = mask;
  }
}

__attribute__((target_clones("avx2", "default"))) void look_kernel(
    std::size_t begin, std::size_t end, float t, SessionClock clock, KernelOptics optics,
    const float* puncture, const float* peak_offset, const float* cap_offset,
    const float* cap_um, const float* present_share, const float* present_shade,
    const float* scab_form, const float* scab_off, float* relative, float* seen, float* visible,
    float* punctured_mask) {
  if (clock.direct_cap) {
    look_loop<true>(begin, end, t, clock, optics, puncture, peak_offset, cap_offset, cap_um,
                    present_share, present_shade, scab_form, scab_off, relative, seen, visible,
                    punctured_mask);
  } else {
    look_loop<false>(begin, end, t, clock, optics, puncture, peak_offset, cap_offset, cap_um,
                     present_share, present_shade, scab_form, scab_off, relative, seen, visible,
                     punctured_mask);
  }
}

// Sums over [begin, end) of relative shade, seen shade, punctured dots, their pigment and their
// pigment still in the skin: one pass, eight fixed partial sums, so the result does not depend
// on the vector width.
struct LookSums {
  double shade = 0, seen = 0, punctured = 0, deposited = 0, present = 0;
};

__attribute__((target_clones("avx2", "default"))) LookSums sum_look(
    std::size_t begin, std::size_t end, const float* relative, const float* seen,
    const float* punctured, const double* pigment, const double* present_pigment) {
  constexpr std::size_t kLanes = 8;
  double shade[kLanes] = {}, seen_shade[kLanes] = {}, count[kLanes] = {}, deposited[kLanes] = {},
         present[kLanes] = {};
  auto add = [&](std::size_t lane, std::size_t i) {
    shade[lane] += relative[i];
    seen_shade[lane] += seen[i];
    count[lane] += punctured[i];
    deposited[lane] += pigment[i] * punctured[i];
    present[lane] += present_pigment[i] * punctured[i];
  };
  std::size_t i = begin;
  for (; i + kLanes <= end; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) add(j, i + j);
  }
  for (std::size_t j = 0; i < end; ++i, ++j) add(j, i);
  LookSums sums;
  for (std::size_t j = 0; j < kLanes; ++j) {
    sums.shade += shade[j];
    sums.seen += seen_shade[j];
    sums.punctured += count[j];
    sums.deposited += deposited[j];
    sums.present += present[j];
  }
  return sums;
}

// The pigment of a dot still in the skin at t: the sum of its packets' looks and their count.
struct PresentPigment {
  double look = 0;
  std::int32_t packets = 0;
  double next_exit = kNever;  // when the next of them leaves
};

PresentPigment present_at(std::span<const double> exits, std::span<const double> looks,
                          double t) {
  PresentPigment present;
  for (std::size_t p = 0; p < exits.size(); ++p) {
    const bool there = exits[p] > t;
    present.look += there ? looks[p] : 0.0;
    present.packets += there;
    present.next_exit = std::min(present.next_exit, there ? exits[p] : kNever);
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
  explicit LookTable(const Observer& observer)
      : observer_(observer),
        optics_{static_cast<float>(observer.mu_per_um_),
                static_cast<float>(observer.hyperplasia_um_ * std::exp(1.0) / kHyperplasiaPeakDay),
                static_cast<float>(1 / observer.cap_days_), static_cast<float>(observer.threshold_)},
        // e^((p - s)/cap_days) fits a float when a session is < 60 cap time scales long.
        direct_cap_(observer.session_days_ / observer.cap_days_ > 60) {
    group_begin_.push_back(0);
  }

  // Adds the dots of the latest session, grouped by region: the table holds every dot, by
  // (session, region), in dot order within a group.
  void add_session(const Scalp& scalp, std::span<const double> session_starts) {
    const std::size_t first = order_.size(), n = scalp.dots.size();
    const std::size_t regions = observer_.prior_density_.size();
    const std::size_t session = session_starts.size() - 1;
    const double start = session_starts[session];
    std::vector<std::size_t> count(regions + 1, 0);
    for (std::size_t d = first; d < n; ++d) ++count[scalp.dots[d].region + 1];
    for (std::size_t r = 0; r < regions; ++r) count[r + 1] += count[r];
    for (std::size_t r = 1; r <= regions; ++r) group_begin_.push_back(first + count[r]);
    order_.resize(n);
    for (std::size_t d = first; d < n; ++d) order_[first + count[scalp.dots[d].region]++] = d;

    for (auto* column : {&puncture_, &peak_offset_, &cap_offset_, &cap_um_, &present_share_,
                         &present_shade_, &scab_form_, &scab_off_, &relative_, &seen_,
                         &visible_, &punctured_}) {
      column->resize(n);
    }
    for (auto* column : {&weight_, &fresh_look_, &pigment_, &present_pigment_, &next_exit_}) {
      column->resize(n);
    }
    packets_per_dot_ = scalp.packets_per_dot;
    packet_exit_.resize(n * packets_per_dot_);
    packet_look_.resize(n * packets_per_dot_);
    for (std::size_t i = first; i < n; ++i) {
      const Dot& dot = scalp.dots[order_[i]];
      const double since_start = dot.puncture - start;
      puncture_[i] = static_cast<float>(dot.puncture);
      peak_offset_[i] = static_cast<float>(std::exp(since_start / kHyperplasiaPeakDay));
      cap_offset_[i] =
          direct_cap_ ? 0.0f : static_cast<float>(std::exp(since_start / observer_.cap_days_));
      cap_um_[i] = static_cast<float>(dot.cap_um);
      weight_[i] = observer_.shade_weight(dot);
      fresh_look_[i] = dot.fresh_look;
      pigment_[i] = dot.pigment;
      scab_form_[i] = static_cast<float>(dot.scab_form);
      scab_off_[i] = static_cast<float>(dot.scab_off);
      copy_packets(scalp, i);
      update_present(i, as_of_);
    }
    torn_.resize(n, false);
  }

  // Brings the pigment and scabs up to time t. Between two looks a dot changes only when one of
  // its packets leaves, or when a scratch tore its scab off (and maybe packets with it), which
  // happens to a dot once: only those dots are read again.
  void bring_to(const Scalp& scalp, double t) {
    const bool back_in_time = t < as_of_;
    for (std::size_t i = 0; i < size(); ++i) {
      const Dot& dot = scalp.dots[order_[i]];
      if (dot.scab_torn && !torn_[i]) {
        torn_[i] = true;
        scab_off_[i] = static_cast<float>(dot.scab_off);
        copy_packets(scalp, i);
        next_exit_[i] = kStale;
      } else if (back_in_time) {
        next_exit_[i] = kStale;
      }
    }
    advance(t);
  }

  // The present pigment at t, no earlier than the last look and with no scab torn since: only
  // the dots one of whose packets left since the last look are read again.
  void advance(double t) {
    as_of_ = t;
    for (std::size_t i = 0; i < size(); ++i) {
      if (t >= next_exit_[i]) update_present(i, t);
    }
  }

  // Sums over the dots punctured by t and the visible dots per region, at time t, with the
  // present pigment as last updated.
  struct Look {
    std::int64_t punctured = 0;
    double shade = 0;      // sum of relative shades
    double seen = 0;       // the same over dots not under a scab
    double deposited = 0;  // sum of pigment
    double present = 0;    // sum of pigment x packets in the skin
    std::vector<std::int64_t> visible;  // per region
  };

  Look look(std::span<const double> session_starts, double time) {
    const auto t = static_cast<float>(time);
    const Observer& o = observer_;
    const std::size_t regions = o.prior_density_.size();
    Look out;
    out.visible.assign(regions, 0);
    for (std::size_t session = 0; session < session_starts.size(); ++session) {
      const double since_start = time - session_starts[session];
      if (since_start < 0) break;  // the session has not started: none of its dots are there
      const SessionClock clock{
          exp_nonpositive(static_cast<float>(-since_start / kHyperplasiaPeakDay)),
          exp_nonpositive(static_cast<float>(-since_start / o.cap_days_)), direct_cap_};
      // One kernel call and one summing pass for the session; then its regions' visible dots.
      const std::size_t begin = group_begin_[session * regions];
      const std::size_t end = group_begin_[(session + 1) * regions];
      look_kernel(begin, end, t, clock, optics_, puncture_.data(), peak_offset_.data(),
                  cap_offset_.data(), cap_um_.data(), present_share_.data(),
                  present_shade_.data(), scab_form_.data(), scab_off_.data(), relative_.data(),
                  seen_.data(), visible_.data(), punctured_.data());
      const LookSums sums = sum_look(begin, end, relative_.data(), seen_.data(), punctured_.data(),
                                     pigment_.data(), present_pigment_.data());
      out.punctured += static_cast<std::int64_t>(sums.punctured);
      out.shade += sums.shade;
      out.seen += sums.seen;
      out.deposited += sums.deposited;
      out.present += sums.present;
      for (std::size_t region = 0; region < regions; ++region) {
        const std::size_t group = session * regions + region;
        float shown = 0;
        for (std::size_t i = group_begin_[group]; i < group_begin_[group + 1]; ++i) shown += visible_[i];
        out.visible[region] += static_cast<std::int64_t>(shown);
      }
    }
    return out;
  }

 private:
  // The exits of the dot at position i, contiguous: when its packets leave.
  std::span<const double> exits_of(std::size_t i) const {
    return {packet_exit_.data() + i * packets_per_dot_, packets_per_dot_};
  }

  std::size_t size() const { return order_.size(); }

  // The dot's packets as columns: its exits change only when a scratch tears its scab off.
  void copy_packets(const Scalp& scalp, std::size_t i) {
    const auto packets = scalp.packets_of(order_[i]);
    for (std::size_t p = 0; p < packets.size(); ++p) {
      packet_exit_[i * packets_per_dot_ + p] = packets[p].exit;
      packet_look_[i * packets_per_dot_ + p] = packets[p].look;
    }
  }

  // The pigment still in the skin of the dot at position i, at time t.
  void update_present(std::size_t i, double t) {
    const PresentPigment present =
        present_at(exits_of(i), {packet_look_.data() + i * packets_per_dot_, packets_per_dot_}, t);
    // The share of the fresh look still there; when attenuation underflows every look to 0
    // (an opaque skin), the share of packets.
    const double packets = static_cast<double>(packets_per_dot_);
    present_share_[i] = static_cast<float>(
        fresh_look_[i] > 0 ? present.look / fresh_look_[i] : present.packets / packets);
    present_shade_[i] = static_cast<float>(weight_[i] * present.look);
    present_pigment_[i] = pigment_[i] * present.packets;
    next_exit_[i] = present.next_exit;
  }

  // A dot's next exit when its present pigment must be read again whatever the time.
  static constexpr double kStale = -kNever;

  const Observer& observer_;
  const KernelOptics optics_;
  const bool direct_cap_;
  std::vector<std::size_t> group_begin_;  // per (session, region)
  std::vector<std::size_t> order_;
  std::vector<float> puncture_, peak_offset_, cap_offset_, cap_um_, scab_form_, scab_off_;
  std::vector<double> weight_, fresh_look_;
  std::vector<float> present_share_;     // present look / fresh look
  std::vector<float> present_shade_;     // V before new skin: contrast (m / K) present look
  std::vector<double> pigment_;
  std::vector<double> present_pigment_;  // pigment x packets still in the skin
  std::vector<double> next_exit_;        // when the present pigment changes next
  std::vector<bool> torn_;               // scab torn off, already read
  std::size_t packets_per_dot_ = 0;
  std::vector<double> packet_exit_, packet_look_;  // packets_per_dot_ per dot, in table order
  double as_of_ = 0;                     // the time the present pigment is for
  std::vector<float> relative_, seen_, visible_, punctured_;  // the last look, per dot
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
      session_days_(parameters.technician.session_hours / 24),
      hair_mm_per_day_(patient.hair_mm_per_day()),
      hair_obscure_mm_(parameters.optics.hair_obscure_mm),
      horizon_days_(static_cast<std::size_t>(parameters.protocol.horizon_days)),
      prior_density_(patient.prior_density.empty()
                         ? std::vector<double>(static_cast<std::size_t>(parameters.technician.regions), 0.0)
                         : patient.prior_density) {}

Observer::~Observer() = default;

void Observer::add_session(const Scalp& scalp, std::span<const double> session_starts) {
  if (!table_) table_ = std::make_unique<LookTable>(*this);
  table_->add_session(scalp, session_starts);
}

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

ScalpSnapshot Observer::snapshot(const Scalp& scalp, std::span<const double> session_starts,
                                 double t) {
  LookTable& table = *table_;
  table.bring_to(scalp, t);
  const LookTable::Look look = table.look(session_starts, t);
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

  // The look, day by day: a dot's present pigment is read again on the days its packets leave.
  LookTable& table = *table_;
  table.bring_to(scalp, observation_time(0));  // the packets' exits as scratching left them
  WoundCounts wounds;
  const double packets = static_cast<double>(scalp.packets_per_dot);
  for (std::size_t k = 0; k < days; ++k) {
    const double t = observation_time(k);
    if (k > 0) table.advance(t);
    const LookTable::Look look = table.look(session_starts, t);
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
  std::size_t k = first_day_at(last);
  double cleared = observation_time(k);
  for (; observation_time(k) <= last_scab_off + 1; ++k) {
    const double t = observation_time(k);
    const WoundCounts wounds = wound_counts(scalp, session_starts, t);
    if (wounds.share(wounds.scabbed) >= kScabsCleared) cleared = t + 1;
  }
  return cleared - last;
}

}  // namespace smpsim
