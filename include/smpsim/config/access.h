#pragma once

#include <string_view>

#include "smpsim/model/parameters.h"

namespace smpsim {

// Numeric view of the parameters for sweeps and --set: any numeric key or a distribution's
// field (`patient.itch.mean`). Throws InputError naming the key when it is not numeric.
double get_number(const Parameters& parameters, std::string_view key);
void set_number(Parameters& parameters, std::string_view key, double value);

}  // namespace smpsim
