#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "smpsim/model/parameters.h"

namespace smpsim {

// A closed or open numeric interval: a key's valid values, or the support a distribution-valued
// key's distribution must stay within.
struct Bounds {
  double low;
  double high;
  bool low_open = false;
  bool high_open = false;
  bool contains(double x) const;
  std::string describe() const;  // "in [0, 1]", "> 0", ">= 0"
};

using ConfigValue =
    std::variant<double, std::int64_t, bool, std::string, Distribution, std::vector<Correlation>,
                 std::vector<std::string>, std::vector<SweptParameter>,
                 std::vector<CalibratedParameter>, std::vector<CalibrationTarget>>;
using ConfigAccessor =
    std::variant<double& (*)(Parameters&), std::int64_t& (*)(Parameters&), bool& (*)(Parameters&),
                 std::string& (*)(Parameters&), Distribution& (*)(Parameters&),
                 std::vector<Correlation>& (*)(Parameters&),
                 std::vector<std::string>& (*)(Parameters&),
                 std::vector<SweptParameter>& (*)(Parameters&),
                 std::vector<CalibratedParameter>& (*)(Parameters&),
                 std::vector<CalibrationTarget>& (*)(Parameters&)>;

// One config key: its dotted name (`kinetics.k_enc`), default, unit, valid range and meaning
// with the source of the default. A text key may list the values it accepts.
struct ConfigKey {
  std::string key;
  ConfigValue default_value;
  std::string unit;
  Bounds bounds;
  std::string meaning;
  ConfigAccessor access;
  std::vector<std::string> choices = {};
};

// The key table: every key of every section, in the order `smpsim check` prints them.
const std::vector<ConfigKey>& config_keys();
const ConfigKey* find_key(std::string_view key);
// The parameters every key's default gives: `smpsim run` without a config.
Parameters default_parameters();

}  // namespace smpsim
