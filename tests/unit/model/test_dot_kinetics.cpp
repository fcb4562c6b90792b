#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"

using namespace smpsim;

namespace {

constexpr int kDots = 40000;

Patient reference_patient() {
  Patient patient;
  patient.attributes = {70, 250, 1.3, 0.8, 1.2, 3, 0.75, 0.36, 0.8, 40};
  return patient;
}

struct DrawnDots {
  std::vector<Dot> dots;
  std::vector<Packet> packets;
};

DrawnDots draw_dots(const Parameters& p, const Patient& patient, double depth_um) {
  const DotKinetics kinetics(p, patient);
  DrawnDots out;
  const auto k = kinetics.packets_per_dot();
  out.packets.resize(kDots * k);
  for (int d = 0; d < kDots; ++d) {
    RandomStream stream(99, 1, StreamPurpose::kDot, 0, d);
    out.dots.push_back(
        kinetics.draw({0, 0.0, depth_um, 1.0}, 0, stream, {out.packets.data() + d * k, k}));
  }
  return out;
}

// Checks an observed share against its expected probability within 4 standard errors.
void check_share(double count, double n, double probability) {
  INFO("observed " << count / n << " expected " << probability << " of " << n);
  CHECK(std::abs(count / n - probability) <=
        4 * std::sqrt(probability * (1 - probability) / n) + 1e-12);
}

}  // namespace

TEST_CASE("encapsulation wins the race against clearance at the analytic rate", "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const DotKinetics kinetics(p, patient);
  // Depths with depth factor f clamped low (0.25), in between, and clamped high (4).
  for (double depth : {75.0, 200.0, 330.0, 900.0}) {
    const DrawnDots drawn = draw_dots(p, patient, depth);
    double dermal = 0, encapsulated = 0;
    for (const Packet& packet : drawn.packets) {
      if (packet.depth_um < patient.epidermis_um()) continue;
      ++dermal;
      encapsulated += packet.fate == PacketFate::kEncapsulated;
    }
    const double f = kinetics.depth_factor(depth);
    const double a = p.kinetics.k_enc * f * patient.fibroblast();
    const double b = p.kinetics.k_clear * patient.immune() / f;
    INFO("depth " << depth << " f " << f);
    check_share(encapsulated, dermal, a / (a + b));
  }
  CHECK(kinetics.depth_factor(70.1) == 0.25);
  CHECK(kinetics.depth_factor(195) == Approx(1.0));
  CHECK(kinetics.depth_factor(2000) == 4.0);
}

TEST_CASE("the needle track leaves track_share of the packets in the epidermis", "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const DrawnDots drawn = draw_dots(p, patient, 200);
  double track = 0;
  for (const Packet& packet : drawn.packets) {
    track += packet.depth_um < patient.epidermis_um();
    REQUIRE(packet.depth_um >= 0);
  }
  check_share(track, static_cast<double>(drawn.packets.size()), p.kinetics.track_share);
}

TEST_CASE("epidermal pigment leaves with the scab or by turnover", "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const DrawnDots drawn = draw_dots(p, patient, 40);  // an epidermal dot: every packet epidermal
  double with_scab = 0;
  RunningMoments turnover;
  for (std::size_t i = 0; i < drawn.packets.size(); ++i) {
    const Packet& packet = drawn.packets[i];
    const Dot& dot = drawn.dots[i / p.kinetics.packets_per_dot];
    REQUIRE(dot.layer == DotLayer::kEpidermal);
    if (packet.fate == PacketFate::kWithScab) {
      ++with_scab;
      CHECK(packet.exit == dot.scab_off);
    } else {
      REQUIRE(packet.fate == PacketFate::kTurnover);
      turnover.add(packet.exit - dot.puncture);
    }
  }
  check_share(with_scab, static_cast<double>(drawn.packets.size()),
              p.kinetics.scab_probability * p.kinetics.scab_carry);
  CHECK(std::abs(turnover.mean() - p.kinetics.epidermal_turnover_days) <=
        4 * turnover.standard_error());
}

