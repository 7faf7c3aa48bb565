// Wall-clock instants as RFC 3339 text ("2026-12-03T20:00:00Z", "2026-12-03T21:00:00.5+01:00"),
// for `streambench run --start-at`: shards on different machines agree on an instant through it.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace streambench {

// Parses an RFC 3339 date-time (a 'T' or ' ' between date and time, optional fraction of up to
// 9 digits, 'Z' or a +hh:mm / -hh:mm offset) into Unix nanoseconds. False with *error otherwise.
bool ParseRfc3339(const std::string& text, int64_t* unix_ns, std::string* error);

// The system clock now, in Unix nanoseconds.
int64_t WallClockUnixNs();

}  // namespace streambench
