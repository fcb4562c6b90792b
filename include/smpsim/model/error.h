#pragma once

#include <stdexcept>
#include <string>

namespace smpsim {

// Input the user can fix (config, options): `smpsim` exits with status 2. The message carries
// the user's words: the file, line and column or the key, and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure of the machine rather than the input (I/O, a full disk): exit status 1.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit statuses of the command line (docs/interface.md).
inline constexpr int kExitDone = 0;
inline constexpr int kExitRuntimeFailure = 1;
inline constexpr int kExitBadInput = 2;

}  // namespace smpsim
