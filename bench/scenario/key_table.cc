#include "bench/scenario/key_table.h"

#include <cmath>
#include <cstdint>
#include <sstream>
#include <type_traits>

#include "bench/scenario/matrix.h"
#include "bench/scenario/section_readers.h"
#include "common/behavior_caps.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

bool IsEchoBidi(const Scenario& s) { return s.mode == Mode::kBidi && s.behavior.bidi_echo; }
bool IsIndependentBidi(const Scenario& s) { return s.mode == Mode::kBidi && !s.behavior.bidi_echo; }

// Where keys apply. The texts name the modes as the README's tables do.
const ModeRule kRequestResponseModes{[](const Scenario& s) { return !IsWorkloadMode(s.mode); },
                                     "unary, server_stream, client_stream and bidi"};
const ModeRule kStreamingRequestModes{
    [](const Scenario& s) { return s.mode == Mode::kClientStream || s.mode == Mode::kBidi; },
    "client_stream and bidi"};
const ModeRule kBidiOnly{[](const Scenario& s) { return s.mode == Mode::kBidi; }, "bidi"};
const ModeRule kServerStreams{
    [](const Scenario& s) { return s.mode == Mode::kServerStream || IsIndependentBidi(s); },
    "server_stream and bidi with `bidi: independent`", true};
const ModeRule kStreamingResponseModes{[](const Scenario& s) { return s.mode != Mode::kUnary; },
                                       "the streaming modes (for unary use response_delay)"};
const ModeRule kSingleResponseModes{[](const Scenario& s) {
                                      return s.mode == Mode::kUnary ||
                                             s.mode == Mode::kClientStream || IsEchoBidi(s);
                                    },
                                    "unary, client_stream and bidi with `bidi: echo`", true};
const ModeRule kSizedResponseModes{
    [](const Scenario& s) {
      // BenchmarkService's StreamingFromClient answers with a response of the size asked.
      return s.mode != Mode::kClientStream ||
             s.target.service == TargetService::kGrpcTestingBenchmark;
    },
    "unary, server_stream and bidi (a streambench.v1 client_stream call ends with a fixed-size "
    "summary)"};
const ModeRule kAppFlowModes{ServerProducesStream, "server_stream, bidi independent", false, true};
// `server_behavior`: the request-response modes; download, subscribe and chat take their
// integrity faults only (the reader of integrity_faults refuses the other keys there).
const ModeRule kServerBehaviorModes{
    [](const Scenario& s) {
      return !IsWorkloadMode(s.mode) ||
             (IsFaultedWorkloadMode(s.mode) && s.behavior.integrity_faults.Any());
    },
    "unary, server_stream, client_stream and bidi; download, subscribe and chat: "
    "`integrity_faults` only"};
// Integrity faults: the server sends a stream of sequenced messages, or (corrupt) at least one
// with a payload checksum. The reader checks both with messages of its own.
const ModeRule kStreamFaultModes{[](const Scenario& s) {
                                   return s.mode == Mode::kServerStream || s.mode == Mode::kBidi ||
                                          IsFaultedWorkloadMode(s.mode);
                                 },
                                 "server_stream, bidi, download, subscribe and chat", false, true};
const ModeRule kCorruptFaultModes{
    [](const Scenario& s) {
      return s.mode == Mode::kUnary || s.mode == Mode::kServerStream || s.mode == Mode::kBidi ||
             IsFaultedWorkloadMode(s.mode);
    },
    "unary, server_stream, bidi, download, subscribe and chat", false, true};
const ModeRule kTransferModes{
    [](const Scenario& s) { return s.mode == Mode::kUpload || s.mode == Mode::kDownload; },
    "upload and download"};
const ModeRule kSubscribeMode{[](const Scenario& s) { return s.mode == Mode::kSubscribe; },
                              "subscribe"};
// Documented here, checked with the other rules of a named method (method_keys.cc).
const ModeRule kAnyServiceOnly{
    [](const Scenario& s) { return s.target.service == TargetService::kAnyService; },
    "a scenario that names a `method`", false, true};
const ModeRule kChatMode{[](const Scenario& s) { return s.mode == Mode::kChat; }, "chat"};

// A fluent way to write one entry.
struct K : ScenarioKey {
  explicit K(std::string key_path, KeyShape key_shape = KeyShape::kValue) {
    path = std::move(key_path);
    shape = key_shape;
  }
  // Returns a copy with one member set: each named setter below is one line over it.
  template <typename T, typename V>
  K With(T ScenarioKey::*member, V value) const {
    K k = *this;
    k.*member = std::move(value);
    return k;
  }
  K As(ValueKind value_kind, uint64_t lo = 0, uint64_t hi = 0) const {
    return With(&ScenarioKey::kind, value_kind)
        .With(&ScenarioKey::min, lo)
        .With(&ScenarioKey::max, hi);
  }
  K Choices(std::vector<std::string> names) const {
    return As(ValueKind::kChoice).With(&ScenarioKey::choices, std::move(names));
  }
  template <typename F>
  K To(F f) const {
    return With(&ScenarioKey::field, KeyField(f));
  }
  K ReadBy(KeyReader read) const { return With(&ScenarioKey::reader, read); }
  K Required(std::string hint) const {
    return With(&ScenarioKey::required, true)
        .With(&ScenarioKey::required_hint, std::move(hint))
        .With(&ScenarioKey::default_text, std::string("**required**"));
  }
  K RequiredUnless(std::string path) const {
    return With(&ScenarioKey::required_unless, std::move(path));
  }
  K Type(std::string text) const { return With(&ScenarioKey::type_text, std::move(text)); }
  K Default(std::string text) const { return With(&ScenarioKey::default_text, std::move(text)); }
  K Range(std::string note) const { return With(&ScenarioKey::range_note, std::move(note)); }
  K Modes(const ModeRule& rule) const { return With(&ScenarioKey::modes, &rule); }
  K LoadTypes(std::string types) const { return With(&ScenarioKey::load_types, std::move(types)); }
  K Doc(std::string line) const { return With(&ScenarioKey::doc, std::move(line)); }
  K FileLevel() const { return With(&ScenarioKey::file_level, true); }
  K Undocumented() const { return With(&ScenarioKey::documented, false); }
};

void SetFeedOrder(Scenario& s, size_t i) {
  s.method.feed_order = i == 0 ? FeedOrder::kCycle : FeedOrder::kOnce;
}
void SetPairing(Scenario& s, size_t i) {
  constexpr ResponsePairing kByChoice[] = {
      ResponsePairing::kOnePerRequest, ResponsePairing::kIndependent, ResponsePairing::kCorrelated};
  s.method.pairing = kByChoice[i];
}
void SetMode(Scenario& s, size_t i) { s.mode = static_cast<Mode>(i); }
void SetBidi(Scenario& s, size_t i) { s.behavior.bidi_echo = i == 0; }
void SetEngine(Scenario& s, size_t i) { s.engine = static_cast<EngineKind>(i); }
void SetOverStreamLimit(Scenario& s, size_t i) {
  s.over_stream_limit = static_cast<OverStreamLimit>(i);
}
void SetLoadBalancing(Scenario& s, size_t i) {
  s.target.load_balancing = i == 0 ? LoadBalancing::kPickFirst : LoadBalancing::kRoundRobin;
}

std::string ModeHint() {
  std::string hint = "one of ";
  for (size_t i = 0; i < ModeNames().size(); ++i) hint += (i == 0 ? "" : ", ") + ModeNames()[i];
  return hint;
}

