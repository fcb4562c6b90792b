#include <catch2/catch.hpp>

#include <vector>

#include "smpsim/model/outcomes.h"

using namespace smpsim;

TEST_CASE("running moments give the mean and the standard error", "[outcomes]") {
  RunningMoments m;
  for (double x : {1.0, 2.0, 3.0, 4.0}) m.add(x);
  CHECK(m.count() == 4);
  CHECK(m.mean() == 2.5);
  CHECK(m.variance() == Approx(5.0 / 3));
  CHECK(m.standard_error() == Approx(std::sqrt(5.0 / 3 / 4)));
}

TEST_CASE("quantiles interpolate between order statistics like numpy", "[outcomes]") {
  std::vector<double> x = {5, 1, 4, 2, 3};
  CHECK(quantile(x, 0.5) == 3);
  CHECK(quantile(x, 0.05) == Approx(1.2));
  CHECK(quantile(x, 0.95) == Approx(4.8));
  std::vector<double> one = {7};
  CHECK(quantile(one, 0.95) == 7);
}

TEST_CASE("outcome names are unique and typed", "[outcomes]") {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    for (std::size_t j = i + 1; j < kOutcomeCount; ++j)
      CHECK(kOutcomes[i].name != kOutcomes[j].name);
  }
  CHECK(kOutcomes[static_cast<int>(Outcome::kSessions)].kind == OutcomeKind::kCount);
  CHECK(kOutcomes[static_cast<int>(Outcome::kSatisfied)].kind == OutcomeKind::kFlag);
}
