#include "smpsim/run/engine.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <omp.h>

#include "smpsim/model/error.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"
#include "smpsim/run/ranks.h"

namespace smpsim {

namespace {

using namespace std::chrono_literals;

std::atomic<int> stop_signal{0};

// Under MPI each rank's main thread is its messenger: it only passes messages (MPI is
// "funneled"), while `threads` other threads compute. A messenger that computed too would leave
// the other ranks waiting a whole block for an answer, or for their results to be taken (a
// large message is sent only once the receiver takes it); one that waited in MPI would spin a
// core. So it looks for messages every half millisecond and sleeps in between: under 1 % of a
// core, and a request is answered within a millisecond.
constexpr auto kMessengerPause = 500us;

// How long rank 0, stopping, waits for the other ranks to say goodbye. A live rank answers
// within one patient; a rank that died (SIGKILL, a crash) never will, and mpirun kills the
// survivors a second after it noticed: rank 0 must have said how the run ended by then.
constexpr auto kFarewellWait = 300ms;

extern "C" void request_stop(int signal) {
  stop_signal.store(signal);
}

void report_untrusted_block(const std::string& why) {
  std::fprintf(stderr, "smpsim: %s; recomputing it\n", why.c_str());
}

std::vector<Outcomes> outcomes_of(const std::vector<PatientResult>& results) {
  std::vector<Outcomes> outcomes;
  for (const PatientResult& r : results) outcomes.push_back(r.outcomes);
  return outcomes;
}

std::string message_of(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

// Blocks as (point, first, count) triples and a done flag: the assignment message.
std::vector<std::int64_t> assignment_words(const std::vector<BlockKey>& keys, bool done) {
  std::vector<std::int64_t> words;
  for (const BlockKey& k : keys) words.insert(words.end(), {k.point, k.first, k.count});
  words.push_back(done ? 1 : 0);
  return words;
}

// A message of int64 words (a request, an assignment), copied out of its possibly unaligned bytes.
std::vector<std::int64_t> words_of(const std::vector<std::byte>& bytes) {
  std::vector<std::int64_t> words(bytes.size() / sizeof(std::int64_t));
  if (!words.empty()) std::memcpy(words.data(), bytes.data(), words.size() * sizeof(std::int64_t));
  return words;
}

}  // namespace

StopOnSignals::StopOnSignals() {
  stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_interrupt_);
  sigaction(SIGTERM, &action, &previous_terminate_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &previous_interrupt_, nullptr);
  sigaction(SIGTERM, &previous_terminate_, nullptr);
}

int stop_requested() {
  return stop_signal.load();
}

void request_stop_by(int signal) {
  int none = 0;
  stop_signal.compare_exchange_strong(none, signal);
}

std::vector<PatientResult> simulate_block(const Parameters& p, const BlockKey& key) {
  const PatientSampler sampler(p);
  const auto seed = static_cast<std::uint64_t>(p.run.seed);
  std::vector<PatientResult> results;
  results.reserve(static_cast<std::size_t>(key.count));
  for (std::int64_t id = key.first; id < key.first + key.count; ++id) {
    if (stop_signal.load(std::memory_order_relaxed) != 0) throw BlockAbandoned();
    results.push_back(simulate_patient(p, sampler.sample(seed, static_cast<std::uint64_t>(id))));
  }
  // Stopping: a block finished now would only be one more message for rank 0 to wait for.
  if (stop_signal.load(std::memory_order_relaxed) != 0) throw BlockAbandoned();
  return results;
}

namespace {

// Rank 0's side of a study: its threads compute the blocks the schedule releases, and its main
// thread also serves the other ranks (their requests, results and failures). Every member
// below `lock_` is guarded by it; a step that does not need it (reading or committing a block)
// releases it meanwhile.
class Coordinator {
 public:
  Coordinator(const std::vector<Parameters>& points, std::int64_t first_point, Schedule& schedule,
              const Checkpoint& checkpoint, const std::set<BlockKey>& committed, Progress& progress)
      : points_(points),
        first_point_(first_point),
        schedule_(schedule),
        checkpoint_(checkpoint),
        committed_(committed),
        progress_(progress),
        workers_running_(ranks::size() - 1),
        messenger_(ranks::size() > 1) {}

