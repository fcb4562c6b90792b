#include "smpsim/model/dot_kinetics.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "smpsim/model/parameters.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/vector_math.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

namespace {

// Fixed shapes of docs/model.md §4 that are not parameters.
constexpr double kClotMedianDays = 4.0 / (24 * 60);  // 4 minutes
constexpr double kClotSigma = 0.5;
constexpr double kScabFormSigma = 0.3;
constexpr double kClosureSigma = 0.35;
constexpr double kScabShedSigma = 0.3;
constexpr int kInflammationShape = 3;  // Gamma(shape 3): three exponential stages
constexpr double kDepthFactorMin = 0.25;
constexpr double kDepthFactorMax = 4.0;

// The packet count the draw orders by a sorting network (the default).
constexpr std::size_t kNetworkPackets = 8;

}  // namespace

DotKinetics::DotKinetics(const Parameters& parameters, const Patient& patient)
    : epidermis_um_(patient.epidermis_um()),
      papillary_um_(patient.papillary_um()),
      mu_per_um_(parameters.optics.mu_per_um),
      clot_log_median_(std::log(kClotMedianDays)),
      scab_probability_(parameters.kinetics.scab_probability),
      scab_form_log_median_(std::log(parameters.kinetics.scab_form_days / patient.healing())),
      closure_log_median_(std::log(parameters.kinetics.closure_days / patient.healing())),
      shed_log_median_(std::log(parameters.kinetics.scab_shed_days / patient.healing())),
      inflammation_stage_days_(parameters.kinetics.inflammation_days / patient.healing() /
                               kInflammationShape),
      encapsulation_base_(parameters.kinetics.k_enc * patient.fibroblast()),
      clearance_base_(parameters.kinetics.k_clear * patient.immune()),
      release_loss_rate_(parameters.kinetics.k_release * (1 - parameters.kinetics.recapture)),
      turnover_days_(parameters.kinetics.epidermal_turnover_days),
      scab_carry_(parameters.kinetics.scab_carry),
      track_share_(parameters.kinetics.track_share),
      cap_um_(parameters.optics.cap_um * patient.fibroblast()),
      cap_sigma_(parameters.optics.cap_sigma),
      packets_per_dot_(static_cast<std::size_t>(parameters.kinetics.packets_per_dot)) {
  // Covered for longer than cover_max_hours a day, scabs stay moist and shed later (§3).
  const Aftercare& aftercare = parameters.aftercare;
  if (aftercare.cover_hours_per_day * patient.adherence() > aftercare.cover_max_hours) {
    shed_log_median_ += std::log(aftercare.moist_delay);
  }
}

double DotKinetics::depth_factor(double depth_um) const {
  return std::clamp((depth_um - epidermis_um_) / (papillary_um_ / 2), kDepthFactorMin,
                    kDepthFactorMax);
}

DotLayer DotKinetics::layer_of(double depth_um) const {
  if (depth_um < epidermis_um_) return DotLayer::kEpidermal;
  if (depth_um < epidermis_um_ + papillary_um_) return DotLayer::kTarget;
  return DotLayer::kDeep;
}

DotWords::DotWords(std::size_t packets_per_dot)
    : blocks_((dot_word::count(packets_per_dot) + 3) / 4), words_(4 * blocks_ * kChunk, 0) {}

void DotWords::draw(std::uint64_t seed, std::uint64_t patient_id, std::uint32_t session,
                    std::uint32_t first, std::size_t dots) {
  if (dots > kChunk) throw std::logic_error("DotWords::draw: more dots than a chunk holds");
  seed_ = seed;
  patient_id_ = patient_id;
  session_ = session;
  first_ = first;
  dots_ = dots;
  stream_columns(seed, patient_id, StreamPurpose::kDot, session, first, dots, blocks_,
                 words_.data(), kChunk);
}

namespace {

// A chunk's dots as columns, before they are written into the scalp's Dot and Packet records:
// the timeline per dot, the packets in packets_per_dot rows of kChunk. Left uninitialized:
// every entry is written before it is read.
struct DotColumns {
  explicit DotColumns(std::size_t packets)
      : packet_depth(new double[packets * DotWords::kChunk]),
        packet_look(new double[packets * DotWords::kChunk]),
        packet_settled(new double[packets * DotWords::kChunk]),
        packet_exit(new double[packets * DotWords::kChunk]),
        clock(new float[packets * DotWords::kChunk]),
        order(new double[packets * DotWords::kChunk]),
        packet_fate(new std::int32_t[packets * DotWords::kChunk]) {}

