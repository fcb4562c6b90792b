#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "smpsim/model/time.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

struct Parameters;
struct Patient;
struct Scalp;

// Where a dot's pigment landed relative to the patient's layers (docs/model.md §4).
enum class DotLayer : std::uint8_t {
  kEpidermal,  // z < E: shed with the scab or by turnover
  kTarget,     // E <= z < E + P: the papillary dermis, where SMP pigment should sit
  kDeep,       // z >= E + P: reticular dermis, blurs into a blowout
};

// How a packet of pigment leaves the skin, if it does.
enum class PacketFate : std::uint8_t {
  kWithScab,      // epidermal: leaves when the dot's scab comes off
  kTurnover,      // epidermal: shed by epidermal turnover
  kCleared,       // dermal: macrophages cleared it before fibroblasts encapsulated it
  kEncapsulated,  // dermal: locked in collagen; leaves only if released and not recaptured
  kTornOff,       // torn away with a scab a scratch pulled off early (set by scratching)
};

struct Packet {
  double depth_um;
  double look;     // e^(-mu * depth): its contribution to the dot's shade before new skin grows
  double settled;  // when it was encapsulated; kNever for other fates
  double exit;     // when it leaves the skin; kNever if it stays
  PacketFate fate;
};

// A dot's random numbers (docs/model.md §7): the first words of its own stream (purpose kDot,
// the session, substream = its index in the session), one word per quantity at a fixed place.
// So a quantity's draw never shifts when another one's distribution changes (sweep points share
// their random numbers quantity by quantity, T8), and a session's dots are drawn together, each
// quantity across dots in vector lanes.
namespace dot_word {
inline constexpr std::size_t kRegion = 0;   // the technician's: region (when drawn)
inline constexpr std::size_t kTime = 1;     // time within the session
inline constexpr std::size_t kDepth = 2;    // needle depth (truncated normal, by inversion)
inline constexpr std::size_t kPigment = 3;  // pigment (by its quantile)
inline constexpr std::size_t kClot = 4;     // the timeline's five normals, in consecutive rows
inline constexpr std::size_t kScabForm = 5;
inline constexpr std::size_t kClosure = 6;
inline constexpr std::size_t kShed = 7;
inline constexpr std::size_t kCap = 8;
inline constexpr std::size_t kNormals = 5;
inline constexpr std::size_t kScabs = 9;          // whether a scab forms
inline constexpr std::size_t kInflammation = 10;  // three: the stages' exponentials
inline constexpr std::size_t kStages = 3;
inline constexpr std::size_t kPackets = 13;   // then packets_per_dot rows of each kind:
inline constexpr std::size_t kPlacement = 0;  // track or the dot's depth, and depth on the track
inline constexpr std::size_t kClock = 1;      // turnover, or the encapsulation race's clock
inline constexpr std::size_t kFate = 2;       // scab carry, or which clock won, and the release
// Row of packet j's word of `kind`.
inline constexpr std::size_t packet(std::size_t kind, std::size_t j, std::size_t packets_per_dot) {
  return kPackets + kind * packets_per_dot + j;
}
inline constexpr std::size_t count(std::size_t packets_per_dot) {
  return kPackets + 3 * packets_per_dot;
}
}  // namespace dot_word

// The words of up to kChunk consecutive dots of one session, as columns: row k holds word k of
// each dot's stream, so a loop over a row runs across dots.
class DotWords {
 public:
  static constexpr std::size_t kChunk = 256;

  explicit DotWords(std::size_t packets_per_dot);

  // The words of the session's dots [first, first + dots), dots <= kChunk.
  void draw(std::uint64_t seed, std::uint64_t patient_id, std::uint32_t session,
            std::uint32_t first, std::size_t dots);
  std::uint32_t first() const { return first_; }
  std::size_t size() const { return dots_; }
  const std::uint32_t* row(std::size_t k) const { return words_.data() + k * kChunk; }
  // Whose words they are: for the draws a fixed layout cannot hold (a gamma or beta pigment).
  std::uint64_t seed() const { return seed_; }
  std::uint64_t patient_id() const { return patient_id_; }
  std::uint32_t session() const { return session_; }

 private:
  std::size_t blocks_;  // Philox blocks a dot: four words each
  std::uint64_t seed_ = 0, patient_id_ = 0;
  std::uint32_t session_ = 0;
  std::uint32_t first_ = 0;
  std::size_t dots_ = 0;
  std::vector<std::uint32_t> words_;
};

// The technician's side of a chunk of dots, as columns: where, when, how deep, how much pigment.
struct Punctures {
  std::size_t size = 0;
  std::uint32_t region[DotWords::kChunk];
  double time[DotWords::kChunk];
  double depth_um[DotWords::kChunk];
  double pigment[DotWords::kChunk];
};

