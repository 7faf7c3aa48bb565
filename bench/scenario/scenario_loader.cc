#include "bench/scenario/scenario_loader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/matrix.h"
#include "bench/scenario/scenario_parser.h"
#include "bench/scenario/scenario_validator.h"
#include "bench/scenario/schema.h"
#include "bench/scenario/security_keys.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {
namespace {

// One key a variant (or matrix combination) sets, pointing into the file's tree.
struct VariantSetting {
  std::string key_path;
  const YamlNode* value = nullptr;
  int line = 0;  // of the key, for messages
  int column = 0;
  std::string where;  // e.g. "variants[1].set.transport.stream_window"
};

struct Variant {
  std::string name;
  std::string description;
  std::vector<VariantSetting> settings;  // applied in order
};

bool FailStructure(const StructureError& e, Diagnostics* diag) {
  return diag->FailAt(e.node, e.line, e.column, e.key_path, e.message);
}

bool ValidRunName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool ReadVariants(const YamlNode& list, std::vector<Variant>* out, Diagnostics* diag) {
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = list.items[i];
    const std::string path = "variants[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      return diag->Fail(
          item, path,
          "expected a mapping with keys name, description, set, got " + item.Describe());
    }
    Variant variant;
    const YamlNode* name = item.Find("name");
    if (name == nullptr) return diag->Fail(item, path + ".name", "required key `name` is missing");
    if (!name->IsScalar() || !ValidRunName(name->scalar)) {
      return diag->Fail(
          *name, path + ".name",
          "use 1 to 64 letters, digits, `_`, `-` and `.` (got " + name->Describe() + ")");
    }
    variant.name = name->scalar;
    const auto [it, inserted] = first_line.emplace(variant.name, name->line);
    if (!inserted) {
      return diag->Fail(*name, path + ".name",
                        "duplicate variant name `" + variant.name + "` (first used at line " +
                            std::to_string(it->second) + ")");
    }
    if (const YamlNode* description = item.Find("description")) {
      if (!description->IsScalar()) {
        return diag->Fail(*description, path + ".description",
                          "expected a string, got " + description->Describe());
      }
      variant.description = description->scalar;
    }
    if (const YamlNode* set = item.Find("set"); set != nullptr && set->IsMap()) {
      for (const YamlMapEntry& entry : set->entries) {
        const std::string first = entry.key.substr(0, entry.key.find('.'));
        if (first == "name" || IsFileLevelKey(first)) {
          return diag->FailAt(&entry.value, entry.line, entry.column, path + ".set." + entry.key,
                              "a variant cannot change `" + first + "`");
        }
      }
      for (const YamlMapEntry& entry : set->entries) {
        variant.settings.push_back(VariantSetting{entry.key, &entry.value, entry.line, entry.column,
                                                  path + ".set." + entry.key});
      }
    }
    out->push_back(std::move(variant));
  }
  return true;
}

struct ParsedOverride {
  std::string key_path;
  YamlNode value;
};

// `variants`, `matrix` and `repeat` describe the file: a --set on them applies before expansion.
bool IsVariantsPath(const std::string& key_path) {
  return IsFileLevelKey(key_path.substr(0, key_path.find('.')));
}

// Every declared variant (or the base alone) combined with every matrix combination.
std::vector<Variant> CombineWithMatrix(const std::vector<Variant>& variants, bool has_variants,
                                       const std::vector<MatrixCombination>& matrix) {
  if (matrix.empty()) return variants;
  std::vector<Variant> out;
  for (const Variant& variant : variants) {
    for (const MatrixCombination& combination : matrix) {
      Variant combined = variant;
      combined.name = has_variants ? variant.name + "," + combination.name : combination.name;
      for (const MatrixSetting& setting : combination.settings) {
        combined.settings.push_back(VariantSetting{setting.key_path, setting.value,
                                                   setting.value->line, setting.value->column,
                                                   setting.where});
      }
      out.push_back(std::move(combined));
    }
  }
  return out;
}

