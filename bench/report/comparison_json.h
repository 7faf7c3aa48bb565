// JSON of the variant comparison (top-level `comparison`, documented in bench/report/README.md).
// Written and read by json_report.cc. Internal to the report module.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "bench/report/json_reader.h"
#include "bench/report/result.h"

namespace streambench::report {

nlohmann::ordered_json ComparisonToJson(const std::vector<ComparisonRow>& rows);

// Reads the top-level `comparison` array; problems go to `reader`.
void ReadComparisonJson(const nlohmann::json& array, JsonReader* reader,
                        std::vector<ComparisonRow>* rows);

}  // namespace streambench::report
