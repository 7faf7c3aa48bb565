#include "bench/scenario/scenario_parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "bench/criteria/threshold.h"
#include "bench/scenario/key_table.h"
#include "bench/scenario/section_readers.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

bool ValidAddress(const std::string& address) {
  // gRPC target URIs (dns:, ipv4:, ipv6:, unix:, xds:...) are passed through to gRPC as given.
  if (address.find(':') != std::string::npos && address.find("://") != std::string::npos) {
    return true;
  }
  for (const char* scheme : {"dns:", "ipv4:", "ipv6:", "unix:"}) {
    if (address.rfind(scheme, 0) == 0 && address.size() > std::string(scheme).size()) return true;
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  const std::string port = address.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  const int value = std::stoi(port);
  return value >= 1 && value <= 65535;
}

// Keys of `load` that belong to another load type are errors: they would be silently ignored
// otherwise. The keys of each type come from the key table's `load_types`.
bool CheckLoadKeysOfType(const YamlNode& node, const std::string& type, ValueReader& r) {
  std::vector<std::string> keys;
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (key.Parent() != "load") continue;
    const std::string types = ", " + key.load_types + ",";
    if (key.load_types.empty() || types.find(", " + type + ",") != std::string::npos) {
      keys.push_back(key.Name());
    }
  }
  for (const YamlMapEntry& entry : node.entries) {
    bool allowed = false;
    for (const std::string& key : keys) allowed = allowed || key == entry.key;
    if (allowed) continue;
    std::string list;
    for (const std::string& key : keys) list += (list.empty() ? "" : ", ") + key;
    return r.diag()->FailAt(&entry.value, entry.line, entry.column, "load." + entry.key,
                            "does not apply to load type `" + type + "` (its keys: " + list + ")");
  }
  return true;
}

bool ReadRampStages(const YamlNode& node, ValueReader& r, LoadSpec* out) {
  const YamlNode* stages = node.Find("stages");
  if (stages == nullptr || !stages->IsSequence() || stages->items.empty()) {
    return r.diag()->Fail(stages != nullptr ? *stages : node, "load.stages",
                          "a ramp needs at least one stage, e.g. stages: [{duration: 10s, rate: "
                          "1000/s}]");
  }
  int64_t total_us = 0;
  bool any_positive = out->start_rate_per_s > 0;
  for (size_t i = 0; i < stages->items.size(); ++i) {
    const YamlNode& stage = stages->items[i];
    const std::string path = "load.stages[" + std::to_string(i) + "]";
    if (!stage.IsMap()) {
      return r.diag()->Fail(stage, path,
                            "expected a mapping with keys duration, rate, got " + stage.Describe());
    }
    RampStage parsed;
    const YamlNode* duration = RequiredKey(stage, "load.stages[].duration", r, path + ".duration");
    if (duration == nullptr ||
        !r.Duration(*duration, path + ".duration", kMaxDurationUs, &parsed.duration_us)) {
      return false;
    }
    const YamlNode* rate = RequiredKey(stage, "load.stages[].rate", r, path + ".rate");
    if (rate == nullptr || !r.Rate(*rate, path + ".rate", true, &parsed.target_rate_per_s)) {
      return false;
    }
    total_us += parsed.duration_us;
    if (total_us > kMaxDurationUs) {
      return r.diag()->Fail(*duration, path + ".duration",
                            "the stages last more than " + FormatDurationUs(kMaxDurationUs));
    }
    any_positive = any_positive || parsed.target_rate_per_s > 0;
    out->stages.push_back(parsed);
  }
  if (total_us == 0) {
    return r.diag()->Fail(*stages, "load.stages", "the stages last 0s in total");
  }
  if (!any_positive) {
    return r.diag()->Fail(*stages, "load.stages",
                          "every rate of the ramp is 0; it would send nothing");
  }
  return true;
}

