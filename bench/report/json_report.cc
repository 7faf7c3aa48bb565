#include "bench/report/json_report.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "bench/report/atomic_file.h"
#include "bench/report/flow_json.h"

namespace streambench::report {
namespace {

// Insertion-ordered so the file reads top-down in the documented order.
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// Kinds always written (the minimum schema), even when nothing was recorded.
constexpr const char* kAlwaysWrittenLatencies[] = {"message", "call"};

OrderedJson LatencyToJson(const LatencySummary& s) {
  OrderedJson j;
  j["p50"] = s.p50_us;
  j["p90"] = s.p90_us;
  j["p99"] = s.p99_us;
  j["p999"] = s.p999_us;
  j["max"] = s.max_us;
  j["mean"] = s.mean_us;
  j["min"] = s.min_us;
  j["count"] = s.count;
  return j;
}

OrderedJson RunToJson(const RunResult& run) {
  OrderedJson j;
  j["variant"] = run.variant;
  j["mode"] = run.mode;
  j["service"] = run.service;
  j["target"] = run.target;
  j["repeat"] = run.repeat_index;
  j["duration_s"] = run.duration_s;
  j["interrupted"] = run.interrupted;
  j["pass"] = run.pass;
  j["messages"] = {{"sent", run.messages_sent}, {"received", run.messages_received}};
  j["bytes"] = {{"sent", run.bytes_sent}, {"received", run.bytes_received}};
  OrderedJson by_code = OrderedJson::object();
  for (const auto& [code, count] : run.calls_by_code) by_code[code] = count;
  j["calls"] = {
      {"started", run.calls_started}, {"finished", run.calls_finished}, {"by_code", by_code}};
  j["throughput"] = {{"messages_per_s", run.messages_per_s},
                     {"messages_sent_per_s", run.messages_sent_per_s},
                     {"messages_received_per_s", run.messages_received_per_s},
                     {"bytes_sent_per_s", run.bytes_sent_per_s},
                     {"bytes_received_per_s", run.bytes_received_per_s},
                     {"calls_per_s", run.calls_per_s},
                     {"target_rate_per_s", run.target_rate_per_s}};
  j["dropped_ops"] = run.dropped_ops;
  OrderedJson outages = OrderedJson::array();
  for (const Outage& o : run.outages) {
    outages.push_back({{"start_s", o.start_s},
                       {"duration_s", o.duration_s},
                       {"failed_calls", o.failed_calls},
                       {"recovered", o.recovered}});
  }
  j["outages"] = outages;
  OrderedJson latency = OrderedJson::object();
  for (const char* kind : kAlwaysWrittenLatencies) {
    auto it = run.latency_us.find(kind);
    latency[kind] = LatencyToJson(it == run.latency_us.end() ? LatencySummary{} : it->second);
  }
  for (const auto& [kind, summary] : run.latency_us) {
    if (!latency.contains(kind)) latency[kind] = LatencyToJson(summary);
  }
  j["latency_us"] = latency;
  j["integrity"] = {{"lost", run.integrity.lost},
                    {"duplicated", run.integrity.duplicated},
                    {"reordered", run.integrity.reordered},
                    {"corrupted", run.integrity.corrupted}};
  if (run.mode == "upload" || run.mode == "download") {
    j["transfers"] = {{"verified", run.transfers_verified}, {"failed", run.transfers_failed}};
  }
  OrderedJson checks = OrderedJson::array();
  for (const ExpectationCheck& check : run.checks) {
    checks.push_back({{"name", check.name}, {"passed", check.passed}, {"detail", check.detail}});
  }
  j["checks"] = checks;
  if (run.generator.cores > 0) {
    j["generator"] = {{"cpu_seconds", run.generator.cpu_seconds},
                      {"cpu_utilization", run.generator.cpu_utilization},
                      {"busiest_thread_utilization", run.generator.busiest_thread_utilization},
                      {"cores", run.generator.cores},
                      {"includes_server", run.generator.includes_server},
                      {"saturated", run.generator.saturated}};
  }
  AddFlowFieldsToRunJson(run, &j);
  return j;
}

OrderedJson GateToJson(const GateResult& gate) {
  OrderedJson j;
  j["pass"] = gate.pass;
  j["baseline_path"] = gate.baseline_path;
  OrderedJson thresholds = OrderedJson::array();
  for (const GateThresholdCheck& t : gate.thresholds) {
    thresholds.push_back({{"threshold", t.threshold},
                          {"variant", t.variant},
                          {"metric", t.metric},
                          {"passed", t.passed},
                          {"measured", t.measured},
                          {"limit", t.limit},
                          {"message", t.message}});
  }
  j["thresholds"] = thresholds;
  OrderedJson baseline = OrderedJson::array();
  for (const GateBaselineCheck& b : gate.baseline) {
    OrderedJson c = {{"variant", b.variant}, {"metric", b.metric},     {"passed", b.passed},
                     {"missing", b.missing}, {"baseline", b.baseline}, {"current", b.current}};
    // JSON has no infinity: a ratio over a zero baseline is written as null.
    c["ratio"] = std::isfinite(b.ratio) ? OrderedJson(b.ratio) : OrderedJson(nullptr);
    c["tolerance"] = b.tolerance;
    c["message"] = b.message;
    baseline.push_back(c);
  }
  j["baseline"] = baseline;
  return j;
}

// Reads typed fields out of a parsed document, remembering the first error with its key path.
// Missing optional keys keep the field's default; a present key of the wrong type is an error.
class Reader {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // The member `key` of `obj` if present (nullptr if absent, or on a type error).
  const Json* Member(const Json& obj, const std::string& path, const char* key, bool required) {
    if (!ok()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Fail(Join(path, key), "missing required key");
      return nullptr;
    }
    return &*it;
  }

