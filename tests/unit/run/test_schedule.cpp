#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "smpsim/config/config.h"
#include "smpsim/run/schedule.h"
#include "support.h"

using namespace smpsim;

namespace {

// A made-up outcome of patient `id` at `point`: a yes/no outcome that the point's change flips
// for a share of patients growing with the point, so the points' paired effects need different
// numbers of patients.
Outcomes outcomes_of(std::int64_t point, std::int64_t id) {
  Outcomes o{};
  const std::uint64_t h = (static_cast<std::uint64_t>(id) * 2654435761u) % 1000;
  const double flipped = 0.05 * static_cast<double>(point);
  o[outcome_index("satisfied")] =
      (h < 500) != (static_cast<double>((h * 7) % 1000) / 1000 < flipped);
  o[outcome_index("final_coverage")] = static_cast<double>(h) / 1000;
  return o;
}

// Runs the schedule to its end, completing the ready blocks in an order shuffled by `seed`
// (0: in order); returns each point's patients.
std::vector<std::int64_t> run(Schedule& schedule, unsigned seed) {
  std::mt19937 shuffle(seed);
  std::vector<BlockKey> handed;
  while (!schedule.finished()) {
    while (const auto key = schedule.next()) handed.push_back(*key);
    REQUIRE(!handed.empty());
    // Complete a random one of the handed-out blocks: finishing order is the threads'.
    const std::size_t at = seed == 0 ? 0 : shuffle() % handed.size();
    const BlockKey key = handed[at];
    handed.erase(handed.begin() + static_cast<std::ptrdiff_t>(at));
    std::vector<Outcomes> outcomes;
    for (std::int64_t id = key.first; id < key.first + key.count; ++id) {
      outcomes.push_back(outcomes_of(key.point, id));
    }
    schedule.complete(key, std::move(outcomes));
  }
  CHECK(handed.empty());
  std::vector<std::int64_t> patients;
  for (std::int64_t k = 0; k < 4; ++k) {
    std::int64_t n = 0;
    for (const BlockKey& block : schedule.blocks_of(k)) n += block.count;
    patients.push_back(n);
  }
  return patients;
}

double paired_half_width(std::int64_t point, std::int64_t baseline, std::int64_t n) {
  RunningMoments d;
  const std::size_t o = outcome_index("satisfied");
  for (std::int64_t id = 0; id < n; ++id)
    d.add(outcomes_of(point, id)[o] - outcomes_of(baseline, id)[o]);
  return kNormal95 * d.standard_error();
}

}  // namespace

TEST_CASE("effect targets stop each point at its paired half-width, the baseline with them",
          "[schedule]") {
  const Parameters p = testing::from_text(
      "[convergence]\neffects = [\"satisfied\"]\nabs_half_width = 0.03\nbatch = 64\n"
      "max_patients = 6400\n[sweep]\nmethod = \"grid\"\nbaseline = 0\n[sweep.parameters]\n"
      "\"patient.itch.mean\" = [1.0, 2.0, 3.0, 4.0]\n",
      "schedule.toml");
  const std::vector<Parameters> points(4, p);
  const std::vector<std::int64_t> baselines{0, 0, 0, 0};
  Schedule in_order(points, baselines);
  const std::vector<std::int64_t> patients = run(in_order, 0);
  for (std::int64_t k = 1; k < 4; ++k) {
    INFO("point " << k << ": " << patients[k] << " patients");
    CHECK(in_order.converged(k));
    CHECK(patients[k] % 64 == 0);
    CHECK(paired_half_width(k, 0, patients[k]) <= 0.03);
    // It stopped at the first batch that met its target.
    if (patients[k] > 64) CHECK(paired_half_width(k, 0, patients[k] - 64) > 0.03);
  }
  // More flips need more patients; the baseline has as many as its largest point.
  CHECK(patients[1] < patients[3]);
  CHECK(patients[0] == *std::max_element(patients.begin() + 1, patients.end()));
  // The counts do not depend on the order blocks finish in.
  for (unsigned seed : {1u, 2u, 3u}) {
    Schedule shuffled(points, baselines);
    CHECK(run(shuffled, seed) == patients);
  }
}
