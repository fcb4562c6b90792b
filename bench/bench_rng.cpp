// Random streams (sim/rng.cpp): the cost under every draw of the model. A dot opens its own
// stream (keyed by seed, patient, purpose, session, dot), so opening one is on the hot path too.
#include <benchmark/benchmark.h>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>

#include "smpsim/model/rng.h"

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

// One standard normal and one unit exponential, drawn the way DotKinetics::draw draws them
// (Boost's ziggurat samplers on a RandomStream): the unit costs of bench_kernel's floor.
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

// Opening a dot's stream and taking its first uniform, as every puncture does.
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
