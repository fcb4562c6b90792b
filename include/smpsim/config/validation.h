#pragma once

#include <cstdint>

#include "smpsim/model/parameters.h"

namespace smpsim {

// At most this many points in a sweep.
inline constexpr std::int64_t kMaxSweepPoints = 1'000'000;

// The number of points a sweep has (1 for method "none"), counted from its spec before any
// point is made; a double, so that a typo asking for 10^20 points is counted, not overflowed.
double sweep_points(const SweepSpec& sweep);

// Cross-key checks of finish(): the sweep and convergence specs, then validate_point.
void validate(const Parameters& parameters);
// The checks a sweep point can fail by the values the sweep gives it (rules between keys,
// convergence targets); run on every point, while the sweep spec is checked once.
void validate_point(const Parameters& parameters);

}  // namespace smpsim
