#include "smpsim/run/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "smpsim/model/outcomes.h"

namespace smpsim {

namespace {

// A uniform integer in [0, n).
std::size_t uniform_index(RandomStream& stream, std::size_t n) {
  return std::min(static_cast<std::size_t>(stream.uniform() * static_cast<double>(n)), n - 1);
}

double mean_of(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double standard_deviation(std::span<const double> x) {
  if (x.size() < 2) return 0;
  const double m = mean_of(x);
  double squares = 0;
  for (double v : x) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(x.size() - 1));
}

// Parity of the set bits of x.
std::uint32_t parity(std::uint32_t x) {
  return static_cast<std::uint32_t>(__builtin_parity(x));
}

}  // namespace

UnitDesign latin_hypercube(std::size_t dimensions, std::size_t points, RandomStream stream) {
  UnitDesign design(points, std::vector<double>(dimensions));
  std::vector<std::size_t> strata(points);
  for (std::size_t i = 0; i < dimensions; ++i) {
    std::iota(strata.begin(), strata.end(), 0);
    for (std::size_t j = points; j > 1; --j)
      std::swap(strata[j - 1], strata[uniform_index(stream, j)]);
    for (std::size_t j = 0; j < points; ++j) {
      design[j][i] =
          (static_cast<double>(strata[j]) + stream.uniform()) / static_cast<double>(points);
    }
  }
  return design;
}

ScrambledSobol::ScrambledSobol(std::size_t dimensions, RandomStream stream)
    : sequence_(dimensions), scramble_(32 * dimensions), shift_(dimensions) {
  // Row k (k = 0 the most significant bit) keeps its own bit and mixes in random bits of the
  // more significant ones: a lower-triangular matrix with unit diagonal, which keeps the
  // sequence's net property.
  for (std::size_t d = 0; d < dimensions; ++d) {
    for (unsigned k = 0; k < 32; ++k) {
      const std::uint32_t own = 1u << (31 - k);
      const std::uint32_t higher = k == 0 ? 0u : ~((own << 1) - 1u);
      scramble_[32 * d + k] = own | (stream() & higher);
    }
    shift_[d] = stream();
  }
}

std::vector<double> ScrambledSobol::next() {
  std::vector<double> point(shift_.size());
  for (std::size_t d = 0; d < point.size(); ++d) {
    const std::uint32_t x = at_origin_ ? 0u : sequence_();
    std::uint32_t y = 0;
    for (unsigned k = 0; k < 32; ++k) y |= parity(scramble_[32 * d + k] & x) << (31 - k);
    y ^= shift_[d];
    point[d] = (static_cast<double>(y) + 0.5) * 0x1.0p-32;
  }
  at_origin_ = false;
  return point;
}

UnitDesign saltelli_design(std::size_t dimensions, std::size_t base_samples, RandomStream stream) {
  ScrambledSobol sobol(2 * dimensions, stream);
  UnitDesign a(base_samples), b(base_samples);
  for (std::size_t j = 0; j < base_samples; ++j) {
    const std::vector<double> row = sobol.next();
    a[j].assign(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(dimensions));
    b[j].assign(row.begin() + static_cast<std::ptrdiff_t>(dimensions), row.end());
  }
  UnitDesign design = a;
  design.insert(design.end(), b.begin(), b.end());
  for (std::size_t i = 0; i < dimensions; ++i) {
    for (std::size_t j = 0; j < base_samples; ++j) {
      std::vector<double> mixed = a[j];
      mixed[i] = b[j][i];
      design.push_back(std::move(mixed));
    }
  }
  return design;
}

MorrisDesign morris_design(std::size_t dimensions, std::size_t trajectories, std::size_t levels,
                           RandomStream stream) {
  const double step = 1.0 / static_cast<double>(levels - 1);
  const double delta = static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
  // Starting levels from which a step of delta stays in [0, 1].
  const auto starts = static_cast<std::size_t>(std::floor((1 - delta) / step + 1e-9)) + 1;
  MorrisDesign design;
  for (std::size_t r = 0; r < trajectories; ++r) {
    std::vector<double> x(dimensions);
    std::vector<bool> down(dimensions);
    for (std::size_t i = 0; i < dimensions; ++i) {
      const double base = static_cast<double>(uniform_index(stream, starts)) * step;
      down[i] = stream.uniform() < 0.5;
      x[i] = down[i] ? base + delta : base;
    }
    std::vector<std::size_t> order(dimensions);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t j = dimensions; j > 1; --j)
      std::swap(order[j - 1], order[uniform_index(stream, j)]);
    design.points.push_back(x);
    for (std::size_t i : order) {
      x[i] += down[i] ? -delta : delta;
      design.steps.push_back({design.points.size() - 1, design.points.size(), i});
      design.points.push_back(x);
    }
  }
  return design;
}

