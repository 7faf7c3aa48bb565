// Text handling the gate's expression parsers share (ParseThreshold in threshold.cc,
// ParseTolerance in tolerance.cc): trimming user text and quoting it safely in an error.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace streambench::criteria {

// `s` without leading and trailing characters from `blanks` ("" when nothing else is left).
// Each parser passes its own set: thresholds also come from scenario files and treat line ends as
// blanks; tolerances (command-line arguments only) just spaces and tabs.
std::string TrimChars(const std::string& s, std::string_view blanks);

// `s` with every control byte (below 0x20, and 0x7f) replaced by `?`. Errors quote the user's
// expression as given; a control byte in it (an escape sequence pasted into an argument) would
// break the one-line error or garble the terminal.
std::string Printable(std::string s);

}  // namespace streambench::criteria
