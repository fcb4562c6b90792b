#pragma once

#include <algorithm>
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
  // Version 2 (docs/model.md §7, T14): a region shows its session's visible share pooled over
  // every region as no scratch had touched it, plus what the scratches did to its own dots,
  // not its own ~60 dots' share.
  bool pools_regions;

  // The shade of a fresh dot whose packets all have look 1: contrast x m / K (x blowout).
  double shade_weight(const Dot& dot) const {
    const double weight = contrast_over_packets * dot.pigment;
    return dot.layer == DotLayer::kDeep ? weight * blowout_sharpness : weight;
  }
};

// The pigment of a dot still in the skin at t.
struct PresentPigment {
  double look = 0;
  std::int32_t packets = 0;
  double next_exit = kNever;  // when the next of them leaves
};

// A dot's packets as the look table keeps them: sorted by exit, each with the look of the
// packets from it on (`remaining`: the look still in the skin until its exit). Sorted once,
// when the dot is read in, so reading the present pigment at t is a count of the exits by t and
// one load, not a sum over the packets at every exit. The draw leaves a dot's packets in exit
// order (dot_kinetics.cpp), so the insertion moves nothing but for the dots a scratch tore.
inline void sort_packets(std::span<const Packet> packets, double* exits, double* remaining) {
  const std::size_t n = packets.size();
  for (std::size_t p = 0; p < n; ++p) {
    // Insertion by exit: ties keep the dot's packet order.
    std::size_t q = p;
    for (; q > 0 && exits[q - 1] > packets[p].exit; --q) {
      exits[q] = exits[q - 1];
      remaining[q] = remaining[q - 1];
    }
    exits[q] = packets[p].exit;
    remaining[q] = packets[p].look;
  }
  for (std::size_t p = n; p > 1; --p) remaining[p - 2] += remaining[p - 1];
}

inline PresentPigment present_at(std::span<const double> exits, std::span<const double> remaining,
                                 double t) {
  std::size_t gone = 0;
  for (double exit : exits) gone += exit <= t;
  PresentPigment present;
  if (gone < exits.size()) {
    present.look = remaining[gone];
    present.packets = static_cast<std::int32_t>(exits.size() - gone);
    present.next_exit = exits[gone];
  }
  return present;
}

