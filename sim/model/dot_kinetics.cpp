#include "smpsim/model/dot_kinetics.h"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>

#include "smpsim/model/parameters.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
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

// Exponential waiting time at `rate`; kNever when the rate is zero.
double waiting_time(double unit_exponential, double rate) {
  return rate > 0 ? unit_exponential / rate : kNever;
}

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

Dot DotKinetics::draw(const Puncture& puncture, std::uint16_t session, RandomStream& stream,
                      std::span<Packet> packets) const {
  boost::random::normal_distribution<double> unit_normal;
  boost::random::exponential_distribution<double> unit_exponential;
  const double p = puncture.time;

  Dot dot{};
  dot.puncture = p;
  dot.region = puncture.region;
  dot.session = session;
  dot.depth_um = puncture.depth_um;
  dot.pigment = puncture.pigment;
  dot.layer = layer_of(puncture.depth_um);
  dot.scab_torn = false;
  SMPSIM_COUNT(dots, 1);
  SMPSIM_COUNT(packets, packets.size());
  // The draws of the timeline: five normals, kInflammationShape exponentials, five exp().
  SMPSIM_COUNT(normals, 5);
  SMPSIM_COUNT(exponentials, kInflammationShape);
  SMPSIM_COUNT(scalar_exp, 6);  // and the dot's look below

  // The timeline (docs/model.md §4), u measured from the puncture.
  dot.clot = p + std::exp(clot_log_median_ + kClotSigma * unit_normal(stream));
  const bool scabs = stream.uniform32() < scab_probability_;
  const double form = p + std::exp(scab_form_log_median_ + kScabFormSigma * unit_normal(stream));
  dot.closure = p + std::exp(closure_log_median_ + kClosureSigma * unit_normal(stream));
  const double shed = p + std::exp(shed_log_median_ + kScabShedSigma * unit_normal(stream));
  double inflammation = 0;
  for (int stage = 0; stage < kInflammationShape; ++stage) {
    inflammation += inflammation_stage_days_ * unit_exponential(stream);
  }
  dot.inflammation_end = p + inflammation;
  // A scab forms on the clot, and never sheds before it formed.
  dot.scab_form = scabs ? std::max(form, dot.clot) : kNever;
  dot.scab_off = scabs ? std::max(shed, dot.scab_form) : kNever;
  dot.cap_um = cap_um_ * std::exp(cap_sigma_ * unit_normal(stream));

  // The packets: a share stays along the needle track in the epidermis, the rest lies at z.
  // Dermal packets share the dot's depth, so its look and race rates are computed once.
  const double dot_look = std::exp(-mu_per_um_ * puncture.depth_um);
  const double encapsulation = encapsulation_rate(puncture.depth_um);
  const double race = encapsulation + clearance_rate(puncture.depth_um);
  const double encapsulated_share = race > 0 ? encapsulation / race : 0.0;
  dot.fresh_look = 0;
  for (Packet& packet : packets) {
    const bool track = stream.uniform32() < track_share_;
    packet.depth_um = track ? stream.uniform() * epidermis_um_ : puncture.depth_um;
    packet.look = track ? std::exp(-mu_per_um_ * packet.depth_um) : dot_look;
    SMPSIM_COUNT(scalar_exp, track);
    packet.settled = kNever;
    dot.fresh_look += packet.look;
    if (packet.depth_um < epidermis_um_) {
      // Epidermal: leaves with the scab, or else by turnover.
      if (scabs && stream.uniform32() < scab_carry_) {
        packet.fate = PacketFate::kWithScab;
        packet.exit = dot.scab_off;
      } else {
        packet.fate = PacketFate::kTurnover;
        packet.exit = p + turnover_days_ * unit_exponential(stream);
        SMPSIM_COUNT(exponentials, 1);
      }
    } else {
      // Dermal: encapsulation races clearance. The first of two exponential clocks rings at
      // rate a + b and is encapsulation's with probability a / (a + b). An encapsulated packet
      // leaves at the first release that is not recaptured: a thinned Poisson process of rate
      // k_release (1 - recapture).
      const double to_settle = waiting_time(unit_exponential(stream), race);
      SMPSIM_COUNT(exponentials, 1);
      if (stream.uniform32() < encapsulated_share) {
        packet.fate = PacketFate::kEncapsulated;
        packet.settled = p + to_settle;
        packet.exit = packet.settled + waiting_time(unit_exponential(stream), release_loss_rate_);
        SMPSIM_COUNT(exponentials, 1);
      } else {
        packet.fate = PacketFate::kCleared;
        packet.exit = p + to_settle;
      }
    }
  }
  return dot;
}

}  // namespace smpsim