  // Runs the schedule to its end or a stop, on `threads` computing threads (plus the main
  // thread as a messenger under MPI). Throws the first failure of any rank, naming the rank.
  EngineRun run(int threads) {
#pragma omp parallel num_threads(threads + (messenger_ ? 1 : 0))
    {
      // Only the main thread calls MPI ("funneled"). No exception may leave the parallel region:
      // a thread's failure is the run's, and the thread goes on serving until every one stops.
      const bool main_thread = omp_get_thread_num() == 0;
      while (true) {
        try {
          work(main_thread);
          break;
        } catch (...) {
          const Guard guard(lock_);
          fail(std::current_exception(), ranks::size() > 1 ? "rank 0: " : "");
        }
      }
    }
    if (failure_) {
      if (failed_rank_.empty()) std::rethrow_exception(failure_);
      throw IoError(failed_rank_ + message_of(failure_));
    }
    return {schedule_.finished() ? 0 : stop_signal.load(), checkpoint_seconds_};
  }

 private:
  using Guard = std::unique_lock<std::mutex>;

  // One thread's loop: take the next block, compute and commit it, until the schedule ends.
  void work(bool main_thread) {
    Guard guard(lock_);
    while (true) {
      if (main_thread) serve_ranks(guard);
      const std::optional<BlockKey> key =
          main_thread && messenger_ ? std::nullopt : next_to_compute(guard);
      if (!key) {
        const bool over = schedule_.finished() || (stopping() && busy_ == 0);
        const bool farewells_over =
            workers_running_ == 0 ||
            (stop_sent_ && std::chrono::steady_clock::now() - stop_sent_at_ > kFarewellWait);
        if (over && (!main_thread || farewells_over)) break;
        guard.unlock();
        std::this_thread::sleep_for(main_thread ? kMessengerPause : 1ms);
        guard.lock();
        continue;
      }
      compute(*key, guard);
    }
  }

  bool stopping() const {
    return failure_ || stop_signal != 0;
  }

  // A finished block enters the schedule.
  void complete(const BlockKey& key, std::vector<Outcomes> outcomes) {
    schedule_.complete(key, std::move(outcomes));
    // The schedule speaks once it has decided something (convergence); until then the status
    // stays the caller's (a calibration's generation).
    if (!schedule_.status().empty()) progress_.set_status(schedule_.status());
    progress_.advance(key.count);
  }

  void fail(std::exception_ptr error, std::string rank) {
    if (failure_) return;
    failure_ = error;
    failed_rank_ = std::move(rank);
  }

  // The next block to compute, reading back those the checkpoint already holds.
  std::optional<BlockKey> next_to_compute(Guard& guard) {
    while (!stopping()) {
      const std::optional<BlockKey> key = schedule_.next();
      if (!key || !committed_.count(*key)) return key;
      guard.unlock();
      std::vector<Outcomes> outcomes;
      bool trusted = true;
      try {
        outcomes = outcomes_of(checkpoint_.read_checked(*key));
      } catch (const IoError& e) {
        report_untrusted_block(e.what());
        trusted = false;
      }
      guard.lock();
      if (!trusted) return key;
      complete(*key, std::move(outcomes));
    }
    return std::nullopt;
  }

  // Simulates a block on this thread and commits it to the checkpoint.
  void compute(const BlockKey& key, Guard& guard) {
    ++busy_;
    guard.unlock();
    std::vector<Outcomes> outcomes;
    std::exception_ptr error;
    bool abandoned = false;
    std::chrono::duration<double> committing{0};
    try {
      const std::vector<PatientResult> results =
          simulate_block(points_[static_cast<std::size_t>(key.point - first_point_)], key);
      const auto start = std::chrono::steady_clock::now();
      checkpoint_.commit(key, serialize_block(key, results, checkpoint_.identity()));
      committing = std::chrono::steady_clock::now() - start;
      outcomes = outcomes_of(results);
    } catch (const BlockAbandoned&) {
      abandoned = true;
    } catch (...) {
      error = std::current_exception();
    }
    guard.lock();
    --busy_;
    checkpoint_seconds_ += committing.count();
    if (abandoned) return;  // the run is stopping: recomputed on resume
    if (!error) {
      complete(key, std::move(outcomes));
    } else {
      fail(error, ranks::size() > 1 ? "rank 0: " : "");
    }
  }

