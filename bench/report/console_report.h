// Console output: the final per-run table (h2load-like: traffic, throughput per direction,
// latency percentiles per kind, status codes, integrity, checks, verdict) and the one-line live
// progress view the runner prints once a second on a terminal.
// Thread-safety: pure functions; PrintConsoleTable writes only to the given stream.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "bench/report/result.h"

namespace streambench::report {

// Prints every run's table, then a verdict line ("PASS: 2 of 2 runs passed" or
// "FAIL: 1 of 2 runs failed (variant ...)"; "INTERRUPTED" is noted when any run was).
void PrintConsoleTable(const ScenarioResult& result, std::ostream& out);

// One run's table (what PrintConsoleTable prints per run).
void PrintRunTable(const RunResult& run, std::ostream& out);

// The live line, without a trailing newline, e.g.
// "[  12.0s]  12.3k msg/s  p99 1.25ms  errors 0".
std::string FormatProgressLine(double elapsed_s, double msgs_per_s, double p99_us, uint64_t errors);

}  // namespace streambench::report