// A capacity search's keys (load type `search`). The objective is in the thresholds grammar, of
// a step's own figures: not a variant's, and not the search's result (capacity.*).
bool ReadSearch(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  SearchSpec& search = out->load.search;
  if (const YamlNode* duration = root.Find("duration")) {
    return r.diag()->Fail(*duration, "duration",
                          "a search's steps last `load.step_duration` each; bound the whole "
                          "search with `load.time_budget`");
  }
  const YamlNode* start = RequiredKey(node, "load.start_rate", r);
  if (start == nullptr || !ReadKeyValue(*FindKey("load.start_rate"), *start, r, out)) return false;
  if (out->load.start_rate_per_s <= 0)
    return r.diag()->Fail(*start, "load.start_rate", "must be > 0");
  const YamlNode* max_rate = RequiredKey(node, "load.max_rate", r);
  if (max_rate == nullptr || !ReadKeyValue(*FindKey("load.max_rate"), *max_rate, r, out)) {
    return false;
  }
  for (const char* key : {"load.min_rate", "load.step_duration", "load.precision",
                          "load.time_budget", "load.confirm_failures"}) {
    if (!ReadKeyIfPresent(node, key, r, out)) return false;
  }
  if (search.max_rate_per_s < out->load.start_rate_per_s) {
    return r.diag()->Fail(*max_rate, "load.max_rate",
                          "must be at least `start_rate` (" + start->scalar + ")");
  }
  if (search.min_rate_per_s > out->load.start_rate_per_s) {
    return r.diag()->Fail(*node.Find("min_rate"), "load.min_rate",
                          "must be at most `start_rate` (" + start->scalar + ")");
  }
  if (search.precision_fraction <= 0) {
    return r.diag()->Fail(*node.Find("precision"), "load.precision", "must be > 0, e.g. 5%");
  }
  const YamlNode* objective = node.Find("objective");
  if (objective == nullptr || !objective->IsSequence() || objective->items.empty()) {
    return r.diag()->Fail(objective != nullptr ? *objective : node, "load.objective",
                          "a search needs an objective, e.g. objective: [\"message_latency.p99 "
                          "< 10ms\"]");
  }
  search.objective.clear();
  for (size_t i = 0; i < objective->items.size(); ++i) {
    const YamlNode& item = objective->items[i];
    const std::string key = "load.objective[" + std::to_string(i) + "]";
    if (!r.Scalar(item, key, "a threshold expression like `message_latency.p99 < 10ms`")) {
      return false;
    }
    criteria::Threshold parsed;
    std::string error;
    if (!criteria::ParseThreshold(item.scalar, &parsed, &error)) {
      return r.diag()->Fail(item, key, error);
    }
    if (!parsed.variant.empty()) {
      return r.diag()->Fail(item, key,
                            "an objective applies to the steps of its own run: drop "
                            "the [variant=...]");
    }
    if (parsed.metric.rfind("capacity.", 0) == 0) {
      return r.diag()->Fail(item, key,
                            "`" + parsed.metric +
                                "` is what the search finds; the objective judges "
                                "a step's own figures (e.g. message_latency.p99)");
    }
    search.objective.push_back(std::move(parsed));
  }
  out->duration_us = search.step_duration_us;
  return true;
}

bool ReadSizeList(ValueReader& r, const YamlNode& n, const std::string& key, size_t min_items,
                  size_t max_items, std::vector<uint64_t>* out) {
  if (!n.IsSequence() || n.items.size() < min_items || n.items.size() > max_items) {
    const std::string count = min_items == max_items
                                  ? std::to_string(min_items)
                                  : std::to_string(min_items) + " to " + std::to_string(max_items);
    return r.diag()->Fail(
        n, key,
        "expected a list of " + count + " sizes, got " +
            (n.IsSequence() ? "a list of " + std::to_string(n.items.size()) : n.Describe()));
  }
  for (size_t i = 0; i < n.items.size(); ++i) {
    uint64_t bytes = 0;
    if (!r.Size(n.items[i], key + "[" + std::to_string(i) + "]", 0, kMaxSizeBytes, &bytes)) {
      return false;
    }
    out->push_back(bytes);
  }
  return true;
}

bool ReadChoiceWeights(ValueReader& r, const YamlNode& weights, const std::string& key,
                       SizeDistribution* out) {
  if (!weights.IsSequence() || weights.items.size() != out->choices_bytes.size()) {
    return r.diag()->Fail(
        weights, key,
        "expected a list of " + std::to_string(out->choices_bytes.size()) +
            " weights (one per choice), got " +
            (weights.IsSequence() ? "a list of " + std::to_string(weights.items.size())
                                  : weights.Describe()));
  }
  double sum = 0;
  for (size_t i = 0; i < weights.items.size(); ++i) {
    const YamlNode& w = weights.items[i];
    const std::string wkey = key + "[" + std::to_string(i) + "]";
    if (!r.Scalar(w, wkey, "a number")) return false;
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(w.scalar.c_str(), &end);
    if (end == w.scalar.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(value)) {
      return r.diag()->Fail(w, wkey, "expected a number, got " + w.Describe());
    }
    if (value < 0) return r.diag()->Fail(w, wkey, "must be >= 0 (got " + w.scalar + ")");
    sum += value;
    out->weights.push_back(value);
  }
  if (!(sum > 0)) return r.diag()->Fail(weights, key, "the weights sum to 0");
  return true;
}