bool ApplyCommandLine(const std::vector<ParsedOverride>& overrides, bool variants_paths,
                      YamlNode* root, Diagnostics* diag) {
  for (const ParsedOverride& o : overrides) {
    if (IsVariantsPath(o.key_path) != variants_paths) continue;
    std::string error;
    if (!ApplyOverride(o.key_path, o.value, ScenarioSchema(), root, &error)) {
      return diag->Fail(o.value, o.key_path, error);
    }
  }
  return true;
}

// A `[variant=NAME]` threshold must name a variant of this file: one that matches no run would
// otherwise only show up as a failed check after the whole run.
bool CheckThresholdVariants(const YamlNode& tree, const Scenario& scenario,
                            const std::vector<Variant>& variants, Diagnostics* diag) {
  const YamlNode* list = tree.Find("thresholds");
  for (size_t i = 0; i < scenario.thresholds.size(); ++i) {
    const criteria::Threshold& parsed = scenario.thresholds[i];
    if (parsed.variant.empty()) continue;
    std::string names;
    bool found = false;
    for (const Variant& v : variants) {
      found = found || v.name == parsed.variant;
      names += (names.empty() ? "" : ", ") + v.name;
    }
    if (found) continue;
    const std::string key = "thresholds[" + std::to_string(i) + "]";
    const std::string message =
        "variant `" + parsed.variant + "` is not declared (variants: " + names + ")";
    if (list != nullptr && i < list->items.size()) return diag->Fail(list->items[i], key, message);
    return diag->FailAt(nullptr, 0, 0, key, message);
  }
  return true;
}

