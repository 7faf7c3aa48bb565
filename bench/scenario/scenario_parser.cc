#include "bench/scenario/scenario_parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "bench/criteria/threshold.h"
#include "bench/scenario/flow_keys.h"
#include "bench/scenario/schema.h"
#include "bench/scenario/status_names.h"
#include "bench/scenario/suggest.h"
#include "bench/scenario/units.h"
#include "bench/scenario/workload_keys.h"
#include "server/behavior_caps.h"

namespace streambench::scenario {
namespace {

std::string RateText(double per_s) {
  char buf[64];
  if (per_s >= 1e6 && std::fmod(per_s, 1e6) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fM/s", per_s / 1e6);
  } else if (per_s >= 1e3 && std::fmod(per_s, 1e3) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fk/s", per_s / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%g/s", per_s);
  }
  return buf;
}

// Typed readers: each checks that the node is a scalar of the right form and in range, and
// records a precise error otherwise.
class Reader {
 public:
  explicit Reader(Diagnostics* diag) : diag_(diag) {}

  Diagnostics* diag() { return diag_; }

  bool Scalar(const YamlNode& n, const std::string& key, const std::string& expected) {
    if (n.IsScalar()) return true;
    return diag_->Fail(n, key, "expected " + expected + ", got " + n.Describe());
  }

  bool String(const YamlNode& n, const std::string& key, size_t max_chars, std::string* out) {
    if (!Scalar(n, key, "a string")) return false;
    if (n.scalar.size() > max_chars) {
      return diag_->Fail(n, key, "is longer than " + std::to_string(max_chars) + " characters");
    }
    *out = n.scalar;
    return true;
  }

  bool Uint(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint64_t* out) {
    if (!Scalar(n, key, "a whole number")) return false;
    const std::string& s = n.scalar;
    size_t begin = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool digits = begin < s.size();
    for (size_t i = begin; i < s.size(); ++i) digits = digits && s[i] >= '0' && s[i] <= '9';
    if (!digits) return diag_->Fail(n, key, "expected a whole number, got " + n.Describe());
    const std::string range = "must be between " + std::to_string(min) + " and " +
                              std::to_string(max) + " (got " + s + ")";
    // Negative or longer than any uint64: out of range rather than a type error.
    if (s[0] == '-') {
      bool zero = s.find_first_not_of('0', 1) == std::string::npos;
      if (!zero || min > 0) return diag_->Fail(n, key, range);
      *out = 0;
      return true;
    }
    if (s.size() - begin > 20) return diag_->Fail(n, key, range);
    errno = 0;
    const unsigned long long value = std::strtoull(s.c_str() + begin, nullptr, 10);
    if (errno == ERANGE || value < min || value > max) return diag_->Fail(n, key, range);
    *out = value;
    return true;
  }

  template <typename T>
  bool UintAs(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, T* out) {
    uint64_t value = 0;
    if (!Uint(n, key, min, max, &value)) return false;
    *out = static_cast<T>(value);
    return true;
  }

  bool Duration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out) {
    if (!Scalar(n, key, "a duration like 250ms")) return false;
    std::string error;
    int64_t us = 0;
    if (!ParseDurationUs(n.scalar, &us, &error)) return diag_->Fail(n, key, error);
    if (us > max_us) {
      return diag_->Fail(n, key,
                         "must be at most " + FormatDurationUs(max_us) + " (got " + n.scalar + ")");
    }
    *out = us;
    return true;
  }

