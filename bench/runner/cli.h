// The `streambench` command line: `run` (with Prometheus export and the regression gate),
// `validate`, `compare`, help. Turns module errors into one line on stderr and an exit code:
// 0 pass, 1 expectations, a threshold or the baseline failed, 2 bad input or usage, 3 could not
// run (target unreachable, metrics port taken), 130 / 143 interrupted by SIGINT / SIGTERM (the
// results are still written, with `interrupted: true`).
// Thread-safety: RunCli installs process-wide signal handlers; call it from one thread.
#pragma once

#include <iosfwd>

namespace streambench::runner {

// The whole CLI; returns the process exit code. Output goes to std::cout / std::cerr.
int RunCli(int argc, char** argv);
// The same with explicit streams (tests). `stderr_is_terminal` decides the live progress line.
int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err, bool stderr_is_terminal);

}  // namespace streambench::runner