// The share of a dot's fresh look its present pigment keeps; when attenuation underflows every
// look to 0 (an opaque skin), the share of its packets.
inline float present_share_of(const PresentPigment& present, double fresh_look,
                              std::size_t packets_per_dot) {
  return static_cast<float>(fresh_look > 0
                                ? present.look / fresh_look
                                : present.packets / static_cast<double>(packets_per_dot));
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
    SMPSIM_COUNT_REGROWTH(position_, n);
    position_.resize(n);
    for (std::size_t i = first; i < n; ++i) position_[order_[i]] = i;

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
    SMPSIM_COUNT_REGROWTH(block_next_exit_, (n + kBlock - 1) / kBlock);
    block_next_exit_.resize((n + kBlock - 1) / kBlock, kNever);
    SMPSIM_COUNT_REGROWTH(packet_exit_, n * packets_per_dot_);
    SMPSIM_COUNT_REGROWTH(packet_remaining_, n * packets_per_dot_);
    packet_exit_.resize(n * packets_per_dot_);
    packet_remaining_.resize(n * packets_per_dot_);
    // In dot order, each written to its place in the table: the dots and their packets are read
    // in the order the draw wrote them, so the loads stream (read in table order they missed the
    // cache: half of add_session's time was the packets' loads). Each dot's columns depend on
    // itself alone, so the order changes no bit.
    for (std::size_t d = first; d < n; ++d) {
      const std::size_t i = position_[d];
      const Dot& dot = scalp.dots[d];
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
  }

  // Brings the pigment and scabs up to time t. Between two looks a dot changes only when one of
  // its packets leaves, or when a scratch tore its scab off (and maybe packets with it), which
  // happens to a dot once: only those dots are read again.
  void bring_to(const Scalp& scalp, double t) {
    const bool back_in_time = t < as_of_;
    // The scabs torn since the last look (Scalp::torn), read in table order; a dot whose session
    // the table has not read in yet waits, with those torn after it, until it has.
    newly_torn_.clear();
    for (; torn_read_ < scalp.torn.size() && scalp.torn[torn_read_] < position_.size();
         ++torn_read_) {
      newly_torn_.push_back(position_[scalp.torn[torn_read_]]);
    }
    std::sort(newly_torn_.begin(), newly_torn_.end());
    for (const std::size_t i : newly_torn_) {
      if (optics_.pools_regions) keep_untorn(i);
      scab_off_[i] = static_cast<float>(scalp.dots[order_[i]].scab_off);
      copy_packets(scalp, i);
      set_next_exit(i, kStale);
    }
    if (back_in_time) {
      std::fill(next_exit_.begin(), next_exit_.end(), kStale);
      std::fill(block_next_exit_.begin(), block_next_exit_.end(), kStale);
      for (Untorn& untorn : untorn_)
        std::fill(untorn.next_exit.begin(), untorn.next_exit.end(), kStale);
    }
    advance(t);
  }

  // The present pigment at t, no earlier than the last look and with no scab torn since: only
  // the dots one of whose packets left since the last look are read again.
  void advance(double t) {
    as_of_ = t;
    // On most days a few dots in a hundred change: each block of kBlock dots keeps the earliest
    // next exit among them, so a look reads the blocks' and only then the dots of the blocks
    // that hold a change.
    const std::size_t n = size();
    for (std::size_t block = 0; block < block_next_exit_.size(); ++block) {
      if (t < block_next_exit_[block]) continue;
      const std::size_t end = std::min((block + 1) * kBlock, n);
      double next = kNever;
      for (std::size_t i = block * kBlock; i < end; ++i) {
        if (t >= next_exit_[i]) update_present(i, t);
        next = std::min(next, next_exit_[i]);
      }
      block_next_exit_[block] = next;
    }
    for (Untorn& untorn : untorn_) {
      for (std::size_t j = 0; j < untorn.position.size(); ++j) {
        if (t >= untorn.next_exit[j]) untorn.update_present(j, t, packets_per_dot_);
      }
    }
  }

  // Sums over the dots punctured by t and the visible dots per region, at time t, with the
  // present pigment as last updated.
  struct Look {
    std::int64_t punctured = 0;
    double shade = 0;             // sum of relative shades
    double seen = 0;              // the same over dots not under a scab
    double deposited = 0;         // sum of pigment
    double present = 0;           // sum of pigment x packets in the skin
    std::vector<double> visible;  // per region: visible dots (version 2: in expectation)
    std::size_t evaluated = 0;    // dots the kernel evaluated
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
      add_visible(session, t, kernel_optics, clock, examining && optics_.examination_hides_scabbed,
                  out.visible);
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
  // The dots a scratch tore, as they would be had it not (version 2, T14): their columns as they
  // were before the tear, and their look at the last look, for one session.
  struct Untorn {
    std::vector<std::size_t> position;  // in the table
    std::vector<std::uint32_t> region;
    std::vector<float> puncture, peak_offset, cap_offset, cap_um, scab_form, scab_off;
    std::vector<float> present_share, present_shade;
    std::vector<double> weight, fresh_look, next_exit;
    std::vector<double> packet_exit, packet_remaining;  // packets per dot, sorted by exit
    std::vector<float> relative, seen, visible, punctured;

    void update_present(std::size_t j, double t, std::size_t packets_per_dot) {
      const PresentPigment present =
          present_at({packet_exit.data() + j * packets_per_dot, packets_per_dot},
                     {packet_remaining.data() + j * packets_per_dot, packets_per_dot}, t);
      present_share[j] = present_share_of(present, fresh_look[j], packets_per_dot);
      present_shade[j] = static_cast<float>(weight[j] * present.look);
      next_exit[j] = present.next_exit;
    }
  };

  // Keeps the dot at position i as it is before its tear is read in.
  void keep_untorn(std::size_t i) {
    const std::size_t regions = optics_.regions;
    const auto group = static_cast<std::size_t>(
        std::upper_bound(group_begin_.begin(), group_begin_.end(), i) - group_begin_.begin() - 1);
    const std::size_t session = group / regions;
    if (untorn_.size() <= session) untorn_.resize(session + 1);
    Untorn& u = untorn_[session];
    u.position.push_back(i);
    u.region.push_back(static_cast<std::uint32_t>(group % regions));
    u.puncture.push_back(puncture_[i]);
    u.peak_offset.push_back(peak_offset_[i]);
    u.cap_offset.push_back(cap_offset_[i]);
    u.cap_um.push_back(cap_um_[i]);
    u.scab_form.push_back(scab_form_[i]);
    u.scab_off.push_back(scab_off_[i]);
    u.present_share.push_back(0);
    u.present_shade.push_back(0);
    u.weight.push_back(weight_[i]);
    u.fresh_look.push_back(fresh_look_[i]);
    u.next_exit.push_back(kStale);
    const auto exits = exits_of(i);
    u.packet_exit.insert(u.packet_exit.end(), exits.begin(), exits.end());
    u.packet_remaining.insert(u.packet_remaining.end(),
                              packet_remaining_.begin() + i * packets_per_dot_,
                              packet_remaining_.begin() + (i + 1) * packets_per_dot_);
    for (auto* column : {&u.relative, &u.seen, &u.visible, &u.punctured}) column->push_back(0);
  }

  // Adds one session's visible dots per region. Version 1: each region's own dots. Version 2
  // (docs/model.md §7, T14): given the patient, a region's dots differ from another's only by how
  // many it got and by the scratches that struck it. So a region shows its count times the
  // session's visible share over all regions as if no scratch had torn a scab, plus, dot by dot,
  // what the tears did to its own dots (visible now minus visible untorn): the untorn share is
  // read from ~1,000 dots, not the region's ~60, and only the scratches' own effect is sampled
  // region by region.
  void add_visible(std::size_t session, float t, const KernelOptics& kernel_optics,
                   SessionClock clock, bool hide_scabbed, std::vector<double>& visible) {
    const std::size_t regions = optics_.regions;
    shown_.assign(regions, 0);
    double shown_total = 0;
    for (std::size_t region = 0; region < regions; ++region) {
      const std::size_t group = session * regions + region;
      const std::size_t shown =
          count_visible(group_begin_[group], group_begin_[group + 1], visible_.data());
      shown_[region] = static_cast<double>(shown);
      shown_total += static_cast<double>(shown);
    }
    if (!optics_.pools_regions) {
      for (std::size_t region = 0; region < regions; ++region) visible[region] += shown_[region];
      return;
    }
    torn_effect_.assign(regions, 0);
    double untorn_total = shown_total;  // visible had no scratch torn a scab
    if (session < untorn_.size() && !untorn_[session].position.empty()) {
      Untorn& u = untorn_[session];
      SMPSIM_COUNT(dot_looks, u.position.size());
      look_kernel(0, u.position.size(), t, clock, kernel_optics, u.puncture.data(),
                  u.peak_offset.data(), u.cap_offset.data(), u.cap_um.data(),
                  u.present_share.data(), u.present_shade.data(), u.scab_form.data(),
                  u.scab_off.data(), u.relative.data(), u.seen.data(), u.visible.data(),
                  u.punctured.data());
      for (std::size_t j = 0; j < u.position.size(); ++j) {
        if (hide_scabbed && u.scab_form[j] <= t && t < u.scab_off[j]) u.visible[j] = 0;
        const double effect = static_cast<double>(visible_[u.position[j]]) - u.visible[j];
        torn_effect_[u.region[j]] += effect;
        untorn_total -= effect;
      }
    }
    const double dots = static_cast<double>(group_begin_[(session + 1) * regions] -
                                            group_begin_[session * regions]);
    const double share = dots > 0 ? untorn_total / dots : 0.0;
    for (std::size_t region = 0; region < regions; ++region) {
      const std::size_t group = session * regions + region;
      const auto count = static_cast<double>(group_begin_[group + 1] - group_begin_[group]);
      // Never below none visible: the estimate is a count of dots.
      visible[region] += std::max(count * share + torn_effect_[region], 0.0);
    }
  }

  // The exits of the dot at position i, contiguous: when its packets leave.
  std::span<const double> exits_of(std::size_t i) const {
    return {packet_exit_.data() + i * packets_per_dot_, packets_per_dot_};
  }

  std::size_t size() const { return order_.size(); }

  void reserve(std::size_t dots) {
    order_.reserve(dots);
    position_.reserve(dots);
    for (auto* column :
         {&puncture_, &peak_offset_, &cap_offset_, &cap_um_, &present_share_, &present_shade_,
          &scab_form_, &scab_off_, &relative_, &seen_, &visible_, &punctured_}) {
      column->reserve(dots);
    }
    for (auto* column : {&weight_, &fresh_look_, &pigment_, &present_pigment_, &next_exit_}) {
      column->reserve(dots);
    }
    block_next_exit_.reserve((dots + kBlock - 1) / kBlock);
    deep_.reserve(dots);
    packet_exit_.reserve(dots * packets_per_dot_);
    packet_remaining_.reserve(dots * packets_per_dot_);
  }

  // The dot's packets as columns, sorted by exit: its exits change only when a scratch tears
  // its scab off.
  void copy_packets(const Scalp& scalp, std::size_t i) {
    const auto packets = scalp.packets_of(order_[i]);
    SMPSIM_COUNT(bytes_copied, packets.size() * 2 * sizeof(double));
    sort_packets(packets, packet_exit_.data() + i * packets_per_dot_,
                 packet_remaining_.data() + i * packets_per_dot_);
  }

  // The pigment still in the skin of the dot at position i, at time t.
  void update_present(std::size_t i, double t) {
    SMPSIM_COUNT(present_updates, 1);
    const PresentPigment present = present_at(
        exits_of(i), {packet_remaining_.data() + i * packets_per_dot_, packets_per_dot_}, t);
    present_share_[i] = present_share_of(present, fresh_look_[i], packets_per_dot_);
    present_shade_[i] = static_cast<float>(weight_[i] * present.look);
    present_pigment_[i] = pigment_[i] * present.packets;
    set_next_exit(i, present.next_exit);
  }

  // Sets the dot's next exit, and its block's when earlier. A block's may be earlier than all its
  // dots' (a dot's moved later): advance then reads the block once more and sets it exactly.
  void set_next_exit(std::size_t i, double next_exit) {
    next_exit_[i] = next_exit;
    double& block = block_next_exit_[i / kBlock];
    block = std::min(block, next_exit);
  }

  // A dot's next exit when its present pigment must be read again whatever the time.
  static constexpr double kStale = -kNever;

  const LookOptics optics_;
  const KernelOptics kernel_optics_;
  const KernelOptics examination_optics_;
  const bool direct_cap_;
  std::vector<std::size_t> group_begin_;  // per (session, region)
  std::vector<std::size_t> order_;        // table position -> dot
  std::vector<std::size_t> position_;     // dot -> table position
  std::size_t torn_read_ = 0;             // Scalp::torn's dots already read in (each once)
  std::vector<std::size_t> newly_torn_;   // bring_to's scratch space
  std::vector<float> puncture_, peak_offset_, cap_offset_, cap_um_, scab_form_, scab_off_;
  std::vector<double> weight_, fresh_look_;
  std::vector<float> present_share_;  // present look / fresh look
  std::vector<float> present_shade_;  // V before new skin: contrast (m / K) present look
  std::vector<double> pigment_;
  std::vector<double> present_pigment_;  // pigment x packets still in the skin
  std::vector<double> next_exit_;        // when the present pigment changes next
  static constexpr std::size_t kBlock = 8;
  std::vector<double> block_next_exit_;  // per kBlock dots in table order: the earliest next exit
  std::vector<std::uint8_t> deep_;       // placed deep: a blowout
  std::size_t packets_per_dot_ = 0;
  std::vector<double> packet_exit_, packet_remaining_;  // per dot: sort_packets, in table order
  double as_of_ = 0;                                    // the time the present pigment is for
  std::vector<float> relative_, seen_, visible_, punctured_;  // the last look, per dot
  std::vector<double> shown_, torn_effect_;  // add_visible's scratch space, per region
  std::vector<Untorn> untorn_;               // per session: its torn dots, untorn
};

}  // namespace smpsim
