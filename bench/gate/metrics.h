// Gate metrics: the names thresholds and baseline comparisons use for a run's figures
// (`message_latency.p99`, `throughput.messages_per_s`, `error_rate`, `calls.UNAVAILABLE`,
// `integrity_errors`, ...), their units, and how to read them from a report::RunResult.
// Thread-safety: pure functions over plain values.
#pragma once

#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::gate {

// What a metric's number means, which decides the units a limit may be written in.
enum class MetricUnit {
  kLatencyUs,  // microseconds; limits written with us, ms or s
  kFraction,   // in [0, 1]; limits written as a fraction or with %
  kPerSecond,  // a rate; limits written as plain numbers, k/M/G suffixes, optional "/s"
  kCount,      // a count; plain numbers, k/M/G suffixes
};

// True if `name` is a known metric; sets *unit.
bool LookupMetric(const std::string& name, MetricUnit* unit);

// The metric's value in `run` (in the metric's unit: latencies in us). `name` must be known.
// error_rate = non-OK finished calls / finished calls (0 without finished calls); a latency of a
// kind the run did not record is 0.
double MetricValue(const std::string& name, const report::RunResult& run);

// Every known metric name (calls.<CODE> for all 17 codes), for suggestions and help.
std::vector<std::string> KnownMetricNames();

// The closest known name to a misspelt one, or "" when nothing is close.
std::string SuggestMetric(const std::string& name);

// A value in its unit, human-readable: "1.25ms", "0.10%", "20.0k/s", "3".
std::string FormatMetricValue(double value, MetricUnit unit);

}  // namespace streambench::gate