// `transport` and `server_transport` have the same keys (server/transport_settings.h).
template <TransportSpec Scenario::*kSide>
void AddTransportKeys(const std::string& prefix, bool documented, std::vector<ScenarioKey>* out) {
  const std::string p = prefix + ".";
  std::vector<K> keys = {
      K(p + "bdp_probe")
          .As(ValueKind::kBool)
          .To(&FieldAt<kSide, &TransportSettings::bdp_probe>)
          .Doc("`GRPC_ARG_HTTP2_BDP_PROBE` (dynamic window sizing)"),
      K(p + "stream_window")
          .As(ValueKind::kSize, 1024, kMaxSizeBytes)
          .To(&FieldAt<kSide, &TransportSettings::stream_window_bytes>)
          .Doc("`GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES`"),
      // RFC 7540 section 6.5.2: SETTINGS_MAX_FRAME_SIZE lies in [2^14, 2^24 - 1].
      K(p + "max_frame_size")
          .As(ValueKind::kSize, 16384, 16777215)
          .To(&FieldAt<kSide, &TransportSettings::max_frame_size_bytes>)
          .Range("RFC 7540")
          .Doc("`GRPC_ARG_HTTP2_MAX_FRAME_SIZE`"),
      K(p + "write_buffer")
          .As(ValueKind::kSize, 0, kMaxSizeBytes)
          .To(&FieldAt<kSide, &TransportSettings::write_buffer_bytes>)
          .Doc("`GRPC_ARG_HTTP2_WRITE_BUFFER_SIZE`"),
      K(p + "max_concurrent_streams")
          .As(ValueKind::kUint, 1, 2147483647)
          .To(&FieldAt<kSide, &TransportSettings::max_concurrent_streams>)
          .Range("**server only** (an error under `transport`)")
          .Doc("`GRPC_ARG_MAX_CONCURRENT_STREAMS`"),
      K(p + "max_send_message")
          .As(ValueKind::kSize, 1, kMaxSizeBytes)
          .To(&FieldAt<kSide, &TransportSettings::max_send_message_bytes>)
          .Doc("`GRPC_ARG_MAX_SEND_MESSAGE_LENGTH`"),
      K(p + "max_receive_message")
          .As(ValueKind::kSize, 1, kMaxSizeBytes)
          .To(&FieldAt<kSide, &TransportSettings::max_receive_message_bytes>)
          .Range("gRPC default 4MiB")
          .Doc("`GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH`"),
      K(p + "keepalive_time")
          .As(ValueKind::kDurationAtLeast, 1000, kMaxDurationUs)
          .To(&FieldAt<kSide, &TransportSettings::keepalive_time_us>)
          .Doc("`GRPC_ARG_KEEPALIVE_TIME_MS` (servers reject pings more often than their policy "
               "allows, 5 min by default)"),
      K(p + "keepalive_timeout")
          .As(ValueKind::kDurationAtLeast, 1000, kMaxDurationUs)
          .To(&FieldAt<kSide, &TransportSettings::keepalive_timeout_us>)
          .Doc("`GRPC_ARG_KEEPALIVE_TIMEOUT_MS`"),
      K(p + "max_connection_age")
          .As(ValueKind::kDurationAtLeast, 1000, kMaxDurationUs)
          .To(&FieldAt<kSide, &TransportSettings::max_connection_age_us>)
          .Range("**server only** (an error under `transport`)")
          .Doc("`GRPC_ARG_MAX_CONNECTION_AGE_MS`: GOAWAY at this age, clients reconnect"),
  };
  for (K& key : keys) {
    key.default_text = "gRPC's";
    out->push_back(documented ? key : key.Undocumented());
  }
}

