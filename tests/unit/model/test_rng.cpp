#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "smpsim/model/rng.h"

using namespace smpsim;

namespace {
std::vector<std::uint32_t> first_draws(RandomStream stream, int n = 8) {
  std::vector<std::uint32_t> draws;
  for (int i = 0; i < n; ++i) draws.push_back(stream());
  return draws;
}
}  // namespace

TEST_CASE("a stream is determined by its key and nothing else", "[rng]") {
  CHECK(first_draws(RandomStream(42, 7, StreamPurpose::kDot, 1, 3)) ==
        first_draws(RandomStream(42, 7, StreamPurpose::kDot, 1, 3)));
}

TEST_CASE("seed patient purpose session and substream each select another stream", "[rng]") {
  const auto base = first_draws(RandomStream(42, 7, StreamPurpose::kDot, 1, 3));
  std::set<std::vector<std::uint32_t>> streams = {base};
  streams.insert(first_draws(RandomStream(43, 7, StreamPurpose::kDot, 1, 3)));
  streams.insert(first_draws(RandomStream(42ull << 32, 7, StreamPurpose::kDot, 1, 3)));
  streams.insert(first_draws(RandomStream(42, 8, StreamPurpose::kDot, 1, 3)));
  streams.insert(first_draws(RandomStream(42, 7, StreamPurpose::kScratch, 1, 3)));
  streams.insert(first_draws(RandomStream(42, 7, StreamPurpose::kDot, 2, 3)));
  streams.insert(first_draws(RandomStream(42, 7, StreamPurpose::kDot, 1, 4)));
  CHECK(streams.size() == 7);
}

TEST_CASE("uniforms lie strictly inside the unit interval with mean one half", "[rng]") {
  RandomStream stream(1, 2, StreamPurpose::kAttributes);
  double sum = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = stream.uniform();
    REQUIRE(u > 0);
    REQUIRE(u < 1);
    sum += u;
  }
  // Standard error of the mean of U(0,1): sqrt(1/12 / n).
  CHECK(std::abs(sum / kDraws - 0.5) < 4 * std::sqrt(1.0 / 12 / kDraws));
}

TEST_CASE("patient ids beyond the counter word are refused", "[rng]") {
  CHECK_THROWS(RandomStream(1, 1ull << 32, StreamPurpose::kDot));
}
