// The kernel against its floor (issue 16): one default patient's whole simulation
// (simulate_patient with the daily series, the scenario of scenario.h) in ns per patient, and
// what it did per patient. Built twice from this file:
//   bench_kernel         the production model: the time per patient (counters say counted=0);
//   bench_kernel_counts  the model's sources compiled again with SMPSIM_WORK_COUNTS: the same
//                        patients' counts per patient (its times are not the kernel's).
// scripts/bench.sh sets the counts against the unit costs (bench_rng: one draw of each kind;
// bench_observation: one vectorised exp; bench_writer: one byte written) and prints the floor
// and measured / floor (ns per patient: 1e9 / items_per_second, CPU time). range(0) is
// model.version.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <vector>

#include "output_bytes.h"
#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"
#include "smpsim/model/work_counts.h"

namespace {

using namespace smpsim;

constexpr std::int64_t kPatients = 32;  // one checkpoint block: patients 0..31

#if defined(SMPSIM_WORK_COUNTS)
constexpr bool kCounting = true;
#else
constexpr bool kCounting = false;
#endif

// As sim/app/main.cpp: no page faults from returning each patient's arrays to the system.
[[maybe_unused]] const bool kMalloc = [] {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return true;
}();

void BM_KernelPatient(benchmark::State& state) {
  Parameters p = bench::default_scenario();
  p.model.version = state.range(0);
  const PatientSampler sampler(p);
  std::vector<Patient> patients;
  for (std::int64_t id = 0; id < kPatients; ++id) {
    patients.push_back(
        sampler.sample(static_cast<std::uint64_t>(p.run.seed), static_cast<std::uint64_t>(id)));
  }
  std::size_t output_bytes = 0;
  for (const Patient& patient : patients)
    output_bytes += bench::raw_bytes(simulate_patient(p, patient));

#if defined(SMPSIM_WORK_COUNTS)
  work_counts = {};
#endif
  for (auto _ : state) {
    for (const Patient& patient : patients) {
      const PatientResult result = simulate_patient(p, patient);
      benchmark::DoNotOptimize(result.outcomes.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kPatients);
  state.counters["output_bytes"] = static_cast<double>(output_bytes) / kPatients;
  state.counters["counted"] = kCounting ? 1 : 0;
#if defined(SMPSIM_WORK_COUNTS)
  const auto simulated = static_cast<double>(state.iterations() * kPatients);
  const WorkCounts& c = work_counts;
  auto per_patient = [&](const char* name, std::uint64_t count) {
    state.counters[name] = static_cast<double>(count) / simulated;
  };
  per_patient("streams", c.streams);
  per_patient("philox_words", c.philox_words);
  per_patient("uniforms", c.uniforms);
  per_patient("normals", c.normals);
  per_patient("exponentials", c.exponentials);
  per_patient("scalar_exp", c.scalar_exp);
  per_patient("dots", c.dots);
  per_patient("packets", c.packets);
  per_patient("dot_looks", c.dot_looks);
  per_patient("daily_dot_looks", c.daily_dot_looks);
  per_patient("present_updates", c.present_updates);
  per_patient("bytes_copied", c.bytes_copied);
#endif
  state.SetLabel("items = patients; model.version = " + std::to_string(p.model.version) +
                 (kCounting ? "; counting build" : ""));
}
BENCHMARK(BM_KernelPatient)->ArgName("version")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
