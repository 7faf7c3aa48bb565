// Levenshtein distance and the nearest-candidate search behind the "did you mean" suggestions for
// misspelt names: the gate's metric names (SuggestMetric) and the scenario's keys and values
// (scenario::NearestName).
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace streambench {

// Insertions, deletions and substitutions turning `a` into `b` (case-sensitive, byte-wise).
// Costs a.size() x b.size(): callers bound the length of untrusted words.
size_t EditDistance(const std::string& a, const std::string& b);

struct NearestCandidate {
  std::string name;                           // "" when there were no candidates
  size_t distance = static_cast<size_t>(-1);  // EditDistance(word, name)
};

// The candidate with the smallest EditDistance to `word`; ties go to the earlier candidate.
NearestCandidate Nearest(const std::string& word, const std::vector<std::string>& candidates);

// Whether `distance` is small enough for a plausible typo of `word`: at most a third of its
// length, and always at least 2 edits.
bool IsPlausibleTypo(const std::string& word, size_t distance);

}  // namespace streambench
