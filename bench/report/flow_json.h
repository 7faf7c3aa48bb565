// JSON of the flow-control parts of a result (issue 5): per run `send_queue_depth`,
// `server_dropped_messages` and `link`; at the top level `comparison`. Written and read by
// json_report.cc; kept apart so the flow-control schema lives in one place (documented in
// bench/report/README.md). Internal to the report module.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::report {

// Adds the run's flow-control fields to its JSON object (`link` only when enabled).
void AddFlowFieldsToRunJson(const RunResult& run, nlohmann::ordered_json* j);

// Reads them back from a run's object at `path`; absent keys keep their defaults. Returns "" or
// the first problem ("runs[0].link.rtt_us: expected an integer").
std::string ReadFlowFieldsFromRunJson(const nlohmann::json& j, const std::string& path,
                                      RunResult* run);

nlohmann::ordered_json ComparisonToJson(const std::vector<ComparisonRow>& rows);

// Reads the top-level `comparison` array; "" or the first problem.
std::string ReadComparisonJson(const nlohmann::json& array, std::vector<ComparisonRow>* rows);

}  // namespace streambench::report
