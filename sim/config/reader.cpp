#include "smpsim/config/loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checks.h"
#include "smpsim/config/access.h"
#include "smpsim/config/keys.h"
#include "smpsim/config/suggest.h"
#include "smpsim/config/validation.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "text_limits.h"
#include "toml_values.h"

namespace smpsim {

namespace {

// toml++'s description of a syntax error, with the likely cause where its words hide it.
std::string syntax_error_text(std::string_view description) {
  if (description.find("unescaped control characters") != std::string_view::npos) {
    return "a string is not closed before the end of its line (a missing closing quote?)";
  }
  if (description.find("redefine") != std::string_view::npos) {
    return "a key or table is defined twice";  // toml++ 3.3 garbles the key's name here
  }
  return std::string(description);
}

// The offending line of a config, quoted under an error message.
std::string source_line(std::string_view text, std::size_t line) {
  std::size_t start = 0;
  for (std::size_t n = 1; n < line && start != std::string_view::npos; ++n) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start >= text.size()) return {};
  std::string_view content = text.substr(start, text.find('\n', start) - start);
  if (content.size() > 120) content = content.substr(0, 120);
  for (char c : content) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return {};  // binary: do not echo
  }
  return "\n  | " + std::string(content);
}

}  // namespace

std::string location(const toml::node& node) {
  const toml::source_region& source = node.source();
  std::ostringstream out;
  out << (source.path ? *source.path : std::string("<config>")) << ":" << source.begin.line << ":"
      << source.begin.column;
  return out.str();
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    default:
      return "nothing";
  }
}

double read_number(const toml::node& node, const std::string& where, std::string_view key) {
  double value;
  if (auto i = node.as_integer()) {
    value = static_cast<double>(i->get());
  } else if (auto f = node.as_floating_point()) {
    value = f->get();
  } else {
    fail(where, key, "expected a number, got " + type_name(node));
  }
  if (!std::isfinite(value))
    fail(where, key, "must be a finite number, got " + format_short(value));
  return value;
}

// " given by {a, b}" for a family written in two ways (beta), else nothing.
std::string given_by(const Distribution& d) {
  if (d.kind() != DistributionKind::kBeta && d.kind() != DistributionKind::kBetaMeanSd) return {};
  return " given by {" +
         join(std::vector<std::string>(d.field_names().begin(), d.field_names().end()), ", ") + "}";
}

// A field of the family's other way of writing it (a beta's mean of a beta given by {a, b}):
// how to write it that way.
std::string other_fields_hint(const Distribution& d, std::string_view field) {
  const bool shapes = field == "a" || field == "b";
  const bool moments = field == "mean" || field == "sd";
  if ((d.kind() == DistributionKind::kBeta && moments) ||
      (d.kind() == DistributionKind::kBetaMeanSd && shapes)) {
    return std::string("; write the whole distribution to change how it is given: ") +
           (moments ? "{dist = \"beta\", mean = ..., sd = ...}"
                    : "{dist = \"beta\", a = ..., b = ...}");
  }
  return {};
}

