// Tolerances of the baseline comparison (`--tolerance 15%`, `--tolerance
// message_latency.p99=25%`): how far each compared metric may worsen, relative to the baseline,
// before it counts as a regression; and which metrics a baseline comparison compares.
// Thread-safety: pure functions over plain values.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace streambench::criteria {

// Allowed relative worsening, as fractions (0.1 = 10%).
struct Tolerances {
  double default_fraction = 0.10;
  std::map<std::string, double> per_metric;  // metric name -> fraction; overrides the default
  double For(const std::string& metric) const;
};

// Applies one `--tolerance` value: "15%" or "0.15" sets the default; "message_latency.p99=25%"
// sets one metric's (the metric must be one of BaselineMetrics()). Errors are one line.
bool ParseTolerance(const std::string& text, Tolerances* tolerances, std::string* error);

// The metrics a baseline comparison compares, in report order (their better direction comes from
// the metric catalogue).
const std::vector<std::string>& BaselineMetrics();

}  // namespace streambench::criteria