  float normal[dot_word::kNormals][DotWords::kChunk];
  double clot[DotWords::kChunk], scab_form[DotWords::kChunk], scab_off[DotWords::kChunk],
      closure[DotWords::kChunk], inflammation_end[DotWords::kChunk], cap_um[DotWords::kChunk],
      fresh_look[DotWords::kChunk];
  // The dermal race of the dot's depth: 1 / (encapsulation + clearance), the encapsulated
  // share and its reciprocal.
  double per_race[DotWords::kChunk], share[DotWords::kChunk], per_share[DotWords::kChunk];
  std::unique_ptr<double[]> packet_depth, packet_look, packet_settled, packet_exit;
  std::unique_ptr<float[]> clock;   // each packet's unit exponential
  std::unique_ptr<double[]> order;  // the packets in exit order (eight a dot only)
  std::unique_ptr<std::int32_t[]> packet_fate;
};

// What the column passes need of a patient's kinetics.
struct ColumnRates {
  float log_median[dot_word::kNormals];  // of the five log-normal factors
  float sigma[dot_word::kNormals];
  double cap_um, scab_probability, stage_days, epidermis_um, papillary_um, mu_per_um;
  double encapsulation_base, clearance_base;
  double release_days;  // 1 / (k_release (1 - recapture)): the mean wait for a lost release
  double turnover_days, scab_carry, track_share, per_track_share;
  std::size_t packets;
};

// The passes over a chunk's words, each across dots (docs/model.md §7): every variate by
// inversion from its own word (normals by normal_quantile, exponentials as -log u), both
// outcomes of every decision computed and one selected, so the loops vectorize. Always inlined
// into the clones (look_kernel.cpp says why). The rates by value: a copy no store can alias, so
// the compiler keeps them in registers (through a reference the loops do not vectorize).
[[gnu::always_inline]] inline void dot_passes(const ColumnRates k, const Punctures& punctures,
                                              const DotWords& words, DotColumns& c) {
  constexpr std::size_t n = DotWords::kChunk;
  // The timeline's normals, five rows in one loop.
  const std::uint32_t* normal_words = words.row(dot_word::kClot);
  float* normal = &c.normal[0][0];
#pragma omp simd
  for (std::size_t i = 0; i < dot_word::kNormals * n; ++i) {
    normal[i] = normal_quantile_float(normal_words[i]);
  }
  // Each packet's unit exponential.
  const std::uint32_t* clock_words = words.row(dot_word::packet(dot_word::kClock, 0, k.packets));
  float* clock = c.clock.get();
#pragma omp simd
  for (std::size_t i = 0; i < k.packets * n; ++i) {
    clock[i] = -log_float(unit_uniform_float(clock_words[i]));
  }

  const std::uint32_t* scabs_word = words.row(dot_word::kScabs);
  const std::uint32_t* stage[dot_word::kStages] = {words.row(dot_word::kInflammation),
                                                   words.row(dot_word::kInflammation + 1),
                                                   words.row(dot_word::kInflammation + 2)};
  const double never = kNever;
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const double p = punctures.time[i];
    const auto after = [&](std::size_t q) {
      return static_cast<double>(exp_float(k.log_median[q] + k.sigma[q] * c.normal[q][i]));
    };
    const double clot = p + after(0);
    const double form = p + after(1);
    c.closure[i] = p + after(2);
    const double shed = p + after(3);
    c.cap_um[i] = k.cap_um * after(4);  // e^(sigma z): the cap's log-median is 0
    // Gamma(3) stages: the sum of three unit exponentials is -log of the product of uniforms.
    const double stages =
        -log_float(unit_uniform_float(stage[0][i]) * unit_uniform_float(stage[1][i]) *
                   unit_uniform_float(stage[2][i]));
    c.inflammation_end[i] = p + k.stage_days * stages;
    // A scab forms on the clot, and never sheds before it formed.
    const bool scabs = unit_uniform(scabs_word[i]) < k.scab_probability;
    const double scab_form = std::max(form, clot);
    c.clot[i] = clot;
    c.scab_form[i] = scabs ? scab_form : never;
    c.scab_off[i] = scabs ? std::max(shed, scab_form) : never;
    c.fresh_look[i] = 0;
    // Dermal packets share the dot's depth: their race's rates are the dot's.
    const double f = std::clamp((punctures.depth_um[i] - k.epidermis_um) / (k.papillary_um / 2),
                                kDepthFactorMin, kDepthFactorMax);
    const double encapsulation = k.encapsulation_base * f;
    const double race = encapsulation + k.clearance_base / f;
    c.per_race[i] = race > 0 ? 1 / race : never;
    c.share[i] = race > 0 ? encapsulation / race : 0.0;
    c.per_share[i] = 1 / c.share[i];
  }

