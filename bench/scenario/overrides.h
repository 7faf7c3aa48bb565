// --set overrides and variant `set` entries: a dotted key path and a YAML value replacing what
// the file says at that path. Paths are checked against the schema (unknown keys are errors with
// the nearest key suggested); missing intermediate mappings are created; a numeric component
// indexes an existing list element (`load.stages.1.rate`). A value replaces the whole subtree at
// its path (mappings are not merged).
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "bench/scenario/schema.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

struct Override {
  std::string key_path;  // dotted, e.g. "transport.stream_window"
  std::string value;     // YAML scalar or flow collection, e.g. "64KiB", "[64B, 1KiB]"
};

// Splits "key=value" (the first `=` separates). The key must be non-empty dotted words of
// letters, digits, `_` and `-`. Returns false with *error otherwise.
bool ParseOverride(const std::string& arg, Override* out, std::string* error);

// Parses an override's value text as YAML (an empty value is the empty string).
bool ParseOverrideValue(const std::string& text, YamlNode* out, std::string* error);

// Writes `value` at `key_path` into `root` (a mapping), checking the path against `schema`.
// On failure *error names the problem ("unknown key `stream_windw` in `transport`; did you mean
// `stream_window`?") and `root` is unchanged.
bool ApplyOverride(const std::string& key_path, const YamlNode& value, const SchemaNode& schema,
                   YamlNode* root, std::string* error);

}  // namespace streambench::scenario
