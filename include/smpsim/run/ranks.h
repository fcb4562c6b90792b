#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace smpsim::ranks {

// MPI when smpsim is started by mpirun (and built with MPI), one rank otherwise: the same
// executable runs both ways. Only rank 0 reads and writes files and prints; every rank reads the
// config and plans the sweep identically, and ranks exchange only blocks and their results.

// Starts MPI (thread support "funneled": only the main thread calls MPI) when launched by an
// MPI launcher; finalises it on destruction.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

int rank();
int size();
inline bool coordinator() {
  return rank() == 0;
}

enum class Tag : int {
  kRequest = 1,  // worker -> 0: int64 number of blocks wanted
  kResult = 2,   // worker -> 0: a serialized block
  kFailure = 3,  // worker -> 0: an error message
  kBye = 4,      // worker -> 0: no more messages from this rank
  kAssign = 5,   // 0 -> worker: blocks as int64 (point, first, count) triples, then a done flag
  kStop = 6,     // 0 -> worker: stop after the current blocks
  kSignal = 7,   // worker -> 0: int64 signal this rank received; rank 0 stops every rank
};

struct Message {
  int source;
  Tag tag;
  std::vector<std::byte> bytes;
};

void send(int to, Tag tag, std::span<const std::byte> bytes);
std::optional<Message> poll();                // a waiting message, if any
std::int64_t broadcast(std::int64_t value);   // rank 0's value, on every rank
void broadcast(std::vector<double>& values);  // rank 0's values, on every rank

}  // namespace smpsim::ranks
