#pragma once

// The property the config fuzzer checks, shared by the libFuzzer target (fuzz_config.cpp, built
// with clang by scripts/fuzz.sh) and the replay of its corpus and regressions in every ctest run.

#include <stdexcept>
#include <string_view>

namespace smpsim::fuzz {

// Something bad input must never cause: an exception other than InputError, a config that
// to_toml writes but that does not read back to the same parameters, a sweep plan that does not
// have the points validation counted.
class Finding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Reads `input` as a config file, then its `#set KEY=VALUE` comment lines as --set overrides,
// and validates it. Bad input must end in an InputError; a valid config must write itself with
// to_toml and read back to the same parameters, and (when small enough) plan its sweep.
// Throws Finding otherwise; crashes and undefined behaviour are the sanitizers' to find.
void check_config(std::string_view input);

}  // namespace smpsim::fuzz
