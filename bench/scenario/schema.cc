#include "bench/scenario/schema.h"

#include <set>

#include "bench/scenario/key_table.h"
#include "bench/scenario/suggest.h"

namespace streambench::scenario {
namespace {

using Shape = SchemaNode::Shape;

// The schema node of one key of the key table, with the keys below it.
SchemaNode NodeFor(const ScenarioKey& key, const std::string& name) {
  SchemaNode node{name, Shape::kValue, false, false, {}};
  // A list's elements and a free-form map's values are described by the entry `path[]` / `path.*`
  // (a plain value when the table has none).
  auto element = [&](const std::string& path) {
    const ScenarioKey* entry = FindKey(path);
    return entry != nullptr ? NodeFor(*entry, "") : SchemaNode{"", Shape::kValue, false, false, {}};
  };
  switch (key.shape) {
    case KeyShape::kValue:
      break;
    case KeyShape::kMapOrScalar:
      node.scalar_ok = true;
      [[fallthrough]];
    case KeyShape::kMap:
      node.shape = Shape::kMap;
      for (const ScenarioKey& child : ScenarioKeys()) {
        if (child.Parent() == key.path) node.children.push_back(NodeFor(child, child.Name()));
      }
      break;
    case KeyShape::kList:
      node.shape = Shape::kList;
      node.children.push_back(element(key.path + "[]"));
      break;
    case KeyShape::kFreeMap:
      node.shape = Shape::kFreeMap;
      node.children.push_back(element(key.path + ".*"));
      break;
  }
  return node;
}

SchemaNode BuildSchema() {
  ScenarioKey root;
  root.shape = KeyShape::kMap;
  return NodeFor(root, "");
}

std::string ShapeText(const SchemaNode& schema) {
  switch (schema.shape) {
    case Shape::kList:
      return "a list";
    case Shape::kFreeMap:
      return "a mapping";
    case Shape::kMap: {
      std::string keys;
      for (const SchemaNode& child : schema.children) {
        keys += (keys.empty() ? "" : ", ") + child.key;
      }
      return std::string(schema.scalar_ok ? "a value or " : "") + "a mapping with keys " + keys;
    }
    case Shape::kValue:
      break;
  }
  return "a value";
}

}  // namespace

const SchemaNode* SchemaNode::Child(const std::string& name) const {
  for (const SchemaNode& child : children) {
    if (child.key == name) return &child;
  }
  return nullptr;
}

std::vector<std::string> SchemaNode::ChildKeys() const {
  std::vector<std::string> keys;
  for (const SchemaNode& child : children) keys.push_back(child.key);
  return keys;
}

const SchemaNode& ScenarioSchema() {
  static const SchemaNode* const kSchema = new SchemaNode(BuildSchema());
  return *kSchema;
}

std::string JoinPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string UnknownKeyMessage(const std::string& key, const std::string& parent_path,
                              const SchemaNode& parent) {
  std::string message = "unknown key `" + key + "`";
  if (!parent_path.empty()) message += " in `" + parent_path + "`";
  const std::vector<std::string> keys = parent.ChildKeys();
  const std::string nearest = NearestName(key, keys);
  if (!nearest.empty()) return message + "; did you mean `" + nearest + "`?";
  std::string list;
  for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
  return message + "; valid keys: " + list;
}

bool CheckStructure(const YamlNode& node, const SchemaNode& schema, const std::string& path,
                    StructureError* error) {
  auto fail = [&](std::string message) {
    *error = StructureError{&node, node.line, node.column, path, std::move(message)};
    return false;
  };
  switch (schema.shape) {
    case Shape::kValue:
      return true;  // the typed reader checks values, with a message naming the expected unit
    case Shape::kList:
      if (node.IsNull()) return true;
      if (!node.IsSequence()) return fail("expected a list, got " + node.Describe());
      for (size_t i = 0; i < node.items.size(); ++i) {
        if (!CheckStructure(node.items[i], schema.children[0], path + "[" + std::to_string(i) + "]",
                            error)) {
          return false;
        }
      }
      return true;
    case Shape::kMap:
    case Shape::kFreeMap:
      break;
  }
  if (node.IsNull()) return true;
  if (node.IsScalar() && schema.scalar_ok) return true;
  if (!node.IsMap()) return fail("expected " + ShapeText(schema) + ", got " + node.Describe());
  std::set<std::string> seen;
  for (const YamlMapEntry& entry : node.entries) {
    const std::string child_path = JoinPath(path, entry.key);
    if (!seen.insert(entry.key).second) {
      *error = StructureError{&entry.value, entry.line, entry.column, child_path,
                              "duplicate key `" + entry.key + "`"};
      return false;
    }
    const SchemaNode* child =
        schema.shape == Shape::kFreeMap ? &schema.children[0] : schema.Child(entry.key);
    if (child == nullptr) {
      *error = StructureError{&entry.value, entry.line, entry.column, child_path,
                              UnknownKeyMessage(entry.key, path, schema)};
      return false;
    }
    if (!CheckStructure(entry.value, *child, child_path, error)) return false;
  }
  return true;
}

}  // namespace streambench::scenario
