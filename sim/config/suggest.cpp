#include "smpsim/config/suggest.h"

#include <algorithm>
#include <limits>

namespace smpsim {

namespace {

// Edit distance (Levenshtein), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string in_quotes(std::string_view text) {
  std::string result(1, '\'');
  result.append(text);
  result.push_back('\'');
  return result;
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    // Compare with the candidate's last component too, so `k_enk` finds `kinetics.k_enc`.
    const auto dot = candidate.rfind('.');
    std::size_t d = edit_distance(word, candidate);
    if (dot != std::string::npos && word.find('.') == std::string_view::npos) {
      d = std::min(d, edit_distance(word, std::string_view(candidate).substr(dot + 1)));
    }
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Suggest only what is plausibly a typo.
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const auto near = closest_match(word, candidates);
  return near ? "; did you mean " + in_quotes(*near) + "?" : std::string();
}

}  // namespace smpsim