std::vector<SobolIndex> sobol_indices(std::span<const double> y, std::size_t dimensions,
                                      std::size_t base_samples, std::size_t resamples,
                                      RandomStream stream) {
  const std::size_t n = base_samples;
  if (y.size() != n * (dimensions + 2)) throw std::invalid_argument("sobol_indices: design size");
  const auto a = y.subspan(0, n), b = y.subspan(n, n);
  auto ab = [&](std::size_t i) { return y.subspan((2 + i) * n, n); };

  // The estimators over a selection of the base rows (all of them, or a bootstrap resample).
  auto estimate = [&](const std::vector<std::size_t>& rows) {
    double sum = 0, squares = 0;
    for (std::size_t j : rows) sum += a[j] + b[j];
    const double mean = sum / static_cast<double>(2 * rows.size());
    for (std::size_t j : rows)
      squares += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
    const double variance = squares / static_cast<double>(2 * rows.size());
    std::vector<std::pair<double, double>> indices(dimensions);
    for (std::size_t i = 0; i < dimensions; ++i) {
      const auto abi = ab(i);
      double first = 0, total = 0;
      for (std::size_t j : rows) {
        // f(B) centred: the same expectation (E[f(A_B) - f(A)] = 0), far less variance when
        // the outputs sit far from zero.
        first += (b[j] - mean) * (abi[j] - a[j]);
        total += (a[j] - abi[j]) * (a[j] - abi[j]);
      }
      const double m = static_cast<double>(rows.size());
      indices[i] = variance > 0 ? std::pair{first / m / variance, total / (2 * m) / variance}
                                : std::pair{0.0, 0.0};
    }
    return indices;
  };

  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  const auto point = estimate(rows);
  std::vector<std::vector<double>> first(dimensions), total(dimensions);
  for (std::size_t r = 0; r < resamples; ++r) {
    for (std::size_t& j : rows) j = uniform_index(stream, n);
    const auto resampled = estimate(rows);
    for (std::size_t i = 0; i < dimensions; ++i) {
      first[i].push_back(resampled[i].first);
      total[i].push_back(resampled[i].second);
    }
  }
  std::vector<SobolIndex> result(dimensions);
  for (std::size_t i = 0; i < dimensions; ++i) {
    result[i] = {point[i].first, kNormal95 * standard_deviation(first[i]), point[i].second,
                 kNormal95 * standard_deviation(total[i])};
  }
  return result;
}

MorrisIndex morris_index(std::span<const double> effects, std::size_t resamples,
                         RandomStream stream) {
  MorrisIndex index{};
  if (effects.empty()) return index;
  std::vector<double> absolute(effects.size());
  std::transform(effects.begin(), effects.end(), absolute.begin(),
                 [](double e) { return std::abs(e); });
  index.mu = mean_of(effects);
  index.mu_star = mean_of(absolute);
  index.sigma = standard_deviation(effects);
  std::vector<double> resampled(effects.size()), means;
  for (std::size_t r = 0; r < resamples; ++r) {
    for (double& v : resampled) v = absolute[uniform_index(stream, absolute.size())];
    means.push_back(mean_of(resampled));
  }
  index.mu_star_conf = kNormal95 * standard_deviation(means);
  return index;
}

}  // namespace smpsim
