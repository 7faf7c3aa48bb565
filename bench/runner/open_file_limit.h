// The open-file budget of a run: each connection is a socket, and with the embedded server its
// accepted side is one more in this process, so a scenario with many connections can exceed the
// soft RLIMIT_NOFILE (often 1024) long before the machine runs out of anything. The generator
// raises its soft limit to the hard limit at start (the hard limit is what the administrator
// allows) and refuses, before anything starts, a scenario that would still not fit.
// Thread-safety: RaiseOpenFileLimit changes the process's limit; call it once, before the run.
#pragma once

#include <cstdint>
#include <string>

#include "bench/scenario/scenario.h"

namespace streambench::runner {

struct OpenFileLimit {
  uint64_t soft_before = 0;  // the soft limit the process started with
  uint64_t soft = 0;         // the soft limit now
  uint64_t hard = 0;
};

// Raises the soft limit to the hard limit (no change when it is there already, or when the
// kernel refuses: `soft` then says what holds).
OpenFileLimit RaiseOpenFileLimit();

// Descriptors `file` needs at most at once: the connections of the largest run (of all runs when
// they go concurrently), doubled for runs against the embedded server, plus a reserve for the
// process's own (engines' event loops, the metrics endpoint, result files).
uint64_t OpenFilesNeeded(const scenario::ScenarioFile& file);

// True when `file` fits `limit`; otherwise false with a one-line reason naming the scenario file,
// what it needs, the limit and what to do.
bool FitsOpenFileLimit(const scenario::ScenarioFile& file, const OpenFileLimit& limit,
                       std::string* error);

}  // namespace streambench::runner
