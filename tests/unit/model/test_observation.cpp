#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/look_kernel.h"
#include "smpsim/model/look_table.h"
#include "smpsim/model/observation.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

using namespace smpsim;

namespace {

Patient plain_patient() {
  Patient patient;
  patient.attributes = {70, 250, 1, 1, 1, 3, 0.75, 0.4, 1.0, 40};
  return patient;
}

// A dot in `region` whose packets (8, look 0.5 each) leave at the given times.
void add_dot(Scalp& scalp, std::uint32_t region, double pigment, std::vector<double> exits) {
  auto packets = scalp.next_packets();
  double fresh = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    packets[i] = {200, 0.5, kNever, i < exits.size() ? exits[i] : kNever, PacketFate::kCleared};
    fresh += 0.5;
  }
  Dot dot{};
  dot.puncture = 0;
  dot.scab_form = kNever;
  dot.scab_off = kNever;
  dot.depth_um = 200;
  dot.pigment = pigment;
  dot.cap_um = 0;
  dot.fresh_look = fresh;
  dot.region = region;
  dot.layer = DotLayer::kTarget;
  scalp.add(dot);
}

// The new skin's optics of docs/model.md §4 in double precision: the reference the
// single-precision look kernel is checked against.
double hyperplasia_um(const Parameters& p, double u) {
  const double x = u / 3;  // hyperplasia peaks at u = 3 days
  return p.optics.hyperplasia_um * x * std::exp(1 - x);
}
double cap_um(const Parameters& p, const Dot& dot, double u) {
  return dot.cap_um * -std::expm1(-u / p.optics.cap_days);
}
double new_skin_factor(const Parameters& p, const Dot& dot, double u) {
  return std::exp(-p.optics.mu_per_um * (hyperplasia_um(p, u) + cap_um(p, dot, u)));
}
double visibility_threshold(const Parameters& p) {
  return p.optics.visible_threshold * std::exp(-p.optics.mu_per_um * p.technician.target_depth_um);
}

}  // namespace

TEST_CASE("new skin: hyperplasia peaks at day 3 and the cap grows to its full height",
          "[observation]") {
  const Parameters p = default_parameters();
  CHECK(hyperplasia_um(p, 0) == 0);
  CHECK(hyperplasia_um(p, 3) == Approx(p.optics.hyperplasia_um));
  CHECK(hyperplasia_um(p, 2.9) < hyperplasia_um(p, 3));
  CHECK(hyperplasia_um(p, 3.1) < hyperplasia_um(p, 3));
  Dot dot{};
  dot.cap_um = 80;
  CHECK(cap_um(p, dot, 0) == 0);
  CHECK(cap_um(p, dot, p.optics.cap_days) == Approx(80 * (1 - std::exp(-1.0))));
  CHECK(cap_um(p, dot, 1e4) == Approx(80));
  // The kernel's single-precision exponential against the reference, over the range of looks.
  for (float x = 0; x > -80; x -= 0.37f) {
    CHECK(exp_nonpositive(x) == Approx(std::exp(static_cast<double>(x))).epsilon(3e-7));
  }
}

TEST_CASE("hair grows from the last shave: each session and the end of each exam day",
          "[observation]") {
  const Parameters p = default_parameters();
  const Observer observer(p, plain_patient());
  const std::vector<double> sessions = {0, 10};
  CHECK(observer.hair_mm(7.5, sessions) == Approx(7.5 * 0.4));  // T9
  CHECK(observer.hair_mm(8.5, sessions) == Approx(0.5 * 0.4));
  CHECK(observer.hair_mm(10.5, sessions) == Approx(0.5 * 0.4));
  CHECK(observer.hair_mm(17.5, sessions) == Approx(7.5 * 0.4));
  CHECK(observer.hair_mm(40, sessions) == Approx(22 * 0.4));
}

namespace {

// Four regions of one dot each at density 1 (the target), in the given model version.
Parameters four_regions(std::int64_t version) {
  Parameters p = default_parameters();
  p.model.version = version;
  p.technician.regions = 4;
  p.technician.dots_per_session = 4;
  p.technician.density_target = 1.0;
  return p;
}

}  // namespace

