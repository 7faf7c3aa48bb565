// A gate metric's value in a run and its human-readable spelling, for the judges and the gate's
// console and JUnit output. The metrics themselves are the result model's catalogue
// (report/result_fields.h).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/report/result_fields.h"

namespace streambench::gate {

// The metric's value in `run` (in its unit: latencies in us). `name` must be a known metric.
double MetricValue(const std::string& name, const report::RunResult& run);

// A value in its unit, human-readable: "1.25ms", "0.10%", "20.0k/s", "3".
std::string FormatMetricValue(double value, report::MetricUnit unit);

// As FormatMetricValue, in the unit of metric `name`.
std::string FormatMetricValue(double value, const std::string& name);

}  // namespace streambench::gate
