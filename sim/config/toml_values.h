#pragma once

// The reader's helpers for TOML values, shared by the config reader's files; private to
// sim/config/.
#include <toml++/toml.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smpsim/config/keys.h"

namespace smpsim {

std::string location(const toml::node& node);   // "file:line:column"
std::string type_name(const toml::node& node);  // "a table", "an integer", ...
double read_number(const toml::node& node, const std::string& where, std::string_view key);
// A distribution table: `{dist = "gamma", mean = 3, sd = 2.5}` replaces the distribution;
// a table without `dist` (`{mean = 4}`) changes fields of the current one.
Distribution read_distribution(const toml::node& node, const Distribution& current,
                               const Bounds& support, const std::string& where,
                               std::string_view key);

// [calibration.parameters] and [calibration.targets] (calibration_reader.cpp).
std::vector<CalibratedParameter> read_calibrated_parameters(const toml::node& node,
                                                            const std::string& where,
                                                            std::string_view key);
std::vector<CalibrationTarget> read_calibration_targets(const toml::node& node,
                                                        const std::string& where,
                                                        std::string_view key);

// A table's entries in the order they were written (toml++ keeps its keys sorted): the order
// of a sweep's summary columns and grid nesting, and of a calibration's parameters and targets.
template <typename T>
std::vector<T> in_written_order(const toml::table& table, const std::vector<T>& items) {
  std::vector<std::pair<toml::source_position, std::size_t>> written;
  std::size_t index = 0;
  for (const auto& entry : table) written.push_back({entry.first.source().begin, index++});
  std::stable_sort(written.begin(), written.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line
                                        : a.first.column < b.first.column;
  });
  std::vector<T> ordered;
  for (const auto& [position, i] : written) ordered.push_back(items[i]);
  return ordered;
}

}  // namespace smpsim
