#include "bench/scenario/key_docs.h"

#include <vector>

#include "bench/scenario/key_table.h"

namespace streambench::scenario {
namespace {

constexpr char kBeginMarker[] = "<!-- keys: ";
constexpr char kBeginMarkerEnd[] = " -->";
constexpr char kEndMarker[] = "<!-- /keys -->";

// The keys a section's table lists: documented keys below it, at any depth, except list
// elements and free-form values (their parent's row describes them).
std::vector<const ScenarioKey*> SectionKeys(const std::string& section) {
  const std::string prefix = section == "top" ? "" : section + ".";
  std::vector<const ScenarioKey*> keys;
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (!key.documented || key.path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string relative = key.path.substr(prefix.size());
    if (relative.find_first_of("[*") != std::string::npos) continue;
    if (section == "top" && relative.find('.') != std::string::npos) continue;
    keys.push_back(&key);
  }
  return keys;
}

// The nearest mode rule on the key or its parents below the section; nullptr = every mode.
const ModeRule* RuleFor(const ScenarioKey& key, const std::string& section) {
  for (std::string path = key.path; !path.empty() && path != section;) {
    const ScenarioKey* at = FindKey(path);
    if (at != nullptr && at->modes != nullptr) return at->modes;
    path = at != nullptr ? at->Parent() : "";
  }
  return nullptr;
}

std::string Row(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const std::string& cell : cells) row += " " + cell + " |";
  return row + "\n";
}

}  // namespace

std::string RenderKeyTable(const std::string& section) {
  const std::vector<const ScenarioKey*> keys = SectionKeys(section);
  if (keys.empty()) return "";
  const std::string prefix = section == "top" ? "" : section + ".";
  bool any_modes = false;
  bool any_load_types = false;
  for (const ScenarioKey* key : keys) {
    any_modes = any_modes || RuleFor(*key, section) != nullptr;
    any_load_types = any_load_types || !key->load_types.empty();
  }
  std::vector<std::string> header = {"Key"};
  if (any_modes) header.push_back("Modes");
  if (any_load_types) header.push_back("Applies to `type`");
  for (const char* column : {"Type", "Default", "Range", "Meaning"}) header.push_back(column);
  std::string table = Row(header);
  table += Row(std::vector<std::string>(header.size(), "---"));
  for (const ScenarioKey* key : keys) {
    std::vector<std::string> cells = {"`" + key->path.substr(prefix.size()) + "`"};
    if (any_modes) {
      const ModeRule* rule = RuleFor(*key, section);
      cells.push_back(rule != nullptr ? rule->modes_text : "all");
    }
    if (any_load_types) cells.push_back(key->load_types);
    cells.push_back(KeyTypeText(*key));
    cells.push_back(key->default_text);
    cells.push_back(KeyRangeText(*key));
    cells.push_back(key->doc);
    table += Row(cells);
  }
  return table;
}

bool RegenerateKeyTables(const std::string& readme, std::string* out, std::string* error) {
  out->clear();
  size_t at = 0;
  auto line_of = [&](size_t offset) {
    size_t line = 1;
    for (size_t i = 0; i < offset && i < readme.size(); ++i) line += readme[i] == '\n';
    return std::to_string(line);
  };
  while (true) {
    // A marker starts a line (the prose may quote one).
    size_t begin = readme.find(kBeginMarker, at);
    while (begin != std::string::npos && begin > 0 && readme[begin - 1] != '\n') {
      begin = readme.find(kBeginMarker, begin + 1);
    }
    if (begin == std::string::npos) break;
    const size_t name_begin = begin + sizeof(kBeginMarker) - 1;
    const size_t name_end = readme.find(kBeginMarkerEnd, name_begin);
    const size_t line_end = readme.find('\n', name_begin);
    if (name_end == std::string::npos || line_end == std::string::npos || name_end > line_end) {
      *error = "line " + line_of(begin) + ": a keys marker must be `<!-- keys: SECTION -->`";
      return false;
    }
    const std::string section = readme.substr(name_begin, name_end - name_begin);
    const std::string table = RenderKeyTable(section);
    if (table.empty()) {
      *error = "line " + line_of(begin) + ": no documented keys under `" + section + "`";
      return false;
    }
    const size_t end = readme.find(kEndMarker, line_end);
    if (end == std::string::npos) {
      *error = "line " + line_of(begin) + ": `" + section + "` has no `" + kEndMarker + "`";
      return false;
    }
    *out += readme.substr(at, line_end + 1 - at) + table;
    at = end;
  }
  *out += readme.substr(at);
  return true;
}

}  // namespace streambench::scenario
