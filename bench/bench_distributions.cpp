// Sampling each distribution family through Distribution::sample (sim/distributions.cpp),
// with the fields configs/default.toml gives the attribute of that family.
#include <benchmark/benchmark.h>

#include "smpsim/model/distributions.h"
#include "smpsim/model/rng.h"

namespace {

using smpsim::Distribution;

void sample(benchmark::State& state, const Distribution& distribution) {
  smpsim::RandomStream stream(20261130, 0, smpsim::StreamPurpose::kAttributes);
  for (auto _ : state) benchmark::DoNotOptimize(distribution.sample(stream));
  state.SetItemsProcessed(state.iterations());
}

// technician depth: target_depth_um = 200, depth_sd_um = 60 (untruncated here)
BENCHMARK_CAPTURE(sample, normal, Distribution::normal(200, 60));
// patient.papillary_um
BENCHMARK_CAPTURE(sample, truncnormal, Distribution::trunc_normal(250, 50, 120, 450));
// patient.epidermis_um
BENCHMARK_CAPTURE(sample, lognormal, Distribution::log_normal(70, 0.2));
// patient.contrast
BENCHMARK_CAPTURE(sample, uniform, Distribution::uniform(0.6, 1.0));
// patient.itch
BENCHMARK_CAPTURE(sample, gamma, Distribution::gamma(3, 2.5));
// patient.adherence
BENCHMARK_CAPTURE(sample, beta, Distribution::beta(6, 2));

}  // namespace
