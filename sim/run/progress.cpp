#include "smpsim/run/progress.h"

#include <cstdio>
#include <string>

namespace smpsim {

Progress::Progress(std::int64_t total, bool enabled)
    : total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::set_status(std::string status) {
  status_ = std::move(status);
}

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

}  // namespace smpsim
