// The baseline judge: this run's results against an earlier results file, per variant and per
// metric (criteria::BaselineMetrics), direction-aware (lower throughput and higher latency,
// error rate or integrity errors are worse), each metric allowed to worsen by a relative
// tolerance (criteria/tolerance.h) before it counts as a regression.
// Thread-safety: pure functions; BaselineJudge is immutable.
#pragma once

#include <vector>

#include "bench/criteria/tolerance.h"
#include "bench/gate/judge.h"
#include "bench/report/result.h"

namespace streambench::gate {

// Compares per variant (matched by name; with repeats, the median of each metric) and per
// metric. A variant only in the baseline is a failed check (it can no longer be verified); a
// variant only in the current result is a passed check noting it has no baseline. A latency kind
// recorded in neither is skipped; recorded only in the baseline, it fails; only now, it passes.
// Zero baselines: for error_rate and integrity_errors any increase from 0 is a regression.
// Each check: name and metric = the metric ("" when the variant is missing on one side),
// measured = the current median, limit = the baseline's median, `baseline` figures set, detail =
// "message_latency.p99 3.10ms vs 2.00ms baseline: x1.55, worse by 55.0% (tolerance 10.0%)".
std::vector<report::Check> CompareToBaseline(const report::ScenarioResult& current,
                                             const report::ScenarioResult& baseline,
                                             const criteria::Tolerances& tolerances);

// How much worse `current` is than `baseline`, as a fraction of the baseline (negative: better);
// +infinity when the baseline is 0 and a lower-is-better figure rose.
double WorseFraction(report::Better better, double baseline, double current);

class BaselineJudge : public Judge {
 public:
  BaselineJudge(const report::ScenarioResult& baseline, criteria::Tolerances tolerances)
      : baseline_(baseline), tolerances_(std::move(tolerances)) {}
  std::vector<report::Check> Checks(const report::ScenarioResult& result) const override {
    return CompareToBaseline(result, baseline_, tolerances_);
  }

 private:
  const report::ScenarioResult& baseline_;  // outlives the judge
  criteria::Tolerances tolerances_;
};

}  // namespace streambench::gate
