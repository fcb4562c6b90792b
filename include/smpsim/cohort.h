#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "smpsim/outcomes.h"

namespace smpsim {

struct Parameters;

// Patients per unit of work: large enough to amortise scheduling, small enough that the
// reorder buffer in front of the writer stays a few blocks.
inline constexpr std::int64_t kPatientsPerBlock = 32;

// Progress on stderr: the point, patients done, rate and ETA (when the total is known, > 0)
// and a status such as the current half-widths, rewritten in place at most 4 times a second.
class Progress {
 public:
  Progress(std::int64_t total, bool enabled);
  void set_point(std::int64_t point, std::int64_t points);
  void set_status(std::string status);
  void advance(std::int64_t patients);
  void finish();
  double seconds() const;

 private:
  void print(bool final_line);
  std::int64_t total_;
  std::int64_t done_ = 0;
  std::int64_t point_ = 0;
  std::int64_t points_ = 1;
  std::string status_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

using BlockSink = std::function<void(std::span<const PatientResult>)>;

// Simulates patients [first, first + count) of one sweep point across OpenMP threads
// (dynamic scheduling over blocks) and hands the results to `sink` in patient order, one
// block at a time, from whichever thread completes the next block. Results never depend on
// the thread count: every patient draws from its own streams.
void run_cohort(const Parameters& parameters, std::int64_t first, std::int64_t count,
                int threads, const BlockSink& sink, Progress& progress);

// The threads a run uses: run.threads, or every core when it is 0.
int resolve_threads(std::int64_t requested);

}  // namespace smpsim
