// Expectations: judges one run against its scenario's `expect` block (status shares, minimum
// call counts, integrity) and says, per check, what was measured and what the limit was.
// Thread-safety: pure functions over plain values; ExpectationJudge is immutable.
#pragma once

#include <vector>

#include "bench/gate/judge.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::gate {

// True when the scenario deliberately breaks streams (an injected failure status or client
// cancellation), so in-flight messages may legitimately be lost, or asks the server to inject
// integrity faults (server_behavior.integrity_faults), which the run is meant to detect.
bool InjectsFaults(const scenario::Scenario& scenario);

// One check per rule:
//  - "no traffic": fails when the run finished no call and moved no message;
//  - "status <CODE>" per status in scenario.expect.statuses (default {"OK": some}): its share of
//    finished calls within [min_fraction, max_fraction] and its count >= min_calls;
//  - "unexpected statuses": fails when a status that is not listed occurred;
//  - "integrity errors": lost + duplicated + reordered + corrupted must be 0 unless
//    expect.allow_integrity_errors or InjectsFaults(scenario).
std::vector<report::Check> ExpectationChecks(const scenario::Scenario& scenario,
                                             const report::RunResult& run);

// Replaces run->checks with ExpectationChecks and sets run->pass = every check passed (what the
// runner does as each run ends).
void EvaluateExpectations(const scenario::Scenario& scenario, report::RunResult* run);

// The judge over a whole result: each run against the scenario of its variant in `file` (a run
// of a variant the file does not have yields no checks).
class ExpectationJudge : public Judge {
 public:
  explicit ExpectationJudge(const scenario::ScenarioFile& file) : file_(file) {}
  std::vector<report::Check> Checks(const report::ScenarioResult& result) const override;

 private:
  const scenario::ScenarioFile& file_;  // outlives the judge
};

}  // namespace streambench::gate
