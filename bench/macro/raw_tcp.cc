// raw_tcp_bench: the loopback TCP floor for the macro benchmarks (bench/run_macro.sh):
// ping-pong round-trip time of a payload, and bulk bandwidth of one connection. Prints one JSON
// line per measurement. Exit codes: 0 ran, 2 bad flags, 3 a socket error.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/macro/macro_flags.h"
#include "bench/macro/tcp_loopback.h"

int main(int argc, char** argv) {
  std::string mode = "both";
  uint64_t payload = 64, write_size = 1 << 20;
  int64_t round_trips = 20000, duration_us = 2'000'000;
  streambench::macro::MacroFlags flags(
      "raw_tcp_bench",
      "The loopback TCP floor: ping-pong round trips of --payload (at most --round-trips, at\n"
      "most --duration), and one connection written with --write-size writes for --duration.");
  flags.Choice("mode", {"pingpong", "bulk", "both"}, &mode, "which measurements to make");
  flags.SizeBytes("payload", &payload, "pingpong: bytes each way, 1B..64MiB");
  flags.Integer("round-trips", 1, 100'000'000, &round_trips, "pingpong: at most this many");
  flags.DurationUs("duration", &duration_us, "each measurement at most this long");
  flags.SizeBytes("write-size", &write_size, "bulk: bytes per write, 1B..64MiB");
  if (std::optional<int> exit_code = flags.Parse(argc, argv)) return *exit_code;
  if (payload == 0 || payload > (64u << 20)) return flags.Fail("--payload: must be in 1B..64MiB");
  if (write_size == 0 || write_size > (64u << 20)) {
    return flags.Fail("--write-size: must be in 1B..64MiB");
  }
  if (duration_us <= 0) return flags.Fail("--duration: must be > 0");
  std::string error;

  if (mode != "bulk") {
    streambench::macro::TcpPingPongOptions o;
    o.payload_bytes = payload;
    o.round_trips = static_cast<uint64_t>(round_trips);
    o.max_duration_us = duration_us;
    streambench::macro::TcpPingPongResult r;
    if (!streambench::macro::RunTcpPingPong(o, &r, &error)) {
      std::cerr << "raw_tcp_bench: " << error << "\n";
      return 3;
    }
    nlohmann::json j = {
        {"tool", "raw_tcp_bench"},
        {"mode", "pingpong"},
        {"payload_bytes", payload},
        {"round_trips", r.round_trips},
        {"rtt_us", {{"p50", r.rtt_p50_us}, {"p99", r.rtt_p99_us}, {"mean", r.rtt_mean_us}}}};
    std::cout << j.dump() << std::endl;
  }
  if (mode != "pingpong") {
    streambench::macro::TcpBulkOptions o;
    o.write_bytes = write_size;
    o.duration_us = duration_us;
    streambench::macro::TcpBulkResult r;
    if (!streambench::macro::RunTcpBulk(o, &r, &error)) {
      std::cerr << "raw_tcp_bench: " << error << "\n";
      return 3;
    }
    nlohmann::json j = {{"tool", "raw_tcp_bench"},    {"mode", "bulk"},
                        {"write_bytes", write_size},  {"bytes", r.bytes},
                        {"duration_s", r.duration_s}, {"bytes_per_s", r.bytes_per_s()}};
    std::cout << j.dump() << std::endl;
  }
  return 0;
}
