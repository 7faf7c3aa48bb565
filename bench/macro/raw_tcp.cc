// raw_tcp_bench: the loopback TCP floor for the macro benchmarks (bench/run_macro.sh, issue 8):
// ping-pong round-trip time of a payload, and bulk bandwidth of one connection. Prints one JSON
// line per measurement. Exit codes: 0 ran, 2 bad flags, 3 a socket error.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/macro/macro_flags.h"
#include "bench/macro/tcp_loopback.h"

namespace {

constexpr char kUsage[] =
    "usage: raw_tcp_bench [--mode pingpong|bulk|both] [--payload 64B] [--round-trips 20000]\n"
    "                     [--duration 2s] [--write-size 1MiB]\n"
    "  pingpong: round trips of --payload (at most --round-trips, at most --duration);\n"
    "  bulk: one connection written with --write-size writes for --duration.\n";

int Usage(const std::string& error) {
  std::cerr << "raw_tcp_bench: " << error << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  streambench::macro::MacroFlags flags;
  std::string error;
  if (!flags.Parse(argc, argv, {"mode", "payload", "round-trips", "duration", "write-size"},
                   &error)) {
    return Usage(error);
  }
  if (flags.help()) {
    std::cout << kUsage;
    return 0;
  }
  std::string mode;
  uint64_t payload = 0, write_size = 0;
  int64_t round_trips = 0, duration_us = 0;
  if (!flags.String("mode", "both", &mode, &error) ||
      !flags.SizeBytes("payload", 64, &payload, &error) ||
      !flags.Integer("round-trips", 20000, 1, 100'000'000, &round_trips, &error) ||
      !flags.DurationUs("duration", 2'000'000, &duration_us, &error) ||
      !flags.SizeBytes("write-size", 1 << 20, &write_size, &error)) {
    return Usage(error);
  }
  if (mode != "pingpong" && mode != "bulk" && mode != "both") {
    return Usage("--mode: expected pingpong, bulk or both, got `" + mode + "`");
  }
  if (payload == 0 || payload > (64u << 20)) return Usage("--payload: must be in 1B..64MiB");
  if (write_size == 0 || write_size > (64u << 20)) {
    return Usage("--write-size: must be in 1B..64MiB");
  }
  if (duration_us <= 0) return Usage("--duration: must be > 0");

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
