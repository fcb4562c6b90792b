#pragma once

#include <string>
#include <string_view>

#include "smpsim/model/parameters.h"

namespace smpsim {

// The fully resolved config as TOML: every key, exact numbers; reads back to equal parameters.
// With `explain`, each key is followed by a comment giving its unit, valid range and meaning.
std::string to_toml(const Parameters& parameters, bool explain = false);

// `text` as a TOML basic string, "..." with escapes: reads back as the same text.
std::string toml_quoted(std::string_view text);

}  // namespace smpsim