// A distribution table: `{dist = "gamma", mean = 3, sd = 2.5}` replaces the distribution;
// a table without `dist` (`{mean = 4}`) changes fields of the current one.
Distribution read_distribution(const toml::node& node, const Distribution& current,
                               const Bounds& support, const std::string& where,
                               std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) {
    fail(where, key,
         "expected a distribution table such as {dist = \"lognormal\", median = 1, sigma = 0.3}, "
         "got " +
             type_name(node));
  }
  const toml::node* dist = table->get("dist");
  std::optional<DistributionKind> kind = current.kind();
  std::string kind_text(kind_name(current.kind()));
  if (dist) {
    if (!dist->is_string()) {
      fail(location(*dist), key,
           "dist must be one of constant, normal, truncnormal, "
           "lognormal, uniform, gamma, beta");
    }
    kind_text = dist->as_string()->get();
    kind = parse_kind(kind_text);
  }
  if (!kind) {
    std::vector<std::string> names(kind_names().begin(), kind_names().end());
    const std::string hint = did_you_mean(kind_text, names);
    fail(location(*dist), key, "unknown distribution " + in_quotes(kind_text) + hint);
  }
  if (dist && *kind == DistributionKind::kBeta) {
    // A beta is given by its shapes {a, b} or, as researchers state it, by {mean, sd}.
    const bool shapes = table->contains("a") || table->contains("b");
    const bool moments = table->contains("mean") || table->contains("sd");
    if (shapes && moments) {
      fail(where, key, "a beta distribution is given by {a, b} or by {mean, sd}, not both");
    }
    if (moments) kind = DistributionKind::kBetaMeanSd;
  }
  Distribution d = dist ? Distribution(*kind, {}) : current;
  std::vector<bool> seen(d.field_names().size(), !dist);
  for (const auto& [field_key, field_node] : *table) {
    const std::string field(field_key.str());
    if (field == "dist") continue;
    const auto index = d.field_index(field);
    if (!index) {
      std::vector<std::string> names(d.field_names().begin(), d.field_names().end());
      const std::string hint = did_you_mean(field, names);
      fail(location(field_node), key,
           "a " + kind_text + " distribution" + given_by(d) + " has no field " + in_quotes(field) +
               hint + other_fields_hint(d, field));
    }
    d.set_field(*index,
                read_number(field_node, location(field_node), std::string(key) + "." + field));
    seen[*index] = true;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      fail(where, key, "a " + kind_text + " distribution needs " + in_quotes(d.field_names()[i]));
    }
  }
  check_distribution(d, support, where, key);
  return d;
}

namespace {

std::vector<Correlation> read_correlations(const toml::node& node, const std::string& where,
                                           std::string_view key) {
  const toml::array* entries = node.as_array();
  if (!entries)
    fail(where, key, "expected an array of [attribute, attribute, rho], got " + type_name(node));
  const std::vector<std::string> names(kAttributeNames.begin(), kAttributeNames.end());
  std::vector<Correlation> result;
  for (const toml::node& entry : *entries) {
    const std::string at = location(entry);
    const toml::array* triple = entry.as_array();
    if (!triple || triple->size() != 3 || !(*triple)[0].is_string() || !(*triple)[1].is_string()) {
      fail(at, key, "each entry must be [\"attribute\", \"attribute\", rho]");
    }
    Correlation c{(*triple)[0].as_string()->get(), (*triple)[1].as_string()->get(),
                  read_number((*triple)[2], at, key)};
    for (const std::string& name : {c.first, c.second}) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        const std::string hint = did_you_mean(name, names);
        fail(at, key, "unknown patient attribute " + in_quotes(name) + hint);
      }
    }
    if (c.first == c.second) fail(at, key, "an attribute cannot be correlated with itself");
    if (c.rho < -1 || c.rho > 1)
      fail(at, key, "rho must be in [-1, 1], got " + format_short(c.rho));
    for (const Correlation& other : result) {
      if ((other.first == c.first && other.second == c.second) ||
          (other.first == c.second && other.second == c.first)) {
        fail(at, key, "the pair (" + c.first + ", " + c.second + ") is given twice");
      }
    }
    result.push_back(std::move(c));
  }
  return result;
}

std::vector<std::string> read_string_list(const toml::node& node, const std::string& where,
                                          std::string_view key) {
  const toml::array* items = node.as_array();
  if (!items) fail(where, key, "expected an array of strings, got " + type_name(node));
  std::vector<std::string> result;
  for (const toml::node& item : *items) {
    if (!item.is_string()) fail(location(item), key, "expected a string, got " + type_name(item));
    result.push_back(item.as_string()->get());
  }
  return result;
}

