#include "bench/report/format.h"

#include <cmath>
#include <cstdio>

namespace streambench::report {
namespace {

// Three significant digits for a value already scaled to its unit (1 <= |v| < 1000 typically).
std::string ThreeDigits(double value, const char* unit) {
  char buf[64];
  const double magnitude = std::fabs(value);
  if (magnitude >= 100) {
    std::snprintf(buf, sizeof(buf), "%.0f%s", value, unit);
  } else if (magnitude >= 10) {
    std::snprintf(buf, sizeof(buf), "%.1f%s", value, unit);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f%s", value, unit);
  }
  return buf;
}

}  // namespace

std::string FormatLatencyUs(double value_us) {
  const double magnitude = std::fabs(value_us);
  if (magnitude == 0) return "0us";
  if (magnitude < 1) return ThreeDigits(value_us * 1000, "ns");
  if (magnitude < 1000) return ThreeDigits(value_us, "us");
  if (magnitude < 1e6) return ThreeDigits(value_us / 1e3, "ms");
  return ThreeDigits(value_us / 1e6, "s");
}

std::string FormatPercent(double fraction) {
  const double percent = fraction * 100;
  if (percent == 0) return "0%";
  char buf[64];
  if (std::fabs(percent) >= 10) {
    std::snprintf(buf, sizeof(buf), "%.1f%%", percent);
  } else if (std::fabs(percent) >= 0.1) {
    std::snprintf(buf, sizeof(buf), "%.2f%%", percent);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3g%%", percent);
  }
  return buf;
}

std::string FormatCount(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatRate(double value_per_s) {
  const double magnitude = std::fabs(value_per_s);
  if (magnitude < 1000) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), magnitude < 10 ? "%.2f" : "%.0f", value_per_s);
    return buf;
  }
  if (magnitude < 1e6) return ThreeDigits(value_per_s / 1e3, "k");
  if (magnitude < 1e9) return ThreeDigits(value_per_s / 1e6, "M");
  return ThreeDigits(value_per_s / 1e9, "G");
}

std::string FormatBytes(double bytes) {
  static const char* kUnits[] = {" B", " KiB", " MiB", " GiB", " TiB"};
  int unit = 0;
  double value = bytes;
  while (std::fabs(value) >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.0f B", value);
    return buf;
  }
  return ThreeDigits(value, kUnits[unit]);
}

std::string FormatNumber(double value, int significant) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", significant, value);
  return buf;
}

}  // namespace streambench::report
