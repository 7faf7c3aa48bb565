#include "bench/scenario/value_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "bench/scenario/suggest.h"
#include "common/status_names.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

bool AllDigits(const std::string& s, size_t begin) {
  if (begin >= s.size()) return false;
  for (size_t i = begin; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string RateText(double per_s) {
  char buf[64];
  if (per_s >= 1e6 && std::fmod(per_s, 1e6) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fM/s", per_s / 1e6);
  } else if (per_s >= 1e3 && std::fmod(per_s, 1e3) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fk/s", per_s / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%g/s", per_s);
  }
  return buf;
}

bool ValueReader::OutOfRange(const YamlNode& n, const std::string& key, const std::string& min_text,
                             const std::string& max_text) {
  const std::string got = " (got " + n.scalar + ")";
  if (min_text.empty()) return diag_->Fail(n, key, "must be at most " + max_text + got);
  return diag_->Fail(n, key, "must be between " + min_text + " and " + max_text + got);
}

bool ValueReader::Scalar(const YamlNode& n, const std::string& key, const std::string& expected) {
  if (n.IsScalar()) return true;
  return diag_->Fail(n, key, "expected " + expected + ", got " + n.Describe());
}

bool ValueReader::String(const YamlNode& n, const std::string& key, size_t max_chars,
                         std::string* out) {
  if (!Scalar(n, key, "a string")) return false;
  if (n.scalar.size() > max_chars) {
    return diag_->Fail(n, key, "is longer than " + std::to_string(max_chars) + " characters");
  }
  *out = n.scalar;
  return true;
}

bool ValueReader::Uint(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max,
                       uint64_t* out) {
  if (!Scalar(n, key, "a whole number")) return false;
  const std::string& s = n.scalar;
  const size_t begin = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (!AllDigits(s, begin)) {
    return diag_->Fail(n, key, "expected a whole number, got " + n.Describe());
  }
  const std::string min_text = std::to_string(min);
  const std::string max_text = std::to_string(max);
  // Negative or longer than any uint64: out of range rather than a type error.
  if (s[0] == '-') {
    const bool zero = s.find_first_not_of('0', 1) == std::string::npos;
    if (!zero || min > 0) return OutOfRange(n, key, min_text, max_text);
    *out = 0;
    return true;
  }
  if (s.size() - begin > 20) return OutOfRange(n, key, min_text, max_text);
  errno = 0;
  const unsigned long long value = std::strtoull(s.c_str() + begin, nullptr, 10);
  if (errno == ERANGE || value < min || value > max) {
    return OutOfRange(n, key, min_text, max_text);
  }
  *out = value;
  return true;
}

bool ValueReader::Count(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max,
                        uint32_t* out, size_t max_digits) {
  const std::string range =
      "must be a whole number between " + std::to_string(min) + " and " + std::to_string(max);
  if (!n.IsScalar() || n.scalar.size() > max_digits || !AllDigits(n.scalar, 0)) {
    return diag_->Fail(n, key, range + " (got " + n.Describe() + ")");
  }
  const uint64_t value = std::stoull(n.scalar);
  if (value < min || value > max) return diag_->Fail(n, key, range + " (got " + n.scalar + ")");
  *out = static_cast<uint32_t>(value);
  return true;
}

bool ValueReader::Duration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out,
                           const char* example) {
  if (!Scalar(n, key, std::string("a duration like ") + example)) return false;
  std::string error;
  int64_t us = 0;
  if (!ParseDurationUs(n.scalar, &us, &error)) return diag_->Fail(n, key, error);
  if (us > max_us) return OutOfRange(n, key, "", FormatDurationUs(max_us));
  *out = us;
  return true;
}

bool ValueReader::PositiveDuration(const YamlNode& n, const std::string& key, int64_t max_us,
                                   int64_t* out) {
  if (!Scalar(n, key, "a duration like 250ms")) return false;
  const size_t first = n.scalar.find_first_not_of(" \t");
  int64_t us = 0;
  const bool negative = first != std::string::npos && n.scalar[first] == '-';
  if (!negative && !Duration(n, key, max_us, &us)) return false;
  if (negative || us == 0) return diag_->Fail(n, key, "must be > 0 (got " + n.scalar + ")");
  *out = us;
  return true;
}

bool ValueReader::DurationAtLeast(const YamlNode& n, const std::string& key, int64_t min_us,
                                  int64_t max_us, int64_t* out) {
  int64_t us = 0;
  if (!Duration(n, key, max_us, &us)) return false;
  if (us < min_us) {
    return diag_->Fail(n, key,
                       "must be at least " + FormatDurationUs(min_us) + " (got " + n.scalar + ")");
  }
  *out = us;
  return true;
}

