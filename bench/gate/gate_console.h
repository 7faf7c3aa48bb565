// Console output of the gate: the side-by-side baseline table (also `streambench compare`) and
// the list of threshold / baseline results saying which check failed and by how much.
// Thread-safety: pure functions; they write only to the given stream.
#pragma once

#include <ostream>
#include <vector>

#include "bench/gate/baseline.h"
#include "bench/gate/threshold.h"

namespace streambench::gate {

// Per variant, one row per compared metric: baseline, current, ratio current/baseline, verdict
// ("ok", "better", "worse" within tolerance, "REGRESSED").
void PrintBaselineTable(const std::vector<BaselineCheck>& checks, std::ostream& out);

// One line per threshold result and per failed baseline check ("PASS  ..." / "FAIL  ..."), then
// "gate: PASS" or "gate: FAIL (n of m checks failed)". Returns the number of failed checks.
int PrintGateSummary(const std::vector<ThresholdResult>& thresholds,
                     const std::vector<BaselineCheck>& baseline, std::ostream& out);

}  // namespace streambench::gate
