#include "bench/gate/metrics.h"

#include <cstdio>
#include <map>

#include "bench/report/format.h"
#include "common/edit_distance.h"
#include "common/status_names.h"

namespace streambench::gate {
namespace {

constexpr const char* kLatencyKinds[] = {"message",        "call",          "first_message",
                                         "final_response", "write_blocked", "schedule_lag"};
constexpr const char* kLatencyStats[] = {"p50", "p90",  "p99", "p999",
                                         "max", "mean", "min", "count"};
constexpr const char* kThroughput[] = {
    "messages_per_s",       "messages_sent_per_s", "messages_received_per_s", "bytes_sent_per_s",
    "bytes_received_per_s", "calls_per_s",         "target_rate_per_s"};
constexpr const char* kIntegrityKinds[] = {"lost", "duplicated", "reordered", "corrupted"};
constexpr int kStatusCodes = 17;

// name -> unit, built once.
const std::map<std::string, MetricUnit>& Catalog() {
  static const std::map<std::string, MetricUnit>* catalog = [] {
    auto* c = new std::map<std::string, MetricUnit>;
    for (const char* kind : kLatencyKinds) {
      for (const char* stat : kLatencyStats) {
        (*c)[std::string(kind) + "_latency." + stat] =
            std::string(stat) == "count" ? MetricUnit::kCount : MetricUnit::kLatencyUs;
      }
    }
    for (const char* t : kThroughput) (*c)[std::string("throughput.") + t] = MetricUnit::kPerSecond;
    (*c)["error_rate"] = MetricUnit::kFraction;
    for (int code = 0; code < kStatusCodes; ++code) {
      (*c)[std::string("calls.") + StatusCodeName(code)] = MetricUnit::kCount;
    }
    for (const char* name :
         {"calls.started", "calls.finished", "messages.sent", "messages.received", "bytes.sent",
          "bytes.received", "integrity_errors"}) {
      (*c)[name] = MetricUnit::kCount;
    }
    for (const char* kind : kIntegrityKinds) {
      (*c)[std::string("integrity.") + kind] = MetricUnit::kCount;
    }
    return c;
  }();
  return *catalog;
}

double LatencyStat(const report::LatencySummary& s, const std::string& stat) {
  if (stat == "p50") return s.p50_us;
  if (stat == "p90") return s.p90_us;
  if (stat == "p99") return s.p99_us;
  if (stat == "p999") return s.p999_us;
  if (stat == "max") return s.max_us;
  if (stat == "mean") return s.mean_us;
  if (stat == "min") return s.min_us;
  return static_cast<double>(s.count);
}

}  // namespace

bool LookupMetric(const std::string& name, MetricUnit* unit) {
  auto it = Catalog().find(name);
  if (it == Catalog().end()) return false;
  *unit = it->second;
  return true;
}

double MetricValue(const std::string& name, const report::RunResult& run) {
  const size_t dot = name.find('.');
  const std::string group = name.substr(0, dot);
  const std::string field = dot == std::string::npos ? "" : name.substr(dot + 1);

  const std::string latency_suffix = "_latency";
  if (group.size() > latency_suffix.size() &&
      group.compare(group.size() - latency_suffix.size(), latency_suffix.size(), latency_suffix) ==
          0) {
    auto it = run.latency_us.find(group.substr(0, group.size() - latency_suffix.size()));
    return it == run.latency_us.end() ? 0 : LatencyStat(it->second, field);
  }
  if (group == "throughput") {
    if (field == "messages_per_s") return run.messages_per_s;
    if (field == "messages_sent_per_s") return run.messages_sent_per_s;
    if (field == "messages_received_per_s") return run.messages_received_per_s;
    if (field == "bytes_sent_per_s") return run.bytes_sent_per_s;
    if (field == "bytes_received_per_s") return run.bytes_received_per_s;
    if (field == "calls_per_s") return run.calls_per_s;
    if (field == "target_rate_per_s") return run.target_rate_per_s;
  }
  if (name == "error_rate") {
    if (run.calls_finished == 0) return 0;
    auto ok = run.calls_by_code.find("OK");
    const uint64_t ok_count = ok == run.calls_by_code.end() ? 0 : ok->second;
    const uint64_t errors = run.calls_finished > ok_count ? run.calls_finished - ok_count : 0;
    return static_cast<double>(errors) / static_cast<double>(run.calls_finished);
  }
  if (group == "calls") {
    if (field == "started") return static_cast<double>(run.calls_started);
    if (field == "finished") return static_cast<double>(run.calls_finished);
    auto it = run.calls_by_code.find(field);
    return it == run.calls_by_code.end() ? 0 : static_cast<double>(it->second);
  }
  if (name == "messages.sent") return static_cast<double>(run.messages_sent);
  if (name == "messages.received") return static_cast<double>(run.messages_received);
  if (name == "bytes.sent") return static_cast<double>(run.bytes_sent);
  if (name == "bytes.received") return static_cast<double>(run.bytes_received);
  if (name == "integrity_errors") return static_cast<double>(run.integrity.Total());
  if (name == "integrity.lost") return static_cast<double>(run.integrity.lost);
  if (name == "integrity.duplicated") return static_cast<double>(run.integrity.duplicated);
  if (name == "integrity.reordered") return static_cast<double>(run.integrity.reordered);
  if (name == "integrity.corrupted") return static_cast<double>(run.integrity.corrupted);
  return 0;
}

std::vector<std::string> KnownMetricNames() {
  std::vector<std::string> names;
  for (const auto& [name, unit] : Catalog()) names.push_back(name);
  return names;
}

std::string SuggestMetric(const std::string& name) {
  // The edit distance costs name length x known name length for every known metric (a 100 KB
  // argument took seconds). Skipping long names changes no answer: known names have at most 34
  // characters, so a name over 51 is always more than a third of its length away from them.
  if (name.size() > 64) return "";
  const NearestCandidate nearest = Nearest(name, KnownMetricNames());
  return IsPlausibleTypo(name, nearest.distance) ? nearest.name : "";
}

std::string FormatMetricValue(double value, MetricUnit unit) {
  switch (unit) {
    case MetricUnit::kLatencyUs:
      return report::FormatLatencyUs(value);
    case MetricUnit::kFraction:
      return report::FormatPercent(value);
    case MetricUnit::kPerSecond:
      return report::FormatRate(value) + "/s";
    case MetricUnit::kCount:
      return report::FormatNumber(value, 12);
  }
  return report::FormatNumber(value);
}

}  // namespace streambench::gate
