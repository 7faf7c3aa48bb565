// The field table of the result model: every scalar figure of a RunResult once, with its JSON key
// path, CSV column, gate metric name, unit, better direction, accessor and doc line. The JSON
// writer and reader, the CSV columns, the console's latency rows and integrity counts, and the
// gate's metric catalogue (Metrics() below, read by criteria/metric_names.h) are all derived from
// it, so a new figure is added here only.
// Thread-safety: the tables are built once on first use (thread-safe statics) and immutable after.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/report/result.h"

namespace streambench::report {

// What a figure's number means; decides how it is printed and which units a threshold limit
// may be written in.
enum class MetricUnit {
  kLatencyUs,  // microseconds; limits written with us, ms or s
  kFraction,   // in [0, 1]; limits written as a fraction or with %
  kPerSecond,  // a rate; limits written as plain numbers, k/M/G suffixes, optional "/s"
  kCount,      // a count; plain numbers, k/M/G suffixes
  kSeconds,    // a duration in seconds (not a gate metric)
  kText,       // a name or a flag (not a gate metric)
};

// One stored field of a RunResult, typed.
using FieldRef = std::variant<std::string*, bool*, int*, int64_t*, uint64_t*, double*>;

// Where a run's composite values (maps and lists) stand among its scalar fields; their JSON and
// CSV shapes are written by hand beside the table.
enum class Composite {
  kNone,
  kCallsByCode,
  kOutages,
  kLatency,
  kChecks,
  kCapacitySteps,
  kHistograms,
  kCountHistograms,
  kSeries
};

struct RunField {
  std::string json_path;   // dotted key path in a run's JSON object ("calls.started")
  std::string csv_column;  // "" = not a CSV column
  std::string metric;      // gate metric name ("calls.started"); "" = not a metric
  MetricUnit unit = MetricUnit::kCount;
  Better better = Better::kLower;         // meaningful for metrics only
  std::string doc;                        // one line: what the figure is
  FieldRef (*ref)(RunResult&) = nullptr;  // nullptr for a composite
  Composite composite = Composite::kNone;
  // Reading JSON: a missing key (top level) or a missing enclosing object is an error.
  bool required = false;
  // Writing JSON: the field (and its enclosing object) is written only when this holds;
  // nullptr = always.
  bool (*written)(const RunResult&) = nullptr;
  // Reading JSON: called when the field's enclosing object is present (e.g. `link` sets enabled).
  void (*on_present)(RunResult*) = nullptr;
};

// Every scalar field and composite of a run, in JSON order.
const std::vector<RunField>& RunFields();

// The value of a stored numeric field as a double (strings and flags read as 0).
double FieldNumber(const RunField& field, const RunResult& run);

// One statistic of a latency summary (JSON `latency_us.<kind>.<stat>`, CSV
// `latency_<kind>_<stat>_us`, metric `<kind>_latency.<stat>`), in JSON order.
struct LatencyStat {
  std::string name;  // "p50", ..., "count"
  MetricUnit unit = MetricUnit::kLatencyUs;
  FieldRef (*ref)(LatencySummary&) = nullptr;
  std::string doc;
};
const std::vector<LatencyStat>& LatencyStats();

// One figure of a capacity search's step (JSON `capacity.steps[i].<name>`, a column of the
// steps CSV), in JSON order.
struct CapacityStepField {
  std::string name;  // "target_rate_per_s", ...
  MetricUnit unit = MetricUnit::kCount;
  FieldRef (*ref)(CapacityStep&) = nullptr;
  std::string doc;
};
const std::vector<CapacityStepField>& CapacityStepFields();

// The latency kinds (stats::LatencyName values), in display order.
const std::vector<std::string>& LatencyKinds();

// A gate metric: a figure thresholds and baseline comparisons name, read from a run.
struct Metric {
  std::string name;  // "message_latency.p99", "throughput.messages_per_s", "error_rate"
  MetricUnit unit = MetricUnit::kCount;
  Better better = Better::kLower;
  std::string doc;
  std::function<double(const RunResult&)> value;  // in the unit (latency in us)
};

// Every gate metric, sorted by name: the table's metric fields, each latency kind x statistic,
// calls.<CODE> for the 17 status codes, error_rate and integrity_errors.
const std::vector<Metric>& Metrics();

// The metric called `name`, or nullptr.
const Metric* FindMetric(const std::string& name);

}  // namespace streambench::report
