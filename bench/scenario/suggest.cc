#include "bench/scenario/suggest.h"

#include <cctype>

#include "common/edit_distance.h"

namespace streambench::scenario {
namespace {

std::string Normalize(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string NearestName(const std::string& word, const std::vector<std::string>& candidates) {
  // Unknown keys can be arbitrarily long garbage; comparing a bounded prefix keeps this cheap.
  if (word.size() > 200) return "";
  // A name differing only in case or `-`/`_` wins over any nearer one by edit distance.
  const std::string normalized = Normalize(word);
  for (const std::string& candidate : candidates) {
    if (Normalize(candidate) == normalized) return candidate;
  }
  const NearestCandidate nearest = Nearest(word, candidates);
  return IsPlausibleTypo(word, nearest.distance) ? nearest.name : "";
}

std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += "`" + choices[i] + "`";
  }
  return out;
}

}  // namespace streambench::scenario
