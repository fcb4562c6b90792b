#pragma once

namespace smpsim {

// Set at build time by cmake/build_info.cmake.
extern const char* const kVersion;
extern const char* const kGitCommit;

}  // namespace smpsim
