#include "bench/report/result.h"

#include <string>

#include "common/status_names.h"

namespace streambench::report {
namespace {

constexpr double kNsPerUs = 1000.0;

}  // namespace

LatencySummary Summarize(const stats::LogLinearHistogram& histogram) {
  LatencySummary summary;
  summary.count = histogram.Count();
  if (summary.count == 0) return summary;
  summary.p50_us = static_cast<double>(histogram.ValueAtPercentileNs(50)) / kNsPerUs;
  summary.p90_us = static_cast<double>(histogram.ValueAtPercentileNs(90)) / kNsPerUs;
  summary.p99_us = static_cast<double>(histogram.ValueAtPercentileNs(99)) / kNsPerUs;
  summary.p999_us = static_cast<double>(histogram.ValueAtPercentileNs(99.9)) / kNsPerUs;
  summary.max_us = static_cast<double>(histogram.MaxNs()) / kNsPerUs;
  summary.min_us = static_cast<double>(histogram.MinNs()) / kNsPerUs;
  summary.mean_us = histogram.MeanNs() / kNsPerUs;
  return summary;
}

QueueDepthSummary SummarizeQueueDepth(const stats::LogLinearHistogram& depth) {
  QueueDepthSummary summary;
  summary.samples = depth.Count();
  summary.mean = depth.MeanNs();
  summary.p50 = static_cast<uint64_t>(depth.ValueAtPercentileNs(50));
  summary.p99 = static_cast<uint64_t>(depth.ValueAtPercentileNs(99));
  summary.max = static_cast<uint64_t>(depth.MaxNs());
  return summary;
}

void SummarizeMessagesPerStream(const stats::LogLinearHistogram& per_stream,
                                StreamMessagesSummary* summary) {
  summary->streams = per_stream.Count();
  summary->mean = per_stream.MeanNs();
  summary->min = static_cast<uint64_t>(per_stream.MinNs());
  summary->p50 = static_cast<uint64_t>(per_stream.ValueAtPercentileNs(50));
  summary->p99 = static_cast<uint64_t>(per_stream.ValueAtPercentileNs(99));
  summary->max = static_cast<uint64_t>(per_stream.MaxNs());
}

void FinalizeScenarioResult(ScenarioResult* result) {
  result->pass = !result->runs.empty();
  result->interrupted = false;
  for (const RunResult& run : result->runs) {
    result->pass = result->pass && run.pass;
    result->interrupted = result->interrupted || run.interrupted;
  }
}

}  // namespace streambench::report
