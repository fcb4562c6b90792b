// Drawing a virtual patient through the Gaussian copula (PatientSampler::sample,
// sim/patient.cpp): ten attributes, z = L eps, u = Phi(z), x = F^-1(u).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "smpsim/config/config.h"
#include "smpsim/model/patient.h"

namespace {

// Scenario: the built-in defaults (configs/default.toml): ten attributes, two correlations
// (age-healing -0.4, immune-fibroblast 0.3).
void BM_SamplePatient(benchmark::State& state) {
  const smpsim::Parameters parameters = smpsim::default_parameters();
  const smpsim::PatientSampler sampler(parameters);
  std::uint64_t id = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sampler.sample(20261130, id++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SamplePatient);

}  // namespace
