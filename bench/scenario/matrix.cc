#include "bench/scenario/matrix.h"

#include <map>

#include "bench/scenario/key_table.h"
#include "bench/scenario/value_reader.h"

namespace streambench::scenario {
namespace {

std::string LastComponent(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// How a value appears in a generated name: its scalar text, or its position for a collection.
std::string ValueLabel(const YamlNode& value, size_t index) {
  if (value.IsScalar() && !value.scalar.empty() && value.scalar.size() <= 32) return value.scalar;
  return "#" + std::to_string(index);
}

}  // namespace

bool IsFileLevelKey(const std::string& first_component) {
  const ScenarioKey* key = FindKey(first_component);
  return key != nullptr && key->file_level;
}

bool ExpandMatrix(const YamlNode& matrix, std::vector<MatrixCombination>* out, Diagnostics* diag) {
  out->clear();
  if (matrix.IsNull()) return true;
  if (!matrix.IsMap()) {
    return diag->Fail(
        matrix, "matrix",
        "expected a mapping of key paths to lists of values, got " + matrix.Describe());
  }
  // Labels: the last component, unless two keys share it.
  std::map<std::string, int> last_uses;
  for (const YamlMapEntry& entry : matrix.entries) ++last_uses[LastComponent(entry.key)];
  size_t product = 1;
  for (const YamlMapEntry& entry : matrix.entries) {
    const std::string key = "matrix." + entry.key;
    const std::string first = entry.key.substr(0, entry.key.find('.'));
    if (first == "name" || IsFileLevelKey(first)) {
      return diag->FailAt(&entry.value, entry.line, entry.column, key,
                          "the matrix cannot vary `" + first + "`");
    }
    if (!entry.value.IsSequence() || entry.value.items.empty()) {
      return diag->Fail(entry.value, key,
                        "expected a non-empty list of values, got " + entry.value.Describe());
    }
    product *= entry.value.items.size();
    if (product > kMaxRunsPerFile) {
      return diag->Fail(entry.value, key,
                        "the matrix makes more than " + std::to_string(kMaxRunsPerFile) + " runs");
    }
  }
  if (matrix.entries.empty()) return true;
  // Odometer over the lists; the last key varies fastest.
  std::vector<size_t> index(matrix.entries.size(), 0);
  for (size_t n = 0; n < product; ++n) {
    MatrixCombination combination;
    for (size_t k = 0; k < matrix.entries.size(); ++k) {
      const YamlMapEntry& entry = matrix.entries[k];
      const YamlNode& value = entry.value.items[index[k]];
      const std::string label =
          last_uses[LastComponent(entry.key)] > 1 ? entry.key : LastComponent(entry.key);
      combination.name += (k == 0 ? "" : ",") + label + "=" + ValueLabel(value, index[k]);
      combination.settings.push_back(MatrixSetting{
          entry.key, &value, "matrix." + entry.key + "[" + std::to_string(index[k]) + "]"});
    }
    out->push_back(std::move(combination));
    for (size_t k = matrix.entries.size(); k-- > 0;) {
      if (++index[k] < matrix.entries[k].value.items.size()) break;
      index[k] = 0;
    }
  }
  return true;
}

bool ReadRepeat(const YamlNode& node, uint32_t* out, Diagnostics* diag) {
  ValueReader r(diag);
  return r.Count(node, "repeat", 1, kMaxRepeat, out, /*max_digits=*/3);
}

bool ReadConcurrent(const YamlNode& node, bool* out, Diagnostics* diag) {
  if (!node.IsScalar() || (node.scalar != "true" && node.scalar != "false")) {
    return diag->Fail(node, "concurrent", "must be true or false (got " + node.Describe() + ")");
  }
  *out = node.scalar == "true";
  return true;
}

}  // namespace streambench::scenario
