// One dot's life (sim/technician.cpp, sim/dot_kinetics.cpp), as Treatment::start_session in
// sim/simulation.cpp draws it: open the dot's stream, place the puncture, draw its timeline and
// its packets' fates into the patient's Scalp. One iteration is one session's dots into an
// empty Scalp; items are dots, so items/s is dots per second.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/technician.h"

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

  for (auto _ : state) {
    Scalp scalp(kinetics.packets_per_dot(), regions);
    for (std::int64_t d = 0; d < dots; ++d) {
      RandomStream stream(seed, patient.id, StreamPurpose::kDot, 0, static_cast<std::uint32_t>(d));
      const Puncture puncture = technician.puncture(plan, d, SessionMove{}, 0.0, stream);
      scalp.add(kinetics.draw(puncture, 0, stream, scalp.next_packets()));
    }
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
