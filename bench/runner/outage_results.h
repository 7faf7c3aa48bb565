// The run result's `outages` from what the drivers' OutageTracker saw: only outages that overlap
// the measured phase, with times relative to its start. Header-only (one small function).
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/drivers/outage_tracker.h"
#include "bench/report/result.h"

namespace streambench::runner {

// `records` in Clock time; the measured phase is [measured_start_ns, measured_end_ns). An outage
// still open at the end lasts until measured_end_ns and is marked not recovered. One that ended
// before the measured phase (during warm-up) is left out; one that began in warm-up and lasted
// into it keeps its true start (a negative start_s).
inline std::vector<report::Outage> OutagesInMeasuredPhase(
    const std::vector<drivers::OutageRecord>& records, int64_t measured_start_ns,
    int64_t measured_end_ns) {
  std::vector<report::Outage> out;
  for (const drivers::OutageRecord& r : records) {
    const bool open = r.end_ns == 0;
    const int64_t end_ns = open ? measured_end_ns : r.end_ns;
    if (end_ns <= measured_start_ns || r.start_ns >= measured_end_ns) continue;
    report::Outage o;
    o.start_s = static_cast<double>(r.start_ns - measured_start_ns) / 1e9;
    o.duration_s = static_cast<double>(end_ns - r.start_ns) / 1e9;
    o.failed_calls = r.failed_calls;
    o.recovered = !open;
    out.push_back(o);
  }
  return out;
}

}  // namespace streambench::runner
