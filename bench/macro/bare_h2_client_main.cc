// bare_h2_client: grpc.testing.BenchmarkService through the nghttp2 engine, the figure
// bench/run_macro.sh sets beside grpc-go's benchmark client and h2load. Prints one JSON line with
// round trips/s, CPU per 100k round trips and the round-trip p50/p99.
// Exit codes: 0 ran, 2 bad flags, 3 the run could not be carried out (or calls failed).
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "bench/macro/bare_h2_client.h"
#include "bench/macro/macro_flags.h"

int main(int argc, char** argv) {
  using streambench::macro::BareH2Mode;
  using streambench::macro::BareH2Options;
  BareH2Options o;
  std::string mode = "bidi";
  int64_t connections = o.connections, streams = o.streams_per_connection, threads = o.threads;
  int64_t max_round_trips = static_cast<int64_t>(o.max_round_trips);
  streambench::macro::MacroFlags flags(
      "bare_h2_client",
      "grpc.testing.BenchmarkService through the nghttp2 engine (StreamingCall ping-pong or\n"
      "UnaryCall); prints one JSON line with round trips/s, CPU and round-trip percentiles.");
  flags.String("target", "HOST:PORT", &o.target, "the server (required)");
  flags.Choice("mode", {"bidi", "unary"}, &mode, "StreamingCall ping-pong or UnaryCall");
  flags.Integer("connections", 1, 10000, &connections, "TCP connections");
  flags.Integer("streams", 1, 100000, &streams, "streams (or unary call slots) per connection");
  flags.Integer("threads", 1, 256, &threads, "event-loop threads (connection i on loop i % N)");
  flags.SizeBytes("payload", &o.payload_bytes, "request and response payload, 0B..16MiB");
  flags.DurationUs("warmup", &o.warmup_us, "load that runs but is not counted");
  flags.DurationUs("duration", &o.duration_us, "the measured phase, at most");
  flags.Integer("max-round-trips", 1, int64_t{1} << 40, &max_round_trips,
                "the measured phase ends after this many round trips (or calls)");
  std::string request_body_file;
  flags.String("write-request-body", "FILE", &request_body_file,
               "write the framed request body (for h2load -d) to FILE and exit");
  if (std::optional<int> exit_code = flags.Parse(argc, argv)) return *exit_code;
  if (o.payload_bytes > (16u << 20)) return flags.Fail("--payload: must be <= 16MiB");
  if (!request_body_file.empty()) {
    std::ofstream out(request_body_file, std::ios::binary);
    out << streambench::macro::FramedBenchmarkRequest(o.payload_bytes);
    out.close();
    if (!out) {
      std::cerr << "bare_h2_client: cannot write " << request_body_file << "\n";
      return 3;
    }
    return 0;
  }
  if (o.target.empty()) return flags.Fail("--target is required");
  if (o.duration_us <= 0) return flags.Fail("--duration: must be > 0");
  o.mode = mode == "bidi" ? BareH2Mode::kBidiPingPong : BareH2Mode::kUnary;
  o.connections = static_cast<int>(connections);
  o.streams_per_connection = static_cast<int>(streams);
  o.threads = static_cast<int>(threads);
  o.max_round_trips = static_cast<uint64_t>(max_round_trips);

  streambench::macro::BareH2Result result;
  std::string error;
  if (!streambench::macro::RunBareH2Client(o, &result, &error)) {
    std::cerr << "bare_h2_client: " << error << "\n";
    return 3;
  }
  std::cout << streambench::macro::BareH2ResultJson(o, result) << std::endl;
  if (result.calls_failed > 0 || result.bad_responses > 0) {
    std::cerr << "bare_h2_client: " << result.calls_failed << " calls failed, "
              << result.bad_responses << " responses were wrong\n";
    return 3;
  }
  return 0;
}