std::vector<ScenarioKey> BuildKeys() {
  const BehaviorCaps caps;
  using V = ValueKind;
  using S = KeyShape;
  std::vector<ScenarioKey> keys = {
      K("name")
          .ReadBy(ReadName)
          .Required("a short identifier used in reports and metrics")
          .Type("string")
          .Range("1–64 of `A-Z a-z 0-9 _ - .`")
          .Doc("identifier used in reports and metric labels"),
      K("description")
          .As(V::kString, 0, 10'000)
          .To(&FieldAt<&Scenario::description>)
          .Default("empty")
          .Doc("free text"),
      K("service")
          .ReadBy(ReadService)
          .Type("`streambench.v1` \\| `grpc.testing.BenchmarkService` \\| a fully qualified "
                "service")
          .Default("`streambench.v1`")
          .Doc("which service to drive. Top level only (it applies with or without `target`). "
               "Any other service is named fully qualified (`acme.chat.v1.ChatService`) with its "
               "`method` and `proto` (below: \"Any service\"). "
               "BenchmarkService honours only `server_behavior.response_size` (every mode, "
               "`client_stream` too: the size of its one response) and, in `server_stream`, "
               "`server_behavior.response_count`. Its modes: `unary` → UnaryCall, `bidi` → "
               "StreamingCall (ping-pong), `client_stream` → StreamingFromClient (one response "
               "after the half-close), `server_stream` → StreamingFromServer: the server streams "
               "until the client stops, so each call reads `response_count` responses (default "
               "10; 0 is refused with the line), then cancels and counts as OK (a server that "
               "ends the stream first is recorded as it happened: OK, fewer messages). The "
               "workload modes need `streambench.v1`"),
      K("method")
          .ReadBy(ReadMethod)
          .Modes(kAnyServiceOnly)
          .Type("string")
          .Default("none")
          .Doc("a method of `service` (`Converse`): the generator drives it through its "
               "descriptors, with requests from `request.json` or `request.feed`. Its call shape "
               "is the mode: "
               "`mode` may be left out (required with `reflection`), and must agree if given"),
      K("proto", S::kMap)
          .ReadBy(ReadProto)
          .Modes(kAnyServiceOnly)
          .Default("**required** with `method`")
          .Doc("where the method's descriptors come from: exactly one of `files`, `protoset`, "
               "`reflection` (below). Paths are relative to the scenario file's folder"),
      K("proto.files")
          .Type("path, or list of paths")
          .Default("—")
          .Doc(".proto files, compiled when the scenario is loaded (errors name the .proto's "
               "line); each lies below one of `import_paths`"),
      K("proto.import_paths")
          .Type("path, or list of paths")
          .Default("the scenario's folder")
          .Doc("where `files` and their imports are found (`protoc -I`)"),
      K("proto.protoset")
          .Type("path")
          .Default("—")
          .Doc("a binary FileDescriptorSet: `protoc --include_imports --descriptor_set_out=F`"),
      K("proto.reflection")
          .Type("`true`")
          .Default("—")
          .Doc("ask the target by server reflection (`grpc.reflection.v1`, then `v1alpha`) when "
               "the run starts, with `metadata`; unreachable or not offered: exit 3"),
      K("metadata", S::kFreeMap)
          .ReadBy(ReadMetadata)
          .Modes(kAnyServiceOnly)
          .Type("mapping of name → templated string")
          .Default("none")
          .Doc("sent with every call and every reflection request, each value rendered per call "
               "(placeholders as in `request.json`, e.g. `Bearer {{env.TOKEN}}`, `{{uuid}}`)"),
      K("metadata.*").Undocumented(),
      K("target", S::kMapOrScalar)
          .ReadBy(ReadTarget)
          .Type("`host:port`, or a mapping (below)")
          .Default("none")
          .Doc("where the load goes; without it the generator starts the embedded reference "
               "server on an ephemeral loopback port"),
      K("target.addresses")
          .Type("list of `host:port` (or one)")
          .Default("the embedded server")
          .Range("port 1–65535")
          .Doc("servers. gRPC target URIs (`dns:///h:p`, `ipv4:`, `ipv6:`, `unix:`) are passed "
               "through"),
      K("target.load_balancing")
          .Choices({"pick_first", "round_robin"})
          .To(&SetLoadBalancing)
          .Default("`pick_first`")
          .Doc("gRPC load-balancing policy across the addresses"),
      K("target.tls", S::kMap)
          .Default("plaintext; TLS when the embedded server serves it")
          .Doc("TLS to the target (both engines). Paths are relative to "
               "the scenario file's "
               "folder; the files are read once when the run starts"),
      K("target.tls.ca")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::target, &TargetSpec::tls, &ClientTlsSpec::ca_path>)
          .Type("path")
          .Default("empty: the system's roots (embedded `self_signed`: its CA)")
          .Doc("CA certificates (PEM) the server's chain must lead to"),
      K("target.tls.cert")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::target, &TargetSpec::tls, &ClientTlsSpec::cert_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("client certificate chain (PEM) for mTLS; with `key`"),
      K("target.tls.key")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::target, &TargetSpec::tls, &ClientTlsSpec::key_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("the client certificate's private key (PEM); never printed"),
      K("target.tls.server_name")
          .As(V::kString, 1, 253)
          .To(&FieldAt<&Scenario::target, &TargetSpec::tls, &ClientTlsSpec::server_name>)
          .Default("empty: the address's host")
          .Doc("the name sent as SNI and checked against the certificate (an IP address target "
               "whose certificate names a host)"),
      K("target.tls.insecure_skip_verify")
          .As(V::kStrictBool)
          .To(&FieldAt<&Scenario::target, &TargetSpec::tls, &ClientTlsSpec::insecure_skip_verify>)
          .Default("false")
          .Doc("accept any server certificate: no chain, expiry or name check. Encrypts but does "
               "not authenticate; every run prints a warning"),
      K("target.credentials", S::kMap).Default("none").Doc("per-call credentials"),
      K("target.credentials.bearer_token_file")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::target, &TargetSpec::bearer_token_file>)
          .Type("path")
          .Default("empty (none)")
          .Doc("a file whose content (trailing newline dropped) is sent with every call, "
               "reflection included, as `authorization: Bearer ...`; read once, never printed, "
               "logged, written to results or used as a label"),
      K("mode")
          .Choices(ModeNames())
          .To(&SetMode)
          .Required(ModeHint())
          .RequiredUnless("method")
          .Default("**required**; with `method`: the method's shape")
          .Doc("the RPC shape, or one of the workloads (below)"),
      K("connections")
          .As(V::kUint, 1, kMaxConnections)
          .To(&FieldAt<&Scenario::connections>)
          .Default("1")
          .Doc("gRPC channels"),
      K("streams_per_connection")
          .As(V::kUint, 1, kMaxStreamsPerConnection)
          .To(&FieldAt<&Scenario::streams_per_connection>)
          .Default("1")
          .Range("`connections × streams_per_connection` ≤ " + std::to_string(kMaxTotalStreams))
          .Doc("concurrent streams (or call slots for unary/server_stream) per channel"),
      K("threads")
          .As(V::kUint, 0, kMaxThreads)
          .To(&FieldAt<&Scenario::threads>)
          .Default("0")
          .Doc("generator worker threads; 0 = min(cores, 4)"),
      K("engine")
          .Choices(EngineNames())
          .To(&SetEngine)
          .Default("`grpc`")
          .Doc("what carries the calls: `grpc` (gRPC C++) or `h2` (gRPC over HTTP/2 on nghttp2, "
               "one event loop per thread writing the frames of all its streams at once; no BDP "
               "probing, keepalive or per-call balancing). Per variant, to compare the two"),
      K("over_stream_limit")
          .Choices(OverStreamLimitNames())
          .To(&SetOverStreamLimit)
          .Default("`queue`")
          .Doc("when `streams_per_connection` is above the server's HTTP/2 "
               "SETTINGS_MAX_CONCURRENT_STREAMS (read from one probe connection before the run): "
               "`queue` keeps the connections and the streams beyond the limit wait for a free "
               "one, as gRPC clients do (a long-lived stream may wait for the whole run: the "
               "`server stream limit` check fails then); `connect` spreads the same streams over "
               "more connections, none above the limit. Either way the results say so "
               "(`stream_limit`)"),
      K("load", S::kMap)
          .ReadBy(ReadLoad)
          .Default("closed loop, 1 outstanding")
          .Doc("the load model (below)"),
      K("load.type")
          .Choices({"closed", "constant", "poisson", "ramp", "search"})
          .Required("one of closed, constant, poisson, ramp, search")
          .Doc("closed loop, or open loop with evenly spaced, exponential, or ramping arrivals, "
               "or a capacity search: evenly spaced steps at rates chosen from the results so "
               "far"),
      K("load.outstanding")
          .As(V::kUint, 1, kMaxOutstanding)
          .To(&FieldAt<&Scenario::load, &LoadSpec::outstanding>)
          .LoadTypes("closed")
          .Default("1")
          .Doc("operations in flight per stream / call slot; the next starts when one completes. "
               "Latency is measured from the actual send"),
      K("load.rate")
          .As(V::kRate)
          .To(&FieldAt<&Scenario::load, &LoadSpec::rate_per_s>)
          .LoadTypes("constant, poisson")
          .Required("e.g. rate: 1000/s")
          .Doc("aggregate operations per second over the whole run. Latency is measured from "
               "each operation's *intended* send time"),
      K("load.start_rate")
          .As(V::kRateOrZero)
          .To(&FieldAt<&Scenario::load, &LoadSpec::start_rate_per_s>)
          .LoadTypes("ramp, search")
          .Default("0 (ramp); **required** (search)")
          .Doc("ramp: the rate at the start of the first stage; search: the first step's rate "
               "(> 0)"),
      K("load.stages", S::kList)
          .LoadTypes("ramp")
          .Type("list of `{duration, rate}`")
          .Default("**required**, ≥ 1")
          .Range("durations ≥ 0 (total > 0, ≤ 24h), rates ≥ 0 (not all 0)")
          .Doc("the rate moves linearly from the previous stage's rate to this stage's `rate` "
               "over its `duration`"),
      K("load.stages[]", S::kMap).Undocumented(),
      K("load.stages[].duration").As(V::kDuration, 0, kMaxDurationUs).Required("").Undocumented(),
      K("load.stages[].rate").As(V::kRateOrZero).Required("").Undocumented(),
      K("load.objective", S::kList)
          .LoadTypes("search")
          .Type("list of strings")
          .Default("**required**, ≥ 1")
          .Doc("what a step must meet to count as sustained, in the `thresholds` grammar, e.g. "
               "`message_latency.p99 < 10ms`, `error_rate < 0.1%`; open-loop operations dropped "
               "(more than 1% short of the schedule) fail a step too"),
      K("load.objective[]").Undocumented(),
      K("load.max_rate")
          .As(V::kRate)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::max_rate_per_s>)
          .LoadTypes("search")
          .Required("e.g. max_rate: 1M/s")
          .Doc("the highest rate a step asks for; the objective holding there ends the search"),
      K("load.min_rate")
          .As(V::kRate)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::min_rate_per_s>)
          .LoadTypes("search")
          .Default("1/s")
          .Doc("when `start_rate` fails the rate halves down to this; failing here too is \"no "
               "sustainable rate\""),
      K("load.step_duration")
          .As(V::kPositiveDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::step_duration_us>)
          .LoadTypes("search")
          .Default("10s")
          .Doc("each step's measured phase (after `warmup`, which every step has); every step "
               "opens its own connections, so none inherits another's queue"),
      K("load.precision")
          .As(V::kFraction)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::precision_fraction>)
          .LoadTypes("search")
          .Default("0.05 (5%)")
          .Range("> 0")
          .Doc("the search stops when the lowest failed rate is within this of the highest "
               "sustained one"),
      K("load.time_budget")
          .As(V::kDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::time_budget_us>)
          .LoadTypes("search")
          .Default("0 (none)")
          .Doc("no step starts that would end after this much search time (each step taken to "
               "last as long as the previous one)"),
      K("load.confirm_failures")
          .As(V::kUint, 0, 5)
          .To(&FieldAt<&Scenario::load, &LoadSpec::search, &SearchSpec::confirm_failures>)
          .LoadTypes("search")
          .Default("1")
          .Doc("how many times a failed rate runs again before the failure counts: noise on a "
               "shared machine only ever adds latency, so one sustained step proves a rate while "
               "one failure may be a stall"),
      K("stream", S::kMap)
          .Modes(kStreamingRequestModes)
          .Default("no limits")
          .Doc("per-stream shape (below)"),
      K("stream.messages")
          .As(V::kUint, 0, kMaxMessageCount)
          .To(&FieldAt<&Scenario::stream, &StreamSpec::messages_per_stream>)
          .Default("0")
          .Doc("messages per stream; 0 = no limit"),
      K("stream.duration")
          .As(V::kDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::stream, &StreamSpec::stream_duration_us>)
          .Default("0")
          .Doc("stream lifetime; 0 = no limit"),
      K("request", S::kMap)
          .Modes(kRequestResponseModes)
          .Default("64 B")
          .Doc("the request payload (below)"),
      K("request.payload_size", S::kMapOrScalar)
          .ReadBy(ReadPayloadSize)
          .Type("size, or `{uniform: [min, max]}`, or `{choice: [sizes...], weights: "
                "[numbers...]}`")
          .Default("`64B`")
          .Range("each size ≤ 1GiB")
          .Doc("request payload bytes, fixed or drawn per message; `weights` (≥ 0, one per "
               "choice, not all 0) default to equal"),
      K("request.payload_size.uniform").Undocumented(),
      K("request.payload_size.choice").Undocumented(),
      K("request.payload_size.weights").Undocumented(),
      K("request.json")
          .ReadBy(ReadRequestJson)
          .Modes(kAnyServiceOnly)
          .Type("mapping (proto3 JSON)")
          .Default("the empty message")
          .Doc("the request of a named `method`, its strings templated per message: `{{seq}}`, "
               "`{{stream}}`, `{{call}}`, `{{unique_id}}`, `{{uuid}}`, `{{rand_int A B}}`, "
               "`{{rand_string N}}`, `{{now_unix_ms}}`, `{{now_unix_ns}}`, `{{env.NAME}}`, "
               "`{{payload N}}` (a number field takes exactly one numeric placeholder). A field "
               "that does not fit the message is an error at its line before anything is sent"),
      K("request.feed")
          .ReadBy(ReadRequestFeed)
          .Modes(kAnyServiceOnly)
          .Type("path")
          .Default("none")
          .Doc("instead of `json`: a file of requests, one proto3 JSON message per line (blank "
               "lines skipped), placeholders as in `json`; relative to the scenario's folder. "
               "Every line is checked against the message when the scenario is loaded: a line "
               "that does not fit is an error naming the file and its line"),
      K("request.feed_order")
          .Choices({"cycle", "once"})
          .To(&SetFeedOrder)
          .Modes(kAnyServiceOnly)
          .Default("`cycle`")
          .Doc("`cycle`: after the last line the first again (one cursor shared by every stream "
               "and call, warm-up included); `once`: each line sent by exactly one request, then "
               "the slots stop and the measured phase ends (needs `warmup: 0s`; results: `feed`)"),
      K("response", S::kMap)
          .Modes(kAnyServiceOnly)
          .Default("see below")
          .Doc("how a named method's responses are paired, correlated and checked (below); "
               "their statuses are judged by `expect.statuses` as for every run"),
      K("response.pairing")
          .Choices({"one_per_request", "independent", "correlated"})
          .To(&SetPairing)
          .Default("`one_per_request`")
          .Doc("bidi: `one_per_request`: the k-th response answers the k-th request, timed from "
               "its intended send (message latency); `independent`: the server streams on its "
               "own, timed by time to first message, messages counted; `correlated` (with "
               "`correlate`): each response answers the request whose correlation value it "
               "carries, in any order, timed from that request's intended send (a request's "
               "first answer only; closed loop: each first answer sends the next request, so "
               "`outstanding` requests stay in flight per stream)"),
      K("response.correlate", S::kMap)
          .ReadBy(ReadCorrelate)
          .Type("`{request: path, response: path}`")
          .Default("none")
          .Doc("field paths whose values match each response to its request: lost, duplicated "
               "and reordered responses are counted as integrity errors"),
      K("response.correlate.request").Required("").Undocumented(),
      K("response.correlate.response").Required("").Undocumented(),
      K("response.expect", S::kMap).Default("none").Doc("assertions on every response (below)"),
      K("response.expect.fields")
          .ReadBy(ReadExpectFields)
          .Type("mapping of field path → value or `{regex: ...}`")
          .Default("none")
          .Doc("each response's field must equal the value (enums by name) or match the regex; a "
               "response that fails is counted in `response_check_failures` and fails the run; "
               "one that does not parse counts as corrupted"),
      K("server_behavior", S::kMap)
          .Modes(kServerBehaviorModes)
          .Default("see below")
          .Doc("what the server is asked to do"),
      K("server_behavior.response_size")
          .As(V::kSize, 0, kMaxSizeBytes)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::response_size_bytes>)
          .Modes(kSizedResponseModes)
          .Default("`64B`")
          .Range("embedded server ≤ " + FormatSizeBytes(caps.max_response_bytes))
          .Doc("bytes per response payload; in bidi echo `0B` = same as the request"),
      K("server_behavior.response_count")
          .As(V::kUint, 0, caps.max_response_count)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::response_count>)
          .Modes(kServerStreams)
          .Default("10")
          .Doc("responses per call; for bidi independent 0 = until the client half-closes"),
      K("server_behavior.response_interval")
          .As(V::kDuration, 0, caps.max_duration_us)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::response_interval_us>)
          .Modes(kServerStreams)
          .Default("0")
          .Range("`response_count × response_interval` ≤ " + FormatDurationUs(caps.max_duration_us))
          .Doc("pause between responses"),
      K("server_behavior.first_response_delay")
          .As(V::kDuration, 0, caps.max_duration_us)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::first_response_delay_us>)
          .Modes(kStreamingResponseModes)
          .Default("0")
          .Doc("delay before the first response"),
      K("server_behavior.response_delay")
          .As(V::kDuration, 0, caps.max_duration_us)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::response_delay_us>)
          .Modes(kSingleResponseModes)
          .Default("0")
          .Doc("delay before answering each unary call, each echo, or the final client-stream "
               "response"),
      K("server_behavior.bidi")
          .Choices({"echo", "independent"})
          .To(&SetBidi)
          .Modes(kBidiOnly)
          .Default("`echo`")
          .Doc("echo: one response per request; independent: the server streams "
               "`response_count` responses on its own"),
      K("server_behavior.failure", S::kMap).ReadBy(ReadFailure).Undocumented(),
      K("server_behavior.failure.code")
          .Required("the gRPC status to inject, e.g. code: UNAVAILABLE")
          .Type("gRPC status name")
          .Default("none")
          .Range("not `OK`")
          .Doc("status to end calls with (required when `failure` is given)"),
      K("server_behavior.failure.message")
          .As(V::kString, 0, 1000)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::failure, &FailureSpec::message>)
          .Default("empty")
          .Doc("status message"),
      K("server_behavior.failure.after_messages")
          .As(V::kUint, 0, kMaxMessageCount)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::failure, &FailureSpec::after_messages>)
          .Default("unset")
          .Doc("fail at message N (responses sent for server_stream, requests read for "
               "client_stream and bidi; unary fails the call)"),
      K("server_behavior.failure.probability")
          .As(V::kFraction)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::failure, &FailureSpec::probability>)
          .Default("0")
          .Doc("share of calls that fail (drawn per call); 0 with a code means every call"),
      K("server_behavior.read_stall", S::kMap).Modes(kStreamingRequestModes).Undocumented(),
      K("server_behavior.read_stall.after_messages")
          .As(V::kUint, 0, kMaxMessageCount)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::read_stall,
                       &ReadStallSpec::after_messages>)
          .Default("0")
          .Doc("the server stops reading after this many requests…"),
      K("server_behavior.read_stall.duration")
          .As(V::kDuration, 0, caps.max_duration_us)
          .To(&FieldAt<&Scenario::behavior, &BehaviorSpec::read_stall, &ReadStallSpec::duration_us>)
          .Default("0 (no stall)")
          .Doc("…for this long (creates flow-control backpressure)"),
      K("server_behavior.app_flow_control", S::kMap)
          .ReadBy(ReadAppFlowControl)
          .Modes(kAppFlowModes)
          .Undocumented(),
      K("server_behavior.app_flow_control.queue")
          .As(V::kCount, 1, kMaxAppFlowQueueMessages)
          .Default("off")
          .Doc("application-level flow control: the server's producer fills a queue of this many "
               "responses per stream, which the writer drains as fast as HTTP/2 lets it "
               "(required to turn it on)"),
      K("server_behavior.app_flow_control.policy")
          .Type("`block` \\| `drop`")
          .Default("`block`")
          .Doc("queue full: `block` pauses the producer (backpressure); `drop` discards the "
               "oldest queued response, counts it and tells the client in the next response "
               "(`dropped_before`); dropped responses are reported, not counted as lost"),
      K("server_behavior.app_flow_control.producer_interval")
          .As(V::kDuration, 0, caps.max_duration_us)
          .Default("0 (as fast as the queue allows)")
          .Doc("one response produced per interval (replaces `response_interval`, which must "
               "then be 0); `response_count` responses are produced in all"),
      K("server_behavior.integrity_faults", S::kMap)
          .ReadBy(ReadIntegrityFaults)
          .Modes(kCorruptFaultModes)
          .Undocumented(),
      K("server_behavior.integrity_faults.drop")
          .Type("`every N` \\| probability")
          .Modes(kStreamFaultModes)
          .Default("off")
          .Range("N ≥ 1; 0–1")
          .Doc("the server does not send messages N, 2N, … of each stream (or each with the "
               "probability, from a RNG seeded with `seed`); the client counts them lost, a "
               "dropped last message only when it knows the count owed (server_stream, bidi echo, "
               "bidi independent with `response_count` > 0, subscribe, chat); not "
               "`server_dropped`, which "
               "flow control reports; closed-loop bidi echo loses a credit per dropped echo"),
      K("server_behavior.integrity_faults.duplicate")
          .Type("`every N` \\| probability")
          .Modes(kStreamFaultModes)
          .Default("off")
          .Range("N ≥ 1; 0–1")
          .Doc("the message is sent twice in a row; counted duplicated. n counts the events sent "
               "to each subscriber, the broadcasts delivered to each chat member, the chunks of "
               "each download; a download counts one corrupted (a failed transfer) per file "
               "with any fault, whatever it carries"),
      K("server_behavior.integrity_faults.reorder")
          .Type("`every N` \\| probability")
          .Modes(kStreamFaultModes)
          .Default("off")
          .Range("N ≥ 1; 0–1")
          .Doc("the message is held back and sent after the next one sent; counted reordered. "
               "Not while another is held, nor for a stream's last message (it goes out in "
               "order); a bidi echo waits for the next request; a subscriber's event counts only "
               "behind one of the same publisher and type, and with no successor goes out when its "
               "publisher's stream ends; a chat message only behind one of the same sender"),
      K("server_behavior.integrity_faults.corrupt")
          .Type("`every N` \\| probability")
          .Modes(kCorruptFaultModes)
          .Default("off")
          .Range("N ≥ 1; 0–1")
          .Doc("one payload byte flipped after the checksum was computed; counted corrupted. For "
               "unary, N counts the server's unary calls that ask for it. One fault per message: "
               "drop, then duplicate, reorder, corrupt win in that order; each is counted in "
               "`streambench_server_injected_integrity_faults_total{kind}`"),
      K("call", S::kMap).Default("none").Doc("per-call deadline and cancellation (below)"),
      K("call.deadline")
          .As(V::kDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::call, &CallSpec::deadline_us>)
          .Default("0 (none)")
          .Doc("per call / stream deadline"),
      K("call.cancel_after")
          .As(V::kDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::call, &CallSpec::cancel_after_us>)
          .Default("0 (never)")
          .Doc("the client cancels each call / stream this long after it starts"),
      K("workload", S::kMap)
          .Modes(kTransferModes)
          .Default("see below")
          .Doc("the file transfers of `upload` and `download` (below)"),
      K("workload.file_size")
          .As(V::kSizeInBytes, 0, kMaxTransferFileBytes)
          .To(&FieldAt<&Scenario::transfer, &TransferSpec::file_size_bytes>)
          .Default("1MiB")
          .Doc("file content, generated from `seed`"),
      K("workload.chunk_size")
          .As(V::kSizeInBytes, 1, kMaxTransferChunkBytes)
          .To(&FieldAt<&Scenario::transfer, &TransferSpec::chunk_size_bytes>)
          .Default("64KiB")
          .Doc("bytes per message"),
      K("workload.inject_corruption")
          .As(V::kStrictBool)
          .To(&FieldAt<&Scenario::transfer, &TransferSpec::inject_corruption>)
          .Default("false")
          .Range("download only; needs `file_size` > 0")
          .Doc("the server flips one byte per file; every transfer must then fail verification"),
      K("pubsub", S::kMap)
          .Modes(kSubscribeMode)
          .Default("see below")
          .Doc("topics, subscribers and publishers of `subscribe` (below)"),
      K("pubsub.topics")
          .As(V::kCount, 1, kMaxTopics)
          .To(&FieldAt<&Scenario::pubsub, &PubSubSpec::topics>)
          .Default("1")
          .Doc("topics; subscriber i subscribes to topic i % topics"),
      K("pubsub.subscribers")
          .As(V::kCount, 1, kMaxFanOutStreams)
          .To(&FieldAt<&Scenario::pubsub, &PubSubSpec::subscribers>)
          .Default("4")
          .Doc("spread over the slots (connections x streams_per_connection)"),
      K("pubsub.publishers")
          .As(V::kCount, 1, kMaxTopics)
          .To(&FieldAt<&Scenario::pubsub, &PubSubSpec::publishers>)
          .Default("1")
          .Doc("publisher j publishes to topic j % topics on one client stream"),
      K("pubsub.publish_rate")
          .ReadBy(ReadPublishRate)
          .Type("rate")
          .Default("—")
          .Range("> 0")
          .Doc("total events/s (constant); or give an open-loop `load` instead (not both)"),
      K("pubsub.event_types", S::kList)
          .ReadBy(ReadEventTypes)
          .Type("list")
          .Default("[event]")
          .Range("1..64 chars each")
          .Doc("the publishers cycle through them"),
      K("pubsub.event_types[]").Undocumented(),
      K("pubsub.filter", S::kList)
          .ReadBy(ReadEventFilter)
          .Type("list")
          .Default("[] (all)")
          .Range("subset of event_types")
          .Doc("subscribers' event-type filter"),
      K("pubsub.filter[]").Undocumented(),
      K("pubsub.event_size")
          .As(V::kSizeInBytes, 0, kMaxEventBytes)
          .To(&FieldAt<&Scenario::pubsub, &PubSubSpec::event_size_bytes>)
          .Default("64B")
          .Doc("payload per event"),
      K("pubsub.heartbeat")
          .ReadBy(ReadHeartbeat)
          .Type("duration")
          .Default("1s")
          .Range("1ms–60s")
          .Doc("server heartbeat after this long idle"),
      K("chat", S::kMap).Modes(kChatMode).Default("see below").Doc("the rooms of `chat` (below)"),
      K("chat.rooms")
          .As(V::kCount, 1, kMaxTopics)
          .To(&FieldAt<&Scenario::chat, &ChatSpec::rooms>)
          .Default("1")
          .Doc("chat rooms"),
      K("chat.members_per_room")
          .As(V::kCount, 2, 1000)
          .To(&FieldAt<&Scenario::chat, &ChatSpec::members_per_room>)
          .Default("4")
          .Range("rooms x members_per_room ≤ " + std::to_string(kMaxFanOutStreams))
          .Doc("each member tracks every other member's sequence (K² trackers per room), hence "
               "the cap"),
      K("chat.message_rate")
          .ReadBy(ReadMessageRate)
          .Type("rate")
          .Default("—")
          .Range("> 0")
          .Doc("total messages/s over all members (constant); or an open-loop `load` instead "
               "(not both)"),
      K("chat.typing")
          .As(V::kStrictBool)
          .To(&FieldAt<&Scenario::chat, &ChatSpec::typing>)
          .Default("false")
          .Doc("every 4th message of a member is a typing indicator instead of text"),
      K("chat.message_size")
          .As(V::kSizeInBytes, 0, kMaxEventBytes)
          .To(&FieldAt<&Scenario::chat, &ChatSpec::message_size_bytes>)
          .Default("64B")
          .Doc("text per message (printable ASCII)"),
      K("warmup")
          .As(V::kDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::warmup_us>)
          .Default("`1s`")
          .Doc("load runs but is not reported"),
      K("duration")
          .As(V::kPositiveDuration, 0, kMaxDurationUs)
          .To(&FieldAt<&Scenario::duration_us>)
          .Default("`10s` (ramp: the stages' total)")
          .Doc("the measured phase"),
      K("seed")
          .As(V::kUint, 0, UINT64_MAX)
          .To(&FieldAt<&Scenario::seed>)
          .Default("1")
          .Doc("random seed for Poisson arrivals, payload sizes and injected failures"),
      K("transport", S::kMap).Default("gRPC defaults").Doc("client channel settings (below)"),
  };
  AddTransportKeys<&Scenario::transport>("transport", true, &keys);
  keys.push_back(K("server_transport", S::kMap)
                     .Default("gRPC defaults")
                     .Doc("embedded server settings, same keys (below)"));
  AddTransportKeys<&Scenario::server_transport>("server_transport", false, &keys);
  const std::vector<ScenarioKey> server_security = {
      K("server_transport.tls", S::kMap)
          .Default("plaintext")
          .Doc("the embedded server serves TLS (`streambench-server --tls-cert/--tls-key`): "
               "`self_signed: true`, or `cert` and `key`. The generator then speaks TLS too"),
      K("server_transport.tls.self_signed")
          .As(V::kStrictBool)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::self_signed>)
          .Default("false")
          .Doc("an ephemeral CA and certificate for 127.0.0.1 and localhost, made in memory for "
               "the run (no key file on disk); the generator trusts that CA"),
      K("server_transport.tls.cert")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::cert_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("the server's certificate chain (PEM); with `key` and `target.tls.ca`"),
      K("server_transport.tls.key")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::key_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("its private key (PEM)"),
      K("server_transport.tls.client_ca")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::client_ca_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("mTLS: require client certificates signed by these CAs (`--tls-client-ca`)"),
      K("server_transport.tls.require_client_cert")
          .As(V::kStrictBool)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::require_client_cert>)
          .Default("false")
          .Doc("with `self_signed`: mTLS, the generator presenting a client certificate from "
               "the same ephemeral CA"),
      K("server_transport.require_token")
          .As(V::kString, 1, kMaxPathChars)
          .To(&FieldAt<&Scenario::server_security, &ServerSecuritySpec::require_token_path>)
          .Type("path")
          .Default("empty (none)")
          .Doc("calls without this file's bearer token end UNAUTHENTICATED (`--require-token`); "
               "needs `tls`"),
  };
  keys.insert(keys.end(), server_security.begin(), server_security.end());
  const std::vector<ScenarioKey> rest = {
      K("link", S::kMap)
          .ReadBy(ReadLink)
          .Default("none (direct)")
          .Doc("an emulated network link in front of the target (below)"),
      K("link.rtt")
          .As(V::kDuration, 0, kMaxLinkRttUs)
          .Default("`0s`")
          .Doc("round-trip delay; each direction gets half"),
      K("link.bandwidth")
          .As(V::kBandwidth)
          .Default("unlimited")
          .Doc("per direction, e.g. `100Mbit`"),
      K("link.jitter")
          .As(V::kDuration, 0, kMaxLinkRttUs)
          .Default("`0s`")
          .Doc("extra random delay per chunk, never reordering"),
      K("link.buffer")
          .As(V::kSize, 0, kMaxLinkBufferBytes)
          .Default("bandwidth × one-way delay + 64 KiB")
          .Range("0 or ≥ 1KiB")
          .Doc("bytes each direction of each connection holds; when full the relay stops "
               "reading, so TCP backpressure reaches the sender"),
      K("link.faults", S::kList)
          .Type("list of `{at, cut \\| stall \\| bandwidth [, for]}`")
          .Default("none")
          .Range("`at` from the link's start (before warm-up); exactly one fault per entry")
          .Doc("scheduled faults: `{at: 2s, cut: true}` resets every open connection both ways; "
               "`{at: 3s, stall: 1s}` forwards nothing for 1s; `{at: 4s, bandwidth: 10kbit, "
               "for: 2s}` collapses each direction's bandwidth (`for` absent: to the end)"),
      K("link.faults[]", S::kMap).Undocumented(),
      K("link.faults[].at").As(V::kDuration, 0, kMaxDurationUs).Required("").Undocumented(),
      K("link.faults[].cut").As(V::kBool).Undocumented(),
      K("link.faults[].stall").As(V::kDuration, 1, kMaxDurationUs).Undocumented(),
      K("link.faults[].bandwidth").As(V::kBandwidth).Undocumented(),
      K("link.faults[].for").As(V::kDuration, 1, kMaxDurationUs).Undocumented(),
      K("expect", S::kMap)
          .ReadBy(ReadExpect)
          .Default("`{statuses: {OK: some}}`")
          .Doc("what the run must show to pass (below)"),
      K("expect.statuses", S::kFreeMap)
          .Type("mapping of status name → expectation")
          .Default("`{OK: some}`")
          .Doc("replaces the default when given. A status not listed must not occur"),
      K("expect.statuses.*", S::kMapOrScalar).Undocumented(),
      K("expect.statuses.*.min").Undocumented(),
      K("expect.statuses.*.max").Undocumented(),
      K("expect.statuses.*.min_calls").Undocumented(),
      K("expect.allow_integrity_errors")
          .As(V::kBool)
          .To(&FieldAt<&Scenario::expect, &ExpectSpec::allow_integrity_errors>)
          .Default("false")
          .Doc("lost / duplicated / reordered / corrupted messages fail the run unless this is "
               "true (or the scenario injects faults)"),
      K("thresholds", S::kList)
          .ReadBy(ReadThresholds)
          .Type("list of strings")
          .Default("none")
          .Doc("pass/fail rules judged on the results, e.g. `message_latency.p99 < 5ms` (below)"),
      K("thresholds[]").Undocumented(),
      K("variants", S::kList)
          .FileLevel()
          .Type("list")
          .Default("none")
          .Doc("several runs from one file (below)"),
      K("variants[]", S::kMap).Undocumented(),
      K("variants[].name")
          .Type("string")
          .Default("**required**")
          .Range("1–64 of `A-Z a-z 0-9 _ - .`, unique in the file")
          .Doc("the run's `variant` in reports"),
      K("variants[].description").As(V::kString).Default("empty").Doc("free text"),
      K("variants[].set", S::kFreeMap)
          .Type("mapping of dotted key path → value")
          .Default("none")
          .Doc("overrides, exactly like `--set` (`name` and `variants` cannot be set)"),
      K("variants[].set.*").Undocumented(),
      // `matrix: {key.path: [v1, v2], ...}`: one run per combination (bench/scenario/matrix.h).
      K("matrix", S::kFreeMap)
          .FileLevel()
          .Type("mapping of key path → list")
          .Default("none")
          .Range("≤ " + std::to_string(kMaxRunsPerFile) + " runs")
          .Doc("the product of a few lists as variants (below)"),
      K("matrix.*", S::kList).Undocumented(),
      K("matrix.*[]").Undocumented(),
      K("repeat")
          .FileLevel()
          .As(V::kCount, 1, kMaxRepeat)
          .Default("1")
          .Doc("run every variant this many times, interleaved (below)"),
      K("concurrent")
          .FileLevel()
          .As(V::kStrictBool)
          .Default("false")
          .Doc("run the variants at the same time against one server, a mixed workload (below)"),
  };
  keys.insert(keys.end(), rest.begin(), rest.end());
  return keys;
}

