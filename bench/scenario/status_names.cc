#include "bench/scenario/status_names.h"

#include "server/common/status_code_names.h"

namespace streambench::scenario {

const std::vector<std::string>& StatusNames() {
  // Built once from the shared table; a vector of strings because the validator's "did you
  // mean" search (NearestName) takes one.
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    names.reserve(kStatusCodeCount);
    for (int code = 0; code < kStatusCodeCount; ++code) {
      names.emplace_back(CanonicalStatusCodeName(code));
    }
    return names;
  }();
  return kNames;
}

int StatusCodeFromName(const std::string& name) { return StatusCodeFromCanonicalName(name); }

}  // namespace streambench::scenario
