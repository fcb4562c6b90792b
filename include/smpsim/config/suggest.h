#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smpsim {

// The closest of `candidates` to `word` (edit distance, also against each candidate's last
// dotted component), when it is plausibly a typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "; did you mean 'x'?" for the closest candidate, or "" when none is close: the one hint of
// every "unknown ..." message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// 'text', quoted as messages quote the user's words.
std::string in_quotes(std::string_view text);

}  // namespace smpsim