// True when F is one of the variant's alternatives.
template <typename F, typename Variant>
struct IsAlternative;
template <typename F, typename... Ts>
struct IsAlternative<F, std::variant<Ts...>> : std::disjunction<std::is_same<F, Ts>...> {};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

bool DescendsFrom(const std::string& path, const std::string& ancestor) {
  return path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
         (path[ancestor.size()] == '.' || path[ancestor.size()] == '[');
}

std::string ModeText(const Scenario& s, bool names_bidi_kind) {
  if (s.mode != Mode::kBidi || !names_bidi_kind) return std::string("mode is ") + ModeName(s.mode);
  return s.behavior.bidi_echo ? "mode is bidi with `bidi: echo`"
                              : "mode is bidi with `bidi: independent`";
}

// Powers of ten from 10⁷ and 2ⁿ−1 read better as such in a table.
std::string NumberText(uint64_t n) {
  static const char* const kSuperscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  auto superscript = [&](int e) {
    std::string out;
    for (char c : std::to_string(e)) out += kSuperscripts[c - '0'];
    return out;
  };
  if (n == UINT64_MAX) return "2" + superscript(64) + "−1";
  if (n == 2147483647) return "2" + superscript(31) + "−1";
  int exponent = 0;
  for (uint64_t v = n; v >= 10 && v % 10 == 0; v /= 10) ++exponent;
  if (exponent >= 7 && n == static_cast<uint64_t>(std::pow(10.0, exponent))) {
    return "10" + superscript(exponent);
  }
  return std::to_string(n);
}

}  // namespace

