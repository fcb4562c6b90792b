#pragma once

#include <string>

namespace smpsim {

// Shortest decimal text that reads back as the same double, always a TOML float ("2.0").
std::string format_number(double value);
// The same for messages: "2", "0.55", "1e+06".
std::string format_short(double value);

}  // namespace smpsim