TEST_CASE("an encapsulated packet leaves at the rate of releases not recaptured",
          "[dot_kinetics]") {
  Parameters p = default_parameters();
  p.kinetics.k_release = 0.05;
  p.kinetics.recapture = 0.6;
  const DrawnDots drawn = draw_dots(p, reference_patient(), 300);
  RunningMoments locked;
  for (const Packet& packet : drawn.packets) {
    if (packet.fate == PacketFate::kEncapsulated) locked.add(packet.exit - packet.settled);
  }
  const double expected = 1 / (0.05 * (1 - 0.6));
  CHECK(std::abs(locked.mean() - expected) <= 4 * locked.standard_error());
}

TEST_CASE("the timeline has the medians and means of docs/model.md section 4", "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const double healing = patient.healing();
  const DrawnDots drawn = draw_dots(p, patient, 200);
  double closure_below = 0, form_below = 0, shed_below = 0, scabbed = 0, clot_below = 0;
  RunningMoments inflammation;
  for (const Dot& dot : drawn.dots) {
    REQUIRE(dot.clot > dot.puncture);
    closure_below += dot.closure - dot.puncture < p.kinetics.closure_days / healing;
    clot_below += dot.clot - dot.puncture < 4.0 / 1440;
    inflammation.add(dot.inflammation_end - dot.puncture);
    if (dot.has_scab()) {
      ++scabbed;
      REQUIRE(dot.scab_form >= dot.clot);
      REQUIRE(dot.scab_off >= dot.scab_form);
      form_below += dot.scab_form - dot.puncture < p.kinetics.scab_form_days / healing;
      shed_below += dot.scab_off - dot.puncture < p.kinetics.scab_shed_days / healing;
    }
  }
  const double n = kDots;
  check_share(scabbed, n, p.kinetics.scab_probability);
  check_share(closure_below, n, 0.5);
  check_share(clot_below, n, 0.5);
  check_share(form_below, scabbed, 0.5);
  check_share(shed_below, scabbed, 0.5);
  CHECK(std::abs(inflammation.mean() - p.kinetics.inflammation_days / healing) <=
        4 * inflammation.standard_error());
  // Gamma(shape 3): variance = mean^2 / 3.
  const double mean = p.kinetics.inflammation_days / healing;
  CHECK(inflammation.variance() == Approx(mean * mean / 3).epsilon(0.03));
}

TEST_CASE("covered too long the scabs stay moist and shed moist_delay times later",
          "[dot_kinetics]") {
  Parameters p = default_parameters();
  p.aftercare.cover_hours_per_day = 24;
  Patient patient = reference_patient();
  patient.attributes[static_cast<int>(Attribute::kAdherence)] = 1.0;  // 24 h > cover_max_hours
  const DrawnDots drawn = draw_dots(p, patient, 200);
  double below = 0, scabbed = 0;
  const double moist_median =
      p.kinetics.scab_shed_days / patient.healing() * p.aftercare.moist_delay;
  for (const Dot& dot : drawn.dots) {
    if (!dot.has_scab()) continue;
    ++scabbed;
    below += dot.scab_off - dot.puncture < moist_median;
  }
  check_share(below, scabbed, 0.5);
}

TEST_CASE("dots are classified by depth against the patient's layers", "[dot_kinetics]") {
  const DotKinetics kinetics(default_parameters(), reference_patient());
  CHECK(kinetics.layer_of(69) == DotLayer::kEpidermal);
  CHECK(kinetics.layer_of(70) == DotLayer::kTarget);
  CHECK(kinetics.layer_of(319) == DotLayer::kTarget);
  CHECK(kinetics.layer_of(320) == DotLayer::kDeep);
}

TEST_CASE("a dot is drawn from its own stream alone", "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const DotKinetics kinetics(p, reference_patient());
  std::vector<Packet> a(8), b(8);
  RandomStream s1(5, 2, StreamPurpose::kDot, 1, 17), s2(5, 2, StreamPurpose::kDot, 1, 17);
  const Dot x = kinetics.draw({3, 10.0, 210, 1.1}, 1, s1, a);
  const Dot y = kinetics.draw({3, 10.0, 210, 1.1}, 1, s2, b);
  CHECK(x.closure == y.closure);
  CHECK(x.scab_off == y.scab_off);
  for (int i = 0; i < 8; ++i) CHECK(a[i].exit == b[i].exit);
}
