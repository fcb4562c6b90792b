// The daily observation pass (Observer::daily, sim/observation.cpp) over finished patients.
//
// The Scalp is internal to simulate_patient, so each patient's is rebuilt here the way
// Treatment::start_session builds it: the same sessions on the same days (taken from
// simulate_patient), the first spread evenly, each later one planned from a snapshot at the
// previous examination, every dot drawn from its own stream, the observer taking in each
// session as it is placed. Measured: Observer::daily on the finished patient. Scratching is
// left out: it moves some scab and packet exit times but not the number of dots, packets or
// days the pass walks, so the work measured is the work of a run. (bench_simulation's
// BM_SimulatePatient with daily = 1 vs 0 measures the same pass from the outside.)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>
#include <vector>

#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/look_kernel.h"
#include "smpsim/model/observation.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/session_dots.h"
#include "smpsim/model/simulation.h"
#include "smpsim/model/technician.h"

namespace {

using namespace smpsim;

constexpr std::int64_t kPatients = 8;  // one iteration observes all of them

Parameters scenario() {
  Parameters p = bench::default_scenario();
  p.run.daily = false;  // simulate_patient only tells us the session days
  return p;
}

// A patient after the final look: every dot placed, and an Observer that has taken in every
// session (as the run's observer has when it computes the daily series).
struct FinishedPatient {
  FinishedPatient(const Parameters& p, std::uint64_t id)
      : patient(PatientSampler(p).sample(static_cast<std::uint64_t>(p.run.seed), id)),
        scalp(static_cast<std::size_t>(p.kinetics.packets_per_dot),
              static_cast<std::size_t>(p.technician.regions)),
        observer(p, patient) {
    const auto seed = static_cast<std::uint64_t>(p.run.seed);
    const PatientResult result = simulate_patient(p, patient);
    const DotKinetics kinetics(p, patient);
    const Technician technician(p);
    SessionDots session_dots(technician, kinetics, seed, id);
    for (const SessionRecord& record : result.sessions) {
      const auto session = static_cast<std::uint32_t>(record.session - 1);
      const RegionPlan plan =
          session == 0
              ? technician.uniform_plan()
              : technician.plan(observer
                                    .snapshot(scalp, session_starts,
                                              session_starts.back() + p.protocol.assess_day)
                                    .region_density);
      session_starts.push_back(record.day);
      session_dots.draw(plan, SessionMove{}, session, record.day, p.technician.dots_per_session,
                        scalp);
      observer.add_session(scalp, session_starts);
    }
  }

  Patient patient;
  Scalp scalp;
  std::vector<double> session_starts;
  Observer observer;
};

void BM_DailyObservations(benchmark::State& state) {
  const Parameters p = scenario();
  std::deque<FinishedPatient> patients;  // in place: an Observer does not move
  std::int64_t dots = 0;
  for (std::int64_t id = 0; id < kPatients; ++id) {
    patients.emplace_back(p, static_cast<std::uint64_t>(id));
    dots += static_cast<std::int64_t>(patients.back().scalp.dots.size());
  }
  for (auto _ : state) {
    for (FinishedPatient& patient : patients) {
      const DailyObservations daily = patient.observer.daily(patient.scalp, patient.session_starts);
      benchmark::DoNotOptimize(daily.values.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kPatients);
  state.counters["dots"] = benchmark::Counter(static_cast<double>(state.iterations() * dots),
                                              benchmark::Counter::kIsRate);
  state.counters["dots_per_patient"] = static_cast<double>(dots) / static_cast<double>(kPatients);
  state.SetLabel("items = patients (" + std::to_string(p.protocol.horizon_days + 1) +
                 " days each)");
}
BENCHMARK(BM_DailyObservations)->Unit(benchmark::kMicrosecond);

// One vectorised exponential: exp_nonpositive over a column of dots, compiled as the look
// kernel is (AVX2 and the x86-64 baseline, chosen at run time). The least a dot-day can cost:
// bench_kernel's floor charges each dot look this much.
__attribute__((target_clones("avx2", "default"))) void exp_column(const float* x, float* y,
                                                                  std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) y[i] = exp_nonpositive(x[i]);
}

void BM_VectorExp(benchmark::State& state) {
  constexpr std::size_t kDots = 4096;  // the dots of a patient's sessions, about
  std::vector<float> x(kDots), y(kDots);
  for (std::size_t i = 0; i < kDots; ++i) x[i] = -static_cast<float>(i % 97) * 0.05f;
  for (auto _ : state) {
    exp_column(x.data(), y.data(), kDots);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kDots));
  state.SetLabel("items = exponentials");
}
BENCHMARK(BM_VectorExp);

}  // namespace
