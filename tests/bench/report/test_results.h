// Fully populated results shared by the report tests (every field non-default, so a round trip
// that dropped a field would show).
#pragma once

#include "bench/report/result.h"

namespace streambench::report::testing {

RunResult SampleRun(const std::string& variant);
ScenarioResult SampleResult();

}  // namespace streambench::report::testing
