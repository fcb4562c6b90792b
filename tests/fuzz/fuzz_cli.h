#pragma once

// The property the command-line fuzzer checks, shared by the libFuzzer target (fuzz_cli.cpp,
// built with clang by scripts/fuzz.sh) and the replay of its corpus in every ctest run.

#include <string_view>

#include "fuzz_config.h"  // Finding

namespace smpsim::fuzz {

// Splits `input` into a command line and runs it through smpsim's own entry point
// (run_command_line). The input is `CONFIG\0\0WORD\0WORD...`: the part before the first "\0\0"
// (if any) is written to a scratch config file that the word "{config}" names; the words are
// the arguments after `smpsim`. Only `check` and `trace` run (a first word that is neither gets
// `check` put before it), so no input simulates a cohort; trace's patient is kept small (16
// dots, constant itch, appended as --set) so that one input stays within milliseconds.
// stdout and stderr go to memory. Bad input must end in exit status 0 or 2: a 1 (a runtime
// failure from input alone, such as a raw Boost error) or any other status throws Finding;
// crashes and undefined behaviour are the sanitizers' to find.
void check_command_line(std::string_view input);

}  // namespace smpsim::fuzz
