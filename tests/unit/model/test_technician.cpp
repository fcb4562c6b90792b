#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/technician.h"

using namespace smpsim;

TEST_CASE("adaptive sessions send dots in proportion to what thin regions lack", "[technician]") {
  Parameters p = default_parameters();
  p.technician.regions = 4;
  const Technician technician(p);
  const double aim = p.technician.fill * p.technician.density_target;
  // Region 0 is full, region 1 lacks aim - 0.6, region 2 lacks twice as much... region 3 over.
  const std::vector<double> density = {aim, aim - 0.3, aim - 0.6, aim + 0.5};
  const RegionPlan plan = technician.plan(density);
  const auto c = plan.cumulative();
  CHECK(c[0] == 0);
  CHECK(c[1] == Approx(1.0 / 3));
  CHECK(c[2] == Approx(1.0));
  CHECK(c[3] == 1.0);
  CHECK(plan.choose(0.2) == 1);
  CHECK(plan.choose(0.5) == 2);
  CHECK(plan.choose(0.999999) == 2);
}

TEST_CASE("when every region is full or the technician is not adaptive the dots spread evenly",
          "[technician]") {
  Parameters p = default_parameters();
  p.technician.regions = 4;
  const std::vector<double> full(4, 10.0);
  const RegionPlan even = Technician(p).plan(full);
  const auto c = even.cumulative();
  CHECK(c[0] == 0.25);
  CHECK(c[3] == 1.0);
  p.technician.adaptive = false;
  const std::vector<double> uneven = {0, 1, 2, 3};
  const RegionPlan fixed = Technician(p).plan(uneven);
  CHECK(fixed.cumulative()[1] == 0.5);
}

TEST_CASE("punctures fall within the session at truncated-normal depths", "[technician]") {
  Parameters p = default_parameters();
  p.model.version = 1;                // regions drawn per dot, as version 1 does
  p.technician.target_depth_um = 40;  // 0.5 sd above the 10 um floor: truncation matters
  const Technician technician(p);
  const RegionPlan plan = technician.uniform_plan();
  RunningMoments depth;
  std::vector<int> per_region(16, 0);
  constexpr std::size_t kDots = 50000;
  DotWords words(static_cast<std::size_t>(p.kinetics.packets_per_dot));
  Punctures punctures;
  for (std::size_t first = 0; first < kDots; first += DotWords::kChunk) {
    words.draw(2, 0, 0, static_cast<std::uint32_t>(first),
               std::min(kDots - first, DotWords::kChunk));
    technician.punctures(plan, SessionMove{}, 20.0, words, punctures);
    REQUIRE(punctures.size == words.size());
    for (std::size_t i = 0; i < punctures.size; ++i) {
      REQUIRE(punctures.time[i] >= 20.0);
      REQUIRE(punctures.time[i] <= 20.0 + p.technician.session_hours / 24);
      REQUIRE(punctures.depth_um[i] >= 10);
      REQUIRE(punctures.pigment[i] > 0);
      depth.add(punctures.depth_um[i]);
      ++per_region[punctures.region[i]];
    }
  }
  const Distribution truncated = Distribution::trunc_normal(40, 60, 10, kNever);
  CHECK(std::abs(depth.mean() - truncated.mean()) <= 4 * depth.standard_error());
  for (int count : per_region) {
    CHECK(std::abs(count - kDots / 16.0) <= 4 * std::sqrt(kDots / 16.0 * (15.0 / 16)));
  }
}

// docs/model.md §3.1: each rule of the technician's plan alone.
TEST_CASE("the plan: too many blowouts move the next session one step shallower",
          "[technician][plan]") {
  const Parameters p = default_parameters();
  const Technician technician(p);
  const SessionMove next = technician.next_move({}, {1.0, 0.0, 0.0});
  CHECK(next.depth_shift_um == -p.technician.depth_step_um);
  CHECK(next.pigment_factor == 1.0);
  // Blowouts win over lost dots: a blurred dot cannot be undone.
  CHECK(technician.next_move({}, {1.0, 1.0, 0.0}).depth_shift_um == -p.technician.depth_step_um);
  // At the tolerance exactly, nothing changes.
  const SessionMove at_tolerance = technician.next_move({}, {p.technician.blowout_tolerance, 0, 0});
  CHECK(at_tolerance.depth_shift_um == 0);
}

TEST_CASE("the plan: too many lost dots move the next session one step deeper",
          "[technician][plan]") {
  const Parameters p = default_parameters();
  const Technician technician(p);
  const SessionMove next = technician.next_move({-25, 1.0}, {0.0, 1.0, 0.0});
  CHECK(next.depth_shift_um == -25 + p.technician.depth_step_um);
  CHECK(next.pigment_factor == 1.0);
  CHECK(technician.next_move({}, {0, p.technician.lost_tolerance, 0}).depth_shift_um == 0);
}

