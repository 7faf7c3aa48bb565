// The shape of a scenario file: which keys exist where, and whether each holds a value, a
// mapping, a list or a mapping with free-form keys, as a tree derived from the key table
// (key_table.h). It serves three purposes: rejecting unknown keys (with the nearest valid key
// suggested), checking that --set and variant key paths name real keys, and listing the valid
// keys in messages. Typed values (units, ranges) are checked by the typed read; this module knows
// only the structure. New keys are added to the key table.
// Thread-safety: the schema is immutable after first use; functions are reentrant.
#pragma once

#include <string>
#include <vector>

#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

struct SchemaNode {
  enum class Shape {
    kValue,    // a scalar (or, for a few keys, a short list checked by the typed reader)
    kMap,      // a mapping with the keys in `children`
    kList,     // a list whose elements have the shape children[0]
    kFreeMap,  // a mapping with free-form keys whose values have the shape children[0]
  };
  std::string key;
  Shape shape = Shape::kValue;
  bool scalar_ok = false;  // kMap: a short scalar form is accepted too (e.g. `target: h:p`)
  bool list_ok = false;    // kMap or kValue: a list is accepted too (e.g. `addresses: [...]`)
  std::vector<SchemaNode> children;

  const SchemaNode* Child(const std::string& name) const;
  std::vector<std::string> ChildKeys() const;
};

// The root of the scenario file schema.
const SchemaNode& ScenarioSchema();

// Where a structural problem is, for the caller to turn into a LoadError.
struct StructureError {
  const YamlNode* node = nullptr;  // the offending node (for its position and --set origin)
  int line = 0;                    // position of the offending key when the key itself is wrong
  int column = 0;
  std::string key_path;  // dotted, e.g. "load.stages[1].rate"
  std::string message;
};

// Checks `node` (at `path`) against `schema`: unknown keys, duplicate keys, a list or scalar
// where a mapping is expected, and so on, recursively. Returns false at the first problem.
bool CheckStructure(const YamlNode& node, const SchemaNode& schema, const std::string& path,
                    StructureError* error);

// "unknown key `lod`; did you mean `load`?" or "unknown key `x` in `load`; valid keys: ...".
std::string UnknownKeyMessage(const std::string& key, const std::string& parent_path,
                              const SchemaNode& parent);

// Joins a parent path and a key: ("load", "rate") -> "load.rate", ("", "name") -> "name".
std::string JoinPath(const std::string& parent, const std::string& key);

}  // namespace streambench::scenario