  const Json* Object(const Json& obj, const std::string& path, const char* key, bool required) {
    const Json* j = Member(obj, path, key, required);
    if (j != nullptr && !j->is_object()) {
      Fail(Join(path, key), "expected an object");
      return nullptr;
    }
    return j;
  }

  void String(const Json& obj, const std::string& path, const char* key, bool required,
              std::string* out) {
    const Json* j = Member(obj, path, key, required);
    if (j == nullptr) return;
    if (!j->is_string()) return Fail(Join(path, key), "expected a string");
    *out = j->get<std::string>();
  }

  void Bool(const Json& obj, const std::string& path, const char* key, bool* out) {
    const Json* j = Member(obj, path, key, false);
    if (j == nullptr) return;
    if (!j->is_boolean()) return Fail(Join(path, key), "expected true or false");
    *out = j->get<bool>();
  }

  void Unsigned(const Json& obj, const std::string& path, const char* key, uint64_t* out) {
    const Json* j = Member(obj, path, key, false);
    if (j == nullptr) return;
    if (!j->is_number_unsigned()) {
      return Fail(Join(path, key), "expected an unsigned integer");
    }
    *out = j->get<uint64_t>();
  }

  void Int(const Json& obj, const std::string& path, const char* key, int* out) {
    const Json* j = Member(obj, path, key, false);
    if (j == nullptr) return;
    if (!j->is_number_integer()) return Fail(Join(path, key), "expected an integer");
    *out = j->get<int>();
  }

  void Double(const Json& obj, const std::string& path, const char* key, double* out) {
    const Json* j = Member(obj, path, key, false);
    if (j == nullptr) return;
    if (!j->is_number()) return Fail(Join(path, key), "expected a number");
    *out = j->get<double>();
  }

  // As Double, reading null as +infinity (how a ratio over a zero baseline is written).
  void DoubleOrInfinity(const Json& obj, const std::string& path, const char* key, double* out) {
    const Json* j = Member(obj, path, key, false);
    if (j != nullptr && j->is_null()) {
      *out = std::numeric_limits<double>::infinity();
      return;
    }
    Double(obj, path, key, out);
  }