bool ReadStatusExpectation(ValueReader& r, const YamlNode& n, const std::string& key,
                           StatusExpectation* out) {
  if (n.IsScalar() || n.IsNull()) {
    size_t index = 0;
    if (!r.Choice(n, key, {"some", "any", "none"}, &index)) return false;
    if (index == 0) out->min_calls = 1;
    if (index == 2) out->max_fraction = 0;
    return true;
  }
  if (const YamlNode* v = n.Find("min");
      v != nullptr && !r.Fraction(*v, key + ".min", &out->min_fraction)) {
    return false;
  }
  if (const YamlNode* v = n.Find("max");
      v != nullptr && !r.Fraction(*v, key + ".max", &out->max_fraction)) {
    return false;
  }
  if (const YamlNode* v = n.Find("min_calls");
      v != nullptr && !r.Uint(*v, key + ".min_calls", 0, kMaxMessageCount, &out->min_calls)) {
    return false;
  }
  if (out->min_fraction > out->max_fraction) {
    return r.diag()->Fail(
        n, key,
        "min (" + n.Find("min")->scalar + ") is larger than max (" + n.Find("max")->scalar + ")");
  }
  return true;
}

}  // namespace

bool ReadName(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (!r.String(node, "name", 64, &out->name)) return false;
  bool name_ok = !out->name.empty();
  for (char c : out->name) {
    name_ok = name_ok &&
              (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  }
  if (!name_ok) {
    return r.diag()->Fail(
        node, "name", "use letters, digits, `_`, `-` and `.` only (got " + node.Describe() + ")");
  }
  return true;
}

bool ReadTarget(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  TargetSpec& target = out->target;
  auto read_address = [&](const YamlNode& n, const std::string& key) {
    std::string address;
    if (!r.String(n, key, 1000, &address)) return false;
    if (!ValidAddress(address)) {
      return r.diag()->Fail(
          n, key,
          "expected host:port (e.g. 127.0.0.1:50051) or a gRPC target URI, got " + n.Describe());
    }
    target.addresses.push_back(address);
    return true;
  };
  if (node.IsScalar()) return read_address(node, "target");
  if (node.IsNull()) {
    return r.diag()->Fail(node, "target", "expected host:port or a mapping, got nothing");
  }
  // The key table's order: addresses, load_balancing, tls, credentials. Without addresses the
  // mapping configures how the generator reaches the embedded server.
  const YamlNode* addresses = node.IsMap() ? node.Find("addresses") : nullptr;
  if (addresses == nullptr) {
    // Nothing to do.
  } else if (addresses->IsScalar()) {
    if (!read_address(*addresses, "target.addresses")) return false;
  } else if (addresses->IsSequence() && !addresses->items.empty()) {
    for (size_t i = 0; i < addresses->items.size(); ++i) {
      if (!read_address(addresses->items[i], "target.addresses[" + std::to_string(i) + "]")) {
        return false;
      }
    }
  } else {
    return r.diag()->Fail(*addresses, "target.addresses",
                          "expected a list of host:port, got " + addresses->Describe());
  }
  if (!ReadKeyIfPresent(node, "target.load_balancing", r, out)) return false;
  for (const char* section : {"tls", "credentials"}) {
    const YamlNode* values = node.IsMap() ? node.Find(section) : nullptr;
    if (values == nullptr || !values->IsMap()) continue;
    const std::string prefix = std::string("target.") + section + ".";
    for (const YamlMapEntry& entry : values->entries) {
      if (!ReadKeyIfPresent(*values, prefix + entry.key, r, out)) return false;
    }
  }
  return true;
}

bool ReadLoad(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  if (node.IsNull()) return true;
  const ScenarioKey& type_key = *FindKey("load.type");
  const YamlNode* type_node = RequiredKey(node, type_key.path, r);
  size_t type = 0;
  if (type_node == nullptr || !r.Choice(*type_node, type_key.path, type_key.choices, &type)) {
    return false;
  }
  out->load.model = static_cast<LoadModel>(type);
  if (!CheckLoadKeysOfType(node, type_key.choices[type], r)) return false;
  switch (out->load.model) {
    case LoadModel::kClosed:
      return ReadKeyIfPresent(node, "load.outstanding", r, out);
    case LoadModel::kConstant:
    case LoadModel::kPoisson: {
      const YamlNode* rate = RequiredKey(node, "load.rate", r);
      return rate != nullptr && ReadKeyValue(*FindKey("load.rate"), *rate, r, out);
    }
    case LoadModel::kSearch:
      return ReadSearch(node, root, r, out);
    case LoadModel::kRamp:
      break;
  }
  if (!ReadKeyIfPresent(node, "load.start_rate", r, out) || !ReadRampStages(node, r, &out->load)) {
    return false;
  }
  // A ramp's measured phase defaults to the length of its stages (`duration` is read after).
  out->duration_us = 0;
  for (const RampStage& stage : out->load.stages) out->duration_us += stage.duration_us;
  return true;
}

bool ReadPayloadSize(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  SizeDistribution& size = out->request_size;
  const std::string key = "request.payload_size";
  if (node.IsScalar() || node.IsNull()) {
    size.kind = SizeDistribution::Kind::kFixed;
    return r.Size(node, key, 0, kMaxSizeBytes, &size.fixed_bytes);
  }
  const YamlNode* uniform = node.Find("uniform");
  const YamlNode* choice = node.Find("choice");
  const YamlNode* weights = node.Find("weights");
  if ((uniform == nullptr) == (choice == nullptr)) {
    return r.diag()->Fail(node, key,
                          "give exactly one of `uniform: [min, max]` or `choice: [sizes...]`");
  }
  if (uniform != nullptr) {
    if (weights != nullptr) {
      return r.diag()->Fail(*weights, key + ".weights", "applies to `choice` only");
    }
    std::vector<uint64_t> bounds;
    if (!ReadSizeList(r, *uniform, key + ".uniform", 2, 2, &bounds)) return false;
    if (bounds[0] > bounds[1]) {
      return r.diag()->Fail(*uniform, key + ".uniform",
                            "min (" + uniform->items[0].scalar + ") is larger than max (" +
                                uniform->items[1].scalar + ")");
    }
    size.kind = SizeDistribution::Kind::kUniform;
    size.min_bytes = bounds[0];
    size.max_bytes = bounds[1];
    return true;
  }
  size.kind = SizeDistribution::Kind::kChoice;
  if (!ReadSizeList(r, *choice, key + ".choice", 1, 1000, &size.choices_bytes)) return false;
  return weights == nullptr || ReadChoiceWeights(r, *weights, key + ".weights", &size);
}

bool ReadFailure(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (node.IsNull()) return true;
  FailureSpec& failure = out->behavior.failure;
  const std::string key = "server_behavior.failure.code";
  const YamlNode* code = RequiredKey(node, key, r);
  if (code == nullptr || !r.String(*code, key, 100, &failure.code) ||
      !r.StatusName(*code, code->line, code->column, failure.code, key)) {
    return false;
  }
  if (failure.code == "OK") {
    return r.diag()->Fail(*code, key, "OK is not a failure; pick an error status");
  }
  return ReadKeyIfPresent(node, "server_behavior.failure.message", r, out) &&
         ReadKeyIfPresent(node, "server_behavior.failure.after_messages", r, out) &&
         ReadKeyIfPresent(node, "server_behavior.failure.probability", r, out);
}

bool ReadExpect(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (!ReadKeyIfPresent(node, "expect.allow_integrity_errors", r, out)) return false;
  const YamlNode* statuses = node.Find("statuses");
  if (statuses == nullptr) return true;
  if (statuses->entries.empty()) {
    return r.diag()->Fail(*statuses, "expect.statuses",
                          "lists no status; every call would fail the run (e.g. OK: some)");
  }
  out->expect.statuses.clear();
  for (const YamlMapEntry& entry : statuses->entries) {
    const std::string key = "expect.statuses." + entry.key;
    if (!r.StatusName(entry.value, entry.line, entry.column, entry.key, key)) return false;
    StatusExpectation expectation;
    if (!ReadStatusExpectation(r, entry.value, key, &expectation)) return false;
    out->expect.statuses[entry.key] = expectation;
  }
  return true;
}

// `thresholds`: each a gate expression, parsed here so that a typo (an unknown metric, a unit
// that does not fit the metric) stops the load with its file position instead of failing the
// gate after a long run.
bool ReadThresholds(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  out->thresholds.clear();
  for (size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& item = node.items[i];
    const std::string key = "thresholds[" + std::to_string(i) + "]";
    if (!r.Scalar(item, key, "a threshold expression like `message_latency.p99 < 5ms`")) {
      return false;
    }
    criteria::Threshold parsed;
    std::string error;
    if (!criteria::ParseThreshold(item.scalar, &parsed, &error)) {
      return r.diag()->Fail(item, key, error);
    }
    out->thresholds.push_back(std::move(parsed));
  }
  return true;
}

bool ReadScenario(const YamlNode& root, Scenario* out, Diagnostics* diag) {
  ValueReader r(diag);
  out->expect.statuses = {{"OK", StatusExpectation{0, 1, 1}}};
  return ReadTableKeys(root, r, out);
}

}  // namespace streambench::scenario
