#include "smpsim/io/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "smpsim/config/config.h"
#include "smpsim/model/error.h"

namespace smpsim {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kBlockMagic = 0x42504D53;  // "SMPB"
constexpr std::uint32_t kBlockVersion = 2;         // 2: the run's identity in the header
constexpr std::int64_t kCheckpointFormat =
    2;  // 2: blocks of version 2, the identity in the manifest

// FNV-1a, 64 bits: enough to catch a torn or corrupted file.
std::uint64_t checksum(std::span<const std::byte> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (std::byte b : bytes) {
    hash ^= static_cast<std::uint64_t>(b);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

class ByteWriter {
 public:
  template <class T>
  void put(const T& value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  template <class T>
  void put_all(std::span<const T> values) {
    put(static_cast<std::uint64_t>(values.size()));
    const auto* p = reinterpret_cast<const std::byte*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size_bytes());
  }
  std::vector<std::byte> finish() {
    const std::uint64_t sum = checksum(bytes_);
    put(sum);
    return std::move(bytes_);
  }

 private:
  std::vector<std::byte> bytes_;
};

class ByteReader {
 public:
  ByteReader(std::span<const std::byte> bytes, const std::string& source)
      : bytes_(bytes), source_(source) {
    if (bytes.size() < sizeof(std::uint64_t)) corrupt("truncated");
    const auto payload = bytes.first(bytes.size() - sizeof(std::uint64_t));
    std::uint64_t stored;
    std::memcpy(&stored, bytes.data() + payload.size(), sizeof stored);
    if (stored != checksum(payload)) corrupt("checksum mismatch");
    bytes_ = payload;
  }
  template <class T>
  T get() {
    T value;
    take(&value, sizeof(T));
    return value;
  }
  template <class T>
  void get_all(std::vector<T>& values) {
    const auto n = get<std::uint64_t>();
    if (n > bytes_.size() / sizeof(T) + 1) corrupt("bad length");
    values.resize(n);
    take(values.data(), n * sizeof(T));
  }
  void expect_end() const {
    if (offset_ != bytes_.size()) corrupt("trailing bytes");
  }

 private:
  void take(void* out, std::size_t size) {
    if (offset_ + size > bytes_.size()) corrupt("truncated");
    if (size == 0) return;  // an empty vector's data() may be null, which memcpy may not take
    std::memcpy(out, bytes_.data() + offset_, size);
    offset_ += size;
  }
  [[noreturn]] void corrupt(const char* what) const {
    throw IoError(source_ + ": corrupt checkpoint block (" + what + ")");
  }
  std::span<const std::byte> bytes_;
  std::string source_;
  std::size_t offset_ = 0;
};

fs::path manifest_of(const fs::path& directory) {
  return directory / "manifest.toml";
}

std::string without_threads(const std::string& config) {
  std::istringstream in(config);
  std::string line, text;
  while (std::getline(in, line)) {
    if (!line.starts_with("threads =")) text += line + "\n";
  }
  return text;
}

// The lines of `now` that differ from `then`, for a refused resume.
std::string differences(const std::string& then, const std::string& now) {
  std::istringstream a(then), b(now);
  std::vector<std::string> old_lines, new_lines;
  for (std::string line; std::getline(a, line);) old_lines.push_back(line);
  for (std::string line; std::getline(b, line);) new_lines.push_back(line);
  std::string text;
  int shown = 0;
  for (const std::string& line : new_lines) {
    if (std::find(old_lines.begin(), old_lines.end(), line) != old_lines.end()) continue;
    const std::string key = line.substr(0, line.find(" ="));
    std::string before = "(absent)";
    for (const std::string& old : old_lines) {
      if (old.substr(0, old.find(" =")) == key) before = old;
    }
    if (shown++ < 8) text += "\n  checkpoint: " + before + "\n  this run:   " + line;
  }
  return text;
}

void write_file(const fs::path& path, std::span<const std::byte> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path.string() + ": cannot write: " + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      ::unlink(path.c_str());
      throw IoError(path.string() + ": cannot write: " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    throw IoError(path.string() + ": cannot write: " + std::strerror(error));
  }
}

// Writes to a temporary name in the same directory, then renames: the file appears whole or
// not at all.
void write_atomically(const fs::path& path, std::span<const std::byte> bytes) {
  const fs::path temporary = path.string() + ".tmp";
  write_file(temporary, bytes);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw IoError(path.string() + ": cannot write: " + std::strerror(error));
  }
}

}  // namespace

std::uint64_t run_identity(const std::string& config_toml, std::uint64_t seed) {
  const std::string text = without_threads(config_toml) + "\nseed=" + std::to_string(seed);
  return checksum(std::as_bytes(std::span(text)));
}

std::vector<std::byte> serialize_block(const BlockKey& key, std::span<const PatientResult> patients,
                                       std::uint64_t identity) {
  ByteWriter out;
  out.put(kBlockMagic);
  out.put(kBlockVersion);
  out.put(identity);
  out.put(key.point);
  out.put(key.first);
  out.put(key.count);
  for (const PatientResult& r : patients) {
    out.put(r.patient.id);
    out.put_all(std::span<const double>(r.patient.attributes));
    out.put_all(std::span<const double>(r.patient.prior_density));
    out.put_all(std::span<const double>(r.outcomes));
    out.put_all(std::span<const SessionRecord>(r.sessions));
    out.put(static_cast<std::uint64_t>(r.daily.days));
    out.put_all(std::span<const float>(r.daily.values));
  }
  return out.finish();
}

std::vector<PatientResult> deserialize_block(std::span<const std::byte> bytes, BlockKey& key,
                                             const std::string& source, std::uint64_t* identity) {
  ByteReader in(bytes, source);
  if (in.get<std::uint32_t>() != kBlockMagic || in.get<std::uint32_t>() != kBlockVersion) {
    throw IoError(source + ": not an smpsim checkpoint block of this version");
  }
  const auto stored_identity = in.get<std::uint64_t>();
  if (identity) *identity = stored_identity;
  key.point = in.get<std::int64_t>();
  key.first = in.get<std::int64_t>();
  key.count = in.get<std::int64_t>();
  if (key.count < 0 || key.count > static_cast<std::int64_t>(bytes.size())) {
    throw IoError(source + ": corrupt checkpoint block (bad count)");
  }
  std::vector<PatientResult> patients(static_cast<std::size_t>(key.count));
  std::vector<double> values;
  for (PatientResult& r : patients) {
    r.patient.id = in.get<std::uint64_t>();
    in.get_all(values);
    if (values.size() != kAttributeCount) throw IoError(source + ": corrupt checkpoint block");
    std::copy(values.begin(), values.end(), r.patient.attributes.begin());
    in.get_all(r.patient.prior_density);
    in.get_all(values);
    if (values.size() != kOutcomeCount) throw IoError(source + ": corrupt checkpoint block");
    std::copy(values.begin(), values.end(), r.outcomes.begin());
    in.get_all(r.sessions);
    r.daily.days = static_cast<std::size_t>(in.get<std::uint64_t>());
    in.get_all(r.daily.values);
  }
  in.expect_end();
  return patients;
}

fs::path checkpoint_directory(const std::string& output) {
  return output + ".checkpoint";
}

bool Checkpoint::exists(const fs::path& directory) {
  std::error_code error;
  return fs::exists(manifest_of(directory), error);
}

Checkpoint::Checkpoint(fs::path directory, const std::string& config_toml, std::uint64_t seed,
                       bool resume)
    : directory_(std::move(directory)), identity_(run_identity(config_toml, seed)) {
  const fs::path manifest = manifest_of(directory_);
  std::error_code error;
  if (resume) resume = open_manifest(manifest, config_toml, seed);
  if (resume) {
    // Temporary files are blocks a kill interrupted: not committed.
    for (const auto& entry : fs::directory_iterator(directory_)) {
      if (entry.path().extension() == ".tmp") fs::remove(entry.path(), error);
    }
    return;
  }
  fs::remove_all(directory_, error);
  if (!fs::create_directories(directory_, error) || error) {
    throw IoError(directory_.string() +
                  ": cannot create the checkpoint directory: " + error.message());
  }
  std::ostringstream text;
  text << "# smpsim checkpoint: finished blocks of a run; `smpsim run ... --resume` continues it\n"
       << "format = " << kCheckpointFormat << "\nseed = " << static_cast<std::int64_t>(seed)
       << "\nidentity = \"" << std::hex << identity_ << std::dec << "\""
       << "\nconfig = " << toml_quoted(config_toml) << "\n";
  const std::string written = text.str();
  write_atomically(manifest, std::as_bytes(std::span(written)));
}

// Reads the manifest of a checkpoint to resume. False: it is of another format or unreadable
// (reported, not trusted: the run starts over). Throws InputError when its seed or config
// differ from this run's.
bool Checkpoint::open_manifest(const fs::path& manifest, const std::string& config_toml,
                               std::uint64_t seed) const {
  toml::table table;
  try {
    table = toml::parse_file(manifest.string());
  } catch (const toml::parse_error& e) {
    std::fprintf(stderr,
                 "smpsim: %s: unreadable checkpoint manifest (%s); not trusted: starting over\n",
                 manifest.c_str(), std::string(e.description()).c_str());
    return false;
  }
  {
    const auto format = table["format"].value<std::int64_t>();
    const auto stored_seed = table["seed"].value<std::int64_t>();
    const auto stored_config = table["config"].value<std::string>();
    if (format != kCheckpointFormat || !stored_seed || !stored_config) {
      std::fprintf(stderr,
                   "smpsim: %s: a checkpoint of format %lld, not %lld (an older smpsim's, or "
                   "damaged); not trusted: starting over\n",
                   manifest.c_str(), static_cast<long long>(format.value_or(0)),
                   static_cast<long long>(kCheckpointFormat));
      return false;
    }
    if (static_cast<std::uint64_t>(*stored_seed) != seed) {
      throw InputError("--resume: the checkpoint " + directory_.string() + " was made with seed " +
                       std::to_string(*stored_seed) + ", this run has seed " +
                       std::to_string(seed) +
                       "; resume with the same seed or start over with "
                       "--overwrite");
    }
    if (without_threads(*stored_config) != without_threads(config_toml)) {
      throw InputError("--resume: the checkpoint " + directory_.string() +
                       " was made with a different config:" +
                       differences(without_threads(*stored_config), without_threads(config_toml)) +
                       "\nresume with the same config or start over with --overwrite");
    }
  }
  return true;
}

fs::path Checkpoint::file_of(const BlockKey& key) const {
  char name[64];
  std::snprintf(name, sizeof name, "p%06lld-%010lld-%lld.block", static_cast<long long>(key.point),
                static_cast<long long>(key.first), static_cast<long long>(key.count));
  return directory_ / name;
}

void Checkpoint::commit(const BlockKey& key, std::span<const std::byte> block) const {
  write_atomically(file_of(key), block);
}

std::vector<BlockKey> Checkpoint::committed() const {
  std::vector<BlockKey> keys;
  for (const auto& entry : fs::directory_iterator(directory_)) {
    long long point, first, count;
    if (entry.path().extension() == ".block" &&
        std::sscanf(entry.path().filename().c_str(), "p%lld-%lld-%lld.block", &point, &first,
                    &count) == 3) {
      keys.push_back({point, first, count});
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::byte> Checkpoint::read(const BlockKey& key) const {
  const fs::path path = file_of(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot read checkpoint block");
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* first = reinterpret_cast<const std::byte*>(chars.data());
  return {first, first + chars.size()};
}

std::vector<PatientResult> Checkpoint::read_checked(const BlockKey& key) const {
  const std::string source = file_of(key).string();
  BlockKey stored;
  std::uint64_t identity = 0;
  std::vector<PatientResult> patients = deserialize_block(read(key), stored, source, &identity);
  if (identity != identity_) {
    throw IoError(source + ": a block of another run (another config or seed)");
  }
  if (stored != key) {
    throw IoError(source + ": holds point " + std::to_string(stored.point) + ", patients " +
                  std::to_string(stored.first) + " to " +
                  std::to_string(stored.first + stored.count - 1) +
                  ", not the block its name says");
  }
  for (std::size_t i = 0; i < patients.size(); ++i) {
    if (patients[i].patient.id != static_cast<std::uint64_t>(key.first) + i) {
      throw IoError(source + ": patient ids out of sequence");
    }
  }
  return patients;
}

void Checkpoint::remove() const {
  std::error_code error;
  fs::remove_all(directory_, error);
}

}  // namespace smpsim
