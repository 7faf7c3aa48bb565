// The gate's metric catalogue as the threshold and tolerance grammars see it: the names they
// accept (`message_latency.p99`, `throughput.messages_per_s`, `error_rate`, `calls.UNAVAILABLE`,
// `integrity_errors`, ...), their units and better directions, and a suggestion for a misspelt
// one. The catalogue itself is derived from the result model's field table
// (report/result_fields.h), so a metric is declared once, beside its accessor.
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <string>
#include <vector>

#include "bench/report/result_fields.h"

namespace streambench::criteria {

using report::MetricUnit;

// True if `name` is a known metric; sets *unit.
bool LookupMetric(const std::string& name, MetricUnit* unit);

// Every known metric name (calls.<CODE> for all 17 codes), sorted, for suggestions and help.
std::vector<std::string> KnownMetricNames();

// The closest known name to a misspelt one, or "" when nothing is close.
std::string SuggestMetric(const std::string& name);

}  // namespace streambench::criteria
