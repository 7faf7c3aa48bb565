// `streambench compare A.json B.json`: B (the newer results) against A (the baseline) with the
// baseline comparison's rules, printed side by side.
// Thread-safety: reads the two files; writes only to `out`.
#pragma once

#include <ostream>
#include <string>

#include "bench/gate/baseline.h"

namespace streambench::gate {

// Exit codes of RunCompare (the CLI's: 0 pass, 1 gate failed, 2 bad input).
inline constexpr int kCompareOk = 0;
inline constexpr int kCompareRegressed = 1;
inline constexpr int kCompareBadInput = 2;

// Reads both files, prints the table and a verdict line to `out`. Returns kCompareOk, or
// kCompareRegressed when any check failed (a regression beyond tolerance, or a variant of A
// missing from B), or kCompareBadInput (after printing "error: <file>: <reason>") when a file
// cannot be read or is not a results document.
int RunCompare(const std::string& a_path, const std::string& b_path, const Tolerances& tolerances,
               std::ostream& out);

}  // namespace streambench::gate
