// Scenario: what one load run does, as plain structs with units in every field name.
// Produced by the loader (scenario_loader.h) from YAML, validated, with --set overrides and
// variants applied; consumed by the runner. The YAML keys are declared in the key table
// (key_table.h, which binds each to its field here and renders scenarios/README.md's tables) and
// map one-to-one onto these fields (YAML key in the comment where it differs).
// Thread-safety: plain values; safe to share read-only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/criteria/threshold.h"
#include "bench/scenario/yaml_tree.h"
#include "common/transport_settings.h"

namespace streambench::scenario {

// The last four are the realistic workloads of streambench.v1.Workloads: file upload and
// download, event subscriptions with publishers, chat rooms. Their names (`mode:` in a scenario,
// reports, metric labels) are ModeNames(), in this order.
enum class Mode {
  kUnary,
  kServerStream,
  kClientStream,
  kBidi,
  kUpload,
  kDownload,
  kSubscribe,
  kChat
};
bool IsWorkloadMode(Mode mode);  // upload, download, subscribe, chat
// The workloads whose server streams take integrity faults (download, subscribe, chat): of
// `server_behavior` they take `integrity_faults` only.
bool IsFaultedWorkloadMode(Mode mode);

// Which service the generator drives: one it has compiled stubs for (`service:` alone), or any
// service whose method the scenario names (`service:` with `method:`, MethodSpec below).
enum class TargetService {
  kStreambenchV1,         // "streambench.v1": the reference server's own service
  kGrpcTestingBenchmark,  // "grpc.testing.BenchmarkService": gRPC's standard benchmark server
  kAnyService,  // Scenario::method: descriptors from .proto files, a protoset or reflection
};

enum class LoadBalancing { kPickFirst, kRoundRobin };

// What carries the calls (key `engine`): gRPC C++'s callback API, or gRPC over HTTP/2 on nghttp2
// (bench/engines).
enum class EngineKind { kGrpc, kH2 };

// What a run does when streams_per_connection is above the server's HTTP/2
// SETTINGS_MAX_CONCURRENT_STREAMS (key `over_stream_limit`): keep the connections and let the
// streams beyond the limit wait for a free one, as gRPC clients do, or open more connections so
// that none holds more than the limit.
enum class OverStreamLimit { kQueue, kConnect };

// How the generator's channels secure the connection (key `target.tls`). Paths are resolved
// against the scenario file's folder when the file is loaded; the runner reads the files once.
struct ClientTlsSpec {
  bool enabled = false;     // the key is present (or the embedded server serves TLS)
  std::string ca_path;      // key `ca`: trusted CAs (PEM); empty = the system's roots
  std::string cert_path;    // key `cert`: client certificate chain (mTLS); with `key`
  std::string key_path;     // key `key`: its private key (PEM)
  std::string server_name;  // key `server_name`: SNI and the name verified; empty = the host
  bool insecure_skip_verify = false;  // key `insecure_skip_verify`: accept any certificate
};

// Where the load goes. No addresses means: start the embedded reference server on loopback.
struct TargetSpec {
  std::vector<std::string>
      addresses;  // "host:port" each; key `target.addresses` (or `target: h:p`)
  LoadBalancing load_balancing = LoadBalancing::kPickFirst;
  TargetService service = TargetService::kStreambenchV1;
  ClientTlsSpec tls;  // key `target.tls`
  // Key `target.credentials.bearer_token_file` (resolved like the TLS paths): its content, read
  // once by the runner, goes with every call as "authorization: Bearer ..."; empty = none.
  std::string bearer_token_file;
};

// The embedded server's transport security (keys `server_transport.tls` and
// `server_transport.require_token`): what `streambench-server --tls-*` and `--require-token` do.
struct ServerSecuritySpec {
  bool tls = false;  // `server_transport.tls` is present
  // Key `self_signed`: the embedded server makes an ephemeral CA and certificate for the run (no
  // key file anywhere), and the generator trusts that CA unless `target.tls.ca` says otherwise.
  bool self_signed = false;
  std::string cert_path;       // key `cert` (PEM chain), with `key`
  std::string key_path;        // key `key`
  std::string client_ca_path;  // key `client_ca`: require client certificates signed by it
  // Key `require_client_cert` with `self_signed`: mTLS with a client certificate from the same
  // ephemeral CA, which the generator presents unless `target.tls.cert` gives its own.
  bool require_client_cert = false;
  std::string require_token_path;  // key `require_token`: calls must carry this bearer token
};

inline bool operator==(const ServerSecuritySpec& a, const ServerSecuritySpec& b) {
  return a.tls == b.tls && a.self_signed == b.self_signed && a.cert_path == b.cert_path &&
         a.key_path == b.key_path && a.client_ca_path == b.client_ca_path &&
         a.require_client_cert == b.require_client_cert &&
         a.require_token_path == b.require_token_path;
}
inline bool operator!=(const ServerSecuritySpec& a, const ServerSecuritySpec& b) {
  return !(a == b);
}

enum class LoadModel {
  kClosed,    // each stream (or call slot) keeps `outstanding` messages/calls in flight
  kConstant,  // open loop: evenly spaced intended send times at rate_per_s
  kPoisson,   // open loop: exponential inter-arrival times with mean 1/rate_per_s
  kRamp,      // open loop: rate moves linearly between stage targets (k6 "ramping-arrival-rate")
  // open loop: constant-rate steps whose rates a capacity search chooses (SearchSpec, bench/search)
  kSearch,
};

struct RampStage {
  int64_t duration_us = 0;       // length of the stage
  double target_rate_per_s = 0;  // rate reached at the end of the stage (key `rate`)
};

// A capacity search (load type `search`): open-loop steps at constant rates chosen from the
// results so far, growing by `growth_factor` until the objective fails, then bisecting until the
// bracket is within `precision_fraction` (bench/search/capacity_search.h). Keys under `load`.
struct SearchSpec {
  // Key `objective`: every step must meet all of these (the thresholds grammar) to count as
  // sustained.
  std::vector<criteria::Threshold> objective;
  double max_rate_per_s = 0;              // key `max_rate`: never asked for more
  double min_rate_per_s = 1;              // key `min_rate`: below this, no sustainable rate
  double growth_factor = 2;               // the rate multiplier while nothing failed
  int64_t step_duration_us = 10'000'000;  // key `step_duration`: each step's measured phase
  double precision_fraction = 0.05;       // key `precision`: (high - low) / low to stop at
  int64_t time_budget_us = 0;             // key `time_budget`: 0 = none
  uint32_t confirm_failures = 1;          // key `confirm_failures`: re-runs before a failure counts
};

// The load model. "Operation" is a message for client_stream and bidi, a call for unary and
// server_stream. Rates are aggregate over the whole run (all connections and streams).
struct LoadSpec {
  LoadModel model = LoadModel::kClosed;  // key `load.type`: closed | constant | poisson | ramp |
                                         // search
  uint32_t outstanding = 1;              // closed loop: operations in flight per stream / call slot
  double rate_per_s = 0;                 // constant, poisson: operations per second (key `rate`)
  double start_rate_per_s = 0;    // ramp: rate at the start of the first stage (key `start_rate`)
  std::vector<RampStage> stages;  // ramp (key `stages`)
  SearchSpec search;              // search; start_rate_per_s is its first step's rate
};

// Request payload size: fixed, or drawn per message from a distribution.
struct SizeDistribution {
  enum class Kind { kFixed, kUniform, kChoice };
  Kind kind = Kind::kFixed;
  uint64_t fixed_bytes = 64;            // kFixed (key `payload_size: 64B`)
  uint64_t min_bytes = 0;               // kUniform, inclusive
  uint64_t max_bytes = 0;               // kUniform, inclusive
  std::vector<uint64_t> choices_bytes;  // kChoice: sizes
  std::vector<double> weights;          // kChoice: relative weights (empty = equal)
  uint64_t MaxBytes() const;            // the largest size this distribution can produce
};

// Per-stream shape (client_stream, bidi; server_stream uses behavior.response_count).
struct StreamSpec {
  uint64_t messages_per_stream = 0;  // 0 = no limit (key `stream.messages`)
  int64_t stream_duration_us = 0;    // 0 = no limit (key `stream.duration`); a stream that
                                     // reaches a limit half-closes and a new one replaces it
};

struct FailureSpec {
  std::string code;  // status name, e.g. "UNAVAILABLE"; empty = no injected failure
  std::string message;
  std::optional<uint64_t> after_messages;  // fail at message N (see the proto for the meaning)
  double probability = 0;  // per call, in [0, 1]; 0 with a code set means "every call" unless
                           // after_messages is set (then it is every call at message N)
};

struct ReadStallSpec {
  uint64_t after_messages = 0;
  int64_t duration_us = 0;  // 0 = no stall
};

// Application-level flow control in the server (server_stream, bidi independent): a producer
// makes one response every producer_interval_us into a bounded per-stream queue that the writer
// drains as fast as HTTP/2 flow control allows. Key `server_behavior.app_flow_control`.
struct AppFlowControlSpec {
  enum class Policy { kBlock, kDrop };
  uint32_t queue_capacity_messages = 0;  // key `queue`; 0 = off (responses paced as usual)
  Policy policy = Policy::kBlock;        // key `policy: block | drop`
  int64_t producer_interval_us = 0;      // key `producer_interval`
};

// How often the server injects one kind of integrity fault into the messages a stream sends:
// `every N` (messages N, 2N, ... of each stream; exact) or a probability per message (a fraction
// like 0.01 or 1%). Off when both are 0.
struct FaultRateSpec {
  uint64_t every_nth = 0;
  double probability = 0;
  bool On() const { return every_nth > 0 || probability > 0; }
};

// Integrity faults the server injects into what it sends (streambench.v1 IntegrityFaults, where
// each is defined). Key `server_behavior.integrity_faults`.
struct IntegrityFaultsSpec {
  FaultRateSpec drop;       // key `drop`: not sent (the client counts it lost)
  FaultRateSpec duplicate;  // key `duplicate`: sent twice
  FaultRateSpec reorder;    // key `reorder`: sent after the next message
  FaultRateSpec corrupt;    // key `corrupt`: a payload byte flipped
  bool Any() const { return drop.On() || duplicate.On() || reorder.On() || corrupt.On(); }
};

// The behaviour asked of the server (sent in requests; streambench.v1 only, except
// response_size_bytes which BenchmarkService also honours). Key `server_behavior`.
struct BehaviorSpec {
  uint64_t response_size_bytes = 64;     // key `response_size`
  uint64_t response_count = 10;          // server_stream; bidi independent (key `response_count`)
  int64_t response_interval_us = 0;      // key `response_interval`
  int64_t first_response_delay_us = 0;   // key `first_response_delay`
  int64_t response_delay_us = 0;         // key `response_delay`
  bool bidi_echo = true;                 // key `bidi: echo | independent`
  FailureSpec failure;                   // key `failure`
  ReadStallSpec read_stall;              // key `read_stall`
  AppFlowControlSpec app_flow_control;   // key `app_flow_control`
  IntegrityFaultsSpec integrity_faults;  // key `integrity_faults`
};

// Per call / stream options on the client side. Key `call`.
struct CallSpec {
  int64_t deadline_us = 0;      // 0 = none (key `deadline`)
  int64_t cancel_after_us = 0;  // client cancels each call/stream this long after it starts;
                                // 0 = never (key `cancel_after`)
};

// HTTP/2 and gRPC channel/server settings, shared with the server (common/transport_settings.h).
// Used for the client (key `transport`) and the embedded server (key `server_transport`).
using TransportSpec = streambench::TransportSettings;

// A fault of the emulated link on a schedule. Key `link.faults[]`: exactly one of cut, stall,
// bandwidth.
struct LinkFaultSpec {
  int64_t at_us = 0;                  // key `at`: after the link started (the run's prepare)
  bool cut = false;                   // key `cut: true`: every open connection reset
  int64_t stall_us = 0;               // key `stall`: nothing forwarded for this long
  uint64_t bandwidth_bits_per_s = 0;  // key `bandwidth`: per direction, for `for`
  int64_t for_us = 0;                 // key `for`: how long the bandwidth lasts (0 = to the end)
};

// An emulated network link between the generator and the target (a userspace relay,
// bench/link). Key `link`; absent = direct connection.
struct LinkSettings {
  bool enabled = false;               // the key is present
  int64_t rtt_us = 0;                 // key `rtt`: round-trip delay (each direction rtt/2)
  uint64_t bandwidth_bits_per_s = 0;  // key `bandwidth`: per direction; 0 = unlimited
  int64_t jitter_us = 0;              // key `jitter`: extra random delay per chunk
  uint64_t buffer_bytes = 0;          // key `buffer`: per direction; 0 = bandwidth x delay + 64KiB
  std::vector<LinkFaultSpec> faults;  // key `faults`
};

// What a run must show to pass. Key `expect`.
struct StatusExpectation {
  // Share of finished calls with this status, in [0, 1]. "any" = {0, 1};
  // "some" = at least one call (min_calls = 1).
  double min_fraction = 0;
  double max_fraction = 1;
  uint64_t min_calls = 0;
};

struct ExpectSpec {
  // Status name -> expectation. A status not listed must not occur. Default: {"OK": some}.
  std::map<std::string, StatusExpectation> statuses;
  // Integrity errors (lost, duplicated, reordered, corrupted) fail the run unless the scenario
  // injects faults; `allow_integrity_errors: true` lifts that.
  bool allow_integrity_errors = false;
};

// File transfer (modes upload, download): one operation is one whole file. Key `workload`.
struct TransferSpec {
  uint64_t file_size_bytes = 1ull << 20;    // key `file_size`
  uint64_t chunk_size_bytes = 64ull << 10;  // key `chunk_size`
  // download: the server flips one byte of every file (its SHA-256 stays that of the true
  // content), so every transfer must fail verification. Key `inject_corruption`.
  bool inject_corruption = false;
};

// Event subscriptions (mode subscribe): `subscribers` subscribe to topic (i % topics); publisher
// j publishes to topic (j % topics) on one client stream, cycling through event_types. One
// operation is one published event (rate: `publish_rate`, or `load`). Key `pubsub`.
struct PubSubSpec {
  uint32_t topics = 1;
  uint32_t subscribers = 4;
  uint32_t publishers = 1;
  std::vector<std::string> event_types = {"event"};  // key `event_types`
  std::vector<std::string> filter;  // subscribers' event-type filter; empty = all (key `filter`)
  uint64_t event_size_bytes = 64;   // payload per event (key `event_size`)
  int64_t heartbeat_interval_us = 1'000'000;  // key `heartbeat`
};

// Chat rooms (mode chat): rooms x members_per_room members, each a bidi stream, spread over the
// connections. One operation is one message from one member (round robin; rate:
// `message_rate`, or `load`); with `typing`, every 4th message is a typing indicator. Key `chat`.
struct ChatSpec {
  uint32_t rooms = 1;
  uint32_t members_per_room = 4;
  bool typing = false;
  uint64_t message_size_bytes = 64;  // text length (key `message_size`)
};

// Where a key's value sits in the scenario file, for problems found after loading (a .proto that
// does not compile, a request that does not fit the message). 1-based; 0 = not from the file
// (e.g. a --set value).
struct FilePosition {
  int line = 0;
  int column = 0;
};

// Where the descriptors of a named method come from (key `proto`): exactly one source.
struct ProtoSourceSpec {
  enum class Kind { kFiles, kProtoset, kReflection };
  Kind kind = Kind::kReflection;
  // Paths as written, relative to the scenario file's folder unless absolute.
  std::vector<std::string> files;         // key `files`
  std::vector<std::string> import_paths;  // key `import_paths`
  std::string protoset;                   // key `protoset`: `protoc --descriptor_set_out` output
  FilePosition at;                        // the `proto` key
};

// How the responses of a bidi method relate to its requests (key `response.pairing`).
enum class ResponsePairing {
  kOnePerRequest,  // the k-th response answers the k-th request: per-message latency
  kIndependent,    // the server streams on its own: time to first message, messages counted
  // each response answers the request whose `correlate` field value it carries, in any order:
  // per-message latency from that request's intended send
  kCorrelated,
};

// How the lines of a request feed (key `request.feed_order`) are handed out. One cursor serves the
// whole run (every slot, stream and call, warm-up included), so with several slots the lines
// interleave between streams but each is taken by exactly one of them.
enum class FeedOrder {
  kCycle,  // after the last line, the first again
  kOnce,   // every line once across the run; then the slots stop sending and the run ends early
};

// A method of any gRPC service (TargetService::kAnyService), resolved against its descriptors when
// the run is prepared (bench/methods/resolved_method.h). The call shape, and so the mode, follows
// from the method's descriptor.
struct MethodSpec {
  std::string service;      // fully qualified, e.g. "acme.chat.v1.ChatService" (key `service`)
  std::string method;       // key `method`
  bool mode_given = false;  // `mode:` was written: it must agree with the method
  ProtoSourceSpec proto;    // key `proto`
  // Key `metadata`: sent with every call (and every reflection request), values templated per
  // call like request strings. Names lower-case, as HTTP/2 sends them.
  std::vector<std::pair<std::string, std::string>> metadata;
  // Key `request.json`: the request message as written (proto3 JSON in YAML), with positions so
  // a field that does not fit is reported at its line and column. Null = the empty message.
  YamlNode request_json;
  // Key `request.feed`: a file of requests, one proto3 JSON message per line (templated like
  // `request.json`), relative to the scenario's folder; empty = none. Exactly one of the two.
  std::string request_feed;
  FeedOrder feed_order = FeedOrder::kCycle;  // key `request.feed_order`
  FilePosition request_feed_at;              // the `feed` value, for the feed's own errors
  ResponsePairing pairing = ResponsePairing::kOnePerRequest;  // key `response.pairing`
  // Key `response.correlate`: field paths whose values match a response to its request.
  std::string correlate_request;   // key `request`
  std::string correlate_response;  // key `response`
  // Key `response.expect.fields`: path -> expected value or {regex: ...}. Null = none.
  YamlNode expect_fields;
  FilePosition service_at, method_at, mode_at, correlate_at;
};

// One concrete run (a scenario with one variant's overrides applied).
struct Scenario {
  std::string name;         // key `name`
  std::string description;  // key `description`
  std::string variant;      // the variant's name; "default" when the file declares none
  std::string source_path;  // the file it came from (for messages)

