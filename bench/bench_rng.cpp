// Random streams (sim/model/rng.cpp) and the transforms of their words (vector_math.h): the cost
// under every draw of the model. A dot's words come from its own stream (keyed by seed, patient,
// purpose, session, dot), computed for a chunk of dots at a time.
#include <benchmark/benchmark.h>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>
#include <vector>

#include "smpsim/model/rng.h"
#include "smpsim/model/vector_math.h"

namespace {

using smpsim::RandomStream;
using smpsim::StreamPurpose;

constexpr std::uint64_t kSeed = 20261130;

// One uniform on (0, 1): two 32-bit Philox words.
void BM_Uniform(benchmark::State& state) {
  RandomStream stream(kSeed, 0, StreamPurpose::kDot);
  for (auto _ : state) benchmark::DoNotOptimize(stream.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform);

// One uniform from one 32-bit word, as the model's yes/no decisions draw it.
void BM_Uniform32(benchmark::State& state) {
  RandomStream stream(kSeed, 0, StreamPurpose::kDot);
  for (auto _ : state) benchmark::DoNotOptimize(stream.uniform32());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform32);

// One standard normal and one unit exponential by Boost's ziggurat samplers on a RandomStream,
// as the scratch episodes and the designs draw them (and a dot did before 2026-12-03).
void BM_UnitNormal(benchmark::State& state) {
  RandomStream stream(kSeed, 0, StreamPurpose::kDot);
  boost::random::normal_distribution<double> unit_normal;
  for (auto _ : state) benchmark::DoNotOptimize(unit_normal(stream));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnitNormal);

void BM_UnitExponential(benchmark::State& state) {
  RandomStream stream(kSeed, 0, StreamPurpose::kDot);
  boost::random::exponential_distribution<double> unit_exponential;
  for (auto _ : state) benchmark::DoNotOptimize(unit_exponential(stream));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnitExponential);

// The words of a chunk of 256 dots' streams, 40 words each (the default layout), as
// DotWords::draw computes them: eight streams at a time in AVX2 lanes. Items are words.
void BM_StreamColumns(benchmark::State& state) {
  constexpr std::size_t kDots = 256, kBlocks = 10;
  std::vector<std::uint32_t> words(4 * kBlocks * kDots);
  std::uint32_t session = 0;
  for (auto _ : state) {
    smpsim::stream_columns(kSeed, 7, StreamPurpose::kDot, session++ % 4, 0, kDots, kBlocks,
                           words.data(), kDots);
    benchmark::DoNotOptimize(words.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(words.size()));
}
BENCHMARK(BM_StreamColumns);

// The dots' variates from their words, as the draw's passes compute them across dots (single
// precision, vector lanes; sim/model/dot_kinetics.cpp): a standard normal by AS 241 and a unit
// exponential as -log u, over a row of 256 words. Items are variates: the unit costs of
// bench_kernel's floor.
constexpr std::size_t kRow = 256;

__attribute__((target_clones("avx2", "default"))) void normal_row(const std::uint32_t* words,
                                                                  float* out) {
#pragma omp simd
  for (std::size_t i = 0; i < kRow; ++i) out[i] = smpsim::normal_quantile_float(words[i]);
}

__attribute__((target_clones("avx2", "default"))) void exponential_row(const std::uint32_t* words,
                                                                       float* out) {
#pragma omp simd
  for (std::size_t i = 0; i < kRow; ++i) {
    out[i] = -smpsim::log_float(smpsim::unit_uniform_float(words[i]));
  }
}

std::vector<std::uint32_t> row_of_words() {
  std::vector<std::uint32_t> words(kRow);
  RandomStream stream(kSeed, 0, StreamPurpose::kDot);
  for (auto& w : words) w = stream();
  return words;
}

void BM_VectorNormal(benchmark::State& state) {
  const auto words = row_of_words();
  std::vector<float> out(kRow);
  for (auto _ : state) {
    normal_row(words.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRow));
}
BENCHMARK(BM_VectorNormal);

void BM_VectorExponential(benchmark::State& state) {
  const auto words = row_of_words();
  std::vector<float> out(kRow);
  for (auto _ : state) {
    exponential_row(words.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRow));
}
BENCHMARK(BM_VectorExponential);

// Opening a dot's stream and taking its first uniform, as the scratch episodes' streams do.
void BM_OpenStreamAndDraw(benchmark::State& state) {
  std::uint32_t dot = 0;
  for (auto _ : state) {
    RandomStream stream(kSeed, 7, StreamPurpose::kDot, 1, dot++);
    benchmark::DoNotOptimize(stream.uniform());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenStreamAndDraw);

}  // namespace
