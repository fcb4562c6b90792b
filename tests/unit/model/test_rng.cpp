#include <catch2/catch.hpp>

#include <Random123/conventional/Engine.hpp>

#include <limits>
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

// The stream computes its words eight blocks at a time (AVX2 lanes where the processor has
// them); they must be Random123's own engine's, word for word, or every output bit would move.
TEST_CASE("a stream gives Random123's Philox engine's words in its order", "[rng]") {
  for (const std::uint64_t seed : {0ull, 42ull, 0xFFFFFFFFFFFFFFFFull}) {
    RandomStream stream(seed, 123456, StreamPurpose::kScratch, 77, 9);
    r123::Engine<r123::Philox4x32> engine(
        PhiloxKey{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}});
    engine.setcounter(PhiloxCounter{{0u, 9u, 123456u, (4u << 24) | 77u}}, 0);
    std::size_t same = 0;
    constexpr std::size_t kWords = 1000;  // over many fills, and a fill's last word
    for (std::size_t i = 0; i < kWords; ++i) same += stream() == engine();
    CHECK(same == kWords);
  }
}

TEST_CASE("blocks whose counter carries into word 1 are Random123's too", "[rng]") {
  // Near the end of word 0 the vector lanes would not carry: those blocks are computed one by one.
  const PhiloxKey key = {{7u, 11u}};
  const PhiloxCounter start = {{std::numeric_limits<std::uint32_t>::max() - 12, 5u, 6u, 7u}};
  PhiloxCounter counter = start;
  std::vector<std::uint32_t> words(4 * 24);
  philox_words(counter, key, words.data(), 24);
  r123::Engine<r123::Philox4x32> engine(key);
  engine.setcounter(start, 0);
  std::size_t same = 0;
  for (const std::uint32_t word : words) same += word == engine();
  CHECK(same == words.size());
  CHECK(counter[1] == 6u);           // carried once
  CHECK(counter[0] == 24 - 12 - 1);  // (max - 12) + 24, modulo 2^32
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

TEST_CASE("stream columns hold each stream's own words, in AVX2 lanes or not", "[rng]") {
  // 19 substreams from 1,000: two passes of eight lanes and a scalar remainder of three.
  constexpr std::size_t kStreams = 19, kBlocks = 5, kStride = 32;
  std::vector<std::uint32_t> words(4 * kBlocks * kStride, 0);
  stream_columns(77, 12, StreamPurpose::kDot, 3, 1000, kStreams, kBlocks, words.data(), kStride);
  for (std::size_t i = 0; i < kStreams; ++i) {
    RandomStream stream(77, 12, StreamPurpose::kDot, 3, static_cast<std::uint32_t>(1000 + i));
    for (std::size_t k = 0; k < 4 * kBlocks; ++k) REQUIRE(words[k * kStride + i] == stream());
  }
  CHECK(words[kStreams] == 0);  // nothing written past the streams asked for
}
