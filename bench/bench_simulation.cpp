// One whole patient (simulate_patient, sim/simulation.cpp): sessions, every dot's life,
// scratching, examinations, the final look and, with daily = 1, the daily observation pass.
// Each iteration simulates the same cohort of patients, so every repetition does the same
// work; items are patients. The `events` counter is the rate of the events `smpsim trace`
// prints for these patients (every state change within the simulated time, the daily
// observations included), so 1e9 / events is the cost of one event in ns.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/model/event_log.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

namespace {

using namespace smpsim;

constexpr std::int64_t kPatients = 16;  // one iteration simulates patients 0..15

Parameters scenario(bool daily) {
  Parameters p = bench::default_scenario();
  p.run.daily = daily;
  return p;
}

// range(0): run.daily (1 computes the daily series, 0 does not; the difference is the pass).
void BM_SimulatePatient(benchmark::State& state) {
  const Parameters p = scenario(state.range(0) != 0);
  const PatientSampler sampler(p);
  std::vector<Patient> patients;
  std::int64_t events = 0;
  for (std::int64_t id = 0; id < kPatients; ++id) {
    patients.push_back(
        sampler.sample(static_cast<std::uint64_t>(p.run.seed), static_cast<std::uint64_t>(id)));
    EventLog log;
    simulate_patient(p, patients.back(), &log);
    events += static_cast<std::int64_t>(log.rows().size());
  }
  for (auto _ : state) {
    for (const Patient& patient : patients) {
      const PatientResult result = simulate_patient(p, patient);
      benchmark::DoNotOptimize(result.outcomes.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kPatients);
  state.counters["events"] = benchmark::Counter(static_cast<double>(state.iterations() * events),
                                                benchmark::Counter::kIsRate);
  state.counters["events_per_patient"] =
      static_cast<double>(events) / static_cast<double>(kPatients);
  state.SetLabel(std::string("items = patients; daily = ") + (p.run.daily ? "true" : "false"));
}
BENCHMARK(BM_SimulatePatient)->ArgName("daily")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

}  // namespace
