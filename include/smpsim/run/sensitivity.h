#pragma once

#include <boost/random/sobol.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "smpsim/model/rng.h"

namespace smpsim {

// Points in the unit cube [0, 1)^d, one row per point.
using UnitDesign = std::vector<std::vector<double>>;

// ---- Designs ------------------------------------------------------------------------------

// A Latin hypercube of n points: each dimension's n strata hold one point each.
UnitDesign latin_hypercube(std::size_t dimensions, std::size_t points, RandomStream stream);

// A Sobol sequence (Joe-Kuo direction numbers, through Boost) scrambled by a random linear
// matrix and a digital shift (Matousek), so estimates get honest random error, not the
// unscrambled sequence's bias. Starts at point 0, so the first 2^m points form a net.
class ScrambledSobol {
 public:
  ScrambledSobol(std::size_t dimensions, RandomStream stream);
  std::vector<double> next();

 private:
  boost::random::sobol_engine<std::uint32_t, 32> sequence_;  // from point 1 on
  bool at_origin_ = true;                // point 0, which Boost skips, is the origin; we keep it
  std::vector<std::uint32_t> scramble_;  // 32 rows per dimension of a lower-triangular matrix
  std::vector<std::uint32_t> shift_;     // per dimension
};

// Saltelli's design for Sobol indices from N base samples of a 2d-dimensional scrambled
// Sobol sequence: rows A (N), then B (N), then A_B^(i) (N each, A with column i from B), for
// i = 1..d: N (d + 2) points.
UnitDesign saltelli_design(std::size_t dimensions, std::size_t base_samples, RandomStream stream);

// Morris's trajectories: r random one-at-a-time paths of d + 1 points on a grid of `levels`
// levels, each step changing one parameter by delta = levels / (2 (levels - 1)).
struct MorrisStep {
  std::size_t from;       // point index
  std::size_t to;         // point index
  std::size_t parameter;  // which parameter changed
};
struct MorrisDesign {
  UnitDesign points;
  std::vector<MorrisStep> steps;
};
MorrisDesign morris_design(std::size_t dimensions, std::size_t trajectories, std::size_t levels,
                           RandomStream stream);

// ---- Estimators ---------------------------------------------------------------------------

// First-order (Saltelli 2010, with f(B) centred on the sample mean) and total (Jansen 1999)
// indices with bootstrap 95 % intervals (1.96 x the bootstrap standard deviation, as SALib
// reports them). `y` holds the model
// output at the points of saltelli_design, in its order.
struct SobolIndex {
  double s1;
  double s1_conf;
  double st;
  double st_conf;
};
std::vector<SobolIndex> sobol_indices(std::span<const double> y, std::size_t dimensions,
                                      std::size_t base_samples, std::size_t resamples,
                                      RandomStream stream);

// Elementary effects per parameter: mu* (mean |EE|) with its bootstrap 95 % interval, mu and
// sigma. `effects[i]` holds parameter i's elementary effects.
struct MorrisIndex {
  double mu_star;
  double mu_star_conf;
  double mu;
  double sigma;
};
MorrisIndex morris_index(std::span<const double> effects, std::size_t resamples,
                         RandomStream stream);

}  // namespace smpsim
