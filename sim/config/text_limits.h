#pragma once
// Limits on config text checked before it reaches the TOML parser; private to sim/config/.
// toml++ parses nested tables, arrays and dotted keys by recursion, so a key nested tens of
// thousands of levels deep exhausts the stack: such text is refused here, with its location.

#include <cstddef>
#include <string>
#include <string_view>

namespace smpsim {

inline constexpr std::size_t kMaxConfigBytes = 4u << 20;  // 4 MiB
inline constexpr std::size_t kMaxConfigNesting = 64;      // tables, arrays, dotted components
inline constexpr std::size_t kMaxKeyCharacters = 256;     // a --set key (the longest is ~40)

// What is wrong with a text, and where: the reason (empty when nothing is) and its offset.
struct ValueProblem {
  std::string reason;
  std::size_t offset = 0;
};

// Where `text` (TOML) nests deeper than kMaxConfigNesting: brackets and braces outside strings,
// or components of one dotted key or table header.
ValueProblem nesting_problem(std::string_view text);

// Throws InputError "SOURCE:LINE:COLUMN: ..." when `text` is larger than kMaxConfigBytes or
// nests too deep (nesting_problem).
void check_text_limits(std::string_view text, const std::string& source_name);

// What a `--set` value may not hold outside strings: a newline, an `=` outside an inline table,
// or a table header.
ValueProblem check_single_value(std::string_view text);

}  // namespace smpsim
