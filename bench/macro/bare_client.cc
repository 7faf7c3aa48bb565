// bare_client: the minimal callback-API streambench.v1 client the generator is compared with
// (bench/run_macro.sh, issue 8). Prints one JSON line with messages/s and bytes/s.
// Exit codes: 0 ran, 2 bad flags, 3 the run could not be carried out.
#include <iostream>
#include <string>

#include "bench/macro/bare_grpc_client.h"
#include "bench/macro/macro_flags.h"

namespace {

constexpr char kUsage[] =
    "usage: bare_client --target HOST:PORT [--mode bidi|server_stream] [--connections N]\n"
    "                   [--streams N] [--payload 64B] [--warmup 1s] [--duration 5s]\n"
    "                   [--response-size 1MiB] [--response-count 100] [--record-rtt true]\n"
    "  --streams is per connection. server_stream asks each call for --response-count responses\n"
    "  of --response-size. --record-rtt keeps every bidi round trip to report rtt_us p50/p99.\n";

int Usage(const std::string& error) {
  std::cerr << "bare_client: " << error << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using streambench::macro::BareClientOptions;
  using streambench::macro::BareMode;
  streambench::macro::MacroFlags flags;
  std::string error;
  if (!flags.Parse(argc, argv,
                   {"target", "mode", "connections", "streams", "payload", "warmup", "duration",
                    "response-size", "response-count", "record-rtt"},
                   &error)) {
    return Usage(error);
  }
  if (flags.help()) {
    std::cout << kUsage;
    return 0;
  }
  BareClientOptions o;
  std::string mode, record_rtt;
  int64_t connections = 0, streams = 0, response_count = 0;
  if (!flags.String("target", "-", &o.target, &error) ||
      !flags.String("mode", "bidi", &mode, &error) ||
      !flags.Integer("connections", 1, 1, 10000, &connections, &error) ||
      !flags.Integer("streams", 1, 1, 100000, &streams, &error) ||
      !flags.SizeBytes("payload", 64, &o.payload_bytes, &error) ||
      !flags.DurationUs("warmup", 1'000'000, &o.warmup_us, &error) ||
      !flags.DurationUs("duration", 5'000'000, &o.duration_us, &error) ||
      !flags.SizeBytes("response-size", 1 << 20, &o.response_bytes, &error) ||
      !flags.Integer("response-count", 100, 1, 10'000'000, &response_count, &error) ||
      !flags.String("record-rtt", "false", &record_rtt, &error)) {
    return Usage(error);
  }
  if (o.target == "-") return Usage("--target is required");
  if (mode == "bidi") {
    o.mode = BareMode::kBidiPingPong;
  } else if (mode == "server_stream") {
    o.mode = BareMode::kServerStream;
  } else {
    return Usage("--mode: expected bidi or server_stream, got `" + mode + "`");
  }
  if (record_rtt != "true" && record_rtt != "false") {
    return Usage("--record-rtt: expected true or false");
  }
  if (o.duration_us <= 0) return Usage("--duration: must be > 0");
  if (o.payload_bytes == 0 || o.payload_bytes > (64u << 20)) {
    return Usage("--payload: must be in 1B..64MiB");
  }
  if (o.response_bytes > (16u << 20)) return Usage("--response-size: must be <= 16MiB");
  o.connections = static_cast<int>(connections);
  o.streams_per_connection = static_cast<int>(streams);
  o.response_count = static_cast<uint64_t>(response_count);
  o.record_rtt = record_rtt == "true";

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
