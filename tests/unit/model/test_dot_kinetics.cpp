#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/vector_math.h"

using namespace smpsim;

namespace {

constexpr std::size_t kDots = 40000;

Patient reference_patient() {
  Patient patient;
  patient.attributes = {70, 250, 1.3, 0.8, 1.2, 3, 0.75, 0.36, 0.8, 40};
  return patient;
}

struct DrawnDots {
  std::vector<Dot> dots;
  std::vector<Packet> packets;
};

// Punctures at one depth, at time 0 (pigment 1, region 0), for dots drawn in chunks.
Punctures punctures_at(double depth_um, std::size_t dots) {
  Punctures punctures;
  punctures.size = dots;
  for (std::size_t i = 0; i < DotWords::kChunk; ++i) {
    punctures.region[i] = 0;
    punctures.time[i] = 0;
    punctures.depth_um[i] = depth_um;
    punctures.pigment[i] = 1;
  }
  return punctures;
}

DrawnDots draw_dots(const Parameters& p, const Patient& patient, double depth_um) {
  const DotKinetics kinetics(p, patient);
  Scalp scalp(kinetics.packets_per_dot(), 1);
  DotWords words(kinetics.packets_per_dot());
  for (std::size_t first = 0; first < kDots; first += DotWords::kChunk) {
    const std::size_t chunk = std::min(kDots - first, DotWords::kChunk);
    words.draw(99, 1, 0, static_cast<std::uint32_t>(first), chunk);
    kinetics.draw(punctures_at(depth_um, chunk), 0, words, scalp);
  }
  return {std::move(scalp.dots), std::move(scalp.packets)};
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
  const double n = static_cast<double>(kDots);
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

TEST_CASE("a dot is drawn from its own stream alone, whatever chunk it is drawn in",
          "[dot_kinetics]") {
  const Parameters p = default_parameters();
  const DotKinetics kinetics(p, reference_patient());
  const std::size_t k = kinetics.packets_per_dot();
  // Dot 17 of session 1: in a chunk of 256 from dot 0, and alone.
  DotWords chunk(k), alone(k);
  chunk.draw(5, 2, 1, 0, DotWords::kChunk);
  alone.draw(5, 2, 1, 17, 1);
  Scalp a(k, 1), b(k, 1);
  kinetics.draw(punctures_at(210, DotWords::kChunk), 1, chunk, a);
  kinetics.draw(punctures_at(210, 1), 1, alone, b);
  REQUIRE(a.dots.size() == DotWords::kChunk);
  REQUIRE(b.dots.size() == 1);
  const Dot& x = a.dots[17];
  const Dot& y = b.dots[0];
  CHECK(x.clot == y.clot);
  CHECK(x.closure == y.closure);
  CHECK(x.scab_off == y.scab_off);
  CHECK(x.inflammation_end == y.inflammation_end);
  CHECK(x.cap_um == y.cap_um);
  CHECK(x.fresh_look == y.fresh_look);
  for (std::size_t j = 0; j < k; ++j) {
    CHECK(a.packets_of(17)[j].exit == b.packets_of(0)[j].exit);
    CHECK(a.packets_of(17)[j].depth_um == b.packets_of(0)[j].depth_um);
    CHECK(a.packets_of(17)[j].fate == b.packets_of(0)[j].fate);
  }
  // Its words are the first of its own stream, as RandomStream returns them.
  RandomStream stream(5, 2, StreamPurpose::kDot, 1, 17);
  for (std::size_t w = 0; w < dot_word::count(k); ++w) {
    const std::uint32_t word = stream();
    CHECK(chunk.row(w)[17] == word);
    CHECK(alone.row(w)[0] == word);
  }
}

TEST_CASE("a packet's fate follows its own words: the track's depth, the clock, the fate",
          "[dot_kinetics]") {
  // The conditional uniforms reused (docs/model.md §7): a track packet's depth is uniform over
  // the epidermis, an encapsulated packet's release exponential, both independent of the
  // decision that chose them.
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const DrawnDots drawn = draw_dots(p, patient, 200);
  RunningMoments track_depth;
  for (const Packet& packet : drawn.packets) {
    if (packet.depth_um < patient.epidermis_um()) track_depth.add(packet.depth_um);
  }
  CHECK(std::abs(track_depth.mean() - patient.epidermis_um() / 2) <=
        4 * track_depth.standard_error());
  // Uniform on [0, E]: variance E^2 / 12; the sample variance's relative standard error is
  // sqrt((mu_4 / sigma^4 - 1) / n) = sqrt(0.8 / n) for a uniform.
  const double n = static_cast<double>(track_depth.count());
  CHECK(
      track_depth.variance() ==
      Approx(patient.epidermis_um() * patient.epidermis_um() / 12).epsilon(4 * std::sqrt(0.8 / n)));
}

TEST_CASE("a dot's variates are the transforms of its own words, bit for bit", "[dot_kinetics]") {
  // docs/model.md §7: one word per quantity at a fixed place; the vector passes give the bits of
  // the same transforms evaluated here one dot at a time.
  const Parameters p = default_parameters();
  const Patient patient = reference_patient();
  const DotKinetics kinetics(p, patient);
  const std::size_t k = kinetics.packets_per_dot();
  DotWords words(k);
  words.draw(11, 3, 0, 0, DotWords::kChunk);
  Scalp scalp(k, 1);
  kinetics.draw(punctures_at(200, DotWords::kChunk), 0, words, scalp);
  const auto f = [](double x) { return static_cast<float>(x); };
  const double cap_scale = p.optics.cap_um * patient.fibroblast();
  for (std::size_t i = 0; i < DotWords::kChunk; ++i) {
    const Dot& dot = scalp.dots[i];
    const float z_cap = normal_quantile_float(words.row(dot_word::kCap)[i]);
    REQUIRE(dot.cap_um ==
            cap_scale * static_cast<double>(exp_float(0.0f + f(p.optics.cap_sigma) * z_cap)));
    const float z_clot = normal_quantile_float(words.row(dot_word::kClot)[i]);
    REQUIRE(dot.clot ==
            0.0 + static_cast<double>(exp_float(f(std::log(4.0 / 1440)) + f(0.5) * z_clot)));
    const bool scabs = unit_uniform(words.row(dot_word::kScabs)[i]) < p.kinetics.scab_probability;
    REQUIRE(dot.has_scab() == scabs);
  }
}

TEST_CASE("packet j of a dot the network does not order is placed by its own word j",
          "[dot_kinetics]") {
  // Counts other than eight are left in word order, below and above the network's eight.
  Parameters p = default_parameters();
  const Patient patient = reference_patient();
  for (const std::int64_t packets : {5, 20}) {
    p.kinetics.packets_per_dot = packets;
    const DotKinetics kinetics(p, patient);
    const auto k = static_cast<std::size_t>(packets);
    DotWords words(k);
    words.draw(13, 4, 0, 0, DotWords::kChunk);
    Scalp scalp(k, 1);
    kinetics.draw(punctures_at(200, DotWords::kChunk), 0, words, scalp);
    std::size_t on_track = 0;
    for (std::size_t i = 0; i < DotWords::kChunk; ++i) {
      for (std::size_t j = 0; j < k; ++j) {
        const double a = unit_uniform(words.row(dot_word::packet(dot_word::kPlacement, j, k))[i]);
        const double expected = a < p.kinetics.track_share
                                    ? patient.epidermis_um() * (a * (1 / p.kinetics.track_share))
                                    : 200.0;
        on_track += a < p.kinetics.track_share;
        INFO(packets << " packets a dot, dot " << i << ", packet " << j);
        REQUIRE(scalp.packets_of(i)[j].depth_um == expected);
      }
    }
    CHECK(on_track > 0);
  }
}

TEST_CASE("a dot's eight packets are kept in exit order", "[dot_kinetics]") {
  Parameters p = default_parameters();
  for (const std::int64_t packets : {8, 5}) {
    p.kinetics.packets_per_dot = packets;
    const DrawnDots drawn = draw_dots(p, reference_patient(), 200);
    const auto k = static_cast<std::size_t>(packets);
    std::size_t unordered = 0;
    for (std::size_t d = 0; d < drawn.dots.size(); ++d) {
      for (std::size_t j = 1; j < k; ++j) {
        unordered += drawn.packets[d * k + j].exit < drawn.packets[d * k + j - 1].exit;
      }
    }
    INFO(packets << " packets a dot");
    // Eight (the default) are sorted by the draw's network; other counts are left as drawn,
    // for the look table to sort.
    if (packets == 8) {
      CHECK(unordered == 0);
    } else {
      CHECK(unordered > 0);
    }
  }
}