  // A duration that must be > 0: a negative one is told the same bound as zero (the unit parser
  // alone would say ">= 0", which zero does not meet either).
  bool PositiveDuration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out) {
    if (!Scalar(n, key, "a duration like 250ms")) return false;
    const size_t first = n.scalar.find_first_not_of(" \t");
    int64_t us = 0;
    const bool negative = first != std::string::npos && n.scalar[first] == '-';
    if (!negative && !Duration(n, key, max_us, &us)) return false;
    if (negative || us == 0) return diag_->Fail(n, key, "must be > 0 (got " + n.scalar + ")");
    *out = us;
    return true;
  }

  bool Size(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint64_t* out) {
    if (!Scalar(n, key, "a size like 64B or 16KiB")) return false;
    std::string error;
    uint64_t bytes = 0;
    if (!ParseSizeBytes(n.scalar, &bytes, &error)) return diag_->Fail(n, key, error);
    if (bytes < min || bytes > max) {
      const std::string got = " (got " + n.scalar + ")";
      if (min == 0) return diag_->Fail(n, key, "must be at most " + FormatSizeBytes(max) + got);
      return diag_->Fail(
          n, key, "must be between " + FormatSizeBytes(min) + " and " + FormatSizeBytes(max) + got);
    }
    *out = bytes;
    return true;
  }

  bool Rate(const YamlNode& n, const std::string& key, bool allow_zero, double* out) {
    if (!Scalar(n, key, "a rate like 1000/s")) return false;
    std::string error;
    double rate = 0;
    if (!ParseRatePerS(n.scalar, &rate, &error)) return diag_->Fail(n, key, error);
    if (allow_zero ? rate < 0 : rate <= 0) {
      return diag_->Fail(
          n, key,
          std::string(allow_zero ? "must be >= 0" : "must be > 0") + " (got " + n.scalar + ")");
    }
    if (rate > kMaxRatePerS) {
      return diag_->Fail(n, key,
                         "must be at most " + RateText(kMaxRatePerS) + " (got " + n.scalar + ")");
    }
    *out = rate;
    return true;
  }

  bool Bool(const YamlNode& n, const std::string& key, bool* out) {
    if (!Scalar(n, key, "true or false")) return false;
    const std::string& s = n.scalar;
    if (s == "true" || s == "True" || s == "TRUE") {
      *out = true;
    } else if (s == "false" || s == "False" || s == "FALSE") {
      *out = false;
    } else {
      return diag_->Fail(n, key, "expected true or false, got " + n.Describe());
    }
    return true;
  }

  bool Fraction(const YamlNode& n, const std::string& key, double* out) {
    if (!Scalar(n, key, "a fraction like 0.1 or 10%")) return false;
    std::string error;
    if (!ParseFraction(n.scalar, out, &error)) return diag_->Fail(n, key, error);
    return true;
  }

  bool Choice(const YamlNode& n, const std::string& key, const std::vector<std::string>& names,
              size_t* index) {
    if (!Scalar(n, key, JoinChoices(names))) return false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == n.scalar) {
        *index = i;
        return true;
      }
    }
    std::string message = "expected " + JoinChoices(names) + ", got " + n.Describe();
    const std::string nearest = NearestName(n.scalar, names);
    if (!nearest.empty()) message += "; did you mean `" + nearest + "`?";
    return diag_->Fail(n, key, message);
  }

  bool StatusName(const YamlNode& n, int line, int column, const std::string& name,
                  const std::string& key) {
    if (StatusCodeFromName(name) >= 0) return true;
    std::string message = "`" + name + "` is not a gRPC status name";
    const std::string nearest = NearestName(name, StatusNames());
    if (!nearest.empty()) {
      message += "; did you mean `" + nearest + "`?";
    } else {
      message += " (names are upper case, e.g. OK, CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE)";
    }
    return diag_->FailAt(&n, line, column, key, message);
  }

 private:
  Diagnostics* diag_;
};

// Calls `read` with the value under `key` if the map has it (non-null).
template <typename F>
bool IfPresent(const YamlNode& map, const std::string& key, F read) {
  const YamlNode* value = map.Find(key);
  if (value == nullptr) return true;
  return read(*value);
}

