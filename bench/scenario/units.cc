#include "bench/scenario/units.h"

#include <cmath>
#include <cstdlib>
#include <string_view>

namespace streambench::scenario {
namespace {

constexpr char kDurationHint[] = "expected a duration like 250ms (units: us, ms, s, m, h)";
constexpr char kSizeHint[] =
    "expected a size like 64B or 16KiB (units: B, KB, MB, GB, KiB, MiB, GiB)";
constexpr char kRateHint[] =
    "expected a rate like 1000/s, 5k/s or 60/m (per: /s, /m, /h; multipliers: k, M)";
constexpr char kBandwidthHint[] =
    "expected a bandwidth like 100Mbit (units: bit, kbit, Mbit, Gbit, optionally with /s)";
constexpr char kFractionHint[] = "expected a fraction like 0.1 or 10%";

// Splits "  -1.5ms " into sign, magnitude and the unit suffix. Only plain decimals are accepted
// (no exponent, no hex, no inf/nan) so that every accepted text reads as what it means.
struct Number {
  bool negative = false;
  long double magnitude = 0;
  bool has_fraction = false;
  std::string suffix;
};

bool SplitNumber(std::string_view text, Number* out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    out->negative = text[i] == '-';
    ++i;
  }
  const size_t digits_begin = i;
  size_t digit_count = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digit_count;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t fraction_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++fraction_digits;
    if (fraction_digits == 0) return false;
    out->has_fraction = true;
    digit_count += fraction_digits;
  }
  if (digit_count == 0 || digit_count > 40) return false;
  const std::string digits(text.substr(digits_begin, i - digits_begin));
  out->magnitude = std::strtold(digits.c_str(), nullptr);
  out->suffix = std::string(text.substr(i));
  return true;
}

std::string Got(const std::string& text) {
  if (text.empty()) return ", got an empty value";
  return ", got `" + text + "`";
}

}  // namespace

bool ParseDurationUs(const std::string& text, int64_t* out_us, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n)) {
    *error = std::string(kDurationHint) + Got(text);
    return false;
  }
  long double unit_us = 0;
  if (n.suffix == "us") {
    unit_us = 1;
  } else if (n.suffix == "ms") {
    unit_us = 1e3L;
  } else if (n.suffix == "s") {
    unit_us = 1e6L;
  } else if (n.suffix == "m") {
    unit_us = 60e6L;
  } else if (n.suffix == "h") {
    unit_us = 3600e6L;
  } else if (n.suffix.empty()) {
    if (n.magnitude == 0) {
      *out_us = 0;
      return true;
    }
    *error = "`" + text + "` has no unit; write e.g. " + text + "s or " + text +
             "ms (units: us, ms, s, m, h)";
    return false;
  } else {
    *error = std::string(kDurationHint) + Got(text);
    return false;
  }
  if (n.negative && n.magnitude != 0) {
    *error = "must be >= 0 (got " + text + ")";
    return false;
  }
  const long double us = std::round(n.magnitude * unit_us);
  if (us > 9.0e18L) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  *out_us = static_cast<int64_t>(us);
  return true;
}

bool ParseSizeBytes(const std::string& text, uint64_t* out_bytes, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n)) {
    *error = std::string(kSizeHint) + Got(text);
    return false;
  }
  long double unit = 0;
  if (n.suffix.empty() || n.suffix == "B") {
    unit = 1;
  } else if (n.suffix == "KB") {
    unit = 1e3L;
  } else if (n.suffix == "MB") {
    unit = 1e6L;
  } else if (n.suffix == "GB") {
    unit = 1e9L;
  } else if (n.suffix == "KiB") {
    unit = 1024.0L;
  } else if (n.suffix == "MiB") {
    unit = 1024.0L * 1024;
  } else if (n.suffix == "GiB") {
    unit = 1024.0L * 1024 * 1024;
  } else {
    *error = std::string(kSizeHint) + Got(text);
    return false;
  }
  if (n.negative && n.magnitude != 0) {
    *error = "must be >= 0 (got " + text + ")";
    return false;
  }
  const long double bytes = n.magnitude * unit;
  if (bytes > 1.8e19L) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  if (bytes != std::floor(bytes)) {
    *error = "must be a whole number of bytes (got " + text + ")";
    return false;
  }
  *out_bytes = static_cast<uint64_t>(bytes);
  return true;
}