  // The main thread's turn: take the other ranks' messages, pass a stop on, deal blocks.
  void serve_ranks(Guard& guard) {
    while (std::optional<ranks::Message> message = ranks::poll()) take(*message, guard);
    if (stopping() && !stop_sent_) {
      for (int r = 1; r < ranks::size(); ++r) ranks::send(r, ranks::Tag::kStop, {});
      stop_sent_ = true;
      stop_sent_at_ = std::chrono::steady_clock::now();
    }
    deal(guard);
  }

  void take(const ranks::Message& message, Guard& guard) {
    switch (message.tag) {
      case ranks::Tag::kRequest:
        waiting_requests_.emplace_back(message.source, words_of(message.bytes).at(0));
        break;
      case ranks::Tag::kResult: {
        guard.unlock();  // decoding and committing need nothing the lock guards
        BlockKey key;
        std::uint64_t identity = 0;
        const std::string source = "rank " + std::to_string(message.source);
        const std::vector<PatientResult> results =
            deserialize_block(message.bytes, key, source, &identity);
        if (identity != checkpoint_.identity()) {
          throw IoError(source + ": sent a block of another run (another config or seed)");
        }
        const auto start = std::chrono::steady_clock::now();
        checkpoint_.commit(key, message.bytes);
        const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
        guard.lock();
        checkpoint_seconds_ += spent.count();
        complete(key, outcomes_of(results));
        break;
      }
      case ranks::Tag::kFailure:
        fail(std::make_exception_ptr(std::runtime_error(std::string(
                 reinterpret_cast<const char*>(message.bytes.data()), message.bytes.size()))),
             "rank " + std::to_string(message.source) + ": ");
        break;
      case ranks::Tag::kBye:
        --workers_running_;
        break;
      case ranks::Tag::kSignal:  // another rank was signalled: every rank stops
        request_stop_by(static_cast<int>(words_of(message.bytes).at(0)));
        break;
      default:
        break;
    }
  }

  // Deals blocks to the ranks that asked; tells them when there are no more.
  void deal(Guard& guard) {
    while (!waiting_requests_.empty() && !stopping()) {
      const auto [rank, wanted] = waiting_requests_.front();
      std::vector<BlockKey> dealt;
      while (static_cast<std::int64_t>(dealt.size()) < wanted) {
        const std::optional<BlockKey> key = next_to_compute(guard);
        if (!key) break;
        dealt.push_back(*key);
      }
      const bool done = schedule_.finished();
      if (dealt.empty() && !done) break;  // a convergence batch is still running: answer later
      const std::vector<std::int64_t> assignment = assignment_words(dealt, done);
      ranks::send(rank, ranks::Tag::kAssign, std::as_bytes(std::span(assignment)));
      waiting_requests_.pop_front();
    }
  }

