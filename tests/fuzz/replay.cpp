// Replays every file of the given directories (or files) through the config fuzzer's check
// (or, built with SMPSIM_FUZZ_CLI, the command-line fuzzer's):
// the kept corpus and the regressions (inputs that once found a bug), in the normal build with
// no libFuzzer. Exits 1 when any input gives a finding.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifdef SMPSIM_FUZZ_CLI
#include "fuzz_cli.h"
#define SMPSIM_FUZZ_CHECK smpsim::fuzz::check_command_line  // the command-line target's check
#else
#include "fuzz_config.h"
#define SMPSIM_FUZZ_CHECK smpsim::fuzz::check_config
#endif

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
          inputs.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(path)) {
      inputs.push_back(path);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", path.c_str());
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  int findings = 0;
  for (const fs::path& path : inputs) {
    // Named first, so that a crash or a sanitizer's report says which input it was.
    std::printf("%s\n", path.c_str());
    std::fflush(stdout);
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      SMPSIM_FUZZ_CHECK(bytes);
    } catch (const smpsim::fuzz::Finding& finding) {
      std::printf("FINDING in %s: %s\n", path.c_str(), finding.what());
      ++findings;
    }
  }
  std::printf("%zu inputs replayed, %d findings\n", inputs.size(), findings);
  return findings == 0 && !inputs.empty() ? 0 : 1;
}
