#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "smpsim/model/outcomes.h"

namespace smpsim {

// A block of consecutive patients of one sweep point: the unit of work, of checkpointing and
// of messages between ranks.
struct BlockKey {
  std::int64_t point = 0;
  std::int64_t first = 0;  // first patient id
  std::int64_t count = 0;
  friend auto operator<=>(const BlockKey&, const BlockKey&) = default;
};

// A block's results as bytes: a header, every patient (attributes, outcomes, sessions, daily
// series) and a 64-bit checksum, in the machine's byte order. The same bytes go to checkpoint
// files and over MPI.
std::vector<std::byte> serialize_block(const BlockKey& key,
                                       std::span<const PatientResult> patients);
// Throws IoError naming `source` when the bytes are truncated or corrupt.
std::vector<PatientResult> deserialize_block(std::span<const std::byte> bytes, BlockKey& key,
                                             const std::string& source);

// Finished blocks of a run, kept beside the output in `<output>.checkpoint/` until the output
// is complete: a manifest (the resolved config and seed that made them) and one file per block,
// each written to a temporary name and renamed, so a kill at any moment leaves every committed
// block whole. `smpsim run --resume` continues from them; the finished file is the same bit
// for bit as an uninterrupted run's.
class Checkpoint {
 public:
  // Starts a new checkpoint (removing one left by an earlier run) or, with `resume`, opens the
  // existing one (exists(directory)); refuses to resume when the config or seed differ, saying
  // what differs.
  Checkpoint(std::filesystem::path directory, const std::string& config_toml, std::uint64_t seed,
             bool resume);

  // Whether an interrupted run left a checkpoint to resume in `directory`.
  static bool exists(const std::filesystem::path& directory);

  void commit(const BlockKey& key, std::span<const std::byte> block) const;
  std::vector<BlockKey> committed() const;  // in (point, first) order
  std::vector<std::byte> read(const BlockKey& key) const;
  void remove() const;  // once the output is complete

  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::filesystem::path file_of(const BlockKey& key) const;
  std::filesystem::path directory_;
};

// The checkpoint directory of an output file.
std::filesystem::path checkpoint_directory(const std::string& output);

}  // namespace smpsim
