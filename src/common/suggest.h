#pragma once
// "Did you mean ...?": the nearest of some names to one that is unknown, by edit distance
// (Levenshtein: insertions, deletions and substitutions of one character each cost 1).

#include <string>
#include <string_view>

namespace careflow {

size_t edit_distance(std::string_view a, std::string_view b, bool ignore_case = false);

// The candidate closest to `unknown` within `max_edits` edits (the first of equals), or "".
// `name_of` turns a candidate into the name compared.
template <typename Candidates, typename NameOf>
std::string nearest(std::string_view unknown, const Candidates& candidates, size_t max_edits, NameOf name_of,
                    bool ignore_case = false) {
  std::string best;
  size_t best_distance = max_edits + 1;
  for (const auto& candidate : candidates) {
    const std::string name(name_of(candidate));
    const size_t d = edit_distance(unknown, name, ignore_case);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best;
}

}  // namespace careflow
