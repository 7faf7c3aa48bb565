// link_demo: what one TCP stream achieves through an emulated link (not a test; prints figures).
//   link_demo [rtt_ms=40] [mbit_per_s=100] [megabytes=40] [window_kib=0]
// window_kib = 0: a plain bulk transfer (TCP terminates at the relay, so only the relay's buffer
// and the link's rate and delay limit it). window_kib > 0: the sender keeps at most that many
// unacknowledged bytes in flight and the receiver acknowledges every 16 KiB over the reverse
// link, like an HTTP/2 flow-control window: throughput is then bounded by window / RTT.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "bench/link/link_emulator.h"
#include "tests/bench/link/tcp_test_util.h"

using streambench::link::LinkEmulator;
using streambench::link::LinkSpec;
namespace t = streambench::link::testing;

int main(int argc, char** argv) {
  const double rtt_ms = argc > 1 ? std::atof(argv[1]) : 40;
  const double mbit_per_s = argc > 2 ? std::atof(argv[2]) : 100;
  const uint64_t total_bytes =
      static_cast<uint64_t>((argc > 3 ? std::atof(argv[3]) : 40) * 1'000'000);
  const uint64_t window_bytes = static_cast<uint64_t>(argc > 4 ? std::atof(argv[4]) : 0) * 1024;
  constexpr uint64_t kAckEveryBytes = 16 * 1024;

  // The receiver reads everything; with a window it acknowledges every 16 KiB with 8 bytes.
  t::ThreadedServer sink([&](int fd) {
    char buffer[65536];
    uint64_t received = 0;
    uint64_t acked = 0;
    for (;;) {
      const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) break;
      received += static_cast<uint64_t>(got);
      if (window_bytes > 0) {
        while (received - acked >= kAckEveryBytes ||
               (received == total_bytes && acked < received)) {
          acked = std::min(received, acked + kAckEveryBytes);
          t::WriteAll(fd, reinterpret_cast<const char*>(&acked), sizeof(acked));
        }
      }
    }
  });
  LinkSpec spec;
  spec.rtt_us = static_cast<int64_t>(rtt_ms * 1000);
  spec.bandwidth_bits_per_s = static_cast<uint64_t>(mbit_per_s * 1e6);
  std::string error;
  auto link = LinkEmulator::Start(spec, "127.0.0.1", sink.port(), &error);
  if (link == nullptr) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const int fd = t::ConnectLoopback(link->port());
  const std::string chunk = t::Pattern(0, 0, 64 * 1024);
  const auto start = std::chrono::steady_clock::now();
  uint64_t sent = 0;
  uint64_t acked = 0;
  while (sent < total_bytes) {
    uint64_t allowed = std::min<uint64_t>(chunk.size(), total_bytes - sent);
    if (window_bytes > 0) {
      while (sent - acked >= window_bytes) {
        if (!t::ReadExactly(fd, reinterpret_cast<char*>(&acked), sizeof(acked))) return 1;
      }
      allowed = std::min(allowed, window_bytes - (sent - acked));
    }
    if (!t::WriteAll(fd, chunk.data(), allowed)) return 1;
    sent += allowed;
  }
  if (window_bytes > 0) {
    while (acked < total_bytes) {
      if (!t::ReadExactly(fd, reinterpret_cast<char*>(&acked), sizeof(acked))) return 1;
    }
  }
  ::shutdown(fd, SHUT_WR);
  if (window_bytes == 0) t::ReadUntilEof(fd);  // the sink closes after it read everything
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  const LinkEmulator::Stats stats = link->stats();
  std::printf("link: %s\n", spec.Describe().c_str());
  std::printf("window: %s\n", window_bytes > 0
                                  ? (std::to_string(window_bytes / 1024) + " KiB").c_str()
                                  : "none (bulk TCP)");
  std::printf(
      "transferred %.1f MB in %.3f s = %.2f Mbit/s (%.1f%% of the link); max queued %llu B\n",
      total_bytes / 1e6, seconds, total_bytes * 8 / seconds / 1e6,
      100.0 * total_bytes * 8 / seconds / (mbit_per_s * 1e6),
      static_cast<unsigned long long>(stats.max_queued_bytes_up));
  return 0;
}
