#include "smpsim/model/format.h"

#include <charconv>
#include <cmath>

namespace smpsim {

std::string format_short(double value) {
  std::string text = format_number(value);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  // Keep it a TOML float: "2" reads back as an integer.
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

}  // namespace smpsim
