// The scenario loader: reads a YAML scenario file (keys in scenarios/README.md), applies --set
// overrides, expands variants and validates every run, without starting anything. On any
// problem it returns false and one LoadError naming the file, line, column and dotted key, which
// the CLI prints on one line before exiting with status 2.
//
//   ScenarioFile file;
//   LoadError error;
//   if (!LoadScenarioFile("scenarios/bidi_pingpong.yaml", overrides, &file, &error)) {
//     std::cerr << error.ToString() << "\n";  // scenarios/x.yaml:12:5: load.rate: must be > 0
//   }
//
// Order of application for each run: the file, then the variant's `set` entries, then --set
// overrides (so the command line always wins). A --set whose path starts with `variants` is
// applied to the file before variants are expanded (e.g. `--set variants=[]`).
// Thread-safety: all functions are reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <vector>

#include "bench/scenario/load_error.h"
#include "bench/scenario/overrides.h"
#include "bench/scenario/scenario.h"
#include "common/units.h"

namespace streambench::scenario {

// Loads `path`. On error returns false and fills *error (out is then unspecified).
bool LoadScenarioFile(const std::string& path, const std::vector<Override>& overrides,
                      ScenarioFile* out, LoadError* error);

// As LoadScenarioFile, from text; `display_name` stands for the file in messages.
bool LoadScenarioString(const std::string& yaml_text, const std::string& display_name,
                        const std::vector<Override>& overrides, ScenarioFile* out,
                        LoadError* error);

}  // namespace streambench::scenario
