#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <vector>

#include "smpsim/run/sensitivity.h"

using namespace smpsim;

namespace {

RandomStream stream(std::uint32_t substream) {
  return RandomStream(2024, 0, StreamPurpose::kDesign, 9, substream);
}

// The Ishigami function with a = 7, b = 0.1 on [-pi, pi]^3.
double ishigami(const std::vector<double>& unit) {
  const double pi = std::acos(-1.0);
  const double x1 = -pi + 2 * pi * unit[0], x2 = -pi + 2 * pi * unit[1],
               x3 = -pi + 2 * pi * unit[2];
  return std::sin(x1) + 7 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

}  // namespace

TEST_CASE("Sobol indices recover the Ishigami function's analytic values within their intervals",
          "[sensitivity]") {
  constexpr std::size_t kBase = 4096;
  const UnitDesign design = saltelli_design(3, kBase, stream(1));
  REQUIRE(design.size() == kBase * 5);
  std::vector<double> y;
  for (const auto& point : design) y.push_back(ishigami(point));
  const auto indices = sobol_indices(y, 3, kBase, 500, stream(2));
  const double s1[] = {0.3139, 0.4424, 0.0};
  const double st[] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < 3; ++i) {
    INFO("x" << i + 1 << ": S1 " << indices[i].s1 << " ± " << indices[i].s1_conf << ", ST "
             << indices[i].st << " ± " << indices[i].st_conf);
    CHECK(std::abs(indices[i].s1 - s1[i]) <= indices[i].s1_conf);
    CHECK(std::abs(indices[i].st - st[i]) <= indices[i].st_conf);
    CHECK(indices[i].s1_conf < 0.1);
    CHECK(indices[i].st_conf < 0.1);
  }
}

TEST_CASE("the scrambled Sobol sequence stratifies each coordinate and differs by seed",
          "[sensitivity]") {
  ScrambledSobol sobol(4, stream(3));
  constexpr std::size_t kPoints = 1024;
  std::vector<std::set<std::size_t>> bins(4);
  for (std::size_t j = 0; j < kPoints; ++j) {
    const auto point = sobol.next();
    for (std::size_t d = 0; d < 4; ++d) {
      REQUIRE(point[d] > 0);
      REQUIRE(point[d] < 1);
      bins[d].insert(static_cast<std::size_t>(point[d] * kPoints));
    }
  }
  for (const auto& b : bins) CHECK(b.size() == kPoints);  // one point in every 1/1024 interval
  CHECK(ScrambledSobol(4, stream(3)).next() == ScrambledSobol(4, stream(3)).next());
  CHECK(ScrambledSobol(4, stream(4)).next() != ScrambledSobol(4, stream(3)).next());
}

TEST_CASE("a Latin hypercube has one point in each stratum of each dimension", "[sensitivity]") {
  const UnitDesign design = latin_hypercube(3, 50, stream(5));
  REQUIRE(design.size() == 50);
  for (std::size_t d = 0; d < 3; ++d) {
    std::set<int> strata;
    for (const auto& point : design) strata.insert(static_cast<int>(point[d] * 50));
    CHECK(strata.size() == 50);
  }
}

TEST_CASE("Morris trajectories move one parameter a step delta at a time", "[sensitivity]") {
  const MorrisDesign design = morris_design(5, 10, 4, stream(6));
  REQUIRE(design.points.size() == 10 * 6);
  REQUIRE(design.steps.size() == 10 * 5);
  const double delta = 4.0 / 6;
  for (const MorrisStep& step : design.steps) {
    const auto& a = design.points[step.from];
    const auto& b = design.points[step.to];
    for (std::size_t i = 0; i < 5; ++i) {
      REQUIRE(b[i] >= -1e-12);
      REQUIRE(b[i] <= 1 + 1e-12);
      if (i == step.parameter) {
        CHECK(std::abs(std::abs(b[i] - a[i]) - delta) < 1e-12);
      } else {
        CHECK(b[i] == a[i]);
      }
    }
  }
}

TEST_CASE("Morris indices of a linear function are its slopes with no spread", "[sensitivity]") {
  const MorrisDesign design = morris_design(3, 20, 4, stream(7));
  const double slope[] = {2.0, -1.0, 0.0};
  std::vector<std::vector<double>> effects(3);
  for (const MorrisStep& step : design.steps) {
    auto f = [&](const std::vector<double>& x) {
      return slope[0] * x[0] + slope[1] * x[1] + slope[2] * x[2];
    };
    const double dx =
        design.points[step.to][step.parameter] - design.points[step.from][step.parameter];
    effects[step.parameter].push_back((f(design.points[step.to]) - f(design.points[step.from])) /
                                      dx);
  }
  for (int i = 0; i < 3; ++i) {
    const MorrisIndex index = morris_index(effects[i], 200, stream(8));
    CHECK(index.mu == Approx(slope[i]).margin(1e-12));
    CHECK(index.mu_star == Approx(std::abs(slope[i])).margin(1e-12));
    CHECK(index.sigma == Approx(0).margin(1e-12));
  }
}