// `"dotted.key" = [values]` (grid) or `"dotted.key" = {low = a, high = b}` (ranges).
std::vector<SweptParameter> read_swept_parameters(const toml::node& node, const std::string& where,
                                                  std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) fail(where, key, "expected a table of \"dotted.key\" = [values] or {low, high}");
  std::vector<SweptParameter> result;
  for (const auto& [name, value] : *table) {
    const std::string at = location(value);
    SweptParameter swept{std::string(name.str()), {}, 0, 0};
    const std::string what = std::string(key) + "." + swept.key;
    if (const ConfigKey* target = find_key(swept.key);
        target && !std::holds_alternative<double& (*)(Parameters&)>(target->access) &&
        !std::holds_alternative<std::int64_t& (*)(Parameters&)>(target->access)) {
      const bool distribution =
          std::holds_alternative<Distribution& (*)(Parameters&)>(target->access);
      fail(at, what,
           std::string("not a numeric key") +
               (distribution ? " (a distribution: sweep one of its fields, e.g. " + swept.key +
                                   ".mean or ." + "median)"
                             : ""));
    }
    if (const toml::array* values = value.as_array()) {
      if (values->empty()) fail(at, what, "an empty list of values");
      for (const toml::node& v : *values) swept.values.push_back(read_number(v, at, what));
    } else if (const toml::table* range = value.as_table()) {
      for (const auto& [field, bound] : *range) {
        if (field.str() != "low" && field.str() != "high") {
          // `kinetics.k_enc = [...]` unquoted is a TOML sub-table {k_enc = [...]}.
          fail(location(bound), what,
               "a range has only low and high, not " + in_quotes(field.str()) +
                   "; to sweep a dotted key write it whole, in quotes: \"" + swept.key + "." +
                   std::string(field.str()) + "\" = ...");
        }
      }
      if (!range->get("low") || !range->get("high")) fail(at, what, "a range needs low and high");
      swept.low = read_number(*range->get("low"), at, what);
      swept.high = read_number(*range->get("high"), at, what);
      if (!(swept.low < swept.high)) {
        fail(at, what,
             "an empty range: low (" + format_short(swept.low) + ") must be < high (" +
                 format_short(swept.high) + ")");
      }
    } else {
      fail(at, what, "expected [values] or {low = a, high = b}, got " + type_name(value));
    }
    result.push_back(std::move(swept));
  }
  return in_written_order(*table, result);
}

}  // namespace

// ---- Loading --------------------------------------------------------------------------------

ConfigLoader::ConfigLoader() : parameters_(default_parameters()) {}

void ConfigLoader::apply_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(
        path + ": cannot read config: " +
        (std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
  }
  // Refuse a huge file before reading it (check_text_limits says the same of any text).
  if (const auto size = std::filesystem::file_size(path, error); !error && size > kMaxConfigBytes) {
    throw InputError(path + ": the config is " + std::to_string(size) +
                     " bytes; smpsim reads configs of at most 4 MiB (" +
                     std::to_string(kMaxConfigBytes) + " bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read config: permission denied");
  std::ostringstream text;
  text << in.rdbuf();
  name_ = std::filesystem::path(path).stem().string();
  apply_text(text.str(), path);
}

void ConfigLoader::apply_text(std::string_view toml_text, const std::string& source_name) {
  check_text_limits(toml_text, source_name);
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw InputError(source_name + ":" + std::to_string(begin.line) + ":" +
                     std::to_string(begin.column) + ": TOML syntax error: " +
                     syntax_error_text(e.description()) + source_line(toml_text, begin.line));
  }
  apply_table(table, "");
}

void ConfigLoader::apply_table(const toml::table& table, std::string_view prefix) {
  for (const auto& [name, node] : table) {
    const std::string full = std::string(prefix) + std::string(name.str());
    if (find_key(full) || find_distribution_field(parameters_, full)) {
      assign(full, node, location(node));
      continue;
    }
    // A section ([kinetics]) or a dotted path leading to keys: descend.
    const std::string section = full + ".";
    const bool leads_to_keys =
        std::any_of(config_keys().begin(), config_keys().end(),
                    [&](const ConfigKey& k) { return k.key.starts_with(section); });
    if (leads_to_keys && node.is_table()) {
      apply_table(*node.as_table(), section);
      continue;
    }
    if (leads_to_keys) {
      std::string first_key;
      for (const ConfigKey& k : config_keys()) {
        if (k.key.starts_with(section)) {
          first_key = k.key;
          break;
        }
      }
      throw InputError(location(node) + ": " + full + ": expected a table of keys (a [" + full +
                       "] section), got " + type_name(node) + "; " + in_quotes(full) +
                       " is a section; did you mean " + in_quotes(first_key + " = ...") + "?");
    }
    throw InputError(location(node) + ": " + unknown_key_message(full, parameters_));
  }
}

