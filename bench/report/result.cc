#include "bench/report/result.h"

#include <mutex>
#include <string>

#include "server/common/status_code_names.h"

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

void FinalizeScenarioResult(ScenarioResult* result) {
  result->pass = !result->runs.empty();
  result->interrupted = false;
  for (const RunResult& run : result->runs) {
    result->pass = result->pass && run.pass;
    result->interrupted = result->interrupted || run.interrupted;
  }
}

const char* StatusCodeName(int code) {
  if (const char* name = CanonicalStatusCodeName(code)) return name;
  // Out-of-range codes are rare (a misbehaving peer); intern their names so the returned pointer
  // stays valid for the life of the process, like the table entries.
  static std::mutex mu;
  static std::map<int, std::string> interned;
  std::lock_guard<std::mutex> lock(mu);
  auto it = interned.find(code);
  if (it == interned.end()) it = interned.emplace(code, "CODE_" + std::to_string(code)).first;
  return it->second.c_str();
}

int StatusCodeFromName(const std::string& name) { return StatusCodeFromCanonicalName(name); }

}  // namespace streambench::report