TEST_CASE("the plan: too many faint dots multiply the pigment by pigment_step",
          "[technician][plan]") {
  const Parameters p = default_parameters();
  const Technician technician(p);
  const SessionMove next = technician.next_move({10, 1.2}, {0.0, 0.0, 1.0});
  CHECK(next.depth_shift_um == 10);
  CHECK(next.pigment_factor == Approx(1.2 * p.technician.pigment_step));
  CHECK(technician.next_move({}, {0, 0, p.technician.faint_tolerance}).pigment_factor == 1.0);
}

TEST_CASE("the plan clamps the depth shift and the pigment factor at their limits",
          "[technician][plan]") {
  const Parameters p = default_parameters();
  const Technician technician(p);
  const double limit = p.technician.max_depth_shift_um;
  CHECK(technician.next_move({-limit, 1}, {1, 0, 0}).depth_shift_um == -limit);
  CHECK(technician.next_move({limit, 1}, {0, 1, 0}).depth_shift_um == limit);
  const double most = p.technician.max_pigment_factor;
  CHECK(technician.next_move({0, most}, {0, 0, 1}).pigment_factor == most);
  CHECK(technician.next_move({0, most / 1.1}, {0, 0, 1}).pigment_factor == most);
  // The needle never aims above 10 um: a shallow target limits the shallower shift.
  Parameters shallow = p;
  shallow.technician.target_depth_um = 40;
  CHECK(Technician(shallow).next_move({-25, 1}, {1, 0, 0}).depth_shift_um == -30);
}

TEST_CASE("version 2 counts a session's dots out to the regions by largest remainder",
          "[technician]") {
  Parameters p = default_parameters();
  p.technician.regions = 4;
  p.technician.dots_per_session = 10;
  const Technician technician(p);
  // Even: 10 dots over 4 regions is 2.5 each; the two leftover dots go to the lowest regions.
  const RegionPlan even = technician.uniform_plan();
  CHECK(std::vector<std::int64_t>(even.counts().begin(), even.counts().end()) ==
        std::vector<std::int64_t>{3, 3, 2, 2});
  // Weights 0, 0.3, 0.6, 0 (what regions 1 and 2 lack): quotas 0, 3.33, 6.67, 0 -> 0, 3, 7, 0.
  const double aim = p.technician.fill * p.technician.density_target;
  const std::vector<double> density = {aim, aim - 0.3, aim - 0.6, aim + 0.5};
  const RegionPlan plan = technician.plan(density);
  CHECK(std::vector<std::int64_t>(plan.counts().begin(), plan.counts().end()) ==
        std::vector<std::int64_t>{0, 3, 7, 0});
  // Dots go region by region in index order, whatever the dot's own uniform.
  std::vector<std::uint32_t> regions;
  for (std::int64_t d = 0; d < 10; ++d) regions.push_back(plan.region_of(d, 0.999));
  CHECK(regions == std::vector<std::uint32_t>{1, 1, 1, 2, 2, 2, 2, 2, 2, 2});
  // The default session: 1,000 dots over 16 regions, every region within one dot of its quota.
  const RegionPlan full = Technician(default_parameters()).uniform_plan();
  std::int64_t total = 0;
  for (std::int64_t count : full.counts()) {
    CHECK(std::abs(static_cast<double>(count) - 1000.0 / 16) < 1);
    total += count;
  }
  CHECK(total == 1000);
  // Version 1 draws: no counts, and the dot's uniform decides.
  p.model.version = 1;
  const RegionPlan drawn = Technician(p).plan(density);
  CHECK(drawn.counts().empty());
  CHECK(drawn.region_of(0, 0.2) == 1);
  CHECK(drawn.region_of(0, 0.5) == 2);
}

TEST_CASE("a fixed plan, or model version 1, keeps every session's depth and pigment",
          "[technician][plan]") {
  Parameters p = default_parameters();
  p.technician.plan = "fixed";
  CHECK(Technician(p).next_move({}, {1, 1, 1}).depth_shift_um == 0);
  CHECK(Technician(p).next_move({}, {1, 1, 1}).pigment_factor == 1);
  p.technician.plan = "adaptive";
  p.model.version = 1;
  CHECK(Technician(p).next_move({}, {1, 1, 1}).depth_shift_um == 0);
  CHECK(Technician(p).next_move({}, {0, 0, 1}).pigment_factor == 1);
}

TEST_CASE("a move shifts the needle's depth and scales the pigment on the same random numbers",
          "[technician][plan]") {
  Parameters p = default_parameters();
  p.technician.depth_sd_um = 0;
  const Technician technician(p);
  const RegionPlan plan = technician.uniform_plan();
  DotWords words(static_cast<std::size_t>(p.kinetics.packets_per_dot));
  words.draw(3, 0, 0, 0, 16);
  Punctures plain, moved;
  technician.punctures(plan, SessionMove{}, 0.0, words, plain);
  technician.punctures(plan, SessionMove{-50, 1.5}, 0.0, words, moved);
  for (std::size_t i = 0; i < 16; ++i) {
    CHECK(moved.region[i] == plain.region[i]);
    CHECK(moved.depth_um[i] == plain.depth_um[i] - 50);
    CHECK(moved.pigment[i] == Approx(plain.pigment[i] * 1.5));
  }
}
