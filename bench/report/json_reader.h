// Typed reading of a parsed results document (json_report.cc, comparison_json.cc): each read
// checks the value's JSON type and remembers the first problem with its key path
// ("runs[0].messages.sent: expected an unsigned integer"). Missing optional keys leave the
// destination as it was. Internal to the report module.
// Thread-safety: one reader per document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "bench/report/result_fields.h"

namespace streambench::report {

class JsonReader {
 public:
  using Json = nlohmann::json;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // The member `key` of `obj` (nullptr if absent; a missing required key is an error).
  const Json* Member(const Json& obj, const std::string& path, const std::string& key,
                     bool required);
  // As Member, the value must be an object / an array.
  const Json* Object(const Json& obj, const std::string& path, const std::string& key,
                     bool required);
  const Json* Array(const Json& obj, const std::string& path, const std::string& key);

  // Reads `key` into the typed destination.
  void Read(const Json& obj, const std::string& path, const std::string& key, FieldRef out,
            bool required = false);
  // As Read into a double, reading null as +infinity (how a ratio over a zero baseline is
  // written, since JSON has no infinity).
  void DoubleOrInfinity(const Json& obj, const std::string& path, const std::string& key,
                        double* out);

  void Fail(const std::string& path, const std::string& message);

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string error_;
};

}  // namespace streambench::report