  for (std::size_t j = 0; j < k.packets; ++j) {
    const std::uint32_t* placement =
        words.row(dot_word::packet(dot_word::kPlacement, j, k.packets));
    double* depth_out = c.packet_depth.get() + j * n;
    double* look_out = c.packet_look.get() + j * n;
    // A share stays along the needle track in the epidermis, uniform over its depth (the word's
    // uniform given that it fell below track_share), the rest lies at the dot's depth.
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      const double a = unit_uniform(placement[i]);
      const double track_depth = k.epidermis_um * (a * k.per_track_share);
      const double dot_depth = punctures.depth_um[i];
      const double depth = a < k.track_share ? track_depth : dot_depth;
      const double look = exp_float(static_cast<float>(-k.mu_per_um * depth));
      depth_out[i] = depth;
      look_out[i] = look;
      c.fresh_look[i] += look;
    }
  }
  for (std::size_t j = 0; j < k.packets; ++j) {
    const std::uint32_t* fate = words.row(dot_word::packet(dot_word::kFate, j, k.packets));
    const float* unit_clock = c.clock.get() + j * n;
    const double* depth = c.packet_depth.get() + j * n;
    double* settled_out = c.packet_settled.get() + j * n;
    double* exit_out = c.packet_exit.get() + j * n;
    std::int32_t* fate_out = c.packet_fate.get() + j * n;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      const double p = punctures.time[i];
      // Dermal packets' race: encapsulation at rate e, clearance at rate r; the first clock
      // rings at e + r and is encapsulation's with probability e / (e + r). The release that is
      // not recaptured is a thinned Poisson process's first event, from the fate word's uniform
      // given that it fell below the share.
      const double b = unit_uniform(fate[i]);
      const bool encapsulated = b < c.share[i];
      const double settled = p + unit_clock[i] * c.per_race[i];
      const double release = -log_float(static_cast<float>(b * c.per_share[i])) * k.release_days;
      const double dermal_exit = encapsulated ? settled + release : settled;
      // Epidermal packets leave with the scab (a share scab_carry of them, if it forms) or by
      // turnover.
      const bool with_scab = (c.scab_form[i] != never) & (b < k.scab_carry);
      const double scab_off = c.scab_off[i];
      const double turnover_exit = p + k.turnover_days * unit_clock[i];
      const double epidermal_exit = with_scab ? scab_off : turnover_exit;
      const bool epidermal = depth[i] < k.epidermis_um;
      settled_out[i] = (!epidermal & encapsulated) ? settled : never;
      exit_out[i] = epidermal ? epidermal_exit : dermal_exit;
      const std::int32_t epidermal_fate = with_scab
                                              ? static_cast<std::int32_t>(PacketFate::kWithScab)
                                              : static_cast<std::int32_t>(PacketFate::kTurnover);
      const std::int32_t dermal_fate = encapsulated
                                           ? static_cast<std::int32_t>(PacketFate::kEncapsulated)
                                           : static_cast<std::int32_t>(PacketFate::kCleared);
      fate_out[i] = epidermal ? epidermal_fate : dermal_fate;
    }
  }

  // The default eight packets of each dot ordered by exit, by Knuth's network of 19
  // compare-exchanges (TAOCP 5.3.4) on values in registers, across dots: the look table reads a
  // dot's present pigment off its packets in exit order, and sorting a dot at a time mispredicts
  // on random exits. Only the order is kept; packets of a dot are exchangeable, so it is only a
  // labelling. Other packet counts are left as drawn (the look table sorts them).
  if (k.packets == kNetworkPackets) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      double exit[kNetworkPackets], order[kNetworkPackets];
      for (std::size_t j = 0; j < kNetworkPackets; ++j) {
        exit[j] = c.packet_exit[j * n + i];
        order[j] = static_cast<double>(j);
      }
      // Written out, so that every index is a constant and the arrays live in registers.
      const auto exchange = [&](std::size_t a, std::size_t b) {
        const bool swap = exit[b] < exit[a];  // strict: equal exits keep their order
        const double ea = exit[a], eb = exit[b], oa = order[a], ob = order[b];
        exit[a] = swap ? eb : ea;
        exit[b] = swap ? ea : eb;
        order[a] = swap ? ob : oa;
        order[b] = swap ? oa : ob;
      };
      exchange(0, 2), exchange(1, 3), exchange(4, 6), exchange(5, 7);
      exchange(0, 4), exchange(1, 5), exchange(2, 6), exchange(3, 7);
      exchange(0, 1), exchange(2, 3), exchange(4, 5), exchange(6, 7);
      exchange(2, 4), exchange(3, 5);
      exchange(1, 4), exchange(3, 6);
      exchange(1, 2), exchange(3, 4), exchange(5, 6);
      for (std::size_t j = 0; j < kNetworkPackets; ++j) c.order[j * n + i] = order[j];
    }
  }
}

