#include "bench/scenario/scenario_validator.h"

#include "bench/scenario/scenario_parser.h"
#include "common/behavior_caps.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

// The node at a dotted path ("server_behavior.failure.code") if the author wrote it.
const YamlNode* At(const YamlNode& root, const std::string& path) {
  const YamlNode* node = &root;
  size_t begin = 0;
  while (node != nullptr) {
    const size_t dot = path.find('.', begin);
    const std::string key = path.substr(begin, dot == std::string::npos ? dot : dot - begin);
    node = node->IsMap() ? node->Find(key) : nullptr;
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return node;
}

bool IsEchoBidi(const Scenario& s) { return s.mode == Mode::kBidi && s.behavior.bidi_echo; }
bool IsIndependentBidi(const Scenario& s) { return s.mode == Mode::kBidi && !s.behavior.bidi_echo; }

std::string ModeText(const Scenario& s) {
  if (s.mode != Mode::kBidi) return std::string("mode is ") + ModeName(s.mode);
  return s.behavior.bidi_echo ? "mode is bidi with `bidi: echo`"
                              : "mode is bidi with `bidi: independent`";
}

struct ModeRule {
  const char* path;
  bool (*applies)(const Scenario&);
  const char* where;  // where the key applies, for the message
};

bool CheckModeKeys(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  static const ModeRule kRules[] = {
      {"stream",
       [](const Scenario& s) { return s.mode == Mode::kClientStream || s.mode == Mode::kBidi; },
       "client_stream and bidi"},
      {"server_behavior.bidi", [](const Scenario& s) { return s.mode == Mode::kBidi; }, "bidi"},
      {"server_behavior.response_count",
       [](const Scenario& s) { return s.mode == Mode::kServerStream || IsIndependentBidi(s); },
       "server_stream and bidi with `bidi: independent`"},
      {"server_behavior.response_interval",
       [](const Scenario& s) { return s.mode == Mode::kServerStream || IsIndependentBidi(s); },
       "server_stream and bidi with `bidi: independent`"},
      {"server_behavior.first_response_delay",
       [](const Scenario& s) { return s.mode != Mode::kUnary; },
       "the streaming modes (for unary use response_delay)"},
      {"server_behavior.response_delay",
       [](const Scenario& s) {
         return s.mode == Mode::kUnary || s.mode == Mode::kClientStream || IsEchoBidi(s);
       },
       "unary, client_stream and bidi with `bidi: echo`"},
      {"server_behavior.response_size",
       [](const Scenario& s) {
         // BenchmarkService's StreamingFromClient answers with a response of the size asked.
         return s.mode != Mode::kClientStream ||
                s.target.service == TargetService::kGrpcTestingBenchmark;
       },
       "unary, server_stream and bidi (a streambench.v1 client_stream call ends with a fixed-size "
       "summary)"},
      {"server_behavior.read_stall",
       [](const Scenario& s) { return s.mode == Mode::kClientStream || s.mode == Mode::kBidi; },
       "client_stream and bidi"},
  };
  for (const ModeRule& rule : kRules) {
    const YamlNode* node = At(root, rule.path);
    if (node == nullptr || rule.applies(s)) continue;
    return diag->Fail(*node, rule.path,
                      std::string("applies to ") + rule.where + " only (" + ModeText(s) + ")");
  }
  return true;
}

bool CheckService(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  if (s.target.service != TargetService::kGrpcTestingBenchmark) return true;
  const YamlNode* behavior = root.Find("server_behavior");
  if (behavior == nullptr || !behavior->IsMap()) return true;
  for (const YamlMapEntry& entry : behavior->entries) {
    if (entry.key == "response_size") continue;
    // StreamingFromServer streams until the client cancels: response_count is how many the
    // generator reads before it does (the mode rules allow it in server_stream only).
    if (entry.key == "response_count") {
      if (s.behavior.response_count == 0) {
        return diag->Fail(entry.value, "server_behavior.response_count",
                          "must be > 0 with grpc.testing.BenchmarkService (each call reads that "
                          "many responses, then cancels the stream)");
      }
      continue;
    }
    return diag->FailAt(&entry.value, entry.line, entry.column, "server_behavior." + entry.key,
                        "is not supported by grpc.testing.BenchmarkService (it honours only "
                        "response_size, and response_count in server_stream); use service: "
                        "streambench.v1");
  }
  return true;
}

bool CheckExpectations(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  const bool has_expect = root.Find("expect") != nullptr;
  struct Trigger {
    const char* path;
    bool set;
  };
  const Trigger triggers[] = {{"server_behavior.failure.code", !s.behavior.failure.code.empty()},
                              {"call.cancel_after", s.call.cancel_after_us > 0},
                              {"call.deadline", s.call.deadline_us > 0}};
  for (const Trigger& trigger : triggers) {
    if (!trigger.set || has_expect) continue;
    const YamlNode* node = At(root, trigger.path);
    return diag->Fail(node != nullptr ? *node : root, "expect",
                      std::string("`") + trigger.path +
                          "` can end calls with an error status, so the scenario must declare "
                          "what it expects: add `expect: {statuses: {OK: some, ...}}`");
  }
  if (!s.behavior.failure.code.empty() && s.expect.statuses.count(s.behavior.failure.code) == 0) {
    const YamlNode* node = At(root, "server_behavior.failure.code");
    return diag->Fail(*node, "expect.statuses",
                      "the scenario injects " + s.behavior.failure.code +
                          " but `expect.statuses` does not list it (use `some` or `any`)");
  }
  if (s.call.cancel_after_us > 0 && s.expect.statuses.count("CANCELLED") == 0) {
    const YamlNode* node = At(root, "call.cancel_after");
    return diag->Fail(*node, "expect.statuses",
                      "`call.cancel_after` cancels calls but `expect.statuses` does not list "
                      "CANCELLED (use `some` or `any`)");
  }
  return true;
}

// Limits that make a scenario impossible to run as written.
bool CheckSizes(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  const bool embedded = s.target.addresses.empty();
  const YamlNode* request = At(root, "request.payload_size");
  const YamlNode& request_at = request != nullptr ? *request : root;
  const uint64_t request_bytes = s.request_size.MaxBytes();
  auto too_big = [&](const YamlNode& at, const std::string& key, uint64_t payload, uint64_t limit,
                     const std::string& limit_name, const std::string& hint = "") {
    return diag->Fail(at, key,
                      FormatSizeBytes(payload) + " plus " + std::to_string(kMessageOverheadBytes) +
                          " bytes of message fields exceeds " + limit_name + " (" +
                          FormatSizeBytes(limit) + hint + ")");
  };
  if (s.transport.max_send_message_bytes &&
      request_bytes + kMessageOverheadBytes > *s.transport.max_send_message_bytes) {
    return too_big(request_at, "request.payload_size", request_bytes,
                   *s.transport.max_send_message_bytes, "transport.max_send_message");
  }
  if (embedded) {
    const uint64_t limit =
        s.server_transport.max_receive_message_bytes.value_or(kGrpcDefaultMaxReceiveBytes);
    if (request_bytes + kMessageOverheadBytes > limit) {
      if (s.server_transport.max_receive_message_bytes) {
        return too_big(request_at, "request.payload_size", request_bytes, limit,
                       "server_transport.max_receive_message");
      }
      return too_big(request_at, "request.payload_size", request_bytes, limit,
                     "the server's max_receive_message",
                     ", gRPC's default; raise it with server_transport.max_receive_message");
    }
  }
  if (s.mode == Mode::kClientStream) return true;
  // In bidi echo a response_size of 0 means "the request's size".
  const uint64_t response_bytes = IsEchoBidi(s) && s.behavior.response_size_bytes == 0
                                      ? request_bytes
                                      : s.behavior.response_size_bytes;
  const YamlNode* response = At(root, "server_behavior.response_size");
  const YamlNode& response_at = response != nullptr ? *response : root;
  const uint64_t receive_limit =
      s.transport.max_receive_message_bytes.value_or(kGrpcDefaultMaxReceiveBytes);
  if (response_bytes + kMessageOverheadBytes > receive_limit) {
    if (s.transport.max_receive_message_bytes) {
      return too_big(response_at, "server_behavior.response_size", response_bytes, receive_limit,
                     "transport.max_receive_message");
    }
    return too_big(response_at, "server_behavior.response_size", response_bytes, receive_limit,
                   "the client's max_receive_message",
                   ", gRPC's default; raise it with transport.max_receive_message");
  }
  if (s.server_transport.max_send_message_bytes &&
      response_bytes + kMessageOverheadBytes > *s.server_transport.max_send_message_bytes) {
    return too_big(response_at, "server_behavior.response_size", response_bytes,
                   *s.server_transport.max_send_message_bytes, "server_transport.max_send_message");
  }
  const BehaviorCaps caps;
  if (embedded && response_bytes > caps.max_response_bytes) {
    return diag->Fail(response_at, "server_behavior.response_size",
                      "exceeds the reference server's cap of " +
                          FormatSizeBytes(caps.max_response_bytes) + " per response (got " +
                          FormatSizeBytes(response_bytes) + ")");
  }
  return true;
}

bool CheckTotals(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  const uint64_t streams = uint64_t{s.connections} * s.streams_per_connection;
  if (streams > kMaxTotalStreams) {
    const YamlNode* node = At(root, "streams_per_connection");
    return diag->Fail(node != nullptr ? *node : root, "streams_per_connection",
                      "connections x streams_per_connection is " + std::to_string(streams) +
                          "; at most " + std::to_string(kMaxTotalStreams) + " streams in total");
  }
  const BehaviorCaps caps;
  const long double stream_us = static_cast<long double>(s.behavior.response_count) *
                                static_cast<long double>(s.behavior.response_interval_us);
  if (stream_us > caps.max_duration_us && At(root, "server_behavior.response_interval")) {
    return diag->Fail(*At(root, "server_behavior.response_interval"),
                      "server_behavior.response_interval",
                      "response_count x response_interval exceeds the reference server's cap of " +
                          FormatDurationUs(caps.max_duration_us) + " per stream");
  }
  if (s.transport.max_concurrent_streams) {
    const YamlNode* node = At(root, "transport.max_concurrent_streams");
    return diag->Fail(node != nullptr ? *node : root, "transport.max_concurrent_streams",
                      "is a server setting; use server_transport.max_concurrent_streams");
  }
  return true;
}

}  // namespace

bool ValidateScenario(const YamlNode& root, const Scenario& scenario, Diagnostics* diag) {
  return CheckModeKeys(root, scenario, diag) && CheckService(root, scenario, diag) &&
         CheckExpectations(root, scenario, diag) && CheckSizes(root, scenario, diag) &&
         CheckTotals(root, scenario, diag);
}

}  // namespace streambench::scenario
