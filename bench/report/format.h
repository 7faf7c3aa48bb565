// Human-readable formatting of measured values for the console table, check details, the live
// progress line and the gate's messages, so every output spells a value the same way.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace streambench::report {

// A latency given in microseconds: "850ns", "12.3us", "1.25ms", "2.50s" (3 significant digits).
std::string FormatLatencyUs(double value_us);
// A fraction in [0, 1] as a percentage: 0.1234 -> "12.3%", 0.0001 -> "0.01%", 0 -> "0%".
std::string FormatPercent(double fraction);
// A count with thousands separators: 1234567 -> "1,234,567".
std::string FormatCount(uint64_t value);
// A per-second rate with a metric suffix: 950 -> "950", 12345 -> "12.3k", 2.5e6 -> "2.50M".
std::string FormatRate(double value_per_s);
// A byte count in binary units: 512 -> "512 B", 2048 -> "2.00 KiB", 3.5 * 2^20 -> "3.50 MiB".
std::string FormatBytes(double bytes);
// A plain number with up to `significant` significant digits and no trailing zeros: 0.5, 12, 1e+09.
std::string FormatNumber(double value, int significant = 6);

}  // namespace streambench::report
