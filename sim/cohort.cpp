#include "smpsim/cohort.h"

#include <omp.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <string>
#include <exception>
#include <map>
#include <mutex>
#include <vector>

#include "smpsim/config.h"
#include "smpsim/patient.h"
#include "smpsim/simulation.h"

namespace smpsim {

Progress::Progress(std::int64_t total, bool enabled)
    : total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::set_point(std::int64_t point, std::int64_t points) {
  point_ = point;
  points_ = points;
}

void Progress::set_status(std::string status) { status_ = std::move(status); }

void Progress::advance(std::int64_t patients) {
  done_ += patients;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_print_ >= std::chrono::milliseconds(250)) {
    last_print_ = now;
    print(false);
  }
}

void Progress::finish() {
  if (enabled_) print(true);
}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::print(bool final_line) {
  const double elapsed = seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  std::string line = "\r  ";
  char text[160];
  if (points_ > 1) {
    std::snprintf(text, sizeof text, "point %lld/%lld  ", static_cast<long long>(point_ + 1),
                  static_cast<long long>(points_));
    line += text;
  }
  if (total_ > 0) {
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
    std::snprintf(text, sizeof text, "%lld / %lld patients  %.0f patients/s  ETA %.0f s",
                  static_cast<long long>(done_), static_cast<long long>(total_), rate, eta);
  } else {
    std::snprintf(text, sizeof text, "%lld patients  %.0f patients/s",
                  static_cast<long long>(done_), rate);
  }
  line += text + status_ + "\x1b[K";  // clear the rest of the line
  std::fprintf(stderr, "%s%s", line.c_str(), final_line ? "\n" : "");
  std::fflush(stderr);
}

int resolve_threads(std::int64_t requested) {
  return requested > 0 ? static_cast<int>(requested) : omp_get_num_procs();
}

void run_cohort(const Parameters& parameters, std::int64_t first, std::int64_t count,
                int threads, const BlockSink& sink, Progress& progress) {
  const PatientSampler sampler(parameters);
  const auto seed = static_cast<std::uint64_t>(parameters.run.seed);
  const std::int64_t blocks = (count + kPatientsPerBlock - 1) / kPatientsPerBlock;

  // Blocks finish in any order; the writer takes them in patient order.
  std::mutex writer_lock;
  std::map<std::int64_t, std::vector<PatientResult>> finished;
  std::int64_t next_to_write = 0;
  std::exception_ptr failure;
  std::atomic<bool> failed{false};

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t block = 0; block < blocks; ++block) {
    if (failed.load(std::memory_order_relaxed)) continue;
    try {
      const std::int64_t begin = first + block * kPatientsPerBlock;
      const std::int64_t end = std::min(begin + kPatientsPerBlock, first + count);
      std::vector<PatientResult> results;
      results.reserve(static_cast<std::size_t>(end - begin));
      for (std::int64_t id = begin; id < end; ++id) {
        const Patient patient = sampler.sample(seed, static_cast<std::uint64_t>(id));
        results.push_back(simulate_patient(parameters, patient));
      }
      const std::lock_guard lock(writer_lock);
      finished.emplace(block, std::move(results));
      while (!finished.empty() && finished.begin()->first == next_to_write) {
        auto node = finished.extract(finished.begin());
        sink(node.mapped());
        progress.advance(static_cast<std::int64_t>(node.mapped().size()));
        ++next_to_write;
      }
    } catch (...) {
      const std::lock_guard lock(writer_lock);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace smpsim
