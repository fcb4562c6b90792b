#include "smpsim/config/to_toml.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "checks.h"
#include "smpsim/config/keys.h"
#include "smpsim/model/format.h"

namespace smpsim {

std::string toml_quoted(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(c));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

std::string to_toml(const Parameters& parameters, bool explain) {
  auto& p = const_cast<Parameters&>(parameters);
  std::ostringstream out;
  std::string section;
  for (const ConfigKey& k : config_keys()) {
    const auto dot = k.key.find('.');
    const std::string this_section = k.key.substr(0, dot);
    if (this_section != section) {
      out << (section.empty() ? "" : "\n") << "[" << this_section << "]\n";
      section = this_section;
    }
    out << k.key.substr(dot + 1) << " = ";
    if (k.key == "sweep.baseline" && !p.sweep.baseline_values.empty()) {
      out << "{";
      for (std::size_t i = 0; i < p.sweep.baseline_values.size(); ++i) {
        out << (i ? ", " : " ") << toml_quoted(p.sweep.baseline_values[i].first) << " = "
            << format_number(p.sweep.baseline_values[i].second);
      }
      out << " }";
      if (explain) out << "  # the baseline, named by values of swept keys";
      out << "\n";
      continue;
    }
    std::visit(
        [&](auto access) {
          const auto& value = access(p);
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (std::is_same_v<T, double>) {
            out << format_number(value);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            out << value;
          } else if constexpr (std::is_same_v<T, bool>) {
            out << (value ? "true" : "false");
          } else if constexpr (std::is_same_v<T, std::string>) {
            out << toml_quoted(value);
          } else if constexpr (std::is_same_v<T, Distribution>) {
            out << value.to_toml();
          } else if constexpr (std::is_same_v<T, std::vector<Correlation>>) {
            out << "[";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : "") << "[\"" << value[i].first << "\", \"" << value[i].second
                  << "\", " << format_number(value[i].rho) << "]";
            }
            out << "]";
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            out << "[";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : "") << toml_quoted(value[i]);
            }
            out << "]";
          } else if constexpr (std::is_same_v<T, std::vector<CalibratedParameter>>) {
            out << "{";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : " ") << toml_quoted(value[i].key) << " = "
                  << value[i].prior.to_toml();
            }
            out << (value.empty() ? "}" : " }");
          } else if constexpr (std::is_same_v<T, std::vector<CalibrationTarget>>) {
            out << "{";
            for (std::size_t i = 0; i < value.size(); ++i) {
              const CalibrationTarget& t = value[i];
              out << (i ? ", " : " ") << toml_quoted(t.name)
                  << " = { statistic = " << toml_quoted(t.statistic);
              if (t.statistic.ends_with("_daily")) {
                out << ", series = " << toml_quoted(t.series) << ", day = " << format_number(t.day);
              } else {
                out << ", outcome = " << toml_quoted(t.outcome);
              }
              if (t.statistic == "quantile") out << ", q = " << format_number(t.q);
              if (!t.compare.empty())
                out << ", " << t.compare << " = " << format_number(t.threshold);
              out << ", value = " << format_number(t.value) << ", sd = " << format_number(t.sd)
                  << " }";
            }
            out << (value.empty() ? "}" : " }");
          } else {
            out << "{";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : " ") << "\"" << value[i].key << "\" = ";
              if (!value[i].values.empty()) {
                out << "[";
                for (std::size_t j = 0; j < value[i].values.size(); ++j) {
                  out << (j ? ", " : "") << format_number(value[i].values[j]);
                }
                out << "]";
              } else {
                out << "{ low = " << format_number(value[i].low)
                    << ", high = " << format_number(value[i].high) << " }";
              }
            }
            out << (value.empty() ? "}" : " }");
          }
        },
        k.access);
    if (explain) {
      out << "  # ";
      if (!k.unit.empty()) out << "[" << k.unit << "] ";
      if (std::holds_alternative<std::int64_t>(k.default_value)) {
        out << describe_integer_bounds(k.bounds) << "; ";
      } else if (std::isfinite(k.bounds.low) || std::isfinite(k.bounds.high)) {
        out << k.bounds.describe() << "; ";
      }
      out << k.meaning;
    }
    out << "\n";
  }
  return out.str();
}
}  // namespace smpsim
