#include "bench/report/json_report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "bench/report/atomic_file.h"
#include "bench/report/comparison_json.h"
#include "bench/report/json_reader.h"
#include "bench/report/result_fields.h"

namespace streambench::report {
namespace {

// Insertion-ordered so the file reads top-down in the documented order.
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// Kinds always written (the minimum schema), even when nothing was recorded.
constexpr const char* kAlwaysWrittenLatencies[] = {"message", "call"};

OrderedJson RefToJson(const FieldRef& ref) {
  return std::visit([](auto* p) { return OrderedJson(*p); }, ref);
}

// "calls.started" -> {"calls", "started"}.
std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', begin)) {
    parts.push_back(path.substr(begin, dot - begin));
    begin = dot + 1;
  }
  parts.push_back(path.substr(begin));
  return parts;
}

// The object at `path` inside `root`, created (in order) where missing.
OrderedJson& At(OrderedJson& root, const std::vector<std::string>& parts) {
  OrderedJson* j = &root;
  for (const std::string& part : parts) j = &(*j)[part];
  return *j;
}

OrderedJson LatencyToJson(LatencySummary s) {
  OrderedJson j;
  for (const LatencyStat& stat : LatencyStats()) j[stat.name] = RefToJson(stat.ref(s));
  return j;
}

// A histogram's lossless form: extremes, sum and the non-empty buckets as one string of
// "index:count" pairs ("130:4 131:17 140:2"), one line however many buckets are filled (a JSON
// array would be written one number per line).
// `unit` suffixes min, max and sum: "_ns" for latencies, "" for histograms of counts.
OrderedJson HistogramToJson(const stats::CompactHistogram& h, const std::string& unit = "_ns") {
  std::string buckets;
  for (const auto& [index, count] : h.buckets) {
    if (!buckets.empty()) buckets += ' ';
    buckets += std::to_string(index);
    buckets += ':';
    buckets += std::to_string(count);
  }
  return {{"min" + unit, h.min_ns},
          {"max" + unit, h.max_ns},
          {"sum" + unit, h.sum_ns},
          {"buckets", buckets}};
}

OrderedJson IntervalToJson(const IntervalPoint& p) {
  OrderedJson latency = OrderedJson::object(), histograms = OrderedJson::object();
  stats::LogLinearHistogram h;
  for (const auto& [kind, compact] : p.latency) {
    h.Reset();
    std::string unused;
    stats::ExpandInto(compact, &h, &unused);
    latency[kind] = LatencyToJson(Summarize(h));  // the same fields as the run's latency_us
    histograms[kind] = HistogramToJson(compact);
  }
  OrderedJson by_code = OrderedJson::object();
  for (const auto& [code, count] : p.calls_by_code) by_code[code] = count;
  OrderedJson j;
  j["t_s"] = p.t_s;
  j["duration_s"] = p.duration_s;
  j["messages_sent"] = p.messages_sent;
  j["messages_received"] = p.messages_received;
  j["calls_finished"] = p.calls_finished;
  j["calls_by_code"] = by_code;
  j["latency_us"] = latency;
  j["histograms"] = histograms;
  return j;
}

OrderedJson CompositeToJson(Composite composite, const RunResult& run) {
  switch (composite) {
    case Composite::kNone:
      break;
    case Composite::kCallsByCode: {
      OrderedJson by_code = OrderedJson::object();
      for (const auto& [code, count] : run.calls_by_code) by_code[code] = count;
      return by_code;
    }
    case Composite::kOutages: {
      OrderedJson outages = OrderedJson::array();
      for (const Outage& o : run.outages) {
        outages.push_back({{"start_s", o.start_s},
                           {"duration_s", o.duration_s},
                           {"failed_calls", o.failed_calls},
                           {"recovered", o.recovered}});
      }
      return outages;
    }
    case Composite::kLatency: {
      OrderedJson latency = OrderedJson::object();
      for (const char* kind : kAlwaysWrittenLatencies) {
        auto it = run.latency_us.find(kind);
        latency[kind] = LatencyToJson(it == run.latency_us.end() ? LatencySummary{} : it->second);
      }
      for (const auto& [kind, summary] : run.latency_us) {
        if (!latency.contains(kind)) latency[kind] = LatencyToJson(summary);
      }
      return latency;
    }
    case Composite::kCapacitySteps: {
      OrderedJson steps = OrderedJson::array();
      for (CapacityStep step : run.capacity.steps) {
        OrderedJson j;
        for (const CapacityStepField& f : CapacityStepFields()) j[f.name] = RefToJson(f.ref(step));
        steps.push_back(std::move(j));
      }
      return steps;
    }
    case Composite::kHistograms: {
      OrderedJson histograms = OrderedJson::object();
      for (const auto& [kind, h] : run.latency_histograms) histograms[kind] = HistogramToJson(h);
      return histograms;
    }
    case Composite::kCountHistograms: {
      OrderedJson histograms = OrderedJson::object();
      for (const auto& [name, h] : run.count_histograms) histograms[name] = HistogramToJson(h, "");
      return histograms;
    }
    case Composite::kSeries: {
      OrderedJson series = OrderedJson::array();
      for (const IntervalPoint& p : run.series) series.push_back(IntervalToJson(p));
      return series;
    }
    case Composite::kChecks: {
      OrderedJson checks = OrderedJson::array();
      for (const Check& check : run.checks) {
        checks.push_back(
            {{"name", check.name}, {"passed", check.passed}, {"detail", check.detail}});
      }
      return checks;
    }
  }
  return nullptr;
}

