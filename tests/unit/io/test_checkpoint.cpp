#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/checkpoint.h"
#include "smpsim/model/error.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

using namespace smpsim;
namespace fs = std::filesystem;

namespace {

std::vector<PatientResult> patients(const Parameters& p, std::int64_t first, std::int64_t n) {
  const PatientSampler sampler(p);
  std::vector<PatientResult> results;
  for (std::int64_t id = first; id < first + n; ++id) {
    results.push_back(simulate_patient(p, sampler.sample(1, static_cast<std::uint64_t>(id))));
  }
  return results;
}

}  // namespace

TEST_CASE("a checkpoint block is trusted only when whole, of this run and the block named",
          "[io][checkpoint]") {
  Parameters p = default_parameters();
  p.technician.dots_per_session = 50;
  const fs::path dir = fs::temp_directory_path() / "smpsim_test_checkpoint.checkpoint";
  const Checkpoint checkpoint(dir, "patients = 4\nthreads = 2\n", 1, false);
  CHECK(checkpoint.identity() == run_identity("patients = 4\nthreads = 8\n", 1));  // not threads
  CHECK(checkpoint.identity() != run_identity("patients = 4\nthreads = 2\n", 2));  // the seed

  const BlockKey a{0, 0, 2}, b{0, 2, 2};
  checkpoint.commit(a, serialize_block(a, patients(p, 0, 2), checkpoint.identity()));
  checkpoint.commit(b, serialize_block(b, patients(p, 2, 2), run_identity("other", 1)));
  CHECK(checkpoint.read_checked(a).size() == 2);
  CHECK_THROWS_WITH(checkpoint.read_checked(b), Catch::Contains("a block of another run"));

  // Swapped by name: a's bytes under b's name.
  checkpoint.commit(b, serialize_block(a, patients(p, 0, 2), checkpoint.identity()));
  CHECK_THROWS_WITH(checkpoint.read_checked(b), Catch::Contains("not the block its name says"));

  // Truncated and bit-flipped.
  std::vector<std::byte> bytes = checkpoint.read(a);
  checkpoint.commit(b, std::span(bytes).first(bytes.size() / 2));
  CHECK_THROWS_WITH(checkpoint.read_checked(b), Catch::Contains(checkpoint.file_of(b).string()));
  bytes[bytes.size() / 3] ^= std::byte{0x01};
  checkpoint.commit(a, bytes);
  CHECK_THROWS_WITH(checkpoint.read_checked(a), Catch::Contains("checksum mismatch"));
  checkpoint.remove();
}
