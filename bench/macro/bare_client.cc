// bare_client: the minimal callback-API streambench.v1 client the generator is compared with
// (bench/run_macro.sh). Prints one JSON line with messages/s and bytes/s.
// Exit codes: 0 ran, 2 bad flags, 3 the run could not be carried out.
#include <iostream>
#include <optional>
#include <string>

#include "bench/macro/bare_grpc_client.h"
#include "bench/macro/macro_flags.h"

int main(int argc, char** argv) {
  using streambench::macro::BareClientOptions;
  using streambench::macro::BareMode;
  BareClientOptions o;
  std::string mode = "bidi";
  int64_t connections = o.connections, streams = o.streams_per_connection;
  int64_t response_count = static_cast<int64_t>(o.response_count);
  streambench::macro::MacroFlags flags(
      "bare_client",
      "The minimal callback-API streambench.v1 client the generator is compared with; prints\n"
      "one JSON line with messages/s and bytes/s.");
  flags.String("target", "HOST:PORT", &o.target, "the server (required)");
  flags.Choice("mode", {"bidi", "server_stream"}, &mode, "what each stream does");
  flags.Integer("connections", 1, 10000, &connections, "channels, each its own TCP connection");
  flags.Integer("streams", 1, 100000, &streams, "streams (or call slots) per connection");
  flags.SizeBytes("payload", &o.payload_bytes, "request payload, 1B..64MiB");
  flags.DurationUs("warmup", &o.warmup_us, "load that runs but is not counted");
  flags.DurationUs("duration", &o.duration_us, "the measured phase");
  flags.SizeBytes("response-size", &o.response_bytes,
                  "server_stream: bytes per response, at most 16MiB");
  flags.Integer("response-count", 1, 10'000'000, &response_count,
                "server_stream: responses per call");
  flags.Bool("record-rtt", &o.record_rtt, "keep every bidi round trip to report rtt_us p50/p99");
  if (std::optional<int> exit_code = flags.Parse(argc, argv)) return *exit_code;
  if (o.target.empty()) return flags.Fail("--target is required");
  o.mode = mode == "bidi" ? BareMode::kBidiPingPong : BareMode::kServerStream;
  if (o.duration_us <= 0) return flags.Fail("--duration: must be > 0");
  if (o.payload_bytes == 0 || o.payload_bytes > (64u << 20)) {
    return flags.Fail("--payload: must be in 1B..64MiB");
  }
  if (o.response_bytes > (16u << 20)) return flags.Fail("--response-size: must be <= 16MiB");
  o.connections = static_cast<int>(connections);
  o.streams_per_connection = static_cast<int>(streams);
  o.response_count = static_cast<uint64_t>(response_count);
  std::string error;

  streambench::macro::BareClientResult result;
  if (!streambench::macro::RunBareClient(o, &result, &error)) {
    std::cerr << "bare_client: " << error << "\n";
    return 3;
  }
  std::cout << streambench::macro::BareClientResultJson(o, result) << std::endl;
  if (result.calls_failed > 0) {
    std::cerr << "bare_client: " << result.calls_failed << " calls failed\n";
    return 3;
  }
  return 0;
}
