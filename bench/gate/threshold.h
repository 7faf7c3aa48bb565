// Thresholds: k6-like pass/fail rules over a run's figures, e.g. `message_latency.p99 < 5ms`,
// `error_rate < 0.1%`, `throughput.messages_per_s > 20k`, `integrity_errors == 0`, optionally
// for one variant: `[variant=large-window] call_latency.p999 <= 50ms`. Syntax and metric list:
// bench/gate/README.md.
// Thread-safety: pure functions over plain values.
#pragma once

#include <string>
#include <vector>

#include "bench/gate/metrics.h"
#include "bench/report/result.h"

namespace streambench::gate {

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

const char* ComparisonSymbol(Comparison op);  // "<", "<=", ...

struct Threshold {
  std::string text;     // the expression as written (trimmed)
  std::string variant;  // only runs of this variant; empty = every run
  std::string metric;   // a known metric name (metrics.h)
  MetricUnit unit = MetricUnit::kCount;
  Comparison op = Comparison::kLess;
  double limit = 0;        // in the metric's unit: latency in us, error_rate as a fraction
  std::string limit_text;  // the limit as written ("5ms", "0.1%"), for messages
};

struct ThresholdResult {
  std::string threshold;  // Threshold::text
  std::string variant;    // the run judged (its variant name)
  std::string metric;
  bool passed = false;
  double measured = 0;  // in the metric's unit
  double limit = 0;     // in the metric's unit
  // "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)"
  std::string message;
};

// Parses one expression. On error returns false and sets *error to one line that quotes the
// expression and says what is wrong (an unknown metric is named, with a suggestion when one is
// close), e.g. `threshold "mesage_latency.p99 < 5ms": unknown metric "mesage_latency.p99" (did
// you mean "message_latency.p99"?)`.
bool ParseThreshold(const std::string& text, Threshold* out, std::string* error);

// Judges one run against one threshold (whatever its variant; see AppliesTo).
ThresholdResult EvaluateThreshold(const Threshold& threshold, const report::RunResult& run);

// Whether the threshold concerns this run (no variant given, or the run's variant).
bool AppliesTo(const Threshold& threshold, const report::RunResult& run);

// Every threshold against every run it applies to. A threshold whose variant matches no run
// yields one failed result saying so (a misspelt variant must not pass silently).
std::vector<ThresholdResult> EvaluateThresholds(const std::vector<Threshold>& thresholds,
                                                const report::ScenarioResult& result);

}  // namespace streambench::gate
