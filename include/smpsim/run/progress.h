#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace smpsim {

// Progress on stderr: patients done, rate and ETA (when the total is known, > 0) and a status
// such as the latest convergence half-widths, rewritten in place at most 4 times a second.
class Progress {
 public:
  Progress(std::int64_t total, bool enabled);
  void set_status(std::string status);
  void advance(std::int64_t patients);
  void finish();
  double seconds() const;

 private:
  void print(bool final_line);
  std::int64_t total_;
  std::int64_t done_ = 0;
  std::string status_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

}  // namespace smpsim
