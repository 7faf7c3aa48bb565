#include "bench/report/json_reader.h"

#include <limits>
#include <type_traits>

namespace streambench::report {

const JsonReader::Json* JsonReader::Member(const Json& obj, const std::string& path,
                                           const std::string& key, bool required) {
  if (!ok()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) Fail(Join(path, key), "missing required key");
    return nullptr;
  }
  return &*it;
}

const JsonReader::Json* JsonReader::Object(const Json& obj, const std::string& path,
                                           const std::string& key, bool required) {
  const Json* j = Member(obj, path, key, required);
  if (j != nullptr && !j->is_object()) {
    Fail(Join(path, key), "expected an object");
    return nullptr;
  }
  return j;
}

const JsonReader::Json* JsonReader::Array(const Json& obj, const std::string& path,
                                          const std::string& key) {
  const Json* j = Member(obj, path, key, false);
  if (j != nullptr && !j->is_array()) {
    Fail(Join(path, key), "expected an array");
    return nullptr;
  }
  return j;
}

void JsonReader::Read(const Json& obj, const std::string& path, const std::string& key,
                      FieldRef out, bool required) {
  const Json* j = Member(obj, path, key, required);
  if (j == nullptr) return;
  const std::string where = Join(path, key);
  std::visit(
      [&](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (!j->is_string()) return Fail(where, "expected a string");
        } else if constexpr (std::is_same_v<T, bool>) {
          if (!j->is_boolean()) return Fail(where, "expected true or false");
        } else if constexpr (std::is_same_v<T, double>) {
          if (!j->is_number()) return Fail(where, "expected a number");
        } else if constexpr (std::is_unsigned_v<T>) {
          if (!j->is_number_unsigned()) return Fail(where, "expected an unsigned integer");
        } else {
          if (!j->is_number_integer()) return Fail(where, "expected an integer");
        }
        *p = j->get<T>();
      },
      out);
}

void JsonReader::DoubleOrInfinity(const Json& obj, const std::string& path, const std::string& key,
                                  double* out) {
  const Json* j = Member(obj, path, key, false);
  if (j != nullptr && j->is_null()) {
    *out = std::numeric_limits<double>::infinity();
    return;
  }
  Read(obj, path, key, out);
}

void JsonReader::Fail(const std::string& path, const std::string& message) {
  if (ok()) error_ = path + ": " + message;
}

}  // namespace streambench::report
