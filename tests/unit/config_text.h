#pragma once

// Parameters from a config's text, for the unit tests of every layer from config up.

#include <string>

#include "smpsim/config/config.h"

namespace smpsim::testing {

// The parameters a config text gives, read as the file `file` (error messages name it).
inline Parameters from_text(const std::string& text, const std::string& file = "test.toml") {
  ConfigLoader loader;
  loader.apply_text(text, file);
  return loader.finish();
}

}  // namespace smpsim::testing
