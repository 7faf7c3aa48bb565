#include "bench/report/interval_series.h"

#include "common/status_names.h"

namespace streambench::report {

void IntervalSeries::Begin(const stats::Snapshot& baseline) {
  previous_ = baseline;
  start_ns_ = baseline.taken_at_ns;
  begun_ = true;
  points_.clear();
}

void IntervalSeries::Add(const stats::Snapshot& now, bool last) {
  if (!begun_ || now.taken_at_ns <= previous_.taken_at_ns) return;
  if (!last && now.taken_at_ns - previous_.taken_at_ns < 500'000'000) return;
  delta_ = now;
  delta_.Subtract(previous_);
  IntervalPoint p;
  // Whole seconds since the phase began, rounded: the ticks come a poll interval late at most.
  p.t_s = (previous_.taken_at_ns - start_ns_ + 500'000'000) / 1'000'000'000;
  p.duration_s = static_cast<double>(now.taken_at_ns - previous_.taken_at_ns) / 1e9;
  const stats::Counters& c = delta_.counters;
  p.messages_sent = c.messages_sent;
  p.messages_received = c.messages_received;
  p.calls_finished = c.CallsFinished();
  for (int code = 0; code < stats::kStatusCodeCount; ++code) {
    if (c.calls_by_code[code] != 0) p.calls_by_code[StatusCodeName(code)] = c.calls_by_code[code];
  }
  for (stats::Latency kind : stats::kLatencyKinds) {
    const stats::LogLinearHistogram& h = delta_.Get(kind);
    if (h.Count() != 0) p.latency[stats::LatencyName(kind)] = stats::Compact(h);
  }
  points_.push_back(std::move(p));
  previous_ = now;
}

}  // namespace streambench::report