OrderedJson RunToJson(const RunResult& run) {
  OrderedJson j;
  for (const RunField& field : RunFields()) {
    if (field.written != nullptr && !field.written(run)) continue;
    // Results built before these existed (or by hand) have none: keep such files as they were.
    if (field.composite == Composite::kHistograms && run.latency_histograms.empty()) continue;
    if (field.composite == Composite::kCountHistograms && run.count_histograms.empty()) continue;
    if (field.composite == Composite::kSeries && run.series.empty()) continue;
    OrderedJson& slot = At(j, SplitPath(field.json_path));
    slot = field.ref != nullptr ? RefToJson(field.ref(const_cast<RunResult&>(run)))
                                : CompositeToJson(field.composite, run);
  }
  return j;
}

// The optional top-level keys after `schema_version` and `scenario`, in order (then `runs`,
// `gate`, `comparison`).
struct ScenarioKey {
  const char* key;
  FieldRef (*ref)(ScenarioResult&);
};

const std::vector<ScenarioKey>& ScenarioKeys() {
  static const std::vector<ScenarioKey> keys = {
      {"source", [](ScenarioResult& s) -> FieldRef { return &s.source_path; }},
      {"started_at", [](ScenarioResult& s) -> FieldRef { return &s.started_at; }},
      {"pass", [](ScenarioResult& s) -> FieldRef { return &s.pass; }},
      {"interrupted", [](ScenarioResult& s) -> FieldRef { return &s.interrupted; }},
      {"concurrent", [](ScenarioResult& s) -> FieldRef { return &s.concurrent; }},
  };
  return keys;
}

// The JSON keys of a gate check, in order: threshold and baseline checks spell the same record
// differently (`gate.thresholds[i]`, `gate.baseline[i]`).
struct CheckKey {
  const char* key;
  FieldRef (*ref)(Check&);
  bool required = false;
  bool null_is_infinity = false;  // JSON has no infinity: a ratio over a zero baseline is null
};

// clang-format off
const CheckKey kThresholdKeys[] = {
    {"threshold", [](Check& c) -> FieldRef { return &c.name; }, true},
    {"variant", [](Check& c) -> FieldRef { return &c.variant; }},
    {"metric", [](Check& c) -> FieldRef { return &c.metric; }},
    {"passed", [](Check& c) -> FieldRef { return &c.passed; }},
    {"measured", [](Check& c) -> FieldRef { return &c.measured; }},
    {"limit", [](Check& c) -> FieldRef { return &c.limit; }},
    {"message", [](Check& c) -> FieldRef { return &c.detail; }},
};
// Baseline checks always carry their figures (Check::baseline is set before these are used).
const CheckKey kBaselineKeys[] = {
    {"variant", [](Check& c) -> FieldRef { return &c.variant; }, true},
    {"metric", [](Check& c) -> FieldRef { return &c.metric; }},
    {"passed", [](Check& c) -> FieldRef { return &c.passed; }},
    {"missing", [](Check& c) -> FieldRef { return &c.baseline->missing; }},
    {"baseline", [](Check& c) -> FieldRef { return &c.limit; }},
    {"current", [](Check& c) -> FieldRef { return &c.measured; }},
    {"ratio", [](Check& c) -> FieldRef { return &c.baseline->ratio; }, false, true},
    {"tolerance", [](Check& c) -> FieldRef { return &c.baseline->tolerance_fraction; }},
    {"message", [](Check& c) -> FieldRef { return &c.detail; }},
};
// clang-format on