void ConfigLoader::assign(std::string_view key, const toml::node& value, const std::string& where) {
  origin_[std::string(key)] = where;
  if (key == "sweep.baseline" && value.is_table()) {
    // A baseline named by values: {"patient.adherence.value" = 0.0, ...}.
    parameters_.sweep.baseline = -1;
    parameters_.sweep.baseline_values.clear();
    for (const auto& [name, entry] : *value.as_table()) {
      const std::string swept(name.str());
      parameters_.sweep.baseline_values.emplace_back(
          swept, read_number(entry, location(entry), std::string(key) + "." + swept));
    }
    if (parameters_.sweep.baseline_values.empty()) {
      fail(where, key,
           "an empty table: name each baseline value, e.g. {\"patient.itch.mean\" = 1.0}");
    }
    return;
  }
  if (key == "sweep.baseline") parameters_.sweep.baseline_values.clear();
  if (auto field = find_distribution_field(parameters_, key)) {
    Distribution& d = std::get<Distribution& (*)(Parameters&)>(field->key->access)(parameters_);
    d.set_field(field->field, read_number(value, where, key));
    check_distribution(d, field->key->bounds, where, key);
    return;
  }
  const ConfigKey* spec = find_key(key);
  if (!spec) throw InputError(where + ": " + unknown_key_message(key, parameters_));
  std::visit(
      [&](auto access) {
        auto& target = access(parameters_);
        using T = std::remove_reference_t<decltype(target)>;
        if constexpr (std::is_same_v<T, double>) {
          target = read_number(value, where, key);
          check_bounds(spec->bounds, target, where, key);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          const auto integer = value.as_integer();
          if (!integer) fail(where, key, "expected an integer, got " + type_name(value));
          target = integer->get();
          if (!integer_in_bounds(spec->bounds, target)) {
            fail(where, key,
                 "must be " + describe_integer_bounds(spec->bounds) + ", got " +
                     std::to_string(target));
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          const auto boolean = value.as_boolean();
          if (!boolean) fail(where, key, "expected true or false, got " + type_name(value));
          target = boolean->get();
        } else if constexpr (std::is_same_v<T, std::string>) {
          const auto text = value.as_string();
          if (!text) fail(where, key, "expected a string, got " + type_name(value));
          const std::string& chosen = text->get();
          const auto& choices = spec->choices;
          if (!choices.empty() &&
              std::find(choices.begin(), choices.end(), chosen) == choices.end()) {
            const std::string hint = did_you_mean(chosen, choices);
            fail(where, key, in_quotes(chosen) + " is not one of " + join(choices, ", ") + hint);
          }
          target = chosen;
        } else if constexpr (std::is_same_v<T, Distribution>) {
          target = read_distribution(value, target, spec->bounds, where, key);
        } else if constexpr (std::is_same_v<T, std::vector<Correlation>>) {
          target = read_correlations(value, where, key);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          target = read_string_list(value, where, key);
        } else {
          if constexpr (std::is_same_v<T, std::vector<SweptParameter>>) {
            target = read_swept_parameters(value, where, key);
          } else if constexpr (std::is_same_v<T, std::vector<CalibratedParameter>>) {
            target = read_calibrated_parameters(value, where, key);
          } else {
            target = read_calibration_targets(value, where, key);
          }
          for (const auto& [name, entry] : *value.as_table()) {
            origin_[std::string(key) + "." + std::string(name.str())] = location(entry);
          }
        }
      },
      spec->access);
}

void ConfigLoader::apply_override(std::string_view assignment) {
  if (assignment.size() > kMaxConfigBytes) {
    throw InputError("--set: the assignment is " + std::to_string(assignment.size()) +
                     " bytes; smpsim reads at most 4 MiB (" + std::to_string(kMaxConfigBytes) +
                     " bytes)");
  }
  // Quote a long assignment only in part.
  const std::string where =
      "--set " + (assignment.size() <= 160 ? std::string(assignment)
                                           : std::string(assignment.substr(0, 160)) + "...");
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw InputError(where + ": expected KEY=VALUE, e.g. kinetics.k_enc=0.5");
  }
  std::string key(assignment.substr(0, equals));
  key.erase(key.find_last_not_of(" \t") + 1);
  const std::string_view value_text = assignment.substr(equals + 1);
  if (key.size() > kMaxKeyCharacters) {
    throw InputError(where + ": a key of " + std::to_string(key.size()) +
                     " characters; no config key is longer than " +
                     std::to_string(kMaxKeyCharacters));
  }
  if (!find_key(key) && !find_distribution_field(parameters_, key)) {
    throw InputError(where + ": " + unknown_key_message(key, parameters_));
  }
  const std::string where_short = "--set " + key;
  // A problem in the value, with its place counted from the value's first character.
  const auto refuse = [&](const ValueProblem& problem, std::size_t value_begin) {
    throw InputError(where_short + ": " + problem.reason + " (at character " +
                     std::to_string(problem.offset - value_begin + 1) + " of the value)");
  };
  if (const ValueProblem problem = check_single_value(value_text); !problem.reason.empty()) {
    refuse(problem, 0);
  }
  // Parsed as the one key of a document, `value = VALUE`.
  constexpr std::string_view kValueKey = "value = ";
  const std::string value_line = std::string(kValueKey) + std::string(value_text);
  if (const ValueProblem problem = nesting_problem(value_line); !problem.reason.empty()) {
    refuse(problem, kValueKey.size());
  }
  toml::table parsed;
  try {
    parsed = toml::parse(value_line, where);
  } catch (const toml::parse_error& e) {
    // A bare word is most likely a string meant without quotes.
    throw InputError(where + ": " + key + ": cannot read the value " + in_quotes(value_text) +
                     " as TOML (" + std::string(e.description()) +
                     "); strings need quotes, e.g. run.output=\"a.h5\"");
  }
  if (parsed.size() != 1 || !parsed.get("value")) {
    throw InputError(where_short + ": " + key +
                     ": a --set value is one TOML value; it sets other keys too");
  }
  assign(key, *parsed.get("value"), where);
}

