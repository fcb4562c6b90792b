// A session's dots (sim/model/session_dots.cpp), as Treatment::start_session in
// sim/model/simulation.cpp draws them: their streams' words a chunk of dots at a time, the
// technician's punctures, their timelines and their packets' fates into the patient's Scalp. One
// iteration is one session's dots into an empty Scalp; items are dots, so items/s is dots per
// second.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/session_dots.h"

namespace {

using namespace smpsim;

void BM_DrawSessionDots(benchmark::State& state) {
  const Parameters p = bench::default_scenario();
  const auto seed = static_cast<std::uint64_t>(p.run.seed);
  const Patient patient = PatientSampler(p).sample(seed, 0);
  const DotKinetics kinetics(p, patient);
  const Technician technician(p);
  const RegionPlan plan = technician.uniform_plan();
  const auto dots = p.technician.dots_per_session;
  const auto regions = static_cast<std::size_t>(p.technician.regions);
  SessionDots session_dots(technician, kinetics, seed, patient.id);

  for (auto _ : state) {
    Scalp scalp(kinetics.packets_per_dot(), regions);
    session_dots.draw(plan, SessionMove{}, 0, 0.0, dots, scalp);
    benchmark::DoNotOptimize(scalp.dots.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * dots);
  state.counters["packets"] = benchmark::Counter(
      static_cast<double>(state.iterations() * dots * p.kinetics.packets_per_dot),
      benchmark::Counter::kIsRate);
  state.SetLabel("items = dots; one iteration = one session of " + std::to_string(dots) + " dots");
}
BENCHMARK(BM_DrawSessionDots)->Unit(benchmark::kMicrosecond);

}  // namespace
