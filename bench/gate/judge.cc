#include "bench/gate/judge.h"

#include <algorithm>

namespace streambench::gate {

bool AllPassed(const std::vector<report::Check>& checks) {
  return std::all_of(checks.begin(), checks.end(),
                     [](const report::Check& check) { return check.passed; });
}

}  // namespace streambench::gate
