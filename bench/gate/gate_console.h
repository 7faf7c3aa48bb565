// Console output of the gate: the side-by-side baseline table (also `streambench compare`) and
// the list of threshold / baseline results saying which check failed and by how much.
// Thread-safety: pure functions; they write only to the given stream. A sink is used by one
// thread at a time.
#pragma once

#include <ostream>
#include <vector>

#include "bench/report/result.h"
#include "bench/report/result_sink.h"

namespace streambench::gate {

// Per variant, one row per compared metric: baseline, current, ratio current/baseline, verdict
// ("ok", "better", "worse" within tolerance, "REGRESSED").
void PrintBaselineTable(const std::vector<report::Check>& checks, std::ostream& out);

// One line per threshold result and per failed baseline check ("PASS  ..." / "FAIL  ..."), then
// "gate: PASS" or "gate: FAIL (n of m checks failed)". Returns the number of failed checks.
int PrintGateSummary(const std::vector<report::Check>& thresholds,
                     const std::vector<report::Check>& baseline, std::ostream& out);

// The gate's part of the console (nothing when the gate was not evaluated): the baseline table
// when there was a baseline, then the summary. With `failures_only` (--quiet), only the summary,
// and only when a check failed.
class GateConsoleSink : public report::ResultSink {
 public:
  GateConsoleSink(std::ostream& out, bool failures_only)
      : out_(out), failures_only_(failures_only) {}
  bool Write(const report::ScenarioResult& result, std::vector<std::string>* errors) override;

 private:
  std::ostream& out_;
  bool failures_only_;
};

}  // namespace streambench::gate
