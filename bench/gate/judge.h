// The judge interface: whatever decides pass or fail (the scenario's expectations, thresholds,
// a baseline comparison) turns a result into report::Check records, the one shape the console,
// the JSON, the JUnit file and the exit code read. Implementations: ExpectationJudge
// (expectation_judge.h), ThresholdJudge (threshold_judge.h), BaselineJudge (baseline_judge.h).
// Thread-safety: implementations are immutable after construction; Checks may be called from
// any thread.
#pragma once

#include <vector>

#include "bench/report/result.h"

namespace streambench::gate {

class Judge {
 public:
  virtual ~Judge() = default;
  // The checks of `result`, in report order. Reads the result only.
  virtual std::vector<report::Check> Checks(const report::ScenarioResult& result) const = 0;
};

// Whether every check passed.
bool AllPassed(const std::vector<report::Check>& checks);

}  // namespace streambench::gate
