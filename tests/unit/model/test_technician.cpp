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
  p.technician.target_depth_um = 40;  // 0.5 sd above the 10 um floor: truncation matters
  const Technician technician(p);
  const RegionPlan plan = technician.uniform_plan();
  RunningMoments depth;
  std::vector<int> per_region(16, 0);
  constexpr int kDots = 50000;
  for (int d = 0; d < kDots; ++d) {
    RandomStream stream(2, 0, StreamPurpose::kDot, 0, d);
    const Puncture puncture = technician.puncture(plan, 20.0, stream);
    REQUIRE(puncture.time >= 20.0);
    REQUIRE(puncture.time <= 20.0 + p.technician.session_hours / 24);
    REQUIRE(puncture.depth_um >= 10);
    REQUIRE(puncture.pigment > 0);
    depth.add(puncture.depth_um);
    ++per_region[puncture.region];
  }
  const Distribution truncated = Distribution::trunc_normal(40, 60, 10, kNever);
  CHECK(std::abs(depth.mean() - truncated.mean()) <= 4 * depth.standard_error());
  for (int count : per_region) {
    CHECK(std::abs(count - kDots / 16.0) <= 4 * std::sqrt(kDots / 16.0 * (15.0 / 16)));
  }
}
