#include "common/units.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace streambench {
namespace {

constexpr char kDurationHint[] = "expected a duration like 250ms (units: us, ms, s, m, h)";
constexpr char kSizeHint[] =
    "expected a size like 64B or 16KiB (units: B, KB, MB, GB, KiB, MiB, GiB)";
constexpr char kRateHint[] =
    "expected a rate like 1000/s, 5k/s or 60/m (per: /s, /m, /h; multipliers: k, M)";
constexpr char kBandwidthHint[] =
    "expected a bandwidth like 100Mbit (units: bit, kbit, Mbit, Gbit, optionally with /s)";
constexpr char kFractionHint[] = "expected a fraction like 0.1 or 10%";

// The largest duration: half of what int64 microseconds hold, so that adding two durations (a
// start and a length, a delay and an interval) cannot overflow.
constexpr int64_t kMaxDurationUs = std::numeric_limits<int64_t>::max() / 2;

// Splits "  -1.5ms " into sign, magnitude and the unit suffix. Only plain decimals are accepted
// (no exponent, no hex, no inf/nan, no "+", no "5." without fraction digits) so that every
// accepted text reads as what it means. A "-" is split off so callers can say "must be >= 0".
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
  if (i < text.size() && text[i] == '-') {
    out->negative = true;
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

// One unit a quantity may be written in: its suffix and what one of it is worth.
struct Unit {
  std::string_view suffix;
  long double factor;
};

constexpr Unit kDurationUnitsUs[] = {
    {"us", 1}, {"ms", 1e3L}, {"s", 1e6L}, {"m", 60e6L}, {"h", 3600e6L}};
constexpr Unit kSizeUnitsBytes[] = {{"", 1},
                                    {"B", 1},
                                    {"KB", 1e3L},
                                    {"MB", 1e6L},
                                    {"GB", 1e9L},
                                    {"KiB", 1024.0L},
                                    {"MiB", 1024.0L * 1024},
                                    {"GiB", 1024.0L * 1024 * 1024}};
constexpr Unit kRateMultipliers[] = {{"", 1}, {"k", 1e3L}, {"M", 1e6L}};
constexpr Unit kRatePeriodsPerS[] = {{"", 1}, {"/s", 1}, {"/m", 1.0L / 60}, {"/h", 1.0L / 3600}};
// "/s" is optional: a bandwidth is always per second.
constexpr Unit kBandwidthUnitsBitsPerS[] = {{"bit", 1},       {"bit/s", 1},    {"kbit", 1e3L},
                                            {"kbit/s", 1e3L}, {"Mbit", 1e6L},  {"Mbit/s", 1e6L},
                                            {"Gbit", 1e9L},   {"Gbit/s", 1e9L}};

// The factor of `suffix` among `units`, or nullptr when it is none of them.
template <size_t N>
const long double* FindUnit(const Unit (&units)[N], std::string_view suffix) {
  for (const Unit& unit : units) {
    if (unit.suffix == suffix) return &unit.factor;
  }
  return nullptr;
}

// The checks every non-negative quantity shares, in the order their messages take precedence:
// the text must split into a number and a known unit (else `hint`), must not be negative, and
// scaled (and rounded when `round`) must not exceed `max`. On success *scaled is the value in
// the units' base unit.
template <size_t N>
bool ParseNonNegative(const std::string& text, const Unit (&units)[N], const char* hint, bool round,
                      long double max, long double* scaled, std::string* error) {
  Number n;
  const long double* factor = SplitNumber(text, &n) ? FindUnit(units, n.suffix) : nullptr;
  if (factor == nullptr) {
    *error = std::string(hint) + Got(text);
    return false;
  }
  if (n.negative && n.magnitude != 0) {
    *error = "must be >= 0 (got " + text + ")";
    return false;
  }
  *scaled = round ? std::round(n.magnitude * *factor) : n.magnitude * *factor;
  if (*scaled > max) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  return true;
}

}  // namespace

bool ParseDurationUs(const std::string& text, int64_t* out_us, std::string* error) {
  Number n;
  if (SplitNumber(text, &n) && n.suffix.empty()) {
    // A bare number is ambiguous (seconds? milliseconds?) except zero.
    if (n.magnitude == 0) {
      *out_us = 0;
      return true;
    }
    *error = "`" + text + "` has no unit; write e.g. " + text + "s or " + text +
             "ms (units: us, ms, s, m, h)";
    return false;
  }
  long double us = 0;
  if (!ParseNonNegative(text, kDurationUnitsUs, kDurationHint, /*round=*/true,
                        static_cast<long double>(kMaxDurationUs), &us, error)) {
    return false;
  }
  *out_us = static_cast<int64_t>(us);
  return true;
}

bool ParseSizeBytes(const std::string& text, uint64_t* out_bytes, std::string* error) {
  long double bytes = 0;
  if (!ParseNonNegative(text, kSizeUnitsBytes, kSizeHint, /*round=*/false, 1.8e19L, &bytes,
                        error)) {
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
  // A multiplier ("k", "M") then a period ("/s", "/m", "/h"), each optional.
  const long double* multiplier = nullptr;
  const long double* per_s = nullptr;
  if (SplitNumber(text, &n)) {
    const std::string_view suffix = n.suffix;
    const size_t period = suffix.find('/');
    multiplier = FindUnit(kRateMultipliers, suffix.substr(0, period));
    per_s =
        FindUnit(kRatePeriodsPerS, period == std::string_view::npos ? "" : suffix.substr(period));
  }
  if (multiplier == nullptr || per_s == nullptr) {
    *error = std::string(kRateHint) + Got(text);
    return false;
  }
  const long double value = n.magnitude * *multiplier * *per_s;
  if (value > 1e300L) {
    *error = "is too large (got " + text + ")";
    return false;
  }
  // The sign is kept so that the caller can say "must be > 0 (got -3)".
  *out_per_s = static_cast<double>(n.negative ? -value : value);
  return true;
}

bool ParseBandwidthBitsPerS(const std::string& text, uint64_t* out_bits_per_s, std::string* error) {
  long double bits = 0;
  if (!ParseNonNegative(text, kBandwidthUnitsBitsPerS, kBandwidthHint, /*round=*/true, 1.8e19L,
                        &bits, error)) {
    return false;
  }
  *out_bits_per_s = static_cast<uint64_t>(bits);
  return true;
}

bool ParseFraction(const std::string& text, double* out_fraction, std::string* error) {
  Number n;
  if (!SplitNumber(text, &n) || (n.suffix != "%" && !n.suffix.empty())) {
    *error = std::string(kFractionHint) + Got(text);
    return false;
  }
  const long double value = n.suffix == "%" ? n.magnitude / 100 : n.magnitude;
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

}  // namespace streambench
