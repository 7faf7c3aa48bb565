#include "bench/macro/macro_flags.h"

#include <cerrno>
#include <cstdlib>

#include "common/units.h"

namespace streambench::macro {

bool MacroFlags::Parse(int argc, const char* const* argv, const std::set<std::string>& known,
                       std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument `" + arg + "`";
      return false;
    }
    std::string name = arg.substr(2);
    std::string value;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      *error = "--" + name + ": missing value";
      return false;
    }
    if (known.count(name) == 0) {
      *error = "unknown flag --" + name;
      return false;
    }
    values_[name] = value;
  }
  return true;
}

bool MacroFlags::String(const std::string& name, const std::string& fallback, std::string* out,
                        std::string* error) const {
  auto it = values_.find(name);
  *out = it == values_.end() ? fallback : it->second;
  if (out->empty()) {
    *error = "--" + name + ": must not be empty";
    return false;
  }
  return true;
}

bool MacroFlags::DurationUs(const std::string& name, int64_t fallback_us, int64_t* out_us,
                            std::string* error) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    *out_us = fallback_us;
    return true;
  }
  std::string why;
  if (!ParseDurationUs(it->second, out_us, &why)) {
    *error = "--" + name + ": " + why;
    return false;
  }
  return true;
}

bool MacroFlags::SizeBytes(const std::string& name, uint64_t fallback_bytes, uint64_t* out_bytes,
                           std::string* error) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    *out_bytes = fallback_bytes;
    return true;
  }
  std::string why;
  if (!ParseSizeBytes(it->second, out_bytes, &why)) {
    *error = "--" + name + ": " + why;
    return false;
  }
  return true;
}

bool MacroFlags::Integer(const std::string& name, int64_t fallback, int64_t min, int64_t max,
                         int64_t* out, std::string* error) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    *out = fallback;
    return true;
  }
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || value < min ||
      value > max) {
    *error = "--" + name + ": expected an integer in [" + std::to_string(min) + ", " +
             std::to_string(max) + "], got `" + text + "`";
    return false;
  }
  *out = value;
  return true;
}

}  // namespace streambench::macro
