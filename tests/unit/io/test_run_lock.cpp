#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

#include "smpsim/io/run_lock.h"
#include "smpsim/model/error.h"

using namespace smpsim;
namespace fs = std::filesystem;

TEST_CASE("a second lock on one output is refused, naming the holder's pid", "[io][lock]") {
  const fs::path dir = fs::temp_directory_path() / "smpsim_test_run_lock";
  fs::create_directories(dir);
  const std::string output = (dir / "out.h5").string();
  fs::remove(output + ".lock");
  {
    const RunLock held(output);
    CHECK(fs::exists(output + ".lock"));
    try {
      const RunLock second(output);
      FAIL("the second lock was taken");
    } catch (const InputError& e) {
      const std::string message = e.what();
      CHECK(message.find("another smpsim run (pid " + std::to_string(::getpid()) + ")") !=
            std::string::npos);
      CHECK(message.find(output) != std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists(output + ".lock"));  // released and removed
  std::optional<RunLock> again;
  REQUIRE_NOTHROW(again.emplace(output));
  again.reset();
  CHECK_THROWS_AS(RunLock((dir / "missing" / "out.h5").string()), IoError);
}
