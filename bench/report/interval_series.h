// IntervalSeries: the per-second series of a run's measured phase (RunResult::series), built from
// the cumulative snapshots the run controller takes once a second anyway. Each Add differences
// the new snapshot against the previous one, so recording threads do nothing more for it.
// Memory: one retained snapshot (~370 KiB) plus the compact intervals (~1-3 KiB a second).
// Thread-safety: one thread (the run's).
#pragma once

#include <cstdint>
#include <vector>

#include "bench/report/result.h"
#include "bench/stats/recorder.h"

namespace streambench::report {

class IntervalSeries {
 public:
  // The measured phase begins at `baseline` (its taken_at_ns is t = 0).
  void Begin(const stats::Snapshot& baseline);
  // One interval, from the previous snapshot to `now`. Ignored before Begin, and (unless `last`)
  // when less than half a second passed: a tick that comes right after the phase began would
  // otherwise make a sliver of an interval.
  void Add(const stats::Snapshot& now, bool last = false);
  bool begun() const { return begun_; }
  std::vector<IntervalPoint> Take() { return std::move(points_); }

 private:
  bool begun_ = false;
  int64_t start_ns_ = 0;
  stats::Snapshot previous_;
  stats::Snapshot delta_;  // reused
  std::vector<IntervalPoint> points_;
};

}  // namespace streambench::report
