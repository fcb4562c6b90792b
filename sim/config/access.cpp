#include "smpsim/config/access.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "checks.h"
#include "smpsim/config/keys.h"
#include "smpsim/config/suggest.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"

namespace smpsim {

std::optional<DistributionField> find_distribution_field(const Parameters& parameters,
                                                         std::string_view dotted) {
  const auto dot = dotted.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const ConfigKey* owner = find_key(dotted.substr(0, dot));
  if (!owner || !std::holds_alternative<Distribution& (*)(Parameters&)>(owner->access)) {
    return std::nullopt;
  }
  const Distribution& d =
      std::get<Distribution& (*)(Parameters&)>(owner->access)(const_cast<Parameters&>(parameters));
  const auto index = d.field_index(dotted.substr(dot + 1));
  if (!index) return std::nullopt;
  return DistributionField{owner, *index};
}

namespace {

// Every key a user may write: the table's keys and the fields of the current distributions.
std::vector<std::string> writable_keys(const Parameters& parameters) {
  std::vector<std::string> names;
  for (const ConfigKey& k : config_keys()) {
    const std::string section = k.key.substr(0, k.key.find('.'));
    if (std::find(names.begin(), names.end(), section) == names.end()) names.push_back(section);
    names.push_back(k.key);
    if (auto access = std::get_if<Distribution& (*)(Parameters&)>(&k.access)) {
      for (std::string_view field : (*access)(const_cast<Parameters&>(parameters)).field_names()) {
        names.push_back(k.key + "." + std::string(field));
      }
    }
  }
  return names;
}

}  // namespace

std::string unknown_key_message(std::string_view key, const Parameters& parameters) {
  // A beta given by {a, b} has no mean to set or sweep until it is given by {mean, sd}.
  if (const auto dot = key.rfind('.'); dot != std::string_view::npos) {
    const ConfigKey* owner = find_key(key.substr(0, dot));
    const std::string_view field = key.substr(dot + 1);
    if (owner && std::holds_alternative<Distribution& (*)(Parameters&)>(owner->access) &&
        (field == "mean" || field == "sd")) {
      const Distribution& d = std::get<Distribution& (*)(Parameters&)>(owner->access)(
          const_cast<Parameters&>(parameters));
      if (d.kind() == DistributionKind::kBeta) {
        char moments[96];  // four digits: nearly the same beta, as a researcher would write it
        std::snprintf(moments, sizeof moments, "mean = %.4g, sd = %.4g", d.mean(),
                      std::sqrt(d.variance()));
        return in_quotes(key) + ": " + owner->key +
               " is a beta distribution given by {a, b}, which has no field " + in_quotes(field) +
               "; to set or sweep its " + std::string(field) +
               ", give it by mean and sd: " + owner->key + " = {dist = \"beta\", " + moments + "}";
      }
    }
  }
  // A section (or a distribution) given where a key of it belongs: name one of its keys.
  const std::string prefix = std::string(key) + ".";
  for (const std::string& name : writable_keys(parameters)) {
    if (name.starts_with(prefix)) {
      return in_quotes(key) + " is a section; did you mean " + in_quotes(name + " = ...") +
             "? (set its keys one by one)";
    }
  }
  // A dotted key is a key, not a section: suggest sections only for a bare word.
  std::vector<std::string> candidates = writable_keys(parameters);
  if (key.find('.') != std::string_view::npos) {
    std::erase_if(candidates,
                  [](const std::string& name) { return name.find('.') == std::string::npos; });
  }
  return "unknown key " + in_quotes(key) + did_you_mean(key, candidates);
}

double get_number(const Parameters& parameters, std::string_view key) {
  if (auto field = find_distribution_field(parameters, key)) {
    return std::get<Distribution& (*)(Parameters&)>(field->key->access)(
               const_cast<Parameters&>(parameters))
        .field(field->field);
  }
  const ConfigKey* spec = find_key(key);
  if (!spec) throw InputError(unknown_key_message(key, parameters));
  auto& p = const_cast<Parameters&>(parameters);
  if (auto access = std::get_if<double& (*)(Parameters&)>(&spec->access)) return (*access)(p);
  if (auto access = std::get_if<std::int64_t& (*)(Parameters&)>(&spec->access)) {
    return static_cast<double>((*access)(p));
  }
  throw InputError(std::string(key) +
                   ": not a numeric key (a sweep or range needs a number or a "
                   "distribution's field such as patient.itch.mean)");
}

void set_number(Parameters& parameters, std::string_view key, double value) {
  NumberKey(parameters, key).set(parameters, value);
}

NumberKey::NumberKey(const Parameters& parameters, std::string_view key) : key_(key) {
  if (auto field = find_distribution_field(parameters, key)) {
    spec_ = field->key;
    field_ = field->field;
    return;
  }
  spec_ = find_key(key);
  if (!spec_) throw InputError(unknown_key_message(key, parameters));
  if (!std::holds_alternative<double& (*)(Parameters&)>(spec_->access) &&
      !std::holds_alternative<std::int64_t& (*)(Parameters&)>(spec_->access)) {
    throw InputError(key_ +
                     ": not a numeric key (a sweep or range needs a number or a "
                     "distribution's field such as patient.itch.mean)");
  }
}

void NumberKey::set(Parameters& parameters, double value) {
  assign(parameters, value);
  check(parameters);
}

namespace {

// The place a failed check names; made only then, as a point's checks must cost nanoseconds.
std::string value_place(double value) {
  return "value " + format_short(value);
}

}  // namespace

void NumberKey::assign(Parameters& parameters, double value) const {
  if (field_) {
    std::get<Distribution& (*)(Parameters&)>(spec_->access)(parameters).set_field(*field_, value);
    return;
  }
  if (auto access = std::get_if<double& (*)(Parameters&)>(&spec_->access)) {
    if (!spec_->bounds.contains(value)) {
      check_bounds(spec_->bounds, value, value_place(value), key_);
    }
    (*access)(parameters) = value;
    return;
  }
  auto access = std::get<std::int64_t& (*)(Parameters&)>(spec_->access);
  if (value != std::floor(value)) fail(value_place(value), key_, "expected an integer");
  // Only a double below 2^63 in magnitude converts to an int64.
  if (!(std::abs(value) < 9223372036854775808.0) ||
      !integer_in_bounds(spec_->bounds, static_cast<std::int64_t>(value))) {
    fail(value_place(value), key_,
         "must be " + describe_integer_bounds(spec_->bounds) + ", got " + format_short(value));
  }
  access(parameters) = static_cast<std::int64_t>(value);
}

void NumberKey::check(const Parameters& parameters) {
  if (!field_) return;
  const Distribution& d =
      std::get<Distribution& (*)(Parameters&)>(spec_->access)(const_cast<Parameters&>(parameters));
  if (valid_ == d) return;
  if (std::optional<std::string> problem = distribution_problem(d, spec_->bounds)) {
    fail(value_place(d.field(*field_)), key_, *problem);
  }
  valid_ = d;
}

std::vector<NumberKey> number_keys(const Parameters& parameters,
                                   const std::vector<std::string>& keys) {
  std::vector<NumberKey> found;
  for (const std::string& key : keys) found.emplace_back(parameters, key);
  return found;
}

void set_numbers(Parameters& parameters, std::vector<NumberKey>& keys,
                 const std::vector<double>& values) {
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i].assign(parameters, values[i]);
  for (NumberKey& key : keys) key.check(parameters);
}

}  // namespace smpsim