  TargetSpec target;
  MethodSpec method;  // target.service == kAnyService only
  Mode mode = Mode::kBidi;
  uint32_t connections = 1;               // gRPC channels
  uint32_t streams_per_connection = 1;    // concurrent streams (or call slots) per channel
  uint32_t threads = 0;                   // generator worker threads; 0 = min(cores, 4)
  EngineKind engine = EngineKind::kGrpc;  // key `engine`
  OverStreamLimit over_stream_limit = OverStreamLimit::kQueue;  // key `over_stream_limit`
  LoadSpec load;
  StreamSpec stream;
  SizeDistribution request_size;  // key `request.payload_size`
  BehaviorSpec behavior;
  CallSpec call;
  TransferSpec transfer;  // key `workload` (upload, download)
  PubSubSpec pubsub;      // key `pubsub` (subscribe)
  ChatSpec chat;          // key `chat`
  TransportSpec transport;
  TransportSpec server_transport;
  ServerSecuritySpec server_security;  // keys `server_transport.tls`, `.require_token`
  LinkSettings link;
  int64_t warmup_us = 1'000'000;     // key `warmup`: measured but not reported
  int64_t duration_us = 10'000'000;  // key `duration`: the measured phase
  ExpectSpec expect;
  uint64_t seed = 1;  // random seed for Poisson arrivals, sizes, failures
  // Set by sharding (shard.h): goes into the names a run makes on a shared server (chat rooms,
  // pubsub topics), so shards on different machines never join each other's. "" = unsharded.
  std::string id_tag;
  // Key `thresholds`: gate expressions such as "message_latency.p99 < 5ms" (syntax in
  // bench/gate/README.md), parsed at load time so a bad one is a LoadError; the gate judges them
  // against this run's results.
  std::vector<criteria::Threshold> thresholds;
};

// A scenario file: one Scenario per variant, in declaration order.
struct ScenarioFile {
  std::string name;
  std::string path;
  std::vector<Scenario> runs;
  // Key `repeat`: how many times each run is repeated; the runner interleaves them
  // (A B C A B C ...) so machine drift does not favour one variant.
  uint32_t repeat = 1;
  // Key `concurrent`: the runs (variants x matrix) go at the same time, against one shared server,
  // instead of one after another: a mixed workload (e.g. every mode at once for a soak).
  bool concurrent = false;
};

// The one table of mode names, indexed by Mode: "unary", "server_stream", "client_stream",
// "bidi", "upload", "download", "subscribe", "chat".
const std::vector<std::string>& ModeNames();
const char* ModeName(Mode mode);  // ModeNames()[mode]

// The engines' names (key `engine`, results), in EngineKind order.
const std::vector<std::string>& EngineNames();
const char* EngineName(EngineKind engine);  // EngineNames()[engine]
// The policies' names (key `over_stream_limit`, results), in OverStreamLimit order.
const std::vector<std::string>& OverStreamLimitNames();
const char* OverStreamLimitName(OverStreamLimit policy);

// The names `service:` takes for the built-in services, indexed by TargetService:
// "streambench.v1", "grpc.testing.BenchmarkService".
const std::vector<std::string>& BuiltInServiceNames();

// The driven service's name: "streambench.v1", "grpc.testing.BenchmarkService", or the fully
// qualified name a scenario with `method:` gives.
std::string ServiceName(const Scenario& s);

}  // namespace streambench::scenario
