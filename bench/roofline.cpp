// The roofline of one discrete-event step on this machine: what a simulator's event costs when
// it does nothing else. A patient's P pending events sit in a binary heap; each step pops the
// earliest, draws one exponential variate from a counter-based Philox stream (Random123, as
// smpsim's streams are) and pushes its follow-up. A per-patient event loop that does more than
// this per event cannot beat it, so scripts/bench.sh divides smpsim's time per event by this
// program's (its target: at most 2).
//
// This is a reference measurement: keep what it measures unchanged (the heap, the Philox
// engine, Boost's exponential distribution, the keys and the printed line), or its figures stop
// being comparable with earlier ones.
//
// Usage: roofline [PENDING [EVENTS_PER_PATIENT [PATIENTS]]] (defaults 4000, 40000, 200).
// Prints one line: pending=P events=E seconds=S ns_per_event=T events_per_s=R (sink X), where
// the sink, a sum of heap times, keeps the loop from being optimised away.
#include <Random123/philox.h>
#include <Random123/conventional/Engine.hpp>

#include <boost/random/exponential_distribution.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>
#include <vector>

namespace {

struct Event {
  double time;
  std::uint32_t id;
  bool operator>(const Event& other) const { return time > other.time; }
};

}  // namespace

int main(int argc, char** argv) {
  const int pending = argc > 1 ? std::atoi(argv[1]) : 4000;        // events in flight
  const long per_patient = argc > 2 ? std::atol(argv[2]) : 40000;  // events per patient
  const int patients = argc > 3 ? std::atoi(argv[3]) : 200;
  using Philox = r123::Engine<r123::Philox4x32>;

  double sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int p = 0; p < patients; ++p) {
    const Philox::ukey_type key = {{12345u, static_cast<std::uint32_t>(p)}};
    Philox engine(key);
    boost::random::exponential_distribution<double> exponential(1.0);
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue;
    for (int i = 0; i < pending; ++i) {
      queue.push({exponential(engine), static_cast<std::uint32_t>(i)});
    }
    for (long n = 0; n < per_patient; ++n) {
      const Event event = queue.top();
      queue.pop();
      queue.push({event.time + exponential(engine), event.id});
    }
    sink += queue.top().time;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double events = static_cast<double>(per_patient) * patients;
  std::printf(
      "pending=%d events=%.0f seconds=%.3f ns_per_event=%.2f events_per_s=%.3g (sink %.1f)\n",
      pending, events, seconds, 1e9 * seconds / events, events / seconds, sink);
}
