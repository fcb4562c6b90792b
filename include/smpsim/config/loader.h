#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpsim/model/parameters.h"

namespace toml {
inline namespace v3 {
class node;
class table;
}  // namespace v3
}  // namespace toml

namespace smpsim {

// Builds Parameters from the defaults, a TOML file (optional) and `--set KEY=VALUE` overrides,
// in that order. Every problem is an InputError naming the file, line and column or the option.
class ConfigLoader {
 public:
  ConfigLoader();

  void apply_file(const std::string& path);
  void apply_text(std::string_view toml_text, const std::string& source_name);
  void apply_override(std::string_view assignment);  // "kinetics.k_enc=0.5"
  // Checks relations between keys (min_sessions <= max_sessions, a positive definite
  // correlation matrix, ...) and returns the parameters.
  Parameters finish() const;

  // The config's name for default output paths: the file's stem, or "default".
  const std::string& name() const { return name_; }

 private:
  void apply_table(const toml::table& table, std::string_view prefix);
  void assign(std::string_view key, const toml::node& value, const std::string& where);
  std::string where_of(std::string_view key) const;

  Parameters parameters_;
  std::string name_ = "default";
  std::map<std::string, std::string, std::less<>> origin_;  // key -> "file:line:column"
};

// Reads a config the way `smpsim run CONFIG --set ...` does.
Parameters load_parameters(const std::optional<std::string>& path,
                           const std::vector<std::string>& overrides);

}  // namespace smpsim