template <size_t N>
OrderedJson ChecksToJson(const std::vector<Check>& checks, const CheckKey (&keys)[N]) {
  OrderedJson array = OrderedJson::array();
  for (Check check : checks) {
    if (!check.baseline) check.baseline.emplace();
    OrderedJson j;
    for (const CheckKey& k : keys) {
      const FieldRef ref = k.ref(check);
      double* const* number = std::get_if<double*>(&ref);
      const bool infinite = number != nullptr && !std::isfinite(**number);
      j[k.key] = k.null_is_infinity && infinite ? OrderedJson(nullptr) : RefToJson(ref);
    }
    array.push_back(std::move(j));
  }
  return array;
}

OrderedJson GateToJson(const GateResult& gate) {
  OrderedJson j;
  j["pass"] = gate.pass;
  j["baseline_path"] = gate.baseline_path;
  j["thresholds"] = ChecksToJson(gate.thresholds, kThresholdKeys);
  j["baseline"] = ChecksToJson(gate.baseline, kBaselineKeys);
  return j;
}

// Calls `read(element, path)` for each object of array `key` of `obj` (absent = none).
template <typename F>
void ReadArray(JsonReader& r, const Json& obj, const std::string& path, const char* key, F read) {
  const Json* array = r.Array(obj, path, key);
  if (array == nullptr) return;
  const std::string array_path = JsonReader::Join(path, key);
  for (size_t k = 0; k < array->size() && r.ok(); ++k) {
    const std::string element_path = array_path + "[" + std::to_string(k) + "]";
    if (!(*array)[k].is_object()) return r.Fail(element_path, "expected an object");
    read((*array)[k], element_path);
  }
}

// Parses ReadHistogram's "index:count index:count" list; false at the first malformed pair.
bool ParseBuckets(const std::string& text, stats::CompactHistogram* out, std::string* why) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find(' ', pos), text.size());
    const std::string pair = text.substr(pos, end - pos);
    const size_t colon = pair.find(':');
    const bool digits = colon != std::string::npos && colon > 0 && colon + 1 < pair.size() &&
                        pair.find_first_not_of("0123456789:") == std::string::npos &&
                        pair.find(':', colon + 1) == std::string::npos && colon <= 9 &&
                        pair.size() - colon - 1 <= 19;
    if (!digits) {
      *why = "expected 'index:count' pairs separated by spaces, got '" + pair + "'";
      return false;
    }
    out->buckets.emplace_back(static_cast<uint32_t>(std::stoul(pair.substr(0, colon))),
                              std::stoull(pair.substr(colon + 1)));
    pos = end + 1;
  }
  return true;
}

// `unit` as in HistogramToJson.
void ReadHistogram(JsonReader& r, const Json& obj, const std::string& path,
                   stats::CompactHistogram* out, const std::string& unit = "_ns") {
  r.Read(obj, path, "min" + unit, &out->min_ns, true);
  r.Read(obj, path, "max" + unit, &out->max_ns, true);
  r.Read(obj, path, "sum" + unit, &out->sum_ns, true);
  std::string buckets;
  r.Read(obj, path, "buckets", &buckets, true);
  if (!r.ok()) return;
  const std::string buckets_path = JsonReader::Join(path, "buckets");
  std::string why;
  if (!ParseBuckets(buckets, out, &why)) return r.Fail(buckets_path, why);
  // The indices must be in range and increasing, or a merge would be wrong.
  stats::LogLinearHistogram check;
  if (!stats::ExpandInto(*out, &check, &why)) r.Fail(buckets_path, why);
}

