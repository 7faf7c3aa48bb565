// The one unit grammar of streambench: durations ("250ms"), sizes ("64KiB"), rates ("5k/s"),
// bandwidths ("100Mbit") and fractions ("10%"), as scenarios, the generator's flags and the
// server's flags write them. Every parser takes the text as written and either fills the output
// and returns true, or returns false with a one-line message (without the key or flag; the caller
// adds where the text came from). Numbers are decimal, optionally with a fraction ("1.5s", not
// "5."), at most 40 digits, with no "+" sign; exponents ("1e3") are not accepted so a typo cannot
// silently become a huge value. Blanks around the text are ignored. Range limits beyond
// representability are the caller's job, except where noted.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace streambench {

// "100us", "250ms", "1.5s", "1m", "2h" -> microseconds (rounded to the nearest microsecond).
// A bare number is rejected (the message lists the units), except "0". Negative values are
// rejected ("must be >= 0"), and so is anything above 2^62 - 1 us (about 146,000 years), so that
// the sum of two durations cannot overflow.
bool ParseDurationUs(const std::string& text, int64_t* out_us, std::string* error);

// "64", "64B", "10KB" (= 10000), "64KiB" (= 65536), "1MiB", "1GiB", "1.5KiB"; a bare number is
// bytes. The result must be a whole number of bytes and at most 1.8e19. Negative values are
// rejected.
bool ParseSizeBytes(const std::string& text, uint64_t* out_bytes, std::string* error);

// "1000", "1000/s", "5k/s", "2M/s", "60/m", "3600/h" -> operations per second. A bare number is
// per second. A sign is accepted ("-3" parses to -3) so the caller can say "must be > 0 (got -3)".
bool ParseRatePerS(const std::string& text, double* out_per_s, std::string* error);

// "500bit", "10kbit", "100Mbit", "1Gbit" (decimal multipliers), optionally with "/s".
bool ParseBandwidthBitsPerS(const std::string& text, uint64_t* out_bits_per_s, std::string* error);

// "0.1" or "10%" -> 0.1; must lie in [0, 1].
bool ParseFraction(const std::string& text, double* out_fraction, std::string* error);

// Exact text for a duration in the largest unit that divides it ("250ms", "1500ms", "0s"), for
// messages and reports.
std::string FormatDurationUs(int64_t us);
// Exact text for a size in the largest binary unit that divides it ("64B", "64KiB", "1536KiB").
std::string FormatSizeBytes(uint64_t bytes);

}  // namespace streambench
