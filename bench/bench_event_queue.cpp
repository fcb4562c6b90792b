// The event queue (sim/event_queue.cpp) in steady state: pop the earliest of N pending events
// and push its follow-up, N = 10^2, 10^3, 10^4. A patient has a handful of pending events; the
// larger N show how the heap scales. The follow-up delays are drawn beforehand (exponential,
// mean 1 day), so only the queue is measured.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "smpsim/model/event_queue.h"
#include "smpsim/model/rng.h"

namespace {

using smpsim::EventKind;

constexpr std::size_t kDelays = 1 << 14;  // a power of two, larger than any N

void BM_PopPush(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  smpsim::RandomStream stream(20261130, 0, smpsim::StreamPurpose::kScratch);
  std::vector<double> delays(kDelays);
  for (double& delay : delays) delay = -std::log(stream.uniform());

  smpsim::EventQueue queue;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.push(delays[i], EventKind::kScratch, static_cast<std::uint32_t>(i));
  }
  std::size_t next = pending;
  for (auto _ : state) {
    const smpsim::Event event = queue.pop();
    queue.push(event.time + delays[next++ & (kDelays - 1)], event.kind, event.session);
  }
  benchmark::DoNotOptimize(queue.pop());
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("items = pop + push cycles");
}
BENCHMARK(BM_PopPush)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