__attribute__((target_clones("avx2", "default"))) void dot_columns(const ColumnRates& rates,
                                                                   const Punctures& punctures,
                                                                   const DotWords& words,
                                                                   DotColumns& columns) {
  dot_passes(rates, punctures, words, columns);
}

}  // namespace

void DotKinetics::draw(const Punctures& punctures, std::uint16_t session, const DotWords& words,
                       Scalp& scalp) const {
  const auto f = [](double x) { return static_cast<float>(x); };
  ColumnRates rates{
      {f(clot_log_median_), f(scab_form_log_median_), f(closure_log_median_), f(shed_log_median_),
       0.0f},
      {f(kClotSigma), f(kScabFormSigma), f(kClosureSigma), f(kScabShedSigma), f(cap_sigma_)},
      cap_um_,
      scab_probability_,
      inflammation_stage_days_,
      epidermis_um_,
      papillary_um_,
      mu_per_um_,
      encapsulation_base_,
      clearance_base_,
      release_loss_rate_ > 0 ? 1 / release_loss_rate_ : kNever,
      turnover_days_,
      scab_carry_,
      track_share_,
      1 / track_share_,
      packets_per_dot_};
  DotColumns c(packets_per_dot_);
  dot_columns(rates, punctures, words, c);

  const std::size_t n = punctures.size;
  // Appended, not resized and overwritten: a resize would write every packet twice. The scalp
  // holds room for its dots from the start (Scalp::reserve).
  SMPSIM_COUNT_REGROWTH(scalp.packets, scalp.packets.size() + n * packets_per_dot_);
  SMPSIM_COUNT(dots, n);
  SMPSIM_COUNT(packets, n * packets_per_dot_);
  SMPSIM_COUNT(normals, (dot_word::kNormals + 2) * n);
  SMPSIM_COUNT(exponentials, (dot_word::kStages + 2 * packets_per_dot_) * n);
  SMPSIM_COUNT(uniforms, (3 + 2 * packets_per_dot_) * n);
  // The columns read through local pointers and each dot's packets gathered before one append:
  // pushed back one by one, every store into the scalp could alias the columns' pointers, which
  // the compiler then reloaded, with a capacity check, for every packet.
  const double* const depth = c.packet_depth.get();
  const double* const look = c.packet_look.get();
  const double* const settled = c.packet_settled.get();
  const double* const exit = c.packet_exit.get();
  const std::int32_t* const fate = c.packet_fate.get();
  const double* const order = c.order.get();
  const bool ordered = packets_per_dot_ == kNetworkPackets;
  std::vector<Packet> gathered(packets_per_dot_);
  for (std::size_t i = 0; i < n; ++i) {
    Dot dot{};
    dot.puncture = punctures.time[i];
    dot.clot = c.clot[i];
    dot.scab_form = c.scab_form[i];
    dot.scab_off = c.scab_off[i];
    dot.closure = c.closure[i];
    dot.inflammation_end = c.inflammation_end[i];
    dot.depth_um = punctures.depth_um[i];
    dot.pigment = punctures.pigment[i];
    dot.cap_um = c.cap_um[i];
    dot.fresh_look = c.fresh_look[i];
    dot.region = punctures.region[i];
    dot.session = session;
    dot.layer = layer_of(dot.depth_um);
    dot.scab_torn = false;
    for (std::size_t j = 0; j < packets_per_dot_; ++j) {
      const std::size_t from =
          ordered ? static_cast<std::size_t>(order[j * DotWords::kChunk + i]) : j;
      const std::size_t at = from * DotWords::kChunk + i;
      gathered[j] = {depth[at], look[at], settled[at], exit[at], static_cast<PacketFate>(fate[at])};
    }
    scalp.packets.insert(scalp.packets.end(), gathered.begin(), gathered.end());
    scalp.add(dot);
  }
}

}  // namespace smpsim