// One dot and its timeline, in days since the start of the first session. Times a scratch can
// change (the scab's coming off, a packet's exit) are rewritten by scratching.cpp; every other
// time is fixed when the dot is made, so no event queue is needed for them.
struct Dot {
  double puncture;
  double clot;
  double scab_form;  // kNever without a scab
  double scab_off;   // natural shedding, or an early detachment
  double closure;
  double inflammation_end;
  double depth_um;
  double pigment;
  double cap_um;      // this dot's collagen cap when complete: cap_um x fibroblast x c_d
  double fresh_look;  // sum of its packets' looks at the puncture
  std::uint32_t region;
  std::uint16_t session;
  DotLayer layer;
  bool scab_torn;  // the scab came off early, torn by a scratch

  bool has_scab() const { return scab_form != kNever; }
  bool scab_present(double t) const { return scab_form <= t && t < scab_off; }
};

// A patient's rates and time scales of a dot's life (docs/model.md §4), computed once per patient.
class DotKinetics {
 public:
  DotKinetics(const Parameters& parameters, const Patient& patient);

  // Draws the lives of a chunk of a session's dots after their punctures (from the same words):
  // clot, scab, closure, inflammation, the collagen cap and the fate of each packet. Appends
  // the dots and their packets to `scalp`.
  void draw(const Punctures& punctures, std::uint16_t session, const DotWords& words,
            Scalp& scalp) const;

  // Depth factor f = clamp((z - E) / (P / 2), 0.25, 4): deeper pigment is encapsulated more
  // readily and cleared less.
  double depth_factor(double depth_um) const;
  double encapsulation_rate(double depth_um) const {
    return encapsulation_base_ * depth_factor(depth_um);
  }
  double clearance_rate(double depth_um) const { return clearance_base_ / depth_factor(depth_um); }
  DotLayer layer_of(double depth_um) const;
  std::size_t packets_per_dot() const { return packets_per_dot_; }

 private:
  double epidermis_um_;
  double papillary_um_;
  double mu_per_um_;
  double clot_log_median_;
  double scab_probability_;
  double scab_form_log_median_;
  double closure_log_median_;
  double shed_log_median_;  // includes the moist delay when the scalp is covered too long
  double inflammation_stage_days_;
  double encapsulation_base_;
  double clearance_base_;
  double release_loss_rate_;  // k_release x (1 - recapture): releases that are not recaptured
  double turnover_days_;
  double scab_carry_;
  double track_share_;
  double cap_um_;
  double cap_sigma_;
  std::size_t packets_per_dot_;
};

// Every dot one patient received, with their packets (packets_per_dot per dot, in dot order)
// and, per region, the dots placed there.
struct Scalp {
  Scalp(std::size_t packets_per_dot, std::size_t regions)
      : packets_per_dot(packets_per_dot), region_dots(regions) {}

  std::vector<Dot> dots;
  std::vector<Packet> packets;
  std::size_t packets_per_dot;
  std::vector<std::vector<std::uint32_t>> region_dots;
  // The dots whose scab a scratch tore off, in that order: each at most once, since a torn scab
  // is gone and only a present one can be torn.
  std::vector<std::uint32_t> torn;

  // A scratch tore dot d's scab off at `time` (its packets' fates are the scratch's to change).
  void tear_scab(std::uint32_t d, double time) {
    dots[d].scab_off = time;
    dots[d].scab_torn = true;
    torn.push_back(d);
  }

  // Room for `dots` dots and their packets, so that adding them copies nothing.
  void reserve(std::size_t dots_expected) {
    dots.reserve(dots_expected);
    packets.reserve(dots_expected * packets_per_dot);
  }
  // Room for the next dot's packets, to write into before add() (a dot built by hand).
  std::span<Packet> next_packets() {
    SMPSIM_COUNT_REGROWTH(packets, (dots.size() + 1) * packets_per_dot);
    packets.resize((dots.size() + 1) * packets_per_dot);
    return packets_of(dots.size());
  }
  // Adds a dot whose packets are already in `packets`.
  void add(const Dot& dot) {
    SMPSIM_COUNT_REGROWTH(region_dots[dot.region], region_dots[dot.region].size() + 1);
    SMPSIM_COUNT_REGROWTH(dots, dots.size() + 1);
    region_dots[dot.region].push_back(static_cast<std::uint32_t>(dots.size()));
    dots.push_back(dot);
  }
  std::span<Packet> packets_of(std::size_t dot) {
    return {packets.data() + dot * packets_per_dot, packets_per_dot};
  }
  std::span<const Packet> packets_of(std::size_t dot) const {
    return {packets.data() + dot * packets_per_dot, packets_per_dot};
  }
};

}  // namespace smpsim
