// Baseline comparison: this run's results against an earlier results file, per variant and per
// metric, direction-aware (lower throughput and higher latency, error rate or integrity errors
// are worse), each metric allowed to worsen by a relative tolerance before it counts as a
// regression.
// Thread-safety: pure functions over plain values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::gate {

// Allowed relative worsening, as fractions (0.1 = 10%).
struct Tolerances {
  double default_fraction = 0.10;
  std::map<std::string, double> per_metric;  // metric name -> fraction; overrides the default
  double For(const std::string& metric) const;
};

// Applies one `--tolerance` value: "15%" or "0.15" sets the default; "message_latency.p99=25%"
// sets one metric's (the metric must be one CompareToBaseline compares). Errors are one line.
bool ParseTolerance(const std::string& text, Tolerances* tolerances, std::string* error);

enum class Direction { kHigherIsWorse, kLowerIsWorse };

struct BaselineCheck {
  std::string variant;
  std::string metric;  // "" when the variant itself is missing on one side
  Direction direction = Direction::kHigherIsWorse;
  double baseline = 0;  // median over the baseline's runs of this variant (repeats)
  double current = 0;   // median over this result's runs of this variant
  double ratio = 1;     // current / baseline; 1 when both are 0; +infinity when only baseline is 0
  double tolerance_fraction = 0;
  bool passed = true;
  bool missing = false;  // the variant (or, for latency, the measurement) is absent on one side
  // "message_latency.p99 3.10ms vs 2.00ms baseline: x1.55, worse by 55.0% (tolerance 10.0%)"
  std::string message;
};

// The metrics compared, in order, and their directions.
const std::vector<std::pair<std::string, Direction>>& ComparedMetrics();

// Compares per variant (matched by name; with repeats, the median of each metric) and per
// metric. A variant only in the baseline is a failed check (it can no longer be verified); a
// variant only in the current result is a passed check noting it has no baseline. A latency kind
// recorded in neither is skipped; recorded only in the baseline, it fails; only now, it passes.
// Zero baselines: for error_rate and integrity_errors any increase from 0 is a regression.
std::vector<BaselineCheck> CompareToBaseline(const report::ScenarioResult& current,
                                             const report::ScenarioResult& baseline,
                                             const Tolerances& tolerances);

}  // namespace streambench::gate
