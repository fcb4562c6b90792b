#pragma once

// Checks and message helpers shared by the config layer's reader, accessors and TOML writer;
// private to sim/config/.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpsim/config/keys.h"

namespace smpsim {

std::string join(const std::vector<std::string>& items, std::string_view separator);

// Every outcome's name, in kOutcomes' order: the candidates of an unknown outcome's did_you_mean.
const std::vector<std::string>& outcome_names();

// Throws the InputError "WHERE: KEY: WHAT".
[[noreturn]] void fail(const std::string& where, std::string_view key, const std::string& what);

bool integer_in_bounds(const Bounds& bounds, std::int64_t value);
std::string describe_integer_bounds(const Bounds& bounds);
void check_bounds(const Bounds& bounds, double value, const std::string& where,
                  std::string_view key);
// Why `d` cannot be a key's distribution (its fields, its magnitude, its support against the
// key's valid values); nothing when it can. check_distribution throws it, naming the place.
std::optional<std::string> distribution_problem(const Distribution& d, const Bounds& support);
void check_distribution(const Distribution& d, const Bounds& support, const std::string& where,
                        std::string_view key);

// A distribution-valued key and the field a dotted key names in it (`patient.itch.mean`).
struct DistributionField {
  const ConfigKey* key;
  std::size_t field;
};
std::optional<DistributionField> find_distribution_field(const Parameters& parameters,
                                                         std::string_view dotted);

// "unknown key 'x'; did you mean 'y'?", searching every key a user may write.
std::string unknown_key_message(std::string_view key, const Parameters& parameters);

}  // namespace smpsim