void ReadComposite(JsonReader& r, Composite composite, const Json& parent,
                   const std::string& parent_path, const std::string& key, bool required,
                   RunResult* run) {
  switch (composite) {
    case Composite::kNone:
      return;
    case Composite::kCallsByCode:
      if (const Json* by_code = r.Object(parent, parent_path, key, required)) {
        const std::string path = JsonReader::Join(parent_path, key);
        for (const auto& [code, count] : by_code->items()) {
          uint64_t value = 0;
          r.Read(*by_code, path, code, &value);
          if (value != 0) run->calls_by_code[code] = value;
        }
      }
      return;
    case Composite::kOutages:
      ReadArray(r, parent, parent_path, key.c_str(), [&](const Json& o, const std::string& path) {
        Outage outage;
        r.Read(o, path, "start_s", &outage.start_s);
        r.Read(o, path, "duration_s", &outage.duration_s);
        r.Read(o, path, "failed_calls", &outage.failed_calls);
        r.Read(o, path, "recovered", &outage.recovered);
        run->outages.push_back(outage);
      });
      return;
    case Composite::kLatency:
      if (const Json* l = r.Object(parent, parent_path, key, required)) {
        for (const auto& [kind, value] : l->items()) {
          const std::string kind_path = JsonReader::Join(parent_path, key) + "." + kind;
          if (!value.is_object()) return r.Fail(kind_path, "expected an object");
          LatencySummary summary;
          for (const LatencyStat& stat : LatencyStats()) {
            r.Read(value, kind_path, stat.name, stat.ref(summary));
          }
          // Kinds written only to satisfy the minimum schema carry no data; RunResult omits them.
          if (summary.count != 0) run->latency_us[kind] = summary;
        }
      }
      return;
    case Composite::kCapacitySteps:
      ReadArray(r, parent, parent_path, key.c_str(), [&](const Json& j, const std::string& path) {
        CapacityStep step;
        for (const CapacityStepField& f : CapacityStepFields())
          r.Read(j, path, f.name, f.ref(step));
        run->capacity.steps.push_back(step);
      });
      return;
    case Composite::kHistograms:
      if (const Json* h = r.Object(parent, parent_path, key, required)) {
        for (const auto& [kind, value] : h->items()) {
          const std::string kind_path = JsonReader::Join(parent_path, key) + "." + kind;
          if (!value.is_object()) return r.Fail(kind_path, "expected an object");
          ReadHistogram(r, value, kind_path, &run->latency_histograms[kind]);
        }
      }
      return;
    case Composite::kCountHistograms:
      if (const Json* h = r.Object(parent, parent_path, key, required)) {
        for (const auto& [name, value] : h->items()) {
          const std::string name_path = JsonReader::Join(parent_path, key) + "." + name;
          if (!value.is_object()) return r.Fail(name_path, "expected an object");
          ReadHistogram(r, value, name_path, &run->count_histograms[name], "");
        }
      }
      return;
    case Composite::kSeries:
      ReadArray(r, parent, parent_path, key.c_str(), [&](const Json& o, const std::string& path) {
        IntervalPoint p;
        r.Read(o, path, "t_s", &p.t_s, true);
        r.Read(o, path, "duration_s", &p.duration_s);
        r.Read(o, path, "messages_sent", &p.messages_sent);
        r.Read(o, path, "messages_received", &p.messages_received);
        r.Read(o, path, "calls_finished", &p.calls_finished);
        if (const Json* by_code = r.Object(o, path, "calls_by_code", false)) {
          for (const auto& [code, count] : by_code->items()) {
            uint64_t value = 0;
            r.Read(*by_code, JsonReader::Join(path, "calls_by_code"), code, &value);
            if (value != 0) p.calls_by_code[code] = value;
          }
        }
        if (const Json* kinds = r.Object(o, path, "histograms", false)) {
          const std::string kinds_path = JsonReader::Join(path, "histograms");
          for (const auto& [kind, h] : kinds->items()) {
            ReadHistogram(r, h, JsonReader::Join(kinds_path, kind), &p.latency[kind]);
          }
        } else if (const Json* h = r.Object(o, path, "message_histogram", false)) {
          // Results written before every kind had a series carry the message latency alone.
          ReadHistogram(r, *h, JsonReader::Join(path, "message_histogram"), &p.latency["message"]);
        }
        run->series.push_back(std::move(p));
      });
      return;
    case Composite::kChecks:
      ReadArray(r, parent, parent_path, key.c_str(), [&](const Json& c, const std::string& path) {
        Check check;
        r.Read(c, path, "name", &check.name, /*required=*/true);
        r.Read(c, path, "passed", &check.passed);
        r.Read(c, path, "detail", &check.detail);
        run->checks.push_back(check);
      });
      return;
  }
}

void ReadRun(JsonReader& r, const Json& j, const std::string& path, RunResult* run) {
  for (const RunField& field : RunFields()) {
    if (!r.ok()) return;
    const std::vector<std::string> parts = SplitPath(field.json_path);
    // Walk to the enclosing object; an absent optional one skips the field.
    const Json* parent = &j;
    std::string parent_path = path;
    for (size_t k = 0; k + 1 < parts.size() && parent != nullptr; ++k) {
      parent = r.Object(*parent, parent_path, parts[k], field.required);
      parent_path = JsonReader::Join(parent_path, parts[k]);
    }
    if (parent == nullptr) continue;
    if (field.on_present != nullptr) field.on_present(run);
    if (field.ref == nullptr) {
      ReadComposite(r, field.composite, *parent, parent_path, parts.back(),
                    field.required && parts.size() == 1, run);
    } else {
      r.Read(*parent, parent_path, parts.back(), field.ref(*run),
             field.required && parts.size() == 1);
    }
  }
}

