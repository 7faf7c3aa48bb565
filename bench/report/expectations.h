// Expectations: judges one run against its scenario's `expect` block (status shares, minimum
// call counts, integrity) and says, per check, what was measured and what the limit was.
// Thread-safety: pure functions over plain values.
#pragma once

#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::report {

// True when the scenario deliberately breaks streams (an injected failure status or client
// cancellation), so in-flight messages may legitimately be lost.
bool InjectsFaults(const scenario::Scenario& scenario);

// Replaces run->checks with one check per rule and sets run->pass = every check passed:
//  - "no traffic": fails when the run finished no call and moved no message;
//  - "status <CODE>" per status in scenario.expect.statuses (default {"OK": some}): its share of
//    finished calls within [min_fraction, max_fraction] and its count >= min_calls;
//  - "unexpected statuses": fails when a status that is not listed occurred;
//  - "integrity errors": lost + duplicated + reordered + corrupted must be 0 unless
//    expect.allow_integrity_errors or InjectsFaults(scenario).
void EvaluateExpectations(const scenario::Scenario& scenario, RunResult* run);

}  // namespace streambench::report
