#include "text_limits.h"

#include <vector>

#include "smpsim/model/error.h"

namespace smpsim {

namespace {

std::string position(std::string_view text, std::size_t offset, const std::string& source_name) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return source_name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// Skips the string starting at text[i] (a quote); returns the offset after it, or text.size()
// when it is not closed (the parser reports that).
std::size_t skip_string(std::string_view text, std::size_t i) {
  const char quote = text[i];
  const bool triple = text.substr(i, 3) == std::string(3, quote);
  std::size_t j = i + (triple ? 3 : 1);
  while (j < text.size()) {
    const char c = text[j];
    if (quote == '"' && c == '\\') {
      j += 2;
      continue;
    }
    if (!triple && c == '\n') return j;  // unterminated: let the parser say so
    if (c == quote && (!triple || text.substr(j, 3) == std::string(3, quote))) {
      return j + (triple ? 3 : 1);
    }
    ++j;
  }
  return text.size();
}

}  // namespace

ValueProblem nesting_problem(std::string_view text) {
  const auto too_deep = [](std::size_t offset, const char* what) {
    return ValueProblem{std::string(what) + " nested deeper than " +
                            std::to_string(kMaxConfigNesting) +
                            " levels; smpsim reads configs nested at most " +
                            std::to_string(kMaxConfigNesting) + " deep",
                        offset};
  };
  std::vector<char> open;  // the brackets and braces of values, innermost last
  bool in_key = true;      // a key (or table header) is expected or being read
  std::size_t components = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = skip_string(text, i);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      if (open.empty()) {
        in_key = true;
        components = 1;
      }
      ++i;
      continue;
    }
    if (in_key && c == '.') {
      if (++components > kMaxConfigNesting) return too_deep(i, "a dotted key or table header");
    } else if (in_key && c == '=') {
      in_key = false;
    } else if (in_key && open.empty() && c == '[') {
      // A table header [a.b] or [[a.b]]: its brackets are not values' nesting.
    } else if (in_key && open.empty() && c == ']') {
    } else if (!in_key && (c == '[' || c == '{')) {
      open.push_back(c);
      if (open.size() > kMaxConfigNesting) return too_deep(i, "arrays and inline tables");
      if (c == '{') {
        in_key = true;
        components = 1;
      }
    } else if (in_key && !open.empty() && c == '}') {  // an empty or malformed inline table
      open.pop_back();
      in_key = false;  // the inline table was a value
    } else if (!in_key && (c == ']' || c == '}')) {
      if (!open.empty()) open.pop_back();
    } else if (!in_key && c == ',' && !open.empty() && open.back() == '{') {
      in_key = true;
      components = 1;
    }
    ++i;
  }
  return {};
}

void check_text_limits(std::string_view text, const std::string& source_name) {
  if (text.size() > kMaxConfigBytes) {
    throw InputError(source_name + ": the config is " + std::to_string(text.size()) +
                     " bytes; smpsim reads configs of at most 4 MiB (" +
                     std::to_string(kMaxConfigBytes) + " bytes)");
  }
  if (const ValueProblem problem = nesting_problem(text); !problem.reason.empty()) {
    throw InputError(position(text, problem.offset, source_name) + ": " + problem.reason);
  }
}

ValueProblem check_single_value(std::string_view text) {
  int depth = 0;  // inside brackets or braces
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = skip_string(text, i);
      continue;
    }
    if (c == '\n' || c == '\r') {
      return {"a --set value is one TOML value on one line; it holds a line break", i};
    }
    if (c == '#') {
      return {"a --set value is one TOML value; it holds a comment ('#' outside a string)", i};
    }
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && depth > 0) --depth;
    if (c == '=' && depth == 0) {
      return {
          "a --set value is one TOML value; a second '=' outside a string sets another key "
          "(one --set sets one key: pass --set again)",
          i};
    }
    ++i;
  }
  return {};
}

}  // namespace smpsim
