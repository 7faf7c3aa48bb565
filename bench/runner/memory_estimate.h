// A pre-flight estimate of what a scenario file needs in memory, from costs measured per stream
// on this project's engines and reference server (bench/RESULTS.md, "Stream scale"), so a
// scenario that could never fit (a million streams on the grpc engine, say) is refused before it
// starts instead of swapping or being killed mid-run. The estimate is deliberately simple: a
// fixed base, a cost per connection and a cost per stream in flight (a stream slot, times the
// closed loop's outstanding operations), by engine, plus the embedded server's cost per stream
// when the run starts one. `--force` runs it anyway.
#pragma once

#include <cstdint>
#include <string>

#include "bench/scenario/scenario.h"

namespace streambench::runner {

// Bytes `run` is expected to need at its peak.
uint64_t EstimateRunMemoryBytes(const scenario::Scenario& run);
// The file's peak: its largest run, or all runs together when they go concurrently.
uint64_t EstimateFileMemoryBytes(const scenario::ScenarioFile& file);

// The machine's MemAvailable (/proc/meminfo), 0 when it cannot be read.
uint64_t AvailableMemoryBytes();

// True when the estimate fits `available_bytes` (or that is 0: unknown); otherwise false with a
// one-line reason naming the file, the estimate, what is available and `--force`.
bool FitsMemory(const scenario::ScenarioFile& file, uint64_t available_bytes, std::string* error);

}  // namespace streambench::runner
