// LoadError: why a scenario could not be loaded, naming the file, the position, the dotted key
// and what is wrong, so the CLI can print one line and exit 2.
// Thread-safety: plain value.
#pragma once

#include <string>

namespace streambench::scenario {

struct LoadError {
  std::string file;     // the path as given (or the display name of a string)
  int line = 0;         // 1-based; 0 when the problem has no position (missing file, --set value)
  int column = 0;       // 1-based; 0 when unknown
  std::string key;      // dotted key path, e.g. "load.rate" or "load.stages[1].duration"
  std::string message;  // e.g. "must be > 0 (got -3)"
  std::string variant;  // the variant being expanded when the problem was found, if any

  // "scenarios/x.yaml:12:5: load.rate: must be > 0 (got -3)"; without a position
  // "scenarios/x.yaml: load.rate: ..."; a variant adds " (variant `name`)" at the end.
  std::string ToString() const;
};

}  // namespace streambench::scenario
