// YamlNode: a small, copyable YAML document tree that remembers where every node came from (file
// line and column, or the --set argument that produced it). The loader parses a scenario into
// this tree once, applies --set overrides and variants to copies, and reads typed values from
// it. yaml-cpp's own Node is not used for this because copying it (YAML::Clone) loses the source
// marks, and because building the tree from parser events lets hostile input be refused early:
// aliases are rejected (no "billion laughs"), and depth, node count and size are capped.
// Thread-safety: plain values; ParseYamlTree is reentrant.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace streambench::scenario {

struct YamlMapEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;                 // kScalar: the text as written (without quotes)
  std::vector<YamlNode> items;        // kSequence
  std::vector<YamlMapEntry> entries;  // kMap, in document order (duplicates kept for errors)
  int line = 0;                       // 1-based position in the file; 0 = not from the file
  int column = 0;
  std::string set_arg;  // "key=value" of the --set argument this node came from, if any

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMap() const { return kind == Kind::kMap; }
  // The value under `key` in a map (the first one if duplicated), or nullptr.
  const YamlNode* Find(const std::string& key) const;
  YamlNode* FindMutable(const std::string& key);
  // "a mapping", "a list", "nothing", or "`text`" (for messages like "got a list").
  std::string Describe() const;
  // Marks this node and everything below it as coming from a --set argument.
  void MarkFromSetArgument(const std::string& arg);
};

struct YamlMapEntry {
  std::string key;
  int line = 0;  // of the key
  int column = 0;
  YamlNode value;
};

// Limits on what the parser accepts, so that no input makes the loader slow or huge.
struct YamlLimits {
  size_t max_text_bytes = 1 << 20;  // 1 MiB
  int max_depth = 32;               // nesting of maps and lists
  size_t max_nodes = 100'000;
};

struct YamlParseError {
  int line = 0;  // 1-based; 0 = unknown
  int column = 0;
  std::string message;
};

// Parses exactly one YAML document. An empty document (nothing but comments or whitespace)
// yields a null root. Returns false with *error on malformed YAML, aliases, more than one
// document, non-scalar map keys, or a limit exceeded.
bool ParseYamlTree(const std::string& text, const YamlLimits& limits, YamlNode* root,
                   YamlParseError* error);

}  // namespace streambench::scenario