std::string ConfigLoader::where_of(std::string_view key) const {
  const auto it = origin_.find(key);
  return it == origin_.end() ? std::string("defaults") : it->second;
}

Parameters ConfigLoader::finish() const {
  // A calibrated key takes its values from its prior: one also set in the same run to another
  // value than its default is refused. (Set to its default it is allowed: the resolved config,
  // `smpsim check`'s output and the file's `config`, states every key and must read back.)
  static const Parameters defaults = default_parameters();
  for (const CalibratedParameter& calibrated : parameters_.calibration.parameters) {
    if (origin_.count(calibrated.key) && find_key(calibrated.key) &&
        get_number(parameters_, calibrated.key) != get_number(defaults, calibrated.key)) {
      throw InputError(where_of("calibration.parameters." + calibrated.key) +
                       ": calibration.parameters." + calibrated.key +
                       ": the key is also set to a constant, at " + where_of(calibrated.key) +
                       "; a calibrated key takes its values from its prior: remove one of them");
    }
  }
  try {
    validate(parameters_);
  } catch (const InputError& e) {
    // validate() names keys; add where the first of them was set.
    // validate() starts its messages with the key; cite where that key was set.
    const std::string message = e.what();
    const std::string first = message.substr(0, message.find(':'));
    for (std::string key = first; !key.empty();
         key = key.substr(0, std::min(key.size(), key.rfind('.')))) {
      if (origin_.count(key)) throw InputError(where_of(key) + ": " + message);
      if (key.find('.') == std::string::npos) break;
    }
    throw;
  }
  return parameters_;
}

Parameters load_parameters(const std::optional<std::string>& path,
                           const std::vector<std::string>& overrides) {
  ConfigLoader loader;
  if (path) loader.apply_file(*path);
  for (const std::string& assignment : overrides) loader.apply_override(assignment);
  return loader.finish();
}
}  // namespace smpsim
