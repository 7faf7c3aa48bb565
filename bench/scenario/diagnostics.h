// Diagnostics: collects the first LoadError found while reading one scenario, turning a node's
// origin (file position, or the --set argument it came from) into the error's position.
// Internal to the scenario module. Thread-safety: not thread-safe; one per load.
#pragma once

#include <string>

#include "bench/scenario/load_error.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) { error_.file = std::move(file); }

  void set_variant(std::string variant) { variant_ = std::move(variant); }

  // Records a problem at `node` (its position, or its --set origin). Always returns false so
  // readers can `return diag->Fail(...)`. Only the first problem is kept.
  bool Fail(const YamlNode& node, const std::string& key, const std::string& message) {
    return FailAt(&node, node.line, node.column, key, message);
  }
  // As Fail, with an explicit position (e.g. a map key's rather than its value's).
  bool FailAt(const YamlNode* node, int line, int column, const std::string& key,
              const std::string& message) {
    if (failed_) return false;
    failed_ = true;
    error_.key = key;
    error_.variant = variant_;
    if (node != nullptr && !node->set_arg.empty()) {
      error_.line = 0;
      error_.column = 0;
      error_.message = message + " (from --set " + node->set_arg + ")";
    } else {
      error_.line = line;
      error_.column = column;
      error_.message = message;
    }
    return false;
  }

  bool failed() const { return failed_; }
  const LoadError& error() const { return error_; }

 private:
  LoadError error_;
  std::string variant_;
  bool failed_ = false;
};

}  // namespace streambench::scenario