bool Required(Reader& r, const YamlNode& map, const std::string& key, const std::string& path,
              const std::string& hint, const YamlNode** out) {
  const YamlNode* value = map.Find(key);
  if (value == nullptr) {
    return r.diag()->Fail(
        map, JoinPath(path, key),
        "required key `" + key + "` is missing" + (hint.empty() ? "" : "; ") + hint);
  }
  *out = value;
  return true;
}

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

bool ReadTarget(Reader& r, const YamlNode& node, TargetSpec* out) {
  auto read_address = [&](const YamlNode& n, const std::string& key) {
    std::string address;
    if (!r.String(n, key, 1000, &address)) return false;
    if (!ValidAddress(address)) {
      return r.diag()->Fail(
          n, key,
          "expected host:port (e.g. 127.0.0.1:50051) or a gRPC target URI, got " + n.Describe());
    }
    out->addresses.push_back(address);
    return true;
  };
  if (node.IsScalar()) return read_address(node, "target");
  if (node.IsNull())
    return r.diag()->Fail(node, "target", "expected host:port or a mapping, got nothing");
  const YamlNode* addresses = nullptr;
  if (!Required(r, node, "addresses", "target",
                "list the servers, or omit `target` to use the embedded server", &addresses)) {
    return false;
  }
  if (addresses->IsScalar()) {
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
  return IfPresent(node, "load_balancing", [&](const YamlNode& n) {
    size_t index = 0;
    if (!r.Choice(n, "target.load_balancing", {"pick_first", "round_robin"}, &index)) return false;
    out->load_balancing = index == 0 ? LoadBalancing::kPickFirst : LoadBalancing::kRoundRobin;
    return true;
  });
}

bool ReadLoad(Reader& r, const YamlNode& node, LoadSpec* out) {
  if (node.IsNull()) return true;
  const YamlNode* type_node = nullptr;
  if (!Required(r, node, "type", "load", "one of closed, constant, poisson, ramp", &type_node)) {
    return false;
  }
  static const std::vector<std::string> kTypes = {"closed", "constant", "poisson", "ramp"};
  size_t type = 0;
  if (!r.Choice(*type_node, "load.type", kTypes, &type)) return false;
  out->model = static_cast<LoadModel>(type);
  // Keys that belong to another load type are errors: they would be silently ignored otherwise.
  static const std::vector<std::vector<std::string>> kKeys = {{"type", "outstanding"},
                                                              {"type", "rate"},
                                                              {"type", "rate"},
                                                              {"type", "start_rate", "stages"}};
  for (const YamlMapEntry& entry : node.entries) {
    bool allowed = false;
    for (const std::string& key : kKeys[type]) allowed = allowed || key == entry.key;
    if (!allowed) {
      std::string keys;
      for (const std::string& key : kKeys[type]) keys += (keys.empty() ? "" : ", ") + key;
      return r.diag()->FailAt(
          &entry.value, entry.line, entry.column, "load." + entry.key,
          "does not apply to load type `" + kTypes[type] + "` (its keys: " + keys + ")");
    }
  }
  switch (out->model) {
    case LoadModel::kClosed:
      return IfPresent(node, "outstanding", [&](const YamlNode& n) {
        return r.UintAs(n, "load.outstanding", 1, kMaxOutstanding, &out->outstanding);
      });
    case LoadModel::kConstant:
    case LoadModel::kPoisson: {
      const YamlNode* rate = nullptr;
      if (!Required(r, node, "rate", "load", "e.g. rate: 1000/s", &rate)) return false;
      return r.Rate(*rate, "load.rate", false, &out->rate_per_s);
    }
    case LoadModel::kRamp:
      break;
  }
  if (!IfPresent(node, "start_rate", [&](const YamlNode& n) {
        return r.Rate(n, "load.start_rate", true, &out->start_rate_per_s);
      })) {
    return false;
  }
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
    const YamlNode* duration = nullptr;
    const YamlNode* rate = nullptr;
    if (!Required(r, stage, "duration", path, "", &duration) ||
        !r.Duration(*duration, path + ".duration", kMaxDurationUs, &parsed.duration_us) ||
        !Required(r, stage, "rate", path, "", &rate) ||
        !r.Rate(*rate, path + ".rate", true, &parsed.target_rate_per_s)) {
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

bool ReadStream(Reader& r, const YamlNode& node, StreamSpec* out) {
  return IfPresent(node, "messages",
                   [&](const YamlNode& n) {
                     return r.Uint(n, "stream.messages", 0, 1'000'000'000'000,
                                   &out->messages_per_stream);
                   }) &&
         IfPresent(node, "duration", [&](const YamlNode& n) {
           return r.Duration(n, "stream.duration", kMaxDurationUs, &out->stream_duration_us);
         });
}

bool ReadSizeList(Reader& r, const YamlNode& n, const std::string& key, size_t min_items,
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

bool ReadPayloadSize(Reader& r, const YamlNode& node, SizeDistribution* out) {
  const std::string key = "request.payload_size";
  if (node.IsScalar() || node.IsNull()) {
    out->kind = SizeDistribution::Kind::kFixed;
    return r.Size(node, key, 0, kMaxSizeBytes, &out->fixed_bytes);
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
    out->kind = SizeDistribution::Kind::kUniform;
    out->min_bytes = bounds[0];
    out->max_bytes = bounds[1];
    return true;
  }
  out->kind = SizeDistribution::Kind::kChoice;
  if (!ReadSizeList(r, *choice, key + ".choice", 1, 1000, &out->choices_bytes)) return false;
  if (weights == nullptr) return true;
  if (!weights->IsSequence() || weights->items.size() != out->choices_bytes.size()) {
    return r.diag()->Fail(
        *weights, key + ".weights",
        "expected a list of " + std::to_string(out->choices_bytes.size()) +
            " weights (one per choice), got " +
            (weights->IsSequence() ? "a list of " + std::to_string(weights->items.size())
                                   : weights->Describe()));
  }
  double sum = 0;
  for (size_t i = 0; i < weights->items.size(); ++i) {
    const YamlNode& w = weights->items[i];
    const std::string wkey = key + ".weights[" + std::to_string(i) + "]";
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
  if (!(sum > 0)) return r.diag()->Fail(*weights, key + ".weights", "the weights sum to 0");
  return true;
}

bool ReadFailure(Reader& r, const YamlNode& node, FailureSpec* out) {
  if (node.IsNull()) return true;
  const YamlNode* code = nullptr;
  if (!Required(r, node, "code", "server_behavior.failure",
                "the gRPC status to inject, e.g. code: UNAVAILABLE", &code)) {
    return false;
  }
  const std::string key = "server_behavior.failure.code";
  if (!r.String(*code, key, 100, &out->code)) return false;
  if (!r.StatusName(*code, code->line, code->column, out->code, key)) return false;
  if (out->code == "OK")
    return r.diag()->Fail(*code, key, "OK is not a failure; pick an error status");
  return IfPresent(node, "message",
                   [&](const YamlNode& n) {
                     return r.String(n, "server_behavior.failure.message", 1000, &out->message);
                   }) &&
         IfPresent(node, "after_messages",
                   [&](const YamlNode& n) {
                     uint64_t value = 0;
                     if (!r.Uint(n, "server_behavior.failure.after_messages", 0, 1'000'000'000'000,
                                 &value)) {
                       return false;
                     }
                     out->after_messages = value;
                     return true;
                   }) &&
         IfPresent(node, "probability", [&](const YamlNode& n) {
           return r.Fraction(n, "server_behavior.failure.probability", &out->probability);
         });
}

bool ReadBehavior(Reader& r, const YamlNode& node, BehaviorSpec* out) {
  const BehaviorCaps caps;
  const std::string p = "server_behavior.";
  auto duration = [&](const char* key, int64_t* field) {
    return IfPresent(node, key, [&](const YamlNode& n) {
      return r.Duration(n, p + key, caps.max_duration_us, field);
    });
  };
  if (!IfPresent(node, "response_size",
                 [&](const YamlNode& n) {
                   return r.Size(n, p + "response_size", 0, kMaxSizeBytes,
                                 &out->response_size_bytes);
                 }) ||
      !IfPresent(node, "response_count",
                 [&](const YamlNode& n) {
                   return r.Uint(n, p + "response_count", 0, caps.max_response_count,
                                 &out->response_count);
                 }) ||
      !duration("response_interval", &out->response_interval_us) ||
      !duration("first_response_delay", &out->first_response_delay_us) ||
      !duration("response_delay", &out->response_delay_us)) {
    return false;
  }
  if (!IfPresent(node, "bidi", [&](const YamlNode& n) {
        size_t index = 0;
        if (!r.Choice(n, p + "bidi", {"echo", "independent"}, &index)) return false;
        out->bidi_echo = index == 0;
        return true;
      })) {
    return false;
  }
  if (!IfPresent(node, "failure",
                 [&](const YamlNode& n) { return ReadFailure(r, n, &out->failure); })) {
    return false;
  }
  return IfPresent(node, "read_stall", [&](const YamlNode& n) {
    return IfPresent(n, "after_messages",
                     [&](const YamlNode& v) {
                       return r.Uint(v, p + "read_stall.after_messages", 0, 1'000'000'000'000,
                                     &out->read_stall.after_messages);
                     }) &&
           IfPresent(n, "duration", [&](const YamlNode& v) {
             return r.Duration(v, p + "read_stall.duration", caps.max_duration_us,
                               &out->read_stall.duration_us);
           });
  });
}

bool ReadTransport(Reader& r, const YamlNode& node, const std::string& prefix, TransportSpec* out) {
  auto size = [&](const char* key, uint64_t min, uint64_t max, std::optional<uint64_t>* field) {
    return IfPresent(node, key, [&](const YamlNode& n) {
      uint64_t bytes = 0;
      if (!r.Size(n, prefix + "." + key, min, max, &bytes)) return false;
      *field = bytes;
      return true;
    });
  };
  auto duration = [&](const char* key, std::optional<int64_t>* field) {
    return IfPresent(node, key, [&](const YamlNode& n) {
      int64_t us = 0;
      if (!r.Duration(n, prefix + "." + key, kMaxDurationUs, &us)) return false;
      if (us < 1000) {
        return r.diag()->Fail(n, prefix + "." + key, "must be at least 1ms (got " + n.scalar + ")");
      }
      *field = us;
      return true;
    });
  };
  return IfPresent(node, "bdp_probe",
                   [&](const YamlNode& n) {
                     bool value = false;
                     if (!r.Bool(n, prefix + ".bdp_probe", &value)) return false;
                     out->bdp_probe = value;
                     return true;
                   }) &&
         size("stream_window", 1024, kMaxSizeBytes, &out->stream_window_bytes) &&
         // RFC 7540 section 6.5.2: SETTINGS_MAX_FRAME_SIZE lies in [2^14, 2^24 - 1].
         size("max_frame_size", 16384, 16777215, &out->max_frame_size_bytes) &&
         size("write_buffer", 0, kMaxSizeBytes, &out->write_buffer_bytes) &&
         IfPresent(node, "max_concurrent_streams",
                   [&](const YamlNode& n) {
                     uint32_t value = 0;
                     if (!r.UintAs(n, prefix + ".max_concurrent_streams", 1, 2147483647, &value)) {
                       return false;
                     }
                     out->max_concurrent_streams = value;
                     return true;
                   }) &&
         size("max_send_message", 1, kMaxSizeBytes, &out->max_send_message_bytes) &&
         size("max_receive_message", 1, kMaxSizeBytes, &out->max_receive_message_bytes) &&
         duration("keepalive_time", &out->keepalive_time_us) &&
         duration("keepalive_timeout", &out->keepalive_timeout_us);
}

bool ReadStatusExpectation(Reader& r, const YamlNode& n, const std::string& key,
                           StatusExpectation* out) {
  if (n.IsScalar() || n.IsNull()) {
    size_t index = 0;
    if (!r.Choice(n, key, {"some", "any", "none"}, &index)) return false;
    if (index == 0) out->min_calls = 1;
    if (index == 2) out->max_fraction = 0;
    return true;
  }
  if (!IfPresent(
          n, "min",
          [&](const YamlNode& v) { return r.Fraction(v, key + ".min", &out->min_fraction); }) ||
      !IfPresent(
          n, "max",
          [&](const YamlNode& v) { return r.Fraction(v, key + ".max", &out->max_fraction); }) ||
      !IfPresent(n, "min_calls", [&](const YamlNode& v) {
        return r.Uint(v, key + ".min_calls", 0, 1'000'000'000'000, &out->min_calls);
      })) {
    return false;
  }
  if (out->min_fraction > out->max_fraction) {
    return r.diag()->Fail(
        n, key,
        "min (" + n.Find("min")->scalar + ") is larger than max (" + n.Find("max")->scalar + ")");
  }
  return true;
}

bool ReadExpect(Reader& r, const YamlNode& node, ExpectSpec* out) {
  if (!IfPresent(node, "allow_integrity_errors", [&](const YamlNode& n) {
        return r.Bool(n, "expect.allow_integrity_errors", &out->allow_integrity_errors);
      })) {
    return false;
  }
  const YamlNode* statuses = node.Find("statuses");
  if (statuses == nullptr) return true;
  if (statuses->entries.empty()) {
    return r.diag()->Fail(*statuses, "expect.statuses",
                          "lists no status; every call would fail the run (e.g. OK: some)");
  }
  out->statuses.clear();
  for (const YamlMapEntry& entry : statuses->entries) {
    const std::string key = "expect.statuses." + entry.key;
    if (!r.StatusName(entry.value, entry.line, entry.column, entry.key, key)) return false;
    StatusExpectation expectation;
    if (!ReadStatusExpectation(r, entry.value, key, &expectation)) return false;
    out->statuses[entry.key] = expectation;
  }
  return true;
}

// `thresholds`: each a gate expression, parsed here so that a typo (an unknown metric, a unit
// that does not fit the metric) stops the load with its file position instead of failing the
// gate after a long run.
bool ReadThresholds(Reader& r, const YamlNode& node, std::vector<criteria::Threshold>* out) {
  out->clear();
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
    out->push_back(std::move(parsed));
  }
  return true;
}

}  // namespace

bool ReadScenario(const YamlNode& root, Scenario* out, Diagnostics* diag) {
  Reader r(diag);
  const YamlNode* name = nullptr;
  if (!Required(r, root, "name", "", "a short identifier used in reports and metrics", &name) ||
      !r.String(*name, "name", 64, &out->name)) {
    return false;
  }
  bool name_ok = !out->name.empty();
  for (char c : out->name) {
    name_ok = name_ok &&
              (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  }
  if (!name_ok) {
    return diag->Fail(*name, "name",
                      "use letters, digits, `_`, `-` and `.` only (got " + name->Describe() + ")");
  }
  if (!IfPresent(root, "description", [&](const YamlNode& n) {
        return r.String(n, "description", 10'000, &out->description);
      })) {
    return false;
  }
  if (!IfPresent(root, "service", [&](const YamlNode& n) {
        size_t index = 0;
        if (!r.Choice(n, "service", {"streambench.v1", "grpc.testing.BenchmarkService"}, &index)) {
          return false;
        }
        out->target.service =
            index == 0 ? TargetService::kStreambenchV1 : TargetService::kGrpcTestingBenchmark;
        return true;
      })) {
    return false;
  }
  if (!IfPresent(root, "target",
                 [&](const YamlNode& n) { return ReadTarget(r, n, &out->target); })) {
    return false;
  }
  const YamlNode* mode = nullptr;
  size_t mode_index = 0;
  if (!Required(r, root, "mode", "",
                "one of unary, server_stream, client_stream, bidi, upload, download, subscribe, "
                "chat",
                &mode) ||
      !r.Choice(*mode, "mode",
                {"unary", "server_stream", "client_stream", "bidi", "upload", "download",
                 "subscribe", "chat"},
                &mode_index)) {
    return false;
  }
  out->mode = static_cast<Mode>(mode_index);
  if (!IfPresent(root, "connections",
                 [&](const YamlNode& n) {
                   return r.UintAs(n, "connections", 1, kMaxConnections, &out->connections);
                 }) ||
      !IfPresent(root, "streams_per_connection",
                 [&](const YamlNode& n) {
                   return r.UintAs(n, "streams_per_connection", 1, kMaxStreamsPerConnection,
                                   &out->streams_per_connection);
                 }) ||
      !IfPresent(root, "threads",
                 [&](const YamlNode& n) {
                   return r.UintAs(n, "threads", 0, kMaxThreads, &out->threads);
                 }) ||
      !IfPresent(root, "load", [&](const YamlNode& n) { return ReadLoad(r, n, &out->load); }) ||
      !IfPresent(root, "stream",
                 [&](const YamlNode& n) { return ReadStream(r, n, &out->stream); }) ||
      !IfPresent(root, "request",
                 [&](const YamlNode& n) {
                   return IfPresent(n, "payload_size", [&](const YamlNode& v) {
                     return ReadPayloadSize(r, v, &out->request_size);
                   });
                 }) ||
      !IfPresent(root, "server_behavior",
                 [&](const YamlNode& n) { return ReadBehavior(r, n, &out->behavior); }) ||
      !IfPresent(root, "call",
                 [&](const YamlNode& n) {
                   return IfPresent(n, "deadline",
                                    [&](const YamlNode& v) {
                                      return r.Duration(v, "call.deadline", kMaxDurationUs,
                                                        &out->call.deadline_us);
                                    }) &&
                          IfPresent(n, "cancel_after", [&](const YamlNode& v) {
                            return r.Duration(v, "call.cancel_after", kMaxDurationUs,
                                              &out->call.cancel_after_us);
                          });
                 }) ||
      !IfPresent(root, "warmup", [&](const YamlNode& n) {
        return r.Duration(n, "warmup", kMaxDurationUs, &out->warmup_us);
      })) {
    return false;
  }
  // A ramp's measured phase defaults to the length of its stages.
  if (out->load.model == LoadModel::kRamp) {
    int64_t total_us = 0;
    for (const RampStage& stage : out->load.stages) total_us += stage.duration_us;
    out->duration_us = total_us;
  }
  if (!IfPresent(root, "duration",
                 [&](const YamlNode& n) {
                   return r.PositiveDuration(n, "duration", kMaxDurationUs, &out->duration_us);
                 }) ||
      !IfPresent(root, "seed",
                 [&](const YamlNode& n) { return r.Uint(n, "seed", 0, UINT64_MAX, &out->seed); }) ||
      !IfPresent(
          root, "transport",
          [&](const YamlNode& n) { return ReadTransport(r, n, "transport", &out->transport); }) ||
      !IfPresent(root, "server_transport", [&](const YamlNode& n) {
        return ReadTransport(r, n, "server_transport", &out->server_transport);
      })) {
    return false;
  }
  if (!ReadWorkloadKeys(root, out, diag)) return false;
  out->expect.statuses = {{"OK", StatusExpectation{0, 1, 1}}};
  return IfPresent(root, "expect",
                   [&](const YamlNode& n) { return ReadExpect(r, n, &out->expect); }) &&
         IfPresent(root, "thresholds",
                   [&](const YamlNode& n) { return ReadThresholds(r, n, &out->thresholds); }) &&
         ReadFlowControlKeys(root, out, diag);
}

}  // namespace streambench::scenario
