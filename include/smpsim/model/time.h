#pragma once

#include <limits>

namespace smpsim {

// Times are days since the first session's start. An event that never happens is at kNever,
// so it sorts after every real time and comparisons need no special case.
inline constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace smpsim