TEST_CASE(
    "a snapshot counts visible dots per region and gives coverage patchiness shade and retained",
    "[observation]") {
  // Each region's own dots (version 2 pools them: the next test).
  const Parameters p = four_regions(1);
  Observer observer(p, plain_patient());
  Scalp scalp(8, 4);
  const std::vector<double> sessions = {0.0};
  add_dot(scalp, 0, 1.0, {});  // all pigment stays
  add_dot(scalp, 0, 1.0, {});
  add_dot(scalp, 1, 1.0, {5, 5, 5, 5, 5, 5, 5, 5});  // all gone at day 5
  add_dot(scalp, 2, 1.0, {5, 5, 5, 5});              // half gone at day 5
  observer.add_session(scalp, sessions);
  const ScalpSnapshot before = observer.snapshot(scalp, sessions, 4.0);
  const ScalpSnapshot after = observer.snapshot(scalp, sessions, 6.0);
  // Region densities after: 2 visible in region 0, 0 in 1, region 2's half dot: visible?
  CHECK(after.region_density[0] == 2);
  CHECK(after.region_density[1] == 0);
  CHECK(after.region_density[3] == 0);
  CHECK(before.retained == 1.0);
  CHECK(after.retained == Approx((2 * 8 + 4) / 32.0));
  // Relative shade: skin factor x share of look present, averaged over the dots.
  Dot reference{};
  const double skin = new_skin_factor(p, reference, 6.0);
  CHECK(after.shade == Approx(skin * (1 + 1 + 0 + 0.5) / 4));
  const double half_dot = 1.0 / 8 * 0.5 * 4 * skin;  // contrast m/K x present look x skin
  const bool half_visible = half_dot >= visibility_threshold(p);
  CHECK(after.region_density[2] == (half_visible ? 1 : 0));
  const double covered = 1 + (half_visible ? 1 : 0);
  CHECK(after.coverage == covered / 4);
  const std::vector<double> d = after.region_density;
  const double mean = (d[0] + d[1] + d[2] + d[3]) / 4;
  double ss = 0;
  for (double x : d) ss += (x - mean) * (x - mean);
  CHECK(after.patchiness == Approx(std::sqrt(ss / 4) / mean));
}

TEST_CASE("version 2 gives each region the session's untorn visible share plus its own tears",
          "[observation]") {
  const Parameters p = four_regions(2);
  Observer observer(p, plain_patient());
  Scalp scalp(8, 4);
  const std::vector<double> sessions = {0.0};
  add_dot(scalp, 0, 1.0, {});  // all pigment stays: visible
  add_dot(scalp, 0, 1.0, {});
  add_dot(scalp, 1, 1.0, {});
  add_dot(scalp, 2, 1.0, {5, 5, 5, 5, 5, 5, 5, 5});  // all gone at day 5: not visible
  observer.add_session(scalp, sessions);
  // No scratch: three of the four dots are visible, so every region shows 3/4 of its dots.
  const ScalpSnapshot pooled = observer.snapshot(scalp, sessions, 6.0);
  CHECK(pooled.region_density == std::vector<double>{1.5, 0.75, 0.75, 0.0});
  // A scratch at day 5.5 tears region 0's second dot and all its pigment: untorn, three of four
  // would be visible (the share stays 3/4), and region 0 loses one dot to the tear.
  scalp.tear_scab(1, 5.5);
  for (Packet& packet : scalp.packets_of(1)) packet.exit = 5.5;
  const ScalpSnapshot torn = observer.snapshot(scalp, sessions, 6.0);
  CHECK(torn.region_density == std::vector<double>{0.5, 0.75, 0.75, 0.0});
  CHECK(torn.coverage == 0.0);
  // Before the tear, the torn dot's pigment is all there: the same as untorn.
  const ScalpSnapshot before = observer.snapshot(scalp, sessions, 5.2);
  CHECK(before.region_density[0] == Approx(2 * 0.75));
}

