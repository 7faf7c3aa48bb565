#include "bench/scenario/overrides.h"

#include <vector>

namespace streambench::scenario {
namespace {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    parts.push_back(path.substr(begin, dot == std::string::npos ? dot : dot - begin));
    if (dot == std::string::npos) return parts;
    begin = dot + 1;
  }
}

bool ValidComponent(const std::string& part) {
  if (part.empty()) return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Errors quote the argument; control bytes in it would break the one-line error the CLI
// prints, so they are shown as `?` (as LoadError::ToString does).
std::string Printable(std::string s) {
  for (char& c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return s;
}

bool IsIndex(const std::string& part) {
  return !part.empty() && part.size() <= 9 &&
         part.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

bool ParseOverride(const std::string& arg, Override* out, std::string* error) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos) {
    *error = "expected key=value (e.g. load.rate=2000/s), got `" + Printable(arg) + "`";
    return false;
  }
  const std::string key = arg.substr(0, eq);
  for (const std::string& part : SplitPath(key)) {
    if (!ValidComponent(part)) {
      *error = "expected a dotted key path like transport.stream_window before `=`, got `" +
               Printable(key) + "`";
      return false;
    }
  }
  out->key_path = key;
  out->value = arg.substr(eq + 1);
  return true;
}

bool ParseOverrideValue(const std::string& text, YamlNode* out, std::string* error) {
  if (text.empty()) {
    *out = YamlNode{};
    out->kind = YamlNode::Kind::kScalar;
    return true;
  }
  YamlParseError parse_error;
  YamlLimits limits;
  limits.max_text_bytes = 64 * 1024;
  if (!ParseYamlTree(text, limits, out, &parse_error)) {
    *error = "cannot parse the value `" + text + "` as YAML: " + parse_error.message;
    return false;
  }
  return true;
}

bool ApplyOverride(const std::string& key_path, const YamlNode& value, const SchemaNode& schema,
                   YamlNode* root, std::string* error) {
  const std::vector<std::string> parts = SplitPath(key_path);
  // First pass: check the whole path against the schema, so a bad path changes nothing.
  const SchemaNode* node_schema = &schema;
  std::string walked;
  std::vector<bool> indexes_list(parts.size(), false);  // parts[i] is a list index
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (!ValidComponent(part)) {
      *error = "`" + key_path + "` is not a dotted key path";
      return false;
    }
    switch (node_schema->shape) {
      case SchemaNode::Shape::kMap: {
        const SchemaNode* child = node_schema->Child(part);
        if (child == nullptr) {
          *error = UnknownKeyMessage(part, walked, *node_schema);
          return false;
        }
        node_schema = child;
        break;
      }
      case SchemaNode::Shape::kFreeMap:
        node_schema = &node_schema->children[0];
        break;
      case SchemaNode::Shape::kList:
        if (!IsIndex(part)) {
          *error = "`" + walked + "` is a list; address an element by its index (e.g. " + walked +
                   ".0), or set the whole list";
          return false;
        }
        indexes_list[i] = true;
        node_schema = &node_schema->children[0];
        break;
      case SchemaNode::Shape::kValue:
        *error = "`" + walked + "` is a single value; it has no key `" + part + "`";
        return false;
    }
    walked = JoinPath(walked, part);
  }
  // Second pass: walk the document, creating mappings where needed. List indexes must exist.
  YamlNode copy = *root;
  YamlNode* current = &copy;
  walked.clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    if (indexes_list[i]) {
      const size_t count = current->IsSequence() ? current->items.size() : 0;
      const size_t index = std::stoul(part);
      if (index >= count) {
        *error =
            "`" + walked + "` has no element " + part + " (it has " + std::to_string(count) + ")";
        return false;
      }
      current = &current->items[index];
    } else {
      if (!current->IsMap()) {
        // A short form (`target: host:port`) or nothing: replaced by a mapping.
        const int line = current->line;
        const int column = current->column;
        std::string set_arg = std::move(current->set_arg);
        *current = YamlNode{};
        current->kind = YamlNode::Kind::kMap;
        current->line = line;
        current->column = column;
        current->set_arg = std::move(set_arg);
      }
      YamlNode* child = current->FindMutable(part);
      if (child == nullptr) {
        // A created mapping comes from this override: errors about it (a required key it
        // lacks) must point at the override, not at "no position" in the file.
        YamlNode created;
        created.line = value.line;
        created.column = value.column;
        created.set_arg = value.set_arg;
        current->entries.push_back(YamlMapEntry{part, value.line, value.column, created});
        child = &current->entries.back().value;
      }
      current = child;
    }
    if (last) *current = value;
    walked = JoinPath(walked, part);
  }
  *root = std::move(copy);
  return true;
}

}  // namespace streambench::scenario
