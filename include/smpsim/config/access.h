#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpsim/config/keys.h"
#include "smpsim/model/parameters.h"

namespace smpsim {

// Numeric view of the parameters for sweeps and --set: any numeric key or a distribution's
// field (`patient.itch.mean`). Throws InputError naming the key when it is not numeric.
double get_number(const Parameters& parameters, std::string_view key);
void set_number(Parameters& parameters, std::string_view key, double value);

// A numeric key looked up once and set many times: a sweep checks each of up to 10^6 points
// before any runs, setting the same few keys each time. The checks are set_number's; what it
// saves is the search of the key table by name and, for a distribution's field, the check of
// the distribution when it is as it was last found valid (in a grid, all but the innermost key's
// distributions stay so from one point to the next). The parameters it sets must give the
// key's distribution the family it had where the key was found (a field's index depends on it):
// true of every point of a sweep.
class NumberKey {
 public:
  // Throws InputError, as set_number does, when `key` is not a numeric key of `parameters`.
  NumberKey(const Parameters& parameters, std::string_view key);
  // assign then check: set_number.
  void set(Parameters& parameters, double value);
  // Writes the value, with the checks of a plain key (bounds, integer); a distribution's field
  // is only written, as the distribution may be valid only once its other fields are written
  // too (a beta's mean and sd, both swept).
  void assign(Parameters& parameters, double value) const;
  // Checks the distribution the field is of, as it now stands; nothing for a plain key.
  void check(const Parameters& parameters);

 private:
  std::string key_;
  const ConfigKey* spec_;              // the key, or the distribution-valued key the field is of
  std::optional<std::size_t> field_;   // the field's index, for a distribution's field
  std::optional<Distribution> valid_;  // the distribution as it was last found valid
};

// Each of `keys` found once in `parameters`.
std::vector<NumberKey> number_keys(const Parameters& parameters,
                                   const std::vector<std::string>& keys);
// Sets keys[i] to values[i], all written before any distribution is checked: a beta's mean and
// sd set together are one state, whatever order the keys come in. A sweep's point, a
// calibration's proposal.
void set_numbers(Parameters& parameters, std::vector<NumberKey>& keys,
                 const std::vector<double>& values);

}  // namespace smpsim