TEST_CASE("the daily series agree with snapshots at t = k + 0.5", "[observation]") {
  Parameters p = default_parameters();
  p.technician.dots_per_session = 200;
  p.protocol.final_day = 30.5;  // the final look falls on an observation time
  const Patient patient = PatientSampler(p).sample(p.run.seed, 4);
  const PatientResult result = simulate_patient(p, patient);
  REQUIRE(result.daily.days == static_cast<std::size_t>(p.protocol.horizon_days + 1));
  for (Daily name : {Daily::kRedness, Daily::kScabs, Daily::kOpen, Daily::kRetained, Daily::kShade,
                     Daily::kSeenShade, Daily::kCoverage, Daily::kHairMm}) {
    for (float v : result.daily.series(name)) {
      REQUIRE(std::isfinite(v));
      REQUIRE(v >= 0);
    }
  }
  for (Daily share :
       {Daily::kRedness, Daily::kScabs, Daily::kOpen, Daily::kRetained, Daily::kCoverage}) {
    for (float v : result.daily.series(share)) REQUIRE(v <= 1);
  }
  // The final look is a snapshot; the daily series at the same time must agree with it.
  const double final_time = result.sessions.back().day + p.protocol.final_day;
  const auto k = static_cast<std::size_t>(final_time - 0.5);
  REQUIRE(final_time == static_cast<double>(k) + 0.5);
  CHECK(result.daily.series(Daily::kShade)[k] ==
        static_cast<float>(at(result.outcomes, Outcome::kFinalShade)));
  CHECK(result.daily.series(Daily::kRetained)[k] ==
        static_cast<float>(at(result.outcomes, Outcome::kRetained)));
  CHECK(result.daily.series(Daily::kCoverage)[k] ==
        static_cast<float>(at(result.outcomes, Outcome::kFinalCoverage)));
  // Redness resolves: the first day below 0.1 matches the series.
  const double resolved = at(result.outcomes, Outcome::kRednessResolvedDay);
  const auto day = static_cast<std::size_t>(resolved - 0.5);
  CHECK(result.daily.series(Daily::kRedness)[day] < 0.1f);
  for (std::size_t j = 0; j < day; ++j) CHECK(result.daily.series(Daily::kRedness)[j] >= 0.1f);
}

TEST_CASE("the look table's sorted packets give the present pigment of a direct sum",
          "[observation]") {
  // Packets with distinct looks, exits out of order, a tie and one that never leaves.
  std::vector<Packet> packets;
  const std::vector<double> exits = {7.5, 2.0, kNever, 4.25, 2.0, 11.0, 0.75, 9.0};
  for (std::size_t p = 0; p < exits.size(); ++p) {
    packets.push_back(
        {100, 0.1 + 0.07 * static_cast<double>(p), kNever, exits[p], PacketFate::kCleared});
  }
  std::vector<double> sorted(packets.size()), remaining(packets.size());
  sort_packets(packets, sorted.data(), remaining.data());
  CHECK(std::is_sorted(sorted.begin(), sorted.end()));
  for (double t : {0.0, 0.75, 1.0, 2.0, 3.0, 4.25, 8.0, 10.0, 12.0, 1e9}) {
    double look = 0, next = kNever;
    std::int32_t there = 0;
    for (const Packet& packet : packets) {
      if (packet.exit > t) {
        look += packet.look;
        ++there;
        next = std::min(next, packet.exit);
      }
    }
    const PresentPigment present = present_at(sorted, remaining, t);
    CAPTURE(t);
    CHECK(present.packets == there);
    CHECK(present.next_exit == next);
    CHECK(present.look == Approx(look).epsilon(1e-14).margin(1e-300));
  }
}

TEST_CASE("sorted packets: random exits with ties, at 8 packets (the network), 5 and 13",
          "[observation]") {
  std::mt19937_64 random(20261202);
  for (std::size_t n : {8u, 5u, 13u}) {
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<Packet> packets(n);
      for (std::size_t p = 0; p < n; ++p) {
        // Exits on a coarse grid, so ties are common; some never leave.
        const auto slot = static_cast<int>(random() % 12);
        const double exit = slot == 11 ? kNever : 0.5 * slot;
        packets[p] = {100,
                      std::ldexp(1.0 + static_cast<double>(random() % 1000) / 1000.0,
                                 -static_cast<int>(random() % 4)),
                      kNever, exit, PacketFate::kCleared};
      }
      std::vector<double> sorted(n), remaining(n);
      sort_packets(packets, sorted.data(), remaining.data());
      REQUIRE(std::is_sorted(sorted.begin(), sorted.end()));
      for (int step = 0; step <= 12; ++step) {
        const double t = 0.5 * step - 0.25;
        double look = 0;
        std::int32_t there = 0;
        for (const Packet& packet : packets) {
          look += packet.exit > t ? packet.look : 0.0;
          there += packet.exit > t;
        }
        const PresentPigment present = present_at(sorted, remaining, t);
        REQUIRE(present.packets == there);
        REQUIRE(present.look == Approx(look).epsilon(1e-13).margin(1e-300));
      }
    }
  }
}

