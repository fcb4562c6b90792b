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
  if (word.size() > 256) return best;  // no key is that long; the distance would take long
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    // Compare with the candidate's last component too, so `k_enk` finds `kinetics.k_enc`.
    const auto dot = candidate.rfind('.');
    std::size_t d = edit_distance(word, candidate);
    if (dot != std::string::npos && word.find('.') == std::string_view::npos) {
      d = std::min(d, edit_distance(word, std::string_view(candidate).substr(dot + 1)));
    }
    // A key under the wrong section (`protocol.k_enc`, `aftercare.adherence`,
    // `aftercare.itch.mean`): compare what follows the sections, a little dearer than a typo
    // within the right section.
    if (const auto word_dot = word.find('.'), section_end = candidate.find('.');
        section_end != std::string::npos && word_dot != std::string_view::npos) {
      const std::string_view word_last = word.substr(word_dot + 1);
      const std::string_view candidate_last = std::string_view(candidate).substr(section_end + 1);
      const std::size_t apart = edit_distance(word_last, candidate_last);
      if (word_last.size() >= 3 && apart <= (word_last.size() >= 8 ? 2u : 1u)) {
        d = std::min(d, 1 + apart);
      }
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