std::string ScenarioKey::Name() const {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string ScenarioKey::Parent() const {
  if (path.size() > 2 && path.compare(path.size() - 2, 2, "[]") == 0) {
    return path.substr(0, path.size() - 2);  // a list's elements belong to the list
  }
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

const std::vector<ScenarioKey>& ScenarioKeys() {
  static const std::vector<ScenarioKey>* const kKeys = new std::vector<ScenarioKey>(BuildKeys());
  return *kKeys;
}

const ScenarioKey* FindKey(const std::string& path) {
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

const YamlNode* NodeAt(const YamlNode& root, const std::string& path) {
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

bool ReadKeyValue(const ScenarioKey& key, const YamlNode& n, ValueReader& r, Scenario* out) {
  const std::string& k = key.path;
  auto into = [&](auto* value) {
    using T = std::remove_pointer_t<decltype(value)>;
    using F = T* (*)(Scenario&);
    if constexpr (IsAlternative<F, KeyField>::value) {
      return std::holds_alternative<F>(key.field) ? std::get<F>(key.field)(*out) : nullptr;
    } else {
      return static_cast<T*>(nullptr);
    }
  };
  // Reads with `read` into a temporary of type T, then stores it in the field (plain or optional).
  auto store = [&](auto read, auto value) {
    using T = decltype(value);
    if (!read(&value)) return false;
    if (T* plain = into(static_cast<T*>(nullptr))) {
      *plain = value;
    } else if (std::optional<T>* optional = into(static_cast<std::optional<T>*>(nullptr))) {
      *optional = value;
    }
    return true;
  };
  switch (key.kind) {
    case ValueKind::kNone:
      return true;
    case ValueKind::kString:
      return store([&](std::string* v) { return r.String(n, k, key.max, v); }, std::string());
    case ValueKind::kChoice: {
      size_t index = 0;
      if (!r.Choice(n, k, key.choices, &index)) return false;
      if (auto* set = std::get_if<void (*)(Scenario&, size_t)>(&key.field)) (*set)(*out, index);
      return true;
    }
    case ValueKind::kUint:
      if (into(static_cast<uint32_t*>(nullptr)) ||
          into(static_cast<std::optional<uint32_t>*>(nullptr))) {
        return store([&](uint32_t* v) { return r.UintAs(n, k, key.min, key.max, v); }, uint32_t{});
      }
      return store([&](uint64_t* v) { return r.Uint(n, k, key.min, key.max, v); }, uint64_t{});
    case ValueKind::kCount:
      return store([&](uint32_t* v) { return r.Count(n, k, key.min, key.max, v); }, uint32_t{});
    case ValueKind::kSize:
      return store([&](uint64_t* v) { return r.Size(n, k, key.min, key.max, v); }, uint64_t{});
    case ValueKind::kSizeInBytes:
      return store([&](uint64_t* v) { return r.SizeInBytes(n, k, key.min, key.max, v); },
                   uint64_t{});
    case ValueKind::kDuration:
      return store([&](int64_t* v) { return r.Duration(n, k, key.max, v); }, int64_t{});
    case ValueKind::kPositiveDuration:
      return store([&](int64_t* v) { return r.PositiveDuration(n, k, key.max, v); }, int64_t{});
    case ValueKind::kDurationAtLeast:
      return store([&](int64_t* v) { return r.DurationAtLeast(n, k, key.min, key.max, v); },
                   int64_t{});
    case ValueKind::kRate:
    case ValueKind::kRateOrZero:
      return store([&](double* v) { return r.Rate(n, k, key.kind == ValueKind::kRateOrZero, v); },
                   double{});
    case ValueKind::kBool:
    case ValueKind::kStrictBool:
      return store([&](bool* v) { return r.Bool(n, k, key.kind == ValueKind::kBool, v); }, bool{});
    case ValueKind::kFraction:
      return store([&](double* v) { return r.Fraction(n, k, v); }, double{});
    case ValueKind::kBandwidth:
      return store([&](uint64_t* v) { return r.Bandwidth(n, k, v); }, uint64_t{});
  }
  return true;
}

bool ReadKeyIfPresent(const YamlNode& section, const std::string& path, ValueReader& r,
                      Scenario* out) {
  const ScenarioKey* key = FindKey(path);
  if (key == nullptr) return true;
  const YamlNode* value = section.IsMap() ? section.Find(key->Name()) : nullptr;
  if (value == nullptr) return true;
  return ReadKeyValue(*key, *value, r, out);
}

const YamlNode* RequiredKey(const YamlNode& section, const std::string& path, ValueReader& r,
                            const std::string& where) {
  const ScenarioKey* key = FindKey(path);
  const std::string name = key != nullptr ? key->Name() : path;
  if (const YamlNode* value = section.IsMap() ? section.Find(name) : nullptr) return value;
  const std::string hint = key != nullptr ? key->required_hint : "";
  r.diag()->Fail(section, where.empty() ? path : where,
                 "required key `" + name + "` is missing" + (hint.empty() ? "" : "; ") + hint);
  return nullptr;
}

bool ReadTableKeys(const YamlNode& root, ValueReader& r, Scenario* out) {
  std::string read_by_parent;  // a key whose reader reads the keys below it
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (!read_by_parent.empty() && DescendsFrom(key.path, read_by_parent)) continue;
    if (key.path.find_first_of("[*") != std::string::npos) continue;  // read with their parent
    const YamlNode* parent = key.Parent().empty() ? &root : NodeAt(root, key.Parent());
    if (parent == nullptr) continue;
    const YamlNode* value = NodeAt(root, key.path);
    if (value == nullptr) {
      const bool required =
          key.required && (key.required_unless.empty() || !NodeAt(root, key.required_unless));
      if (required) RequiredKey(*parent, key.path, r);
      if (required) return false;
      continue;
    }
    if (key.reader != nullptr) {
      read_by_parent = key.path;
      if (!key.reader(*value, root, r, out)) return false;
      continue;
    }
    if (!ReadKeyValue(key, *value, r, out)) return false;
  }
  return true;
}

bool CheckModeRules(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (key.modes == nullptr || key.modes->checked_by_reader) continue;
    const YamlNode* node = NodeAt(root, key.path);
    if (node == nullptr || key.modes->applies(s)) continue;
    return diag->Fail(*node, key.path,
                      std::string("applies to ") + key.modes->modes_text + " only (" +
                          ModeText(s, key.modes->names_bidi_kind) + ")");
  }
  return true;
}

std::string KeyDefaultValueText(const ScenarioKey& key) {
  Scenario defaults;
  auto text = [&](const auto& value) -> std::string {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, std::string>) {
      return value.empty() ? "empty" : value;
    } else if constexpr (std::is_same_v<T, bool>) {
      return value ? "true" : "false";
    } else if constexpr (std::is_same_v<T, double>) {
      if (value == 0) return "0";
      if (key.kind != ValueKind::kFraction) return RateText(value);
      std::ostringstream fraction;
      fraction << value;
      return fraction.str();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return value == 0 ? "0" : FormatDurationUs(value);
    } else {
      const bool size = key.kind == ValueKind::kSize || key.kind == ValueKind::kSizeInBytes;
      return size ? FormatSizeBytes(value) : std::to_string(value);
    }
  };
  return std::visit(
      [&](auto get) -> std::string {
        using F = decltype(get);
        if constexpr (std::is_same_v<F, std::monostate> ||
                      std::is_same_v<F, void (*)(Scenario&, size_t)>) {
          return "";
        } else {
          const auto* value = get(defaults);
          using T = std::decay_t<decltype(*value)>;
          if constexpr (IsOptional<T>::value) {
            return value->has_value() ? text(**value) : "";
          } else {
            return text(*value);
          }
        }
      },
      key.field);
}

std::string KeyTypeText(const ScenarioKey& key) {
  if (!key.type_text.empty()) return key.type_text;
  if (key.kind == ValueKind::kChoice) {
    std::string text;
    for (const std::string& choice : key.choices) {
      text += (text.empty() ? "`" : " \\| `") + choice + "`";
    }
    return text;
  }
  // Indexed by ValueKind, in its order.
  static const char* const kKindTypes[] = {
      "",         "string",   "",     "integer", "integer", "size", "size",     "duration",
      "duration", "duration", "rate", "rate",    "bool",    "bool", "fraction", "bandwidth"};
  static_assert(sizeof(kKindTypes) / sizeof(kKindTypes[0]) ==
                static_cast<size_t>(ValueKind::kBandwidth) + 1);
  const std::string type = kKindTypes[static_cast<size_t>(key.kind)];
  if (!type.empty()) return type;
  if (key.shape == KeyShape::kValue) return "value";
  return key.shape == KeyShape::kList ? "list" : "mapping";
}

std::string KeyRangeText(const ScenarioKey& key) {
  std::string range;
  switch (key.kind) {
    case ValueKind::kString:
      if (key.max > 0) range = "≤ " + std::to_string(key.max) + " chars";
      break;
    case ValueKind::kUint:
    case ValueKind::kCount:
      range = NumberText(key.min) + "–" + NumberText(key.max);
      break;
    case ValueKind::kSize:
    case ValueKind::kSizeInBytes:
      range = key.min == 0 ? "≤ " + FormatSizeBytes(key.max)
                           : FormatSizeBytes(key.min) + "–" + FormatSizeBytes(key.max);
      break;
    case ValueKind::kDuration:
      range = "≤ " + FormatDurationUs(static_cast<int64_t>(key.max));
      break;
    case ValueKind::kPositiveDuration:
      range = "> 0, ≤ " + FormatDurationUs(static_cast<int64_t>(key.max));
      break;
    case ValueKind::kDurationAtLeast:
      range = FormatDurationUs(static_cast<int64_t>(key.min)) + "–" +
              FormatDurationUs(static_cast<int64_t>(key.max));
      break;
    case ValueKind::kRate:
      range = "> 0, ≤ " + RateText(kMaxRatePerS);
      break;
    case ValueKind::kRateOrZero:
      range = "≥ 0, ≤ " + RateText(kMaxRatePerS);
      break;
    case ValueKind::kFraction:
      range = "0–1";
      break;
    case ValueKind::kNone:
    case ValueKind::kChoice:
    case ValueKind::kBool:
    case ValueKind::kStrictBool:
    case ValueKind::kBandwidth:
      break;
  }
  if (key.range_note.empty()) return range;
  return range.empty() ? key.range_note : range + "; " + key.range_note;
}

}  // namespace streambench::scenario
