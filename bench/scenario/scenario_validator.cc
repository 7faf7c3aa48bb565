#include "bench/scenario/scenario_validator.h"

#include <optional>

#include "bench/scenario/key_table.h"
#include "bench/scenario/section_readers.h"
#include "common/behavior_caps.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

bool IsEchoBidi(const Scenario& s) { return s.mode == Mode::kBidi && s.behavior.bidi_echo; }

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
    const YamlNode* node = NodeAt(root, trigger.path);
    return diag->Fail(node != nullptr ? *node : root, "expect",
                      std::string("`") + trigger.path +
                          "` can end calls with an error status, so the scenario must declare "
                          "what it expects: add `expect: {statuses: {OK: some, ...}}`");
  }
  if (!s.behavior.failure.code.empty() && s.expect.statuses.count(s.behavior.failure.code) == 0) {
    const YamlNode* node = NodeAt(root, "server_behavior.failure.code");
    return diag->Fail(*node, "expect.statuses",
                      "the scenario injects " + s.behavior.failure.code +
                          " but `expect.statuses` does not list it (use `some` or `any`)");
  }
  if (s.call.cancel_after_us > 0 && s.expect.statuses.count("CANCELLED") == 0) {
    const YamlNode* node = NodeAt(root, "call.cancel_after");
    return diag->Fail(*node, "expect.statuses",
                      "`call.cancel_after` cancels calls but `expect.statuses` does not list "
                      "CANCELLED (use `some` or `any`)");
  }
  return true;
}

// A payload plus its message fields must fit the receiver's max_receive_message: the one set
// under `side` (transport or server_transport), or gRPC's default.
struct ReceiveLimit {
  const std::optional<uint64_t>& set_bytes;
  const char* side;           // "server_transport"
  const char* default_owner;  // "the server's"
};

// Limits that make a scenario impossible to run as written.
bool CheckSizes(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  const bool embedded = s.target.addresses.empty();
  const uint64_t request_bytes = s.request_size.MaxBytes();
  // `at`: the payload's key, whose node (or the file) the message points at.
  auto fits = [&](const std::string& at, uint64_t payload, uint64_t limit,
                  const std::string& limit_name, const std::string& hint) {
    if (payload + kMessageOverheadBytes <= limit) return true;
    const YamlNode* node = NodeAt(root, at);
    return diag->Fail(node != nullptr ? *node : root, at,
                      FormatSizeBytes(payload) + " plus " + std::to_string(kMessageOverheadBytes) +
                          " bytes of message fields exceeds " + limit_name + " (" +
                          FormatSizeBytes(limit) + hint + ")");
  };
  auto fits_send = [&](const std::string& at, uint64_t payload,
                       const std::optional<uint64_t>& limit, const std::string& limit_name) {
    return !limit || fits(at, payload, *limit, limit_name, "");
  };
  auto fits_receive = [&](const std::string& at, uint64_t payload, const ReceiveLimit& limit) {
    const std::string key = std::string(limit.side) + ".max_receive_message";
    if (limit.set_bytes) return fits(at, payload, *limit.set_bytes, key, "");
    return fits(at, payload, kGrpcDefaultMaxReceiveBytes,
                std::string(limit.default_owner) + " max_receive_message",
                ", gRPC's default; raise it with " + key);
  };
  const std::string request_key = "request.payload_size";
  if (!fits_send(request_key, request_bytes, s.transport.max_send_message_bytes,
                 "transport.max_send_message") ||
      (embedded && !fits_receive(request_key, request_bytes,
                                 {s.server_transport.max_receive_message_bytes, "server_transport",
                                  "the server's"}))) {
    return false;
  }
  if (s.mode == Mode::kClientStream) return true;
  // In bidi echo a response_size of 0 means "the request's size".
  const uint64_t response_bytes = IsEchoBidi(s) && s.behavior.response_size_bytes == 0
                                      ? request_bytes
                                      : s.behavior.response_size_bytes;
  const std::string response_key = "server_behavior.response_size";
  if (!fits_receive(response_key, response_bytes,
                    {s.transport.max_receive_message_bytes, "transport", "the client's"}) ||
      !fits_send(response_key, response_bytes, s.server_transport.max_send_message_bytes,
                 "server_transport.max_send_message")) {
    return false;
  }
  const YamlNode* response = NodeAt(root, response_key);
  const YamlNode& response_at = response != nullptr ? *response : root;
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
    const YamlNode* node = NodeAt(root, "streams_per_connection");
    return diag->Fail(node != nullptr ? *node : root, "streams_per_connection",
                      "connections x streams_per_connection is " + std::to_string(streams) +
                          "; at most " + std::to_string(kMaxTotalStreams) + " streams in total");
  }
  const BehaviorCaps caps;
  const long double stream_us = static_cast<long double>(s.behavior.response_count) *
                                static_cast<long double>(s.behavior.response_interval_us);
  if (stream_us > caps.max_duration_us && NodeAt(root, "server_behavior.response_interval")) {
    return diag->Fail(*NodeAt(root, "server_behavior.response_interval"),
                      "server_behavior.response_interval",
                      "response_count x response_interval exceeds the reference server's cap of " +
                          FormatDurationUs(caps.max_duration_us) + " per stream");
  }
  if (s.transport.max_concurrent_streams) {
    const YamlNode* node = NodeAt(root, "transport.max_concurrent_streams");
    return diag->Fail(node != nullptr ? *node : root, "transport.max_concurrent_streams",
                      "is a server setting; use server_transport.max_concurrent_streams");
  }
  if (s.transport.max_connection_age_us) {
    const YamlNode* node = NodeAt(root, "transport.max_connection_age");
    return diag->Fail(node != nullptr ? *node : root, "transport.max_connection_age",
                      "is a server setting; use server_transport.max_connection_age");
  }
  return true;
}

