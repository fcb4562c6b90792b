#pragma once

#include <string>

namespace smpsim {

// One run per output: an exclusive lock (flock) on `<output>.lock`, beside the output, held from
// before any work until the run ends, with the holder's pid in the file. A second run on the
// same output (--resume or --overwrite, any seed) is refused at once, naming the holder.
class RunLock {
 public:
  // Throws InputError naming the other process when another run holds the lock, IoError when
  // the lock file cannot be made.
  explicit RunLock(const std::string& output);
  ~RunLock();  // removes the lock file and releases the lock
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace smpsim
