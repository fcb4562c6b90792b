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

// The identity of a run: a hash of its resolved config (without run.threads, which says how,
// not what, to compute) and seed. Every block carries it, so a block of another run is known.
std::uint64_t run_identity(const std::string& config_toml, std::uint64_t seed);

// A block's results as bytes: a header (format version, the run's identity, the block's point
// and patient range), every patient (attributes, outcomes, sessions, daily series) and a 64-bit
// checksum, in the machine's byte order. The same bytes go to checkpoint files and over MPI.
std::vector<std::byte> serialize_block(const BlockKey& key, std::span<const PatientResult> patients,
                                       std::uint64_t identity = 0);
// Throws IoError naming `source` when the bytes are truncated or corrupt. `identity`, when
// given, receives the run identity the block carries.
std::vector<PatientResult> deserialize_block(std::span<const std::byte> bytes, BlockKey& key,
                                             const std::string& source,
                                             std::uint64_t* identity = nullptr);

// Finished blocks of a run, kept beside the output in `<output>.checkpoint/` until the output
// is complete: a manifest (the resolved config and seed that made them) and one file per block,
// each written to a temporary name and renamed, so a kill at any moment leaves every committed
// block whole. `smpsim run --resume` continues from them; the finished file is the same bit
// for bit as an uninterrupted run's.
class Checkpoint {
 public:
  // Starts a new checkpoint (removing one left by an earlier run) or, with `resume`, opens the
  // existing one (exists(directory)); refuses to resume when the config or seed differ, saying
  // what differs. A manifest of another format, or one that cannot be read, is reported on
  // stderr and not trusted: the checkpoint starts over. A folder without a manifest is empty.
  // Every file it commits (blocks, the manifest) is fsync'ed before the rename that commits it.
  Checkpoint(std::filesystem::path directory, const std::string& config_toml, std::uint64_t seed,
             bool resume);

  // Whether an interrupted run left a checkpoint to resume in `directory`.
  static bool exists(const std::filesystem::path& directory);

  void commit(const BlockKey& key, std::span<const std::byte> block) const;
  std::vector<BlockKey> committed() const;  // in (point, first) order
  std::vector<std::byte> read(const BlockKey& key) const;
  // A committed block's patients, checked: whole (its checksum), of this version and this run
  // (its identity) and the block its name says (point and patient range). Throws IoError naming
  // the block file and what is wrong; such a block must be recomputed, never trusted.
  std::vector<PatientResult> read_checked(const BlockKey& key) const;
  std::filesystem::path file_of(const BlockKey& key) const;
  std::uint64_t identity() const { return identity_; }
  void remove() const;  // once the output is complete

  const std::filesystem::path& directory() const { return directory_; }

 private:
  bool open_manifest(const std::filesystem::path& manifest, const std::string& config_toml,
                     std::uint64_t seed) const;
  std::filesystem::path directory_;
  std::uint64_t identity_ = 0;
};

// The checkpoint directory of an output file.
std::filesystem::path checkpoint_directory(const std::string& output);

}  // namespace smpsim
