// The `matrix:` and `repeat:` keys of a scenario file. A matrix is a compact way to declare
// variants: a mapping of dotted key paths to lists of values, expanded into their product, e.g.
//
//   matrix: {transport.stream_window: [64KiB, 1MiB], server_transport.bdp_probe: [true, false]}
//
// gives four combinations named `stream_window=64KiB,bdp_probe=true`, ... (the last path component
// names a key unless two keys share it, then the full path does). The first key varies slowest.
// With `variants:` as well, every variant is combined with every matrix combination (variant
// first, then the matrix's values on top; names joined by `,`). Internal to the scenario module;
// the loader (scenario_loader.h) applies the combinations.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// At most this many runs per file (variants x matrix combinations), before repeats.
inline constexpr size_t kMaxRunsPerFile = 100;
// `repeat` lies in [1, kMaxRepeat].
inline constexpr uint32_t kMaxRepeat = 100;

// One value set by a combination (points into the matrix node, which must outlive it).
struct MatrixSetting {
  std::string key_path;  // dotted, e.g. "transport.stream_window"
  const YamlNode* value = nullptr;
  std::string where;  // key for messages, e.g. "matrix.transport.stream_window[1]"
};

struct MatrixCombination {
  std::string name;  // e.g. "stream_window=64KiB,bdp_probe=false"
  std::vector<MatrixSetting> settings;
};

// Expands `matrix` (a mapping of key path -> non-empty list) into its product, in order. Keys
// `name`, `variants`, `matrix` and `repeat` cannot vary. Returns false with the problem in *diag;
// paths are checked against the schema by the loader when it applies them.
bool ExpandMatrix(const YamlNode& matrix, std::vector<MatrixCombination>* out, Diagnostics* diag);

// Reads `repeat` (a whole number in [1, kMaxRepeat]).
bool ReadRepeat(const YamlNode& node, uint32_t* out, Diagnostics* diag);

// Reads `concurrent` (true or false).
bool ReadConcurrent(const YamlNode& node, bool* out, Diagnostics* diag);

// True for keys that describe the file rather than one run (`variants`, `matrix`, `repeat`,
// `concurrent`; marked in the key table): a --set on them applies before expansion, and no
// variant may set them.
bool IsFileLevelKey(const std::string& first_component);

}  // namespace streambench::scenario
