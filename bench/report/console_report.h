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

// One step of a capacity search as it ends, without a trailing newline, e.g.
// "search step 4: 8.00k/s, sent 8.00k/s, call p50 1.20ms p99 3.40ms p99.9 5.00ms, errors 0%:
// FAILED (call_latency.p99 = 3.40ms, limit < 2ms: over by 1.40ms (+70.0%))".
std::string FormatCapacityStep(const CapacityStep& step, size_t index);

// The live line, without a trailing newline, e.g.
// "[  12.0s]  12.3k msg/s  p99 1.25ms  errors 0".
std::string FormatProgressLine(double elapsed_s, double msgs_per_s, double p99_us, uint64_t errors);

}  // namespace streambench::report