template <size_t N>
void ReadChecks(JsonReader& r, const Json& gate, const char* key, const CheckKey (&keys)[N],
                bool with_figures, std::vector<Check>* checks) {
  ReadArray(r, gate, "gate", key, [&](const Json& c, const std::string& path) {
    Check check;
    check.baseline.emplace();
    for (const CheckKey& k : keys) {
      if (k.null_is_infinity) {
        r.DoubleOrInfinity(c, path, k.key, std::get<double*>(k.ref(check)));
      } else {
        r.Read(c, path, k.key, k.ref(check), k.required);
      }
    }
    if (with_figures) {
      check.name = check.metric;  // a baseline check is named by its metric
    } else {
      check.baseline.reset();
    }
    checks->push_back(std::move(check));
  });
}

void ReadGate(JsonReader& r, const Json& j, GateResult* gate) {
  gate->evaluated = true;
  r.Read(j, "gate", "pass", &gate->pass);
  r.Read(j, "gate", "baseline_path", &gate->baseline_path);
  ReadChecks(r, j, "thresholds", kThresholdKeys, /*with_figures=*/false, &gate->thresholds);
  ReadChecks(r, j, "baseline", kBaselineKeys, /*with_figures=*/true, &gate->baseline);
}

OrderedJson ShardToJson(const ShardInfo& shard) {
  OrderedJson j;
  j["index"] = shard.index;
  j["count"] = shard.count;
  j["start_at"] = shard.start_at;
  j["late_start_s"] = shard.late_start_s;
  if (shard.index < 0) {
    j["merged"] = shard.merged;
    j["missing"] = shard.missing;
  }
  return j;
}

void ReadIndexList(JsonReader& r, const Json& obj, const char* key, std::vector<int>* out) {
  const Json* list = r.Array(obj, "shard", key);
  if (list == nullptr) return;
  for (size_t k = 0; k < list->size(); ++k) {
    if (!(*list)[k].is_number_integer()) {
      return r.Fail(std::string("shard.") + key + "[" + std::to_string(k) + "]",
                    "expected an integer");
    }
    out->push_back((*list)[k].get<int>());
  }
}

void ReadShard(JsonReader& r, const Json& j, ShardInfo* shard) {
  shard->sharded = true;
  r.Read(j, "shard", "index", &shard->index, true);
  r.Read(j, "shard", "count", &shard->count, true);
  r.Read(j, "shard", "start_at", &shard->start_at);
  r.Read(j, "shard", "late_start_s", &shard->late_start_s);
  ReadIndexList(r, j, "merged", &shard->merged);
  ReadIndexList(r, j, "missing", &shard->missing);
  if (r.ok() && (shard->count < 1 || shard->index < -1 || shard->index >= shard->count)) {
    r.Fail("shard", "index " + std::to_string(shard->index) + " is not a shard of " +
                        std::to_string(shard->count));
  }
}

}  // namespace

std::string ToJson(const ScenarioResult& result) {
  OrderedJson j;
  j["schema_version"] = kResultsSchemaVersion;
  j["scenario"] = result.scenario;
  ScenarioResult& fields = const_cast<ScenarioResult&>(result);  // only read through
  for (const ScenarioKey& key : ScenarioKeys()) j[key.key] = RefToJson(key.ref(fields));
  OrderedJson runs = OrderedJson::array();
  for (const RunResult& run : result.runs) runs.push_back(RunToJson(run));
  j["runs"] = runs;
  if (result.shard.sharded) j["shard"] = ShardToJson(result.shard);
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
  JsonReader r;
  ScenarioResult result;
  int schema_version = kResultsSchemaVersion;
  r.Read(j, "", "schema_version", &schema_version);
  if (r.ok() && schema_version != kResultsSchemaVersion) {
    r.Fail("schema_version", "unsupported version " + std::to_string(schema_version) +
                                 " (this build reads " + std::to_string(kResultsSchemaVersion) +
                                 ")");
  }
  r.Read(j, "", "scenario", &result.scenario, /*required=*/true);
  for (const ScenarioKey& key : ScenarioKeys()) r.Read(j, "", key.key, key.ref(result));
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
  if (const Json* shard = r.Object(j, "", "shard", false)) ReadShard(r, *shard, &result.shard);
  if (const Json* gate = r.Object(j, "", "gate", false)) ReadGate(r, *gate, &result.gate);
  if (r.ok() && j.contains("comparison"))
    ReadComparisonJson(j["comparison"], &r, &result.comparison);
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