bool ValueReader::Size(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max,
                       uint64_t* out) {
  if (!Scalar(n, key, "a size like 64B or 16KiB")) return false;
  std::string error;
  uint64_t bytes = 0;
  if (!ParseSizeBytes(n.scalar, &bytes, &error)) return diag_->Fail(n, key, error);
  if (bytes < min || bytes > max) {
    return OutOfRange(n, key, min == 0 ? "" : FormatSizeBytes(min), FormatSizeBytes(max));
  }
  *out = bytes;
  return true;
}

bool ValueReader::SizeInBytes(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max,
                              uint64_t* out) {
  if (!n.IsScalar()) return diag_->Fail(n, key, "expected a size like 64KiB, got " + n.Describe());
  std::string error;
  if (!ParseSizeBytes(n.scalar, out, &error)) return diag_->Fail(n, key, error);
  if (*out < min || *out > max) {
    return diag_->Fail(n, key,
                       "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           " bytes (got " + n.scalar + ")");
  }
  return true;
}

bool ValueReader::Rate(const YamlNode& n, const std::string& key, bool allow_zero, double* out) {
  if (!Scalar(n, key, "a rate like 1000/s")) return false;
  std::string error;
  double rate = 0;
  if (!ParseRatePerS(n.scalar, &rate, &error)) return diag_->Fail(n, key, error);
  if (allow_zero ? rate < 0 : rate <= 0) {
    return diag_->Fail(
        n, key,
        std::string(allow_zero ? "must be >= 0" : "must be > 0") + " (got " + n.scalar + ")");
  }
  if (rate > kMaxRatePerS) return OutOfRange(n, key, "", RateText(kMaxRatePerS));
  *out = rate;
  return true;
}

bool ValueReader::Bool(const YamlNode& n, const std::string& key, bool lenient, bool* out) {
  if (!Scalar(n, key, "true or false")) return false;
  const std::string& s = n.scalar;
  if (s == "true" || (lenient && (s == "True" || s == "TRUE"))) {
    *out = true;
  } else if (s == "false" || (lenient && (s == "False" || s == "FALSE"))) {
    *out = false;
  } else {
    return diag_->Fail(n, key, "expected true or false, got " + n.Describe());
  }
  return true;
}

bool ValueReader::Fraction(const YamlNode& n, const std::string& key, double* out) {
  if (!Scalar(n, key, "a fraction like 0.1 or 10%")) return false;
  std::string error;
  if (!ParseFraction(n.scalar, out, &error)) return diag_->Fail(n, key, error);
  return true;
}

bool ValueReader::Bandwidth(const YamlNode& n, const std::string& key, uint64_t* out_bits_per_s) {
  if (!n.IsScalar()) {
    return diag_->Fail(n, key, "expected a bandwidth like 100Mbit, got " + n.Describe());
  }
  std::string error;
  if (!ParseBandwidthBitsPerS(n.scalar, out_bits_per_s, &error)) {
    return diag_->Fail(n, key, error);
  }
  return true;
}

bool ValueReader::Choice(const YamlNode& n, const std::string& key,
                         const std::vector<std::string>& names, size_t* index) {
  if (!Scalar(n, key, JoinChoices(names))) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == n.scalar) {
      *index = i;
      return true;
    }
  }
  std::string message = "expected " + JoinChoices(names) + ", got " + n.Describe();
  const std::string nearest = NearestName(n.scalar, names);
  if (!nearest.empty()) message += "; did you mean `" + nearest + "`?";
  return diag_->Fail(n, key, message);
}

bool ValueReader::Names(const YamlNode& n, const std::string& key, std::vector<std::string>* out) {
  if (!n.IsSequence()) return diag_->Fail(n, key, "expected a list of names, got " + n.Describe());
  out->clear();
  for (size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = n.items[i];
    if (!item.IsScalar() || item.scalar.empty() || item.scalar.size() > 64) {
      return diag_->Fail(item, key + "[" + std::to_string(i) + "]",
                         "expected a name of 1..64 characters, got " + item.Describe());
    }
    out->push_back(item.scalar);
  }
  return true;
}

bool ValueReader::StatusName(const YamlNode& n, int line, int column, const std::string& name,
                             const std::string& key) {
  if (StatusCodeFromName(name) >= 0) return true;
  std::string message = "`" + name + "` is not a gRPC status name";
  const std::string nearest = NearestName(name, StatusCodeNames());
  if (!nearest.empty()) {
    message += "; did you mean `" + nearest + "`?";
  } else {
    message += " (names are upper case, e.g. OK, CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE)";
  }
  return diag_->FailAt(&n, line, column, key, message);
}

}  // namespace streambench::scenario
