// `streambench compare A.json B.json`: B (the newer results) against A (the baseline) with the
// baseline comparison's rules, printed side by side.
// Thread-safety: reads the two files; writes only to `out`.
#pragma once

#include <ostream>
#include <string>

#include "bench/criteria/tolerance.h"

namespace streambench::gate {

// Reads both files, prints the table and a verdict line to `out`. Returns kExitPass, or
// kExitChecksFailed when any check failed (a regression beyond tolerance, or a variant of A
// missing from B), or kExitBadInput (after printing "error: <file>: <reason>") when a file
// cannot be read or is not a results document (exit_code.h).
int RunCompare(const std::string& a_path, const std::string& b_path,
               const criteria::Tolerances& tolerances, std::ostream& out);

}  // namespace streambench::gate