bool ParseRatePerS(const std::string& text, double* out_per_s, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n)) {
    *error = std::string(kRateHint) + Got(text);
    return false;
  }
  std::string_view rest = n.suffix;
  long double multiplier = 1;
  if (!rest.empty() && rest.front() == 'k') {
    multiplier = 1e3L;
    rest.remove_prefix(1);
  } else if (!rest.empty() && rest.front() == 'M') {
    multiplier = 1e6L;
    rest.remove_prefix(1);
  }
  long double per_s = 1;
  if (rest.empty() || rest == "/s") {
    per_s = 1;
  } else if (rest == "/m") {
    per_s = 1.0L / 60;
  } else if (rest == "/h") {
    per_s = 1.0L / 3600;
  } else {
    *error = std::string(kRateHint) + Got(text);
    return false;
  }
  const long double value = n.magnitude * multiplier * per_s;
  if (value > 1e300L) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  *out_per_s = static_cast<double>(n.negative ? -value : value);
  return true;
}

bool ParseBandwidthBitsPerS(const std::string& text, uint64_t* out_bits_per_s, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n)) {
    *error = std::string(kBandwidthHint) + Got(text);
    return false;
  }
  std::string unit = n.suffix;
  if (unit.size() > 2 && unit.compare(unit.size() - 2, 2, "/s") == 0) {
    unit.resize(unit.size() - 2);
  }
  long double multiplier = 0;
  if (unit == "bit") {
    multiplier = 1;
  } else if (unit == "kbit") {
    multiplier = 1e3L;
  } else if (unit == "Mbit") {
    multiplier = 1e6L;
  } else if (unit == "Gbit") {
    multiplier = 1e9L;
  } else {
    *error = std::string(kBandwidthHint) + Got(text);
    return false;
  }
  if (n.negative && n.magnitude != 0) {
    *error = "must be >= 0 (got " + text + ")";
    return false;
  }
  const long double bits = std::round(n.magnitude * multiplier);
  if (bits > 1.8e19L) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  *out_bits_per_s = static_cast<uint64_t>(bits);
  return true;
}

bool ParseFraction(const std::string& text, double* out_fraction, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n)) {
    *error = std::string(kFractionHint) + Got(text);
    return false;
  }
  long double value = n.magnitude;
  if (n.suffix == "%") {
    value /= 100;
  } else if (!n.suffix.empty()) {
    *error = std::string(kFractionHint) + Got(text);
    return false;
  }
  if ((n.negative && value != 0) || value > 1) {
    *error = "must be between 0 and 1 (got " + text + ")";
    return false;
  }
  *out_fraction = static_cast<double>(value);
  return true;
}

std::string FormatDurationUs(int64_t us) {
  // The largest unit that divides the value exactly, so the text is exact and parses back.
  struct Unit {
    int64_t us;
    const char* name;
  };
  static constexpr Unit kUnits[] = {
      {3'600'000'000, "h"}, {60'000'000, "m"}, {1'000'000, "s"}, {1'000, "ms"}, {1, "us"}};
  if (us == 0) return "0s";
  for (const Unit& unit : kUnits) {
    if (us % unit.us == 0) return std::to_string(us / unit.us) + unit.name;
  }
  return std::to_string(us) + "us";
}

std::string FormatSizeBytes(uint64_t bytes) {
  struct Unit {
    uint64_t bytes;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
  for (const Unit& unit : kUnits) {
    if (bytes != 0 && bytes % unit.bytes == 0)
      return std::to_string(bytes / unit.bytes) + unit.name;
  }
  return std::to_string(bytes) + "B";
}

}  // namespace streambench::scenario
