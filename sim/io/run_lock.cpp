#include "smpsim/io/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "smpsim/model/error.h"

namespace smpsim {

namespace {

// The holder's pid, which it writes just after it takes the lock: wait a little for it.
std::string holder_of(int fd) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
    if (!pid.empty() && pid.back() == '\n') {
      pid.pop_back();
      return pid;
    }
    ::usleep(1000);
  }
  return "unknown";
}

}  // namespace

RunLock::RunLock(const std::string& output) : path_(output + ".lock") {
  // A lock file removed by the run that held it between our open and our flock is another
  // inode than the one now under the name: try again on the new one.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw IoError(path_ + ": cannot create the lock file: " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const std::string holder = holder_of(fd);
      ::close(fd);
      if (error == EWOULDBLOCK) {
        throw InputError(output + ": another smpsim run (pid " + holder +
                         ") is writing this output; wait for it to end, or stop it, before "
                         "running on this output again");
      }
      throw IoError(path_ + ": cannot lock: " + std::strerror(error));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The pid is only for the message; the lock holds without it.
      }
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw IoError(path_ + ": cannot lock: the lock file keeps changing");
}

RunLock::~RunLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still holding it: a waiting run sees another inode
  ::close(fd_);
}

}  // namespace smpsim