  void Fail(const std::string& path, const std::string& message) {
    if (ok()) error_ = path + ": " + message;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string error_;
};

void ReadLatency(Reader& r, const Json& j, const std::string& path, LatencySummary* s) {
  r.Double(j, path, "p50", &s->p50_us);
  r.Double(j, path, "p90", &s->p90_us);
  r.Double(j, path, "p99", &s->p99_us);
  r.Double(j, path, "p999", &s->p999_us);
  r.Double(j, path, "max", &s->max_us);
  r.Double(j, path, "mean", &s->mean_us);
  r.Double(j, path, "min", &s->min_us);
  r.Unsigned(j, path, "count", &s->count);
}

void ReadRun(Reader& r, const Json& j, const std::string& path, RunResult* run) {
  r.String(j, path, "variant", true, &run->variant);
  r.String(j, path, "mode", true, &run->mode);
  r.String(j, path, "service", false, &run->service);
  r.String(j, path, "target", false, &run->target);
  r.Int(j, path, "repeat", &run->repeat_index);
  r.Double(j, path, "duration_s", &run->duration_s);
  r.Bool(j, path, "interrupted", &run->interrupted);
  r.Bool(j, path, "pass", &run->pass);

  if (const Json* m = r.Object(j, path, "messages", true)) {
    r.Unsigned(*m, path + ".messages", "sent", &run->messages_sent);
    r.Unsigned(*m, path + ".messages", "received", &run->messages_received);
  }
  if (const Json* b = r.Object(j, path, "bytes", false)) {
    r.Unsigned(*b, path + ".bytes", "sent", &run->bytes_sent);
    r.Unsigned(*b, path + ".bytes", "received", &run->bytes_received);
  }
  if (const Json* c = r.Object(j, path, "calls", true)) {
    const std::string calls_path = path + ".calls";
    r.Unsigned(*c, calls_path, "started", &run->calls_started);
    r.Unsigned(*c, calls_path, "finished", &run->calls_finished);
    if (const Json* by_code = r.Object(*c, calls_path, "by_code", false)) {
      for (const auto& [code, count] : by_code->items()) {
        uint64_t value = 0;
        r.Unsigned(*by_code, calls_path + ".by_code", code.c_str(), &value);
        if (value != 0) run->calls_by_code[code] = value;
      }
    }
  }
  if (const Json* t = r.Object(j, path, "throughput", true)) {
    const std::string tp = path + ".throughput";
    r.Double(*t, tp, "messages_per_s", &run->messages_per_s);
    r.Double(*t, tp, "messages_sent_per_s", &run->messages_sent_per_s);
    r.Double(*t, tp, "messages_received_per_s", &run->messages_received_per_s);
    r.Double(*t, tp, "bytes_sent_per_s", &run->bytes_sent_per_s);
    r.Double(*t, tp, "bytes_received_per_s", &run->bytes_received_per_s);
    r.Double(*t, tp, "calls_per_s", &run->calls_per_s);
    r.Double(*t, tp, "target_rate_per_s", &run->target_rate_per_s);
  }
  r.Unsigned(j, path, "dropped_ops", &run->dropped_ops);
  if (const Json* outages = r.Member(j, path, "outages", false)) {
    if (!outages->is_array()) return r.Fail(path + ".outages", "expected an array");
    for (size_t k = 0; k < outages->size(); ++k) {
      const std::string outage_path = path + ".outages[" + std::to_string(k) + "]";
      const Json& o = (*outages)[k];
      if (!o.is_object()) return r.Fail(outage_path, "expected an object");
      Outage outage;
      r.Double(o, outage_path, "start_s", &outage.start_s);
      r.Double(o, outage_path, "duration_s", &outage.duration_s);
      r.Unsigned(o, outage_path, "failed_calls", &outage.failed_calls);
      r.Bool(o, outage_path, "recovered", &outage.recovered);
      run->outages.push_back(outage);
    }
  }
  if (const Json* l = r.Object(j, path, "latency_us", true)) {
    for (const auto& [kind, value] : l->items()) {
      const std::string kind_path = path + ".latency_us." + kind;
      if (!value.is_object()) return r.Fail(kind_path, "expected an object");
      LatencySummary summary;
      ReadLatency(r, value, kind_path, &summary);
      // Kinds written only to satisfy the minimum schema carry no data; RunResult omits them.
      if (summary.count != 0) run->latency_us[kind] = summary;
    }
  }
  if (const Json* i = r.Object(j, path, "integrity", false)) {
    r.Unsigned(*i, path + ".integrity", "lost", &run->integrity.lost);
    r.Unsigned(*i, path + ".integrity", "duplicated", &run->integrity.duplicated);
    r.Unsigned(*i, path + ".integrity", "reordered", &run->integrity.reordered);
    r.Unsigned(*i, path + ".integrity", "corrupted", &run->integrity.corrupted);
  }
  if (const Json* t = r.Object(j, path, "transfers", false)) {
    r.Unsigned(*t, path + ".transfers", "verified", &run->transfers_verified);
    r.Unsigned(*t, path + ".transfers", "failed", &run->transfers_failed);
  }
  if (const Json* checks = r.Member(j, path, "checks", false)) {
    if (!checks->is_array()) return r.Fail(path + ".checks", "expected an array");
    for (size_t k = 0; k < checks->size(); ++k) {
      const std::string check_path = path + ".checks[" + std::to_string(k) + "]";
      const Json& c = (*checks)[k];
      if (!c.is_object()) return r.Fail(check_path, "expected an object");
      ExpectationCheck check;
      r.String(c, check_path, "name", true, &check.name);
      r.Bool(c, check_path, "passed", &check.passed);
      r.String(c, check_path, "detail", false, &check.detail);
      run->checks.push_back(check);
    }
  }
  if (const Json* g = r.Object(j, path, "generator", false)) {
    const std::string gp = path + ".generator";
    r.Double(*g, gp, "cpu_seconds", &run->generator.cpu_seconds);
    r.Double(*g, gp, "cpu_utilization", &run->generator.cpu_utilization);
    r.Double(*g, gp, "busiest_thread_utilization", &run->generator.busiest_thread_utilization);
    r.Int(*g, gp, "cores", &run->generator.cores);
    r.Bool(*g, gp, "includes_server", &run->generator.includes_server);
    r.Bool(*g, gp, "saturated", &run->generator.saturated);
  }
  const std::string flow_error = ReadFlowFieldsFromRunJson(j, path, run);
  // "where: message", split back for the reader's own format.
  if (!flow_error.empty()) {
    const size_t colon = flow_error.find(": ");
    r.Fail(flow_error.substr(0, colon), flow_error.substr(colon + 2));
  }
}

// Reads the elements of array `key` of `obj` (absent = none) with `read(element, path)`.
template <typename F>
void ReadArray(Reader& r, const Json& obj, const std::string& path, const char* key, F read) {
  const Json* array = r.Member(obj, path, key, false);
  if (array == nullptr) return;
  const std::string array_path = Reader::Join(path, key);
  if (!array->is_array()) return r.Fail(array_path, "expected an array");
  for (size_t k = 0; k < array->size() && r.ok(); ++k) {
    const std::string element_path = array_path + "[" + std::to_string(k) + "]";
    if (!(*array)[k].is_object()) return r.Fail(element_path, "expected an object");
    read((*array)[k], element_path);
  }
}

void ReadGate(Reader& r, const Json& j, GateResult* gate) {
  gate->evaluated = true;
  r.Bool(j, "gate", "pass", &gate->pass);
  r.String(j, "gate", "baseline_path", false, &gate->baseline_path);
  ReadArray(r, j, "gate", "thresholds", [&](const Json& c, const std::string& path) {
    GateThresholdCheck t;
    r.String(c, path, "threshold", true, &t.threshold);
    r.String(c, path, "variant", false, &t.variant);
    r.String(c, path, "metric", false, &t.metric);
    r.Bool(c, path, "passed", &t.passed);
    r.Double(c, path, "measured", &t.measured);
    r.Double(c, path, "limit", &t.limit);
    r.String(c, path, "message", false, &t.message);
    gate->thresholds.push_back(std::move(t));
  });
  ReadArray(r, j, "gate", "baseline", [&](const Json& c, const std::string& path) {
    GateBaselineCheck b;
    r.String(c, path, "variant", true, &b.variant);
    r.String(c, path, "metric", false, &b.metric);
    r.Bool(c, path, "passed", &b.passed);
    r.Bool(c, path, "missing", &b.missing);
    r.Double(c, path, "baseline", &b.baseline);
    r.Double(c, path, "current", &b.current);
    r.DoubleOrInfinity(c, path, "ratio", &b.ratio);
    r.Double(c, path, "tolerance", &b.tolerance);
    r.String(c, path, "message", false, &b.message);
    gate->baseline.push_back(std::move(b));
  });
}

}  // namespace

std::string ToJson(const ScenarioResult& result) {
  OrderedJson j;
  j["schema_version"] = kResultsSchemaVersion;
  j["scenario"] = result.scenario;
  j["source"] = result.source_path;
  j["started_at"] = result.started_at;
  j["pass"] = result.pass;
  j["interrupted"] = result.interrupted;
  j["concurrent"] = result.concurrent;
  OrderedJson runs = OrderedJson::array();
  for (const RunResult& run : result.runs) runs.push_back(RunToJson(run));
  j["runs"] = runs;
  if (result.gate.evaluated) j["gate"] = GateToJson(result.gate);
  if (!result.comparison.empty()) j["comparison"] = ComparisonToJson(result.comparison);
  // Replace invalid UTF-8 (e.g. a status detail from a peer) instead of throwing.
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

bool FromJson(const std::string& text, ScenarioResult* out, std::string* error) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *error = "not valid JSON";
    return false;
  }
  if (!j.is_object()) {
    *error = "expected a JSON object at the top level";
    return false;
  }
  Reader r;
  ScenarioResult result;
  int schema_version = kResultsSchemaVersion;
  r.Int(j, "", "schema_version", &schema_version);
  if (r.ok() && schema_version != kResultsSchemaVersion) {
    r.Fail("schema_version", "unsupported version " + std::to_string(schema_version) +
                                 " (this build reads " + std::to_string(kResultsSchemaVersion) +
                                 ")");
  }
  r.String(j, "", "scenario", true, &result.scenario);
  r.String(j, "", "source", false, &result.source_path);
  r.String(j, "", "started_at", false, &result.started_at);
  r.Bool(j, "", "pass", &result.pass);
  r.Bool(j, "", "interrupted", &result.interrupted);
  r.Bool(j, "", "concurrent", &result.concurrent);
  if (const Json* runs = r.Member(j, "", "runs", true)) {
    if (!runs->is_array()) {
      r.Fail("runs", "expected an array");
    } else {
      for (size_t k = 0; k < runs->size() && r.ok(); ++k) {
        const std::string path = "runs[" + std::to_string(k) + "]";
        if (!(*runs)[k].is_object()) {
          r.Fail(path, "expected an object");
          break;
        }
        RunResult run;
        ReadRun(r, (*runs)[k], path, &run);
        result.runs.push_back(std::move(run));
      }
    }
  }
  if (const Json* gate = r.Object(j, "", "gate", false)) ReadGate(r, *gate, &result.gate);
  if (r.ok() && j.contains("comparison")) {
    const std::string comparison_error = ReadComparisonJson(j["comparison"], &result.comparison);
    if (!comparison_error.empty()) {
      const size_t colon = comparison_error.find(": ");
      r.Fail(comparison_error.substr(0, colon), comparison_error.substr(colon + 2));
    }
  }
  if (!r.ok()) {
    *error = r.error();
    return false;
  }
  *out = std::move(result);
  return true;
}

bool WriteJsonFile(const ScenarioResult& result, const std::string& path, std::string* error) {
  return WriteFileAtomically(path, ToJson(result), error);
}

bool ReadJsonFile(const std::string& path, ScenarioResult* out, std::string* error) {
  std::string text;
  if (!ReadWholeFile(path, &text, error)) return false;
  if (!FromJson(text, out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

}  // namespace streambench::report
