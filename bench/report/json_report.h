// JSON results: the machine-readable form of a ScenarioResult (`--out results.json`), read back
// for baselines and `streambench compare`. The schema is documented field by field in
// bench/report/README.md; writing then reading gives back the same ScenarioResult.
// Thread-safety: pure functions; WriteJsonFile writes only its own paths.
#pragma once

#include <string>

#include "bench/report/result.h"

namespace streambench::report {

// Version of the results schema, written as `schema_version`; bumped on incompatible changes.
inline constexpr int kResultsSchemaVersion = 1;

// The results document, pretty-printed (2-space indent), ending in a newline.
std::string ToJson(const ScenarioResult& result);

// Parses a results document. On error returns false and sets *error to one line naming the
// offending key path (e.g. "runs[0].messages.sent: expected an unsigned integer").
bool FromJson(const std::string& text, ScenarioResult* out, std::string* error);

// Writes ToJson(result) to `path` + ".tmp", then renames it onto `path`, so an interrupted write
// never leaves a half-written results file. On error returns false with *error naming the path.
bool WriteJsonFile(const ScenarioResult& result, const std::string& path, std::string* error);

// Reads and parses a results file; errors name the file.
bool ReadJsonFile(const std::string& path, ScenarioResult* out, std::string* error);

}  // namespace streambench::report
