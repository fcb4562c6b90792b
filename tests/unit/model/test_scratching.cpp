#include <catch2/catch.hpp>

#include <boost/math/distributions/gamma.hpp>

#include <cmath>

#include "smpsim/config/config.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/scratching.h"
#include "smpsim/model/simulation.h"
#include "support.h"

using namespace smpsim;

namespace {

Patient patient_with(double itch, double adherence) {
  Patient patient;
  patient.attributes = {70, 250, 1, 1, 1, itch, adherence, 0.36, 0.8, 40};
  return patient;
}

// A scalp of `n` dots in region 0, punctured at t = 0, each with a scab from day 1 to day 6 and
// packets: one riding the scab, the rest dermal and still in the skin.
Scalp scabbed_scalp(int n) {
  Scalp scalp(8, 1);
  for (int d = 0; d < n; ++d) {
    auto packets = scalp.next_packets();
    for (std::size_t i = 0; i < packets.size(); ++i) {
      packets[i] = {i == 0 ? 30.0 : 200.0, 0.5, kNever, i == 0 ? 6.0 : kNever,
                    i == 0 ? PacketFate::kWithScab : PacketFate::kEncapsulated};
    }
    Dot dot{};
    dot.puncture = 0;
    dot.scab_form = 1;
    dot.scab_off = 6;
    dot.region = 0;
    scalp.add(dot);
  }
  return scalp;
}

}  // namespace

TEST_CASE("the itch profile is the Gamma density of shape 4 and scale 1", "[scratching]") {
  CHECK(itch_profile(3) == Approx(kItchProfilePeak));
  CHECK(itch_profile(2.9) < kItchProfilePeak);
  CHECK(itch_profile(3.1) < kItchProfilePeak);
  CHECK(itch_profile(-1) == 0);
  double integral = 0;
  for (double u = 0.0005; u < 60; u += 0.001) integral += itch_profile(u) * 0.001;
  CHECK(integral == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("thinning gives intensity x (integral of g) episodes timed like Gamma of shape 4",
          "[scratching]") {
  constexpr int kSessions = 40000;
  constexpr double kIntensity = 2.5, kWindow = 10.0;
  RunningMoments count, timing;
  for (int i = 0; i < kSessions; ++i) {
    ScratchProcess process(kIntensity, 100.0, RandomStream(1, i, StreamPurpose::kScratch));
    int episodes = 0;
    for (double t = process.next_candidate(); t < 100.0 + kWindow; t = process.next_candidate()) {
      if (process.accept(t)) {
        ++episodes;
        timing.add(t - 100.0);
      }
    }
    count.add(episodes);
  }
  const boost::math::gamma_distribution<double> g(4, 1);
  const double mass = boost::math::cdf(g, kWindow);
  CHECK(std::abs(count.mean() - kIntensity * mass) <= 4 * count.standard_error());
  // Poisson: variance equals mean.
  CHECK(count.variance() == Approx(count.mean()).epsilon(0.03));
  // Mean time of an episode within the window: E[U | U < 10] for U ~ Gamma(4, 1).
  const double truncated_mean =
      4 * boost::math::cdf(boost::math::gamma_distribution<double>(5, 1), kWindow) / mass;
  CHECK(std::abs(timing.mean() - truncated_mean) <= 4 * timing.standard_error());
}

TEST_CASE("a patient scratches itch x (1 - cream_relief x adherence) times per session",
          "[scratching]") {
  Parameters p = default_parameters();
  p.technician.dots_per_session = 16;
  p.protocol.min_sessions = p.protocol.max_sessions = 1;
  p.patient.attributes[static_cast<int>(Attribute::kItch)] = Distribution::constant(4);
  p.patient.attributes[static_cast<int>(Attribute::kAdherence)] = Distribution::constant(0.5);
  p.run.seed = 3;
  const auto cohort = testing::simulate_cohort(p, 4000);
  const auto episodes = testing::estimate(
      cohort, [](const PatientResult& r) { return at(r.outcomes, Outcome::kScratchEpisodes); });
  // The itch runs until the final look, 30 days on: the Gamma(4,1) mass beyond is 1e-9.
  const double expected = 4 * (1 - p.aftercare.cream_relief * 0.5);
  CHECK(std::abs(episodes.mean - expected) <= testing::kSigmas * episodes.sem);
}

TEST_CASE("a patient who does not itch never scratches", "[scratching]") {
  ScratchProcess process(0, 0, RandomStream(1, 1, StreamPurpose::kScratch));
  CHECK(process.next_candidate() == kNever);
}

TEST_CASE("a scratch tears off scabs with the covered detach probability", "[scratching]") {
  Parameters p = default_parameters();
  const Patient patient = patient_with(3, 0.8);
  const ScratchRules rules(p, patient);
  const double expected =
      p.kinetics.p_detach *
      (1 - p.aftercare.cover_protection * p.aftercare.cover_hours_per_day / 24 * 0.8);
  CHECK(rules.detach_probability == Approx(expected));
  CHECK(rules.intensity == Approx(3 * (1 - 0.4 * 0.8)));

  constexpr int kDots = 20000;
  Scalp scalp = scabbed_scalp(kDots);
  ScratchRules one_region = rules;
  one_region.regions = 1;
  RandomStream stream(4, 4, StreamPurpose::kScratch);
  const double time = 2.0;
  const Episode episode = scratch(scalp, time, one_region, stream);
  const double share = static_cast<double>(episode.detachments) / kDots;
  CHECK(std::abs(share - expected) <= 4 * std::sqrt(expected * (1 - expected) / kDots));

  // Torn scabs take their riding packets and each other packet with loss_open e^(-u/settle).
  const double loss = p.kinetics.loss_open * std::exp(-time / p.kinetics.settle_days);
  double torn = 0, exposed = 0;
  for (std::size_t d = 0; d < scalp.dots.size(); ++d) {
    const Dot& dot = scalp.dots[d];
    const auto packets = scalp.packets_of(d);
    if (!dot.scab_torn) {
      CHECK(dot.scab_off == 6);
      continue;
    }
    CHECK(dot.scab_off == time);
    CHECK(packets[0].exit == time);
    for (std::size_t i = 1; i < packets.size(); ++i) {
      ++exposed;
      torn += packets[i].fate == PacketFate::kTornOff;
    }
  }
  CHECK(std::abs(torn / exposed - loss) <= 4 * std::sqrt(loss * (1 - loss) / exposed));
}

TEST_CASE("a scratch finds no scab before it forms or after it fell", "[scratching]") {
  Parameters p = default_parameters();
  p.kinetics.p_detach = 1;
  p.aftercare.cover_protection = 0;
  ScratchRules rules(p, patient_with(3, 1));
  rules.regions = 1;
  Scalp scalp = scabbed_scalp(10);
  RandomStream stream(1, 1, StreamPurpose::kScratch);
  CHECK(scratch(scalp, 0.5, rules, stream).detachments == 0);
  CHECK(scratch(scalp, 6.5, rules, stream).detachments == 0);
  CHECK(scratch(scalp, 3.0, rules, stream).detachments == 10);
  CHECK(scratch(scalp, 3.5, rules, stream).detachments == 0);  // already torn off
}
