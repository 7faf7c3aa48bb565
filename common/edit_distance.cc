#include "common/edit_distance.h"

#include <algorithm>

namespace streambench {

size_t EditDistance(const std::string& a, const std::string& b) {
  // One row of the dynamic-programming table at a time: memory grows with b only.
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

NearestCandidate Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  NearestCandidate nearest;
  for (const std::string& candidate : candidates) {
    const size_t distance = EditDistance(word, candidate);
    if (distance < nearest.distance) {
      nearest.distance = distance;
      nearest.name = candidate;
    }
  }
  return nearest;
}

bool IsPlausibleTypo(const std::string& word, size_t distance) {
  return distance <= std::max<size_t>(2, word.size() / 3);
}

}  // namespace streambench