  const std::vector<Parameters>& points_;
  const std::int64_t first_point_;  // points_[0] is point first_point_
  Schedule& schedule_;
  const Checkpoint& checkpoint_;
  const std::set<BlockKey>& committed_;
  Progress& progress_;
  std::mutex lock_;
  std::exception_ptr failure_;
  std::string failed_rank_;
  std::int64_t busy_ = 0;
  int workers_running_;
  const bool messenger_;
  bool stop_sent_ = false;
  std::chrono::steady_clock::time_point stop_sent_at_;
  double checkpoint_seconds_ = 0;
  std::deque<std::pair<int, std::int64_t>> waiting_requests_;  // (rank, blocks wanted)
};

}  // namespace

EngineRun coordinate_blocks(const std::vector<Parameters>& points, Schedule& schedule,
                            const Checkpoint& checkpoint, const std::set<BlockKey>& committed,
                            int threads, Progress& progress, std::int64_t first_point) {
  return Coordinator(points, first_point, schedule, checkpoint, committed, progress).run(threads);
}

EngineRun compute_dealt_blocks(const std::vector<Parameters>& points, int threads,
                               std::uint64_t identity, std::int64_t first_point) {
  std::mutex lock;  // guards everything below
  std::deque<BlockKey> dealt;
  std::deque<std::vector<std::byte>> outbox;  // finished blocks for rank 0
  std::exception_ptr failure;
  std::int64_t busy = 0;
  bool asked = false, no_more = false, stopped = false, failure_sent = false, signal_sent = false;
  // Keep this many blocks in hand, so the rank never waits for rank 0 between two blocks.
  const std::int64_t in_hand = 2 * static_cast<std::int64_t>(threads);

#pragma omp parallel num_threads(threads + 1)
  {
    const bool main_thread = omp_get_thread_num() == 0;  // the messenger
    // No exception may leave the parallel region: it becomes this rank's failure, sent to rank 0.
    const auto loop = [&] {
      std::unique_lock guard(lock);
      while (true) {
        if (main_thread) {
          while (!outbox.empty()) {
            const std::vector<std::byte> block = std::move(outbox.front());
            outbox.pop_front();
            guard.unlock();
            ranks::send(0, ranks::Tag::kResult, block);
            guard.lock();
          }
          if (failure && !failure_sent) {
            const std::string error = message_of(failure);
            ranks::send(0, ranks::Tag::kFailure, std::as_bytes(std::span(error)));
            failure_sent = stopped = true;
          }
          while (std::optional<ranks::Message> message = ranks::poll()) {
            if (message->tag == ranks::Tag::kStop) stopped = true;
            if (message->tag != ranks::Tag::kAssign) continue;
            const std::vector<std::int64_t> words = words_of(message->bytes);
            for (std::size_t i = 0; i + 3 <= words.size(); i += 3) {
              dealt.push_back({words[i], words[i + 1], words[i + 2]});
            }
            no_more = words.back() != 0;
            asked = false;
          }
          if (stop_signal != 0) {
            stopped = true;
            if (!signal_sent) {  // rank 0 must know: it waits for the blocks it dealt
              const std::int64_t signal = stop_signal.load();
              guard.unlock();
              ranks::send(0, ranks::Tag::kSignal, std::as_bytes(std::span(&signal, 1)));
              guard.lock();
              signal_sent = true;
            }
          }
          if (stopped) dealt.clear();  // not started: recomputed on resume
          if (!asked && !no_more && !stopped &&
              static_cast<std::int64_t>(dealt.size()) + busy < in_hand) {
            const std::int64_t wanted = in_hand - static_cast<std::int64_t>(dealt.size()) - busy;
            ranks::send(0, ranks::Tag::kRequest, std::as_bytes(std::span(&wanted, 1)));
            asked = true;
          }
        }
        if (!main_thread && !dealt.empty()) {
          const BlockKey key = dealt.front();
          dealt.pop_front();
          ++busy;
          guard.unlock();
          std::vector<std::byte> block;
          std::exception_ptr error;
          try {
            block = serialize_block(
                key, simulate_block(points[static_cast<std::size_t>(key.point - first_point)], key),
                identity);
          } catch (const BlockAbandoned&) {
            // the run is stopping: recomputed on resume
          } catch (...) {
            error = std::current_exception();
          }
          guard.lock();
          --busy;
          if (block.empty() && !error) continue;
          if (error && !failure) failure = error;
          if (!error) outbox.push_back(std::move(block));
          continue;
        }
        const bool over = no_more || stopped;
        if (over && !main_thread) break;
        if (over && busy == 0 && outbox.empty() && (!failure || failure_sent)) {
          ranks::send(0, ranks::Tag::kBye, {});
          break;
        }
        guard.unlock();
        std::this_thread::sleep_for(main_thread ? kMessengerPause : 1ms);
        guard.lock();
      }
    };
    while (true) {
      try {
        loop();
        break;
      } catch (...) {
        const std::unique_lock failing(lock);
        if (!failure) failure = std::current_exception();
      }
    }
  }
  return {stop_signal.load(), 0.0};
}

int resolve_threads(std::int64_t requested) {
  return requested > 0 ? static_cast<int>(requested) : omp_get_num_procs();
}

}  // namespace smpsim