TEST_CASE("the look kernel and its sums against the look in double precision, at any count",
          "[observation]") {
  // Random dots, some not punctured yet, some under a scab, against the look of docs/model.md
  // §4 written out in double precision, one dot at a time.
  std::mt19937_64 random(20261203);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  constexpr double kMu = 0.0035, kHyperplasiaScale = 18, kCapDays = 5, kThreshold = 0.3;
  const KernelOptics optics{static_cast<float>(kMu), static_cast<float>(kHyperplasiaScale),
                            static_cast<float>(1 / kCapDays), static_cast<float>(kThreshold)};
  constexpr float kStart = 5.0f, t = 5.5f;  // the session's start and the look
  const SessionClock clock{std::exp(-(t - kStart) / 3),
                           std::exp(-(t - kStart) / static_cast<float>(kCapDays)), false};
  for (std::size_t n : {0u, 1u, 7u, 8u, 13u, 1000u}) {
    std::vector<float> puncture(n), peak_offset(n), cap_offset(n), cap_um(n), share(n), shade(n),
        scab_form(n), scab_off(n);
    std::vector<double> pigment(n), present_pigment(n);
    for (std::size_t i = 0; i < n; ++i) {
      puncture[i] = kStart + unit(random);  // before or after t
      peak_offset[i] = std::exp((puncture[i] - kStart) / 3);
      cap_offset[i] = std::exp((puncture[i] - kStart) / static_cast<float>(kCapDays));
      cap_um[i] = 70 * unit(random);
      share[i] = unit(random);
      shade[i] = unit(random);
      scab_form[i] = kStart + unit(random);
      scab_off[i] = scab_form[i] + unit(random);
      pigment[i] = 1 + unit(random);
      present_pigment[i] = 8 * pigment[i] * unit(random);
    }
    std::vector<float> relative(n, -1), seen(n, -1), visible(n, -1), punctured_mask(n, -1);
    look_kernel(0, n, t, clock, optics, puncture.data(), peak_offset.data(), cap_offset.data(),
                cap_um.data(), share.data(), shade.data(), scab_form.data(), scab_off.data(),
                relative.data(), seen.data(), visible.data(), punctured_mask.data());
    const LookSums sums = sum_look(0, n, relative.data(), seen.data(), punctured_mask.data(),
                                   pigment.data(), present_pigment.data());
    LookSums expected;
    for (std::size_t i = 0; i < n; ++i) {
      const double u = std::max(static_cast<double>(t) - puncture[i], 0.0);
      const double new_skin = std::exp(-kMu * (kHyperplasiaScale * u * std::exp(-u / 3) +
                                               cap_um[i] * (1 - std::exp(-u / kCapDays))));
      const bool punctured = puncture[i] <= t;
      const bool scabbed = scab_form[i] <= t && t < scab_off[i];
      const double dot_relative = punctured ? share[i] * new_skin : 0.0;
      REQUIRE(relative[i] == Approx(dot_relative).epsilon(1e-5).margin(1e-30));
      REQUIRE(seen[i] == (scabbed ? 0.0f : relative[i]));
      REQUIRE(punctured_mask[i] == (punctured ? 1.0f : 0.0f));
      // Visibility in single precision can differ from this only at the threshold itself.
      const double v = shade[i] * new_skin;
      if (std::abs(v - kThreshold) > 1e-5) {
        REQUIRE(visible[i] == (punctured && v >= kThreshold ? 1.0f : 0.0f));
      }
      expected.shade += dot_relative;
      expected.seen += scabbed ? 0.0 : dot_relative;
      expected.punctured += punctured;
      expected.deposited += punctured ? pigment[i] : 0.0;
      expected.present += punctured ? present_pigment[i] : 0.0;
    }
    CHECK(sums.punctured == expected.punctured);
    CHECK(sums.shade == Approx(expected.shade).epsilon(1e-5).margin(1e-12));
    CHECK(sums.seen == Approx(expected.seen).epsilon(1e-5).margin(1e-12));
    CHECK(sums.deposited == Approx(expected.deposited).epsilon(1e-13).margin(1e-12));
    CHECK(sums.present == Approx(expected.present).epsilon(1e-13).margin(1e-12));
  }
}