bool Load(const std::string& text, const std::string& display_name,
          const std::vector<Override>& overrides, ScenarioFile* out, Diagnostics* diag) {
  YamlNode root;
  YamlParseError parse_error;
  if (!ParseYamlTree(text, YamlLimits{}, &root, &parse_error)) {
    return diag->FailAt(nullptr, parse_error.line, parse_error.column, "",
                        "invalid YAML: " + parse_error.message);
  }
  if (root.IsNull()) {
    return diag->FailAt(nullptr, 0, 0, "",
                        "the file is empty; a scenario needs at least `name` and `mode`");
  }
  if (!root.IsMap()) {
    return diag->Fail(root, "",
                      "expected a mapping of keys (name, mode, load, ...) at the top level, got " +
                          root.Describe());
  }
  std::vector<ParsedOverride> parsed;
  for (const Override& o : overrides) {
    ParsedOverride p{o.key_path, YamlNode{}};
    std::string error;
    const std::string arg = o.key_path + "=" + o.value;
    if (!ParseOverrideValue(o.value, &p.value, &error)) {
      return diag->FailAt(nullptr, 0, 0, o.key_path, error + " (from --set " + arg + ")");
    }
    p.value.MarkFromSetArgument(arg);
    parsed.push_back(std::move(p));
  }
  if (!ApplyCommandLine(parsed, true, &root, diag)) return false;
  StructureError structure_error;
  if (!CheckStructure(root, ScenarioSchema(), "", &structure_error)) {
    return FailStructure(structure_error, diag);
  }

  // The base is the file without `variants`; each run starts from a copy of it.
  std::vector<Variant> variants;
  YamlNode base = root;
  base.entries.clear();
  const YamlNode* variants_node = nullptr;
  const YamlNode* matrix_node = nullptr;
  out->repeat = 1;
  out->concurrent = false;
  const YamlNode* concurrent_node = nullptr;
  for (const YamlMapEntry& entry : root.entries) {
    if (entry.key == "variants") {
      variants_node = &entry.value;
    } else if (entry.key == "matrix") {
      matrix_node = &entry.value;
    } else if (entry.key == "repeat") {
      if (!ReadRepeat(entry.value, &out->repeat, diag)) return false;
    } else if (entry.key == "concurrent") {
      if (!ReadConcurrent(entry.value, &out->concurrent, diag)) return false;
      concurrent_node = &entry.value;
    } else {
      base.entries.push_back(entry);
    }
  }
  if (variants_node != nullptr && variants_node->IsSequence()) {
    if (!ReadVariants(*variants_node, &variants, diag)) return false;
  }
  const bool has_variants = !variants.empty();
  if (!has_variants) variants.push_back(Variant{"default", "", {}});
  std::vector<MatrixCombination> matrix;
  if (matrix_node != nullptr && !ExpandMatrix(*matrix_node, &matrix, diag)) return false;
  variants = CombineWithMatrix(variants, has_variants, matrix);
  if (variants.size() > kMaxRunsPerFile) {
    return diag->Fail(matrix_node != nullptr ? *matrix_node : root, "matrix",
                      "variants x matrix make " + std::to_string(variants.size()) +
                          " runs; at most " + std::to_string(kMaxRunsPerFile) + " are allowed");
  }

  out->path = display_name;
  out->runs.clear();
  for (size_t i = 0; i < variants.size(); ++i) {
    const Variant& variant = variants[i];
    if (has_variants || !matrix.empty()) diag->set_variant(variant.name);
    YamlNode tree = base;
    for (const VariantSetting& setting : variant.settings) {
      std::string error;
      if (!ApplyOverride(setting.key_path, *setting.value, ScenarioSchema(), &tree, &error)) {
        return diag->FailAt(setting.value, setting.line, setting.column, setting.where, error);
      }
    }
    if (!ApplyCommandLine(parsed, false, &tree, diag)) return false;
    if (!CheckStructure(tree, ScenarioSchema(), "", &structure_error)) {
      return FailStructure(structure_error, diag);
    }
    Scenario scenario;
    if (!ReadScenario(tree, &scenario, diag) || !ValidateScenario(tree, scenario, diag) ||
        !CheckSecurityKeys(tree, display_name, &scenario, diag)) {
      return false;
    }
    if (!CheckThresholdVariants(tree, scenario, variants, diag)) return false;
    scenario.variant = variant.name;
    scenario.source_path = display_name;
    if (i == 0) out->name = scenario.name;
    out->runs.push_back(std::move(scenario));
  }
  // Concurrent runs share one server (the embedded one, or the target): its settings cannot vary.
  if (out->concurrent) {
    diag->set_variant("");
    const Scenario& first = out->runs[0];
    for (const Scenario& run : out->runs) {
      if (run.load.model == LoadModel::kSearch) {
        // A search measures what the target sustains; runs beside it would take their share.
        return diag->Fail(*concurrent_node, "concurrent",
                          "a capacity search (variant `" + run.variant +
                              "`) needs the target to itself; run the variants one after "
                              "another");
      }
      if (run.server_transport != first.server_transport ||
          run.server_security != first.server_security) {
        return diag->Fail(*concurrent_node, "concurrent",
                          "concurrent runs share one server, but variant `" + run.variant +
                              "` changes server_transport; vary only client-side keys");
      }
      if (run.target.addresses != first.target.addresses) {
        return diag->Fail(
            *concurrent_node, "concurrent",
            "concurrent runs share one target, but variant `" + run.variant + "` changes target");
      }
    }
  }
  return true;
}

}  // namespace

bool LoadScenarioString(const std::string& yaml_text, const std::string& display_name,
                        const std::vector<Override>& overrides, ScenarioFile* out,
                        LoadError* error) {
  Diagnostics diag(display_name);
  if (Load(yaml_text, display_name, overrides, out, &diag)) return true;
  *error = diag.error();
  return false;
}

bool LoadScenarioFile(const std::string& path, const std::vector<Override>& overrides,
                      ScenarioFile* out, LoadError* error) {
  auto cannot_open = [&](const std::string& why) {
    *error = LoadError{};
    error->file = path;
    error->message = "cannot open " + path + ": " + why;
    return false;
  };
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return cannot_open(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return cannot_open("is a directory");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return cannot_open(std::strerror(errno));
  // Read at most one byte more than the parser accepts, so a huge file is refused cheaply.
  const size_t limit = YamlLimits{}.max_text_bytes + 1;
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while (text.size() < limit && (n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
  }
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);
  if (read_error) return cannot_open("read error");
  return LoadScenarioString(text, path, overrides, out, error);
}

}  // namespace streambench::scenario
