// Nearest-name suggestions for "unknown key `lod`; did you mean `load`?" messages.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace streambench::scenario {

// The candidate closest to `word` if it is close enough to be a plausible typo (distance at most
// max(2, length / 3), or differing only in case or `-`/`_`), else "". Ties go to the earlier
// candidate.
std::string NearestName(const std::string& word, const std::vector<std::string>& candidates);

// "`a`, `b` or `c`" for messages listing the valid choices.
std::string JoinChoices(const std::vector<std::string>& choices);

}  // namespace streambench::scenario
