// The threshold judge: each parsed threshold (criteria/threshold.h) against the runs it applies
// to, as report::Check records (name = the expression, measured and limit in the metric's unit,
// detail = "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)").
// Thread-safety: pure functions; ThresholdJudge is immutable.
#pragma once

#include <vector>

#include "bench/criteria/threshold.h"
#include "bench/gate/judge.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::gate {

// Whether the threshold concerns this run (no variant given, or the run's variant).
bool AppliesTo(const criteria::Threshold& threshold, const report::RunResult& run);

// Judges one run against one threshold (whatever its variant; see AppliesTo).
report::Check EvaluateThreshold(const criteria::Threshold& threshold, const report::RunResult& run);

// Every threshold against every run it applies to. A threshold whose variant matches no run
// yields one failed check saying so (a misspelt variant must not pass silently).
std::vector<report::Check> EvaluateThresholds(const std::vector<criteria::Threshold>& thresholds,
                                              const report::ScenarioResult& result);

// The thresholds of a scenario file and of the command line. Scenario thresholds, each in
// declaration order (first seen across the file's runs), are judged against the completed runs
// whose own scenario declares it (a variant's `set` may change the list); one whose variant never
// ran is a failed check. Command-line thresholds apply to every run (EvaluateThresholds).
class ThresholdJudge : public Judge {
 public:
  ThresholdJudge(const scenario::ScenarioFile& file, std::vector<criteria::Threshold> command_line)
      : file_(file), command_line_(std::move(command_line)) {}
  std::vector<report::Check> Checks(const report::ScenarioResult& result) const override;

 private:
  const scenario::ScenarioFile& file_;  // outlives the judge
  std::vector<criteria::Threshold> command_line_;
};

}  // namespace streambench::gate
