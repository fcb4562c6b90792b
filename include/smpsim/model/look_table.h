#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/look_kernel.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

// What the look table needs of a patient's optics (docs/model.md §4), in double precision.
struct LookOptics {
  double mu_per_um;
  double hyperplasia_um;
  double cap_days;
  double threshold;              // visibility threshold on V
  double session_days;           // the length of a session
  double contrast_over_packets;  // contrast / K
  double blowout_sharpness;
  std::size_t regions;
  // The examination's eye (docs/model.md §5): its threshold (version 2: threshold /
  // fade_allowance, the fading still to come discounted) and whether a scab hides a dot.
  double examination_threshold;
  bool examination_hides_scabbed;

  // The shade of a fresh dot whose packets all have look 1: contrast x m / K (x blowout).
  double shade_weight(const Dot& dot) const {
    const double weight = contrast_over_packets * dot.pigment;
    return dot.layer == DotLayer::kDeep ? weight * blowout_sharpness : weight;
  }
};

// The pigment of a dot still in the skin at t, from its packets' exits and looks.
struct PresentPigment {
  double look = 0;
  std::int32_t packets = 0;
  double next_exit = kNever;  // when the next of them leaves
};

inline PresentPigment present_at(std::span<const double> exits, std::span<const double> looks,
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

// The look of every dot at one time, computed column by column over the dots grouped by
// region: what an examination, the final look and each day of the daily series measure.
class LookTable {
 public:
  explicit LookTable(const LookOptics& optics)
      : optics_(optics),
        kernel_optics_{
            static_cast<float>(optics.mu_per_um),
            static_cast<float>(optics.hyperplasia_um * std::exp(1.0) / kHyperplasiaPeakDay),
            static_cast<float>(1 / optics.cap_days), static_cast<float>(optics.threshold)},
        examination_optics_{kernel_optics_.mu, kernel_optics_.hyperplasia_scale,
                            kernel_optics_.per_cap_day,
                            static_cast<float>(optics.examination_threshold)},
        // e^((p - s)/cap_days) fits a float when a session is < 60 cap time scales long.
        direct_cap_(optics.session_days / optics.cap_days > 60) {
    group_begin_.push_back(0);
  }

  // Adds the dots of the latest session, grouped by region: the table holds every dot, by
  // (session, region), in dot order within a group.
  void add_session(const Scalp& scalp, std::span<const double> session_starts) {
    const std::size_t first = order_.size(), n = scalp.dots.size();
    packets_per_dot_ = scalp.packets_per_dot;
    // As much room as the scalp has: the columns, like the dots, never regrow.
    if (order_.capacity() < scalp.dots.capacity()) reserve(scalp.dots.capacity());
    const std::size_t regions = optics_.regions;
    const std::size_t session = session_starts.size() - 1;
    const double start = session_starts[session];
    std::vector<std::size_t> count(regions + 1, 0);
    for (std::size_t d = first; d < n; ++d) ++count[scalp.dots[d].region + 1];
    for (std::size_t r = 0; r < regions; ++r) count[r + 1] += count[r];
    for (std::size_t r = 1; r <= regions; ++r) group_begin_.push_back(first + count[r]);
    SMPSIM_COUNT_REGROWTH(order_, n);
    order_.resize(n);
    for (std::size_t d = first; d < n; ++d) order_[first + count[scalp.dots[d].region]++] = d;

    for (auto* column :
         {&puncture_, &peak_offset_, &cap_offset_, &cap_um_, &present_share_, &present_shade_,
          &scab_form_, &scab_off_, &relative_, &seen_, &visible_, &punctured_}) {
      SMPSIM_COUNT_REGROWTH(*column, n);
      column->resize(n);
    }
    for (auto* column : {&weight_, &fresh_look_, &pigment_, &present_pigment_, &next_exit_}) {
      SMPSIM_COUNT_REGROWTH(*column, n);
      column->resize(n);
    }
    deep_.resize(n);
    SMPSIM_COUNT_REGROWTH(deep_, n);
    SMPSIM_COUNT_REGROWTH(packet_exit_, n * packets_per_dot_);
    SMPSIM_COUNT_REGROWTH(packet_look_, n * packets_per_dot_);
    packet_exit_.resize(n * packets_per_dot_);
    packet_look_.resize(n * packets_per_dot_);
    for (std::size_t i = first; i < n; ++i) {
      const Dot& dot = scalp.dots[order_[i]];
      const double since_start = dot.puncture - start;
      puncture_[i] = static_cast<float>(dot.puncture);
      peak_offset_[i] = static_cast<float>(std::exp(since_start / kHyperplasiaPeakDay));
      cap_offset_[i] =
          direct_cap_ ? 0.0f : static_cast<float>(std::exp(since_start / optics_.cap_days));
      cap_um_[i] = static_cast<float>(dot.cap_um);
      weight_[i] = optics_.shade_weight(dot);
      fresh_look_[i] = dot.fresh_look;
      pigment_[i] = dot.pigment;
      deep_[i] = dot.layer == DotLayer::kDeep;
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
    // On most days a few dots in a hundred change: find them a block at a time, with a
    // comparison that vectorizes, and read again only the dots of the blocks that hold one.
    constexpr std::size_t kBlock = 8;
    const std::size_t n = size();
    std::size_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
      bool any = false;
      for (std::size_t j = i; j < i + kBlock; ++j) any |= t >= next_exit_[j];
      if (!any) continue;
      for (std::size_t j = i; j < i + kBlock; ++j) {
        if (t >= next_exit_[j]) update_present(j, t);
      }
    }
    for (; i < n; ++i) {
      if (t >= next_exit_[i]) update_present(i, t);
    }
  }

  // Sums over the dots punctured by t and the visible dots per region, at time t, with the
  // present pigment as last updated.
  struct Look {
    std::int64_t punctured = 0;
    double shade = 0;                   // sum of relative shades
    double seen = 0;                    // the same over dots not under a scab
    double deposited = 0;               // sum of pigment
    double present = 0;                 // sum of pigment x packets in the skin
    std::vector<std::int64_t> visible;  // per region
    std::size_t evaluated = 0;          // dots the kernel evaluated
  };

  // Who looks: the final look and the daily series see every dot at the plain threshold; the
  // technician's examination sees as LookOptics says (docs/model.md §5).
  enum class Eye : std::uint8_t { kPlain, kExamination };

  Look look(std::span<const double> session_starts, double time, Eye eye = Eye::kPlain) {
    const bool examining = eye == Eye::kExamination;
    const KernelOptics& kernel_optics = examining ? examination_optics_ : kernel_optics_;
    const auto t = static_cast<float>(time);
    const std::size_t regions = optics_.regions;
    Look out;
    out.visible.assign(regions, 0);
    for (std::size_t session = 0; session < session_starts.size(); ++session) {
      const double since_start = time - session_starts[session];
      if (since_start < 0) break;  // the session has not started: none of its dots are there
      const SessionClock clock{
          exp_nonpositive(static_cast<float>(-since_start / kHyperplasiaPeakDay)),
          exp_nonpositive(static_cast<float>(-since_start / optics_.cap_days)), direct_cap_};
      // One kernel call and one summing pass for the session; then its regions' visible dots.
      const std::size_t begin = group_begin_[session * regions];
      const std::size_t end = group_begin_[(session + 1) * regions];
      SMPSIM_COUNT(dot_looks, end - begin);
      out.evaluated += end - begin;
      look_kernel(begin, end, t, clock, kernel_optics, puncture_.data(), peak_offset_.data(),
                  cap_offset_.data(), cap_um_.data(), present_share_.data(), present_shade_.data(),
                  scab_form_.data(), scab_off_.data(), relative_.data(), seen_.data(),
                  visible_.data(), punctured_.data());
      if (examining && optics_.examination_hides_scabbed) {
        // The technician cannot see through a scab.
        for (std::size_t i = begin; i < end; ++i) {
          if (scab_form_[i] <= t && t < scab_off_[i]) visible_[i] = 0;
        }
      }
      const LookSums sums = sum_look(begin, end, relative_.data(), seen_.data(), punctured_.data(),
                                     pigment_.data(), present_pigment_.data());
      out.punctured += static_cast<std::int64_t>(sums.punctured);
      out.shade += sums.shade;
      out.seen += sums.seen;
      out.deposited += sums.deposited;
      out.present += sums.present;
      for (std::size_t region = 0; region < regions; ++region) {
        const std::size_t group = session * regions + region;
        // Counted in integers: visible_ is 0 or 1, and the sum vectorizes.
        std::int64_t shown = 0;
        for (std::size_t i = group_begin_[group]; i < group_begin_[group + 1]; ++i)
          shown += visible_[i] != 0.0f;
        out.visible[region] += shown;
      }
    }
    return out;
  }

  // What the last look, at t, showed of one session's own dots (docs/model.md §3.1): shares deep,
  // lost (less than `lost_below` of the dot's pigment still in the skin) and faint (neither, not
  // visible to that look, and not under a scab: through a scab the technician cannot judge).
  // Shares of all the session's dots.
  struct SessionShares {
    double deep = 0, lost = 0, faint = 0;
  };
  SessionShares session_shares(std::size_t session, double lost_below, double time) const {
    const auto t = static_cast<float>(time);
    const std::size_t regions = optics_.regions;
    const std::size_t begin = group_begin_[session * regions];
    const std::size_t end = group_begin_[(session + 1) * regions];
    const double packets = static_cast<double>(packets_per_dot_);
    std::int64_t deep = 0, lost = 0, faint = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const bool is_lost = present_pigment_[i] < lost_below * pigment_[i] * packets;
      deep += deep_[i];
      lost += is_lost;
      const bool scabbed = scab_form_[i] <= t && t < scab_off_[i];
      faint += !deep_[i] && !is_lost && !scabbed && visible_[i] == 0;
    }
    const double n = end > begin ? static_cast<double>(end - begin) : 1.0;
    return {static_cast<double>(deep) / n, static_cast<double>(lost) / n,
            static_cast<double>(faint) / n};
  }

 private:
  // The exits of the dot at position i, contiguous: when its packets leave.
  std::span<const double> exits_of(std::size_t i) const {
    return {packet_exit_.data() + i * packets_per_dot_, packets_per_dot_};
  }

  std::size_t size() const { return order_.size(); }

  void reserve(std::size_t dots) {
    order_.reserve(dots);
    for (auto* column :
         {&puncture_, &peak_offset_, &cap_offset_, &cap_um_, &present_share_, &present_shade_,
          &scab_form_, &scab_off_, &relative_, &seen_, &visible_, &punctured_}) {
      column->reserve(dots);
    }
    for (auto* column : {&weight_, &fresh_look_, &pigment_, &present_pigment_, &next_exit_}) {
      column->reserve(dots);
    }
    deep_.reserve(dots);
    torn_.reserve(dots);
    packet_exit_.reserve(dots * packets_per_dot_);
    packet_look_.reserve(dots * packets_per_dot_);
  }

  // The dot's packets as columns: its exits change only when a scratch tears its scab off.
  void copy_packets(const Scalp& scalp, std::size_t i) {
    const auto packets = scalp.packets_of(order_[i]);
    SMPSIM_COUNT(bytes_copied, packets.size() * 2 * sizeof(double));
    for (std::size_t p = 0; p < packets.size(); ++p) {
      packet_exit_[i * packets_per_dot_ + p] = packets[p].exit;
      packet_look_[i * packets_per_dot_ + p] = packets[p].look;
    }
  }

  // The pigment still in the skin of the dot at position i, at time t.
  void update_present(std::size_t i, double t) {
    SMPSIM_COUNT(present_updates, 1);
    const PresentPigment present =
        present_at(exits_of(i), {packet_look_.data() + i * packets_per_dot_, packets_per_dot_}, t);
    // The share of the fresh look still there; when attenuation underflows every look to 0
    // (an opaque skin), the share of packets.
    const double packets = static_cast<double>(packets_per_dot_);
    present_share_[i] = static_cast<float>(fresh_look_[i] > 0 ? present.look / fresh_look_[i]
                                                              : present.packets / packets);
    present_shade_[i] = static_cast<float>(weight_[i] * present.look);
    present_pigment_[i] = pigment_[i] * present.packets;
    next_exit_[i] = present.next_exit;
  }

  // A dot's next exit when its present pigment must be read again whatever the time.
  static constexpr double kStale = -kNever;

  const LookOptics optics_;
  const KernelOptics kernel_optics_;
  const KernelOptics examination_optics_;
  const bool direct_cap_;
  std::vector<std::size_t> group_begin_;  // per (session, region)
  std::vector<std::size_t> order_;
  std::vector<float> puncture_, peak_offset_, cap_offset_, cap_um_, scab_form_, scab_off_;
  std::vector<double> weight_, fresh_look_;
  std::vector<float> present_share_;  // present look / fresh look
  std::vector<float> present_shade_;  // V before new skin: contrast (m / K) present look
  std::vector<double> pigment_;
  std::vector<double> present_pigment_;  // pigment x packets still in the skin
  std::vector<double> next_exit_;        // when the present pigment changes next
  std::vector<std::uint8_t> deep_;       // placed deep: a blowout
  std::vector<bool> torn_;               // scab torn off, already read
  std::size_t packets_per_dot_ = 0;
  std::vector<double> packet_exit_, packet_look_;  // packets_per_dot_ per dot, in table order
  double as_of_ = 0;                               // the time the present pigment is for
  std::vector<float> relative_, seen_, visible_, punctured_;  // the last look, per dot
};

}  // namespace smpsim
