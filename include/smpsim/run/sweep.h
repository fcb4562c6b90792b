#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/run/sensitivity.h"

namespace smpsim {

// The points of a study: each is the base parameters with the swept keys set to its values.
// Every point simulates the same patients (ids 0, 1, ...) on the same random streams, so points
// are compared on common random numbers.
struct SweepPlan {
  std::string method;                       // none | grid | lhs | sobol | morris
  std::vector<std::string> keys;            // swept keys, in the config's order
  std::vector<std::vector<double>> values;  // values[point][key]
  std::size_t base_samples = 0;             // sobol: N
  std::vector<MorrisStep> morris_steps;
  // Per point, the point its paired effects are taken against; empty without a baseline.
  std::vector<std::int64_t> baselines;
  // What every point starts from: the base parameters without the swept lists (a point needs
  // only its own values; each point copying the lists made a grid over n values cost time and
  // memory in n^2). Shared by the points, set by plan_sweep.
  std::shared_ptr<const Parameters> point_base;

  std::size_t points() const { return values.size(); }
};

// Builds the plan of a study's [sweep] (a single point without one). Designs draw from the
// stream keyed by the run's seed and purpose kDesign; integer keys take rounded values. Every
// point's parameters are validated; an invalid point is an InputError naming it.
SweepPlan plan_sweep(const Parameters& parameters);

// The parameters of one point.
Parameters point_parameters(const Parameters& base, const SweepPlan& plan, std::size_t point);

// Design streams, by substream.
enum class DesignStream : std::uint32_t {
  kPoints = 1,
  kSobolBootstrap = 2,
  kMorrisBootstrap = 3,
};
RandomStream design_stream(const Parameters& parameters, DesignStream which,
                           std::uint32_t index = 0);

}  // namespace smpsim
