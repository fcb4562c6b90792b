// libFuzzer target over the whole command line of `check` and `trace` (scripts/fuzz.sh);
// check_command_line is also what the replay runs on tests/fuzz/cli_corpus in every ctest run.

#include "fuzz_cli.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "smpsim/app/cli.h"

namespace smpsim::fuzz {

namespace {

constexpr std::size_t kMaxWords = 64;

// The scratch config of this process.
const std::string& config_path() {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("smpsim_fuzz_cli_" + std::to_string(::getpid()) + ".toml"))
                                      .string();
  return path;
}

}  // namespace

void check_command_line(std::string_view input) {
  std::vector<std::string> words;
  const std::size_t split = input.find(std::string_view("\0\0", 2));
  if (split != std::string_view::npos) {
    std::ofstream(config_path(), std::ios::binary | std::ios::trunc) << input.substr(0, split);
    input.remove_prefix(split + 2);
  }
  for (std::size_t start = 0; start <= input.size() && words.size() < kMaxWords;) {
    const std::size_t end = std::min(input.find('\0', start), input.size());
    std::string word(input.substr(start, end - start));
    if (word == "{config}") word = config_path();
    words.push_back(std::move(word));
    start = end + 1;
  }
  if (words.empty() || (words.front() != "check" && words.front() != "trace")) {
    words.insert(words.begin(), "check");
  }
  if (words.front() == "trace") {
    for (const char* small :
         {"technician.dots_per_session=16", "patient.itch={dist=\"constant\",value=1}"}) {
      words.push_back("--set");
      words.push_back(small);
    }
  }
  words.insert(words.begin(), "smpsim");
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  std::ostringstream out, err;
  std::streambuf* const cout_buffer = std::cout.rdbuf(out.rdbuf());
  std::streambuf* const cerr_buffer = std::cerr.rdbuf(err.rdbuf());
  int status = -1;
  try {
    status = run_command_line(static_cast<int>(words.size()), argv.data());
  } catch (...) {
    std::cout.rdbuf(cout_buffer);
    std::cerr.rdbuf(cerr_buffer);
    throw Finding("run_command_line let an exception escape");
  }
  std::cout.rdbuf(cout_buffer);
  std::cerr.rdbuf(cerr_buffer);
  std::cout.clear();
  if (status != 0 && status != 2) {
    std::string line;
    for (std::size_t i = 1; i < words.size(); ++i) line += " '" + words[i] + "'";
    throw Finding("exit status " + std::to_string(status) + " for smpsim" + line + "\n" +
                  err.str().substr(0, 2000));
  }
}

}  // namespace smpsim::fuzz

#ifndef SMPSIM_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    smpsim::fuzz::check_command_line({reinterpret_cast<const char*>(data), size});
  } catch (const smpsim::fuzz::Finding& finding) {
    std::fprintf(stderr, "smpsim fuzz finding: %s\n", finding.what());
    std::abort();
  }
  return 0;
}
#endif
