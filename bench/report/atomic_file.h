// Whole-file writes that never leave a half-written file behind: results (JSON, CSV) and JUnit
// reports are written to `<path>.tmp` and renamed onto `<path>` only once complete.
// Thread-safety: safe to call concurrently for different paths.
#pragma once

#include <string>

namespace streambench::report {

// Writes `contents` to `path` atomically (same directory temp file + rename). On error returns
// false, sets *error to one line naming the path and the reason, and removes the temp file.
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// Reads a whole file into *contents; on error returns false with *error naming the path.
bool ReadWholeFile(const std::string& path, std::string* contents, std::string* error);

}  // namespace streambench::report