// The h2 engine speaks HTTP/2 itself: what only gRPC's own transport does is refused, not ignored.
bool CheckEngine(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  if (s.engine != EngineKind::kH2) return true;
  const YamlNode* engine = NodeAt(root, "engine");
  struct Unsupported {
    const char* path;
    bool set;
    const char* why;
  };
  const Unsupported unsupported[] = {
      {"transport.bdp_probe", s.transport.bdp_probe.value_or(false),
       "the h2 engine does no BDP probing, its windows stay as transport.stream_window sets them"},
      {"transport.write_buffer", s.transport.write_buffer_bytes.has_value(),
       "the h2 engine writes every frame of a pass at once; it has no write buffer to size"},
      {"transport.keepalive_time", s.transport.keepalive_time_us.has_value(),
       "the h2 engine sends no keepalive pings"},
      {"transport.keepalive_timeout", s.transport.keepalive_timeout_us.has_value(),
       "the h2 engine sends no keepalive pings"},
      {"target.load_balancing", s.target.load_balancing == LoadBalancing::kRoundRobin,
       "the h2 engine spreads its connections over the addresses, connection i to address i "
       "mod n, and does no per-call balancing"},
  };
  for (const Unsupported& u : unsupported) {
    if (!u.set) continue;
    const YamlNode* node = NodeAt(root, u.path);
    return diag->Fail(node != nullptr ? *node : (engine != nullptr ? *engine : root), u.path,
                      std::string("is not supported with engine: h2: ") + u.why +
                          "; remove it or use engine: grpc");
  }
  for (const std::string& address : s.target.addresses) {
    if (address.find('/') != std::string::npos || address.rfind("unix:", 0) == 0 ||
        address.rfind("ipv4:", 0) == 0 || address.rfind("ipv6:", 0) == 0) {
      const YamlNode* node = NodeAt(root, "target");
      return diag->Fail(node != nullptr ? *node : root, "target.addresses",
                        "`" + address +
                            "`: the h2 engine connects to host:port addresses only (gRPC target "
                            "URIs are the grpc engine's)");
    }
  }
  return true;
}

}  // namespace

bool ValidateScenario(const YamlNode& root, const Scenario& scenario, Diagnostics* diag) {
  return CheckMethodKeys(root, scenario, diag) && CheckModeRules(root, scenario, diag) &&
         CheckWorkloadKeys(root, scenario, diag) && CheckService(root, scenario, diag) &&
         CheckExpectations(root, scenario, diag) && CheckSizes(root, scenario, diag) &&
         CheckTotals(root, scenario, diag) && CheckEngine(root, scenario, diag);
}

}  // namespace streambench::scenario
