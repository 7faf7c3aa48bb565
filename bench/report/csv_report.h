// CSV results (`--csv results.csv`): a header and one row per run, with the JSON's fields
// flattened into columns in a fixed order (e.g. `latency_message_p99_us`), for spreadsheets and
// plotting. Fields are quoted per RFC 4180 when they hold a comma, quote or line break.
// Thread-safety: pure functions; WriteCsvFile writes only its own paths.
#pragma once

#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::report {

// The column names, in order.
std::vector<std::string> CsvColumns();

// The header line and one line per run, each ending in "\r\n" (RFC 4180).
std::string ToCsv(const ScenarioResult& result);

// Quotes one field if it needs it: `a,b` -> `"a,b"`, `say "hi"` -> `"say ""hi"""`.
std::string CsvQuote(const std::string& field);

// A capacity search's steps, one row per step of every searched run (variant, repeat, step
// index, then CapacityStepFields()): the latency-throughput curve.
std::string CapacityStepsToCsv(const ScenarioResult& result);
// Where WriteCsvFile puts them: `results.csv` -> `results.capacity_steps.csv`.
std::string CapacityStepsCsvPath(const std::string& csv_path);

// Writes ToCsv(result) atomically (temp file + rename), and the capacity steps when a run
// searched. Errors name the path.
bool WriteCsvFile(const ScenarioResult& result, const std::string& path, std::string* error);

}  // namespace streambench::report
