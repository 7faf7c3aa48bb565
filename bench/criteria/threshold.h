// Thresholds: k6-like pass/fail rules over a run's figures, e.g. `message_latency.p99 < 5ms`,
// `error_rate < 0.1%`, `throughput.messages_per_s > 20k`, `integrity_errors == 0`, optionally
// for one variant: `[variant=large-window] call_latency.p999 <= 50ms`. Syntax and metric list:
// bench/gate/README.md. This is the grammar only: scenario files keep parsed thresholds, and the
// gate's threshold judge (gate/threshold_judge.h) measures runs against them.
// Thread-safety: pure functions over plain values.
#pragma once

#include <string>

#include "bench/criteria/metric_names.h"

namespace streambench::criteria {

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

const char* ComparisonSymbol(Comparison op);  // "<", "<=", ...

struct Threshold {
  std::string text;     // the expression as written (trimmed)
  std::string variant;  // only runs of this variant; empty = every run
  std::string metric;   // a known metric name (metric_names.h)
  MetricUnit unit = MetricUnit::kCount;
  Comparison op = Comparison::kLess;
  double limit = 0;        // in the metric's unit: latency in us, error_rate as a fraction
  std::string limit_text;  // the limit as written ("5ms", "0.1%"), for messages

  // Two thresholds are the same rule when they read the same (the parsed fields follow).
  bool operator==(const Threshold& other) const { return text == other.text; }
};

// Parses one expression. On error returns false and sets *error to one line that quotes the
// expression and says what is wrong (an unknown metric is named, with a suggestion when one is
// close), e.g. `threshold "mesage_latency.p99 < 5ms": unknown metric "mesage_latency.p99" (did
// you mean "message_latency.p99"?)`.
bool ParseThreshold(const std::string& text, Threshold* out, std::string* error);

// Whether `measured` satisfies `op` against `limit`.
bool Holds(double measured, Comparison op, double limit);

}  // namespace streambench::criteria
