// LinkEmulator over real loopback sockets: the delay and rate it adds (measured, as ratios),
// honest backpressure with a bounded buffer, half-close / close / reset propagation, many
// connections at once, upstream failures and Stop. Every transfer is bounded in bytes, and every
// socket has 10 s timeouts so a broken relay fails a test instead of hanging it.
#include "bench/link/link_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "tests/bench/link/tcp_test_util.h"

namespace streambench::link {
namespace {

using Clock = std::chrono::steady_clock;
using testing::ConnectLoopback;
using testing::Pattern;
using testing::ReadExactly;
using testing::ThreadedServer;
using testing::WriteAll;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::unique_ptr<LinkEmulator> StartLink(const LinkSpec& spec, int upstream_port) {
  std::string error;
  auto link = LinkEmulator::Start(spec, "127.0.0.1", upstream_port, &error);
  if (link == nullptr) ADD_FAILURE() << "link emulator did not start: " << error;
  return link;
}

bool WaitFor(const std::function<bool()>& condition, double timeout_s = 5.0) {
  const auto start = Clock::now();
  while (!condition()) {
    if (SecondsSince(start) > timeout_s) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Median round-trip time in seconds of `rounds` 64-byte ping-pongs on a connection to `port`.
double MedianPingPongS(int port, int rounds) {
  const int fd = ConnectLoopback(port);
  EXPECT_GE(fd, 0);
  if (fd < 0) return -1;
  std::vector<double> rtts;
  const std::string ping = Pattern(1, 0, 64);
  std::string pong(64, '\0');
  for (int i = 0; i < rounds; ++i) {
    const auto start = Clock::now();
    if (!WriteAll(fd, ping.data(), ping.size()) || !ReadExactly(fd, pong.data(), pong.size())) {
      ADD_FAILURE() << "ping-pong " << i << " failed";
      break;
    }
    rtts.push_back(SecondsSince(start));
    EXPECT_EQ(pong, ping);
  }
  ::close(fd);
  if (rtts.empty()) return -1;
  std::sort(rtts.begin(), rtts.end());
  return rtts[rtts.size() / 2];
}

TEST(LinkEmulatorTest, AddressIsLoopbackWithItsPort) {
  ThreadedServer echo(testing::EchoHandler);
  ASSERT_TRUE(echo.ok());
  auto link = StartLink(LinkSpec{}, echo.port());
  ASSERT_NE(link, nullptr);
  EXPECT_GT(link->port(), 0);
  EXPECT_NE(link->port(), echo.port());
  EXPECT_EQ(link->address(), "127.0.0.1:" + std::to_string(link->port()));
}

TEST(LinkEmulatorTest, PingPongRttMatchesTheConfiguredRtt) {
  ThreadedServer echo(testing::EchoHandler);
  ASSERT_TRUE(echo.ok());
  LinkSpec spec;
  spec.rtt_us = 40'000;
  auto link = StartLink(spec, echo.port());
  ASSERT_NE(link, nullptr);
  // The control: the same relay adding nothing, so what the relay itself costs on this machine,
  // at this moment, is measured rather than assumed.
  auto plain_link = StartLink(LinkSpec{}, echo.port());
  ASSERT_NE(plain_link, nullptr);

  const double direct_s = MedianPingPongS(echo.port(), 20);
  const double plain_relay_s = MedianPingPongS(plain_link->port(), 20);
  const double relayed_s = MedianPingPongS(link->port(), 20);
  ASSERT_GT(direct_s, 0);
  ASSERT_GT(plain_relay_s, 0);
  ASSERT_GT(relayed_s, 0);
  RecordProperty("direct_rtt_us", static_cast<int>(direct_s * 1e6));
  RecordProperty("plain_relay_rtt_us", static_cast<int>(plain_relay_s * 1e6));
  RecordProperty("relayed_rtt_us", static_cast<int>(relayed_s * 1e6));
  // The relay adds the configured RTT: never less (its timer cannot fire early), and not much
  // more: half the RTT again plus a few times what relaying alone costs here (a loaded machine
  // wakes the relay late, and the control is late the same way).
  EXPECT_GE(relayed_s, 0.9 * 0.040);
  EXPECT_LE(relayed_s, 1.5 * 0.040 + 4 * plain_relay_s);
  // And the delay is the relay's, not the machine's.
  EXPECT_LT(direct_s, relayed_s / 4);
  // Counted just after the kernel took them, so possibly after the client read them.
  EXPECT_TRUE(WaitFor([&] { return link->stats().bytes_down == 20u * 64; }));
  EXPECT_EQ(link->stats().bytes_up, 20u * 64);
}

// Sends `bytes` of stream 2's pattern through a link with `spec` to a sink that checks them;
// the seconds from the first write to the sink's last read, or -1 when they did not all arrive
// intact (a test failure).
double TimedTransferS(const LinkSpec& spec, size_t bytes) {
  std::promise<std::pair<int64_t, bool>> received;  // bytes, content intact
  ThreadedServer sink([&received, bytes](int fd) {
    std::string data;
    const int64_t got = testing::ReadUntilEof(fd, &data);
    received.set_value({got, data == Pattern(2, 0, bytes)});
  });
  EXPECT_TRUE(sink.ok());
  auto link = StartLink(spec, sink.port());
  if (link == nullptr) return -1;
  const int fd = ConnectLoopback(link->port());
  EXPECT_GE(fd, 0);
  if (fd < 0) return -1;
  const std::string payload = Pattern(2, 0, bytes);
  const auto start = Clock::now();
  const bool written = WriteAll(fd, payload.data(), payload.size());
  EXPECT_TRUE(written);
  ::shutdown(fd, SHUT_WR);
  auto result = received.get_future();
  const bool done = result.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  EXPECT_TRUE(done) << "the transfer hung";
  const double elapsed_s = SecondsSince(start);
  ::close(fd);
  if (!written || !done) return -1;
  const auto [got, intact] = result.get();
  EXPECT_EQ(got, static_cast<int64_t>(bytes));
  EXPECT_TRUE(intact) << "bytes were corrupted or reordered";
  return got == static_cast<int64_t>(bytes) && intact ? elapsed_s : -1;
}

TEST(LinkEmulatorTest, BulkTransferRunsAtTheConfiguredBandwidth) {
  constexpr size_t kBytes = 4'000'000;
  constexpr uint64_t kBitsPerS = 20'000'000;  // 4 MB at 20 Mbit/s: 1.6 s
  LinkSpec spec;
  spec.bandwidth_bits_per_s = kBitsPerS;
  const double limited_s = TimedTransferS(spec, kBytes);
  // The control: the same bytes through a relay without a bandwidth limit, now, on this machine.
  const double unlimited_s = TimedTransferS(LinkSpec{}, kBytes);
  ASSERT_GT(limited_s, 0);
  ASSERT_GT(unlimited_s, 0);
  const double nominal_s = static_cast<double>(kBytes) * 8 / static_cast<double>(kBitsPerS);
  RecordProperty("achieved_bits_per_s", static_cast<int>(kBytes * 8 / limited_s));
  RecordProperty("unlimited_transfer_us", static_cast<int>(unlimited_s * 1e6));
  // Never faster than the link: the bytes cannot leave before their serialization time.
  EXPECT_GE(limited_s, nominal_s / 1.05);
  // And not much slower: a quarter more than the nominal time, plus twice what moving the same
  // bytes through the relay takes on this machine right now.
  EXPECT_LE(limited_s, 1.25 * nominal_s + 2 * unlimited_s);
}

TEST(LinkEmulatorTest, JitterKeepsBytesInOrder) {
  constexpr size_t kBytes = 2'000'000;
  std::promise<bool> intact;
  ThreadedServer sink([&intact](int fd) {
    std::string data;
    testing::ReadUntilEof(fd, &data);
    intact.set_value(data == Pattern(5, 0, kBytes));
  });
  ASSERT_TRUE(sink.ok());
  LinkSpec spec;
  spec.rtt_us = 10'000;
  spec.jitter_us = 5'000;  // far more than the time between two 16 KiB chunks
  spec.bandwidth_bits_per_s = 400'000'000;
  auto link = StartLink(spec, sink.port());
  ASSERT_NE(link, nullptr);
  const int fd = ConnectLoopback(link->port());
  ASSERT_GE(fd, 0);
  const std::string payload = Pattern(5, 0, kBytes);
  ASSERT_TRUE(WriteAll(fd, payload.data(), payload.size()));
  ::shutdown(fd, SHUT_WR);
  auto result = intact.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(result.get()) << "bytes were reordered or corrupted";
  ::close(fd);
}

// Writes the pattern of stream 3 without blocking until the relay stops taking bytes: no
// progress for 300 ms. Returns how many bytes the kernel accepted.
uint64_t FillUntilBlocked(int fd, uint64_t limit_bytes) {
  uint64_t accepted = 0;
  const auto start = Clock::now();
  while (accepted < limit_bytes && SecondsSince(start) < 8.0) {
    const std::string chunk = Pattern(3, accepted, 4096);
    const ssize_t sent = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      accepted += static_cast<uint64_t>(sent);
      continue;
    }
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) break;
    pollfd writable{fd, POLLOUT, 0};
    if (::poll(&writable, 1, 300) == 0) break;  // blocked for good
  }
  return accepted;
}

// Backpressure with a `buffer_bytes` relay in front of a receiver that reads nothing until told.
struct StalledTransfer {
  uint64_t accepted_bytes = 0;    // what the sender's writes got in before blocking
  uint64_t max_queued_bytes = 0;  // the relay's own high-water mark
  bool delivered_intact = false;  // once the receiver reads, every accepted byte arrives in order
};

StalledTransfer RunStalledTransfer(uint64_t buffer_bytes) {
  constexpr int kSocketBufferBytes = 16 * 1024;
  std::promise<void> start_reading;
  std::shared_future<void> go = start_reading.get_future().share();
  std::promise<std::string> received;
  ThreadedServer receiver(
      [&](int fd) {
        go.wait();
        std::string data;
        testing::ReadUntilEof(fd, &data);
        received.set_value(std::move(data));
      },
      kSocketBufferBytes);
  StalledTransfer result;
  EXPECT_TRUE(receiver.ok());
  LinkSpec spec;
  spec.buffer_bytes = buffer_bytes;
  spec.socket_buffer_bytes = kSocketBufferBytes;
  auto link = StartLink(spec, receiver.port());
  if (link == nullptr) return result;

  const int fd = ConnectLoopback(link->port(), kSocketBufferBytes);
  EXPECT_GE(fd, 0);
  result.accepted_bytes = FillUntilBlocked(fd, 64u * 1024 * 1024);
  result.max_queued_bytes = link->stats().max_queued_bytes_up;
  start_reading.set_value();
  ::shutdown(fd, SHUT_WR);
  auto data = received.get_future();
  if (data.wait_for(std::chrono::seconds(10)) == std::future_status::ready) {
    result.delivered_intact = data.get() == Pattern(3, 0, result.accepted_bytes);
  }
  ::close(fd);
  return result;
}

TEST(LinkEmulatorTest, AFullBufferStopsTheSenderAfterABoundedNumberOfBytes) {
  constexpr uint64_t kSmallBuffer = 32 * 1024;
  constexpr uint64_t kLargeBuffer = 1024 * 1024;
  const StalledTransfer small = RunStalledTransfer(kSmallBuffer);
  const StalledTransfer large = RunStalledTransfer(kLargeBuffer);
  RecordProperty("accepted_bytes_small_buffer", static_cast<int>(small.accepted_bytes));
  RecordProperty("accepted_bytes_large_buffer", static_cast<int>(large.accepted_bytes));

  // The relay filled its buffer exactly and never held more.
  EXPECT_EQ(small.max_queued_bytes, kSmallBuffer);
  EXPECT_EQ(large.max_queued_bytes, kLargeBuffer);
  // The sender was stopped after the relay's buffer plus the kernel's: four 16 KiB socket
  // buffers (sender, relay in, relay out, receiver), each doubled by Linux for bookkeeping, and
  // some slack for how the kernel charges packets (measured: about 120 KiB in all).
  const uint64_t kernel_bound = 4 * 2 * 16 * 1024 + 64 * 1024;
  EXPECT_GE(small.accepted_bytes, kSmallBuffer);
  EXPECT_LE(small.accepted_bytes, kSmallBuffer + kernel_bound);
  EXPECT_GE(large.accepted_bytes, kLargeBuffer);
  EXPECT_LE(large.accepted_bytes, kLargeBuffer + kernel_bound);
  // The buffer, not the kernel, makes the difference between the two.
  const double extra =
      static_cast<double>(large.accepted_bytes) - static_cast<double>(small.accepted_bytes);
  EXPECT_NEAR(extra, static_cast<double>(kLargeBuffer - kSmallBuffer), kernel_bound);
  // Nothing was lost or reordered while the sender was held back.
  EXPECT_TRUE(small.delivered_intact);
  EXPECT_TRUE(large.delivered_intact);
}

TEST(LinkEmulatorTest, HalfCloseAndCloseAreForwarded) {
  // The server reads until the client's FIN, then answers with what it counted and closes.
  ThreadedServer server([](int fd) {
    const int64_t got = testing::ReadUntilEof(fd);
    const std::string answer = "received " + std::to_string(got);
    WriteAll(fd, answer.data(), answer.size());
  });
  ASSERT_TRUE(server.ok());
  LinkSpec spec;
  spec.rtt_us = 10'000;
  auto link = StartLink(spec, server.port());
  ASSERT_NE(link, nullptr);

  const int fd = ConnectLoopback(link->port());
  ASSERT_GE(fd, 0);
  const std::string payload = Pattern(4, 0, 100'000);
  ASSERT_TRUE(WriteAll(fd, payload.data(), payload.size()));
  ASSERT_EQ(::shutdown(fd, SHUT_WR), 0);  // half-close: we still read
  std::string answer;
  const int64_t answer_bytes = testing::ReadUntilEof(fd, &answer);
  EXPECT_EQ(answer_bytes, static_cast<int64_t>(answer.size()));
  EXPECT_EQ(answer, "received 100000");  // the FIN reached the server after every byte
  ::close(fd);
  // Both sides ended cleanly, so the relay let go of the connection.
  EXPECT_TRUE(WaitFor([&] { return link->stats().open_connections == 0; }));
  EXPECT_EQ(link->stats().connections, 1u);
}

TEST(LinkEmulatorTest, AResetOnEitherSideResetsTheOther) {
  std::promise<int> server_errno;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ThreadedServer server([&](int fd) {
    char byte;
    // The client's reset must arrive here as a reset, not as a clean end of stream.
    const ssize_t got = ::recv(fd, &byte, 1, 0);
    server_errno.set_value(got < 0 ? errno : 0);
    released.wait();
  });
  ASSERT_TRUE(server.ok());
  auto link = StartLink(LinkSpec{}, server.port());
  ASSERT_NE(link, nullptr);

  const int fd = ConnectLoopback(link->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WaitFor([&] { return server.accepted() == 1; }));
  testing::AbortiveClose(fd);
  auto error = server_errno.get_future();
  ASSERT_EQ(error.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(error.get(), ECONNRESET);
  release.set_value();
  EXPECT_TRUE(WaitFor([&] { return link->stats().open_connections == 0; }));
}

TEST(LinkEmulatorTest, AServerResetReachesTheClient) {
  ThreadedServer server([](int fd) {
    char byte;
    if (::recv(fd, &byte, 1, 0) == 1) {
      // Abort instead of the ordinary close ThreadedServer does afterwards.
      linger option{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
    }
  });
  ASSERT_TRUE(server.ok());
  auto link = StartLink(LinkSpec{}, server.port());
  ASSERT_NE(link, nullptr);
  const int fd = ConnectLoopback(link->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteAll(fd, "x", 1));
  char byte;
  const ssize_t got = ::recv(fd, &byte, 1, 0);
  EXPECT_EQ(got, -1);
  EXPECT_EQ(errno, ECONNRESET);
  ::close(fd);
}

TEST(LinkEmulatorTest, ManyConnectionsAtOnceEachGetTheirOwnBytes) {
  constexpr int kConnections = 50;
  constexpr size_t kBytes = 8 * 1024;
  ThreadedServer echo(testing::EchoHandler);
  ASSERT_TRUE(echo.ok());
  LinkSpec spec;
  spec.rtt_us = 10'000;
  spec.bandwidth_bits_per_s = 200'000'000;
  auto link = StartLink(spec, echo.port());
  ASSERT_NE(link, nullptr);

  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = ConnectLoopback(link->port());
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  // All are open through the relay at the same time.
  EXPECT_TRUE(WaitFor([&] { return echo.accepted() == kConnections; }));
  EXPECT_EQ(link->stats().open_connections, static_cast<uint64_t>(kConnections));
  for (int i = 0; i < kConnections; ++i) {
    const std::string payload = Pattern(100 + i, 0, kBytes);
    ASSERT_TRUE(WriteAll(fds[i], payload.data(), payload.size()));
  }
  for (int i = 0; i < kConnections; ++i) {
    std::string echoed(kBytes, '\0');
    ASSERT_TRUE(ReadExactly(fds[i], echoed.data(), echoed.size())) << "connection " << i;
    EXPECT_TRUE(echoed == Pattern(100 + i, 0, kBytes))
        << "connection " << i << " got others' bytes";
  }
  for (int fd : fds) ::close(fd);
  // The relay counts a byte just after handing it to the kernel, which may be after the reader
  // got it: wait for the counters to settle.
  EXPECT_TRUE(WaitFor([&] { return link->stats().open_connections == 0; }));
  const LinkEmulator::Stats stats = link->stats();
  EXPECT_EQ(stats.connections, static_cast<uint64_t>(kConnections));
  EXPECT_EQ(stats.bytes_up, kConnections * kBytes);
  EXPECT_EQ(stats.bytes_down, kConnections * kBytes);
}

TEST(LinkEmulatorTest, AnUnreachableUpstreamClosesTheClient) {
  // A port nobody listens on: bind one, then close it.
  int port = 0;
  const int probe = testing::ListenLoopback(&port);
  ASSERT_GE(probe, 0);
  ::close(probe);
  auto link = StartLink(LinkSpec{}, port);
  ASSERT_NE(link, nullptr);
  const int fd = ConnectLoopback(link->port());
  ASSERT_GE(fd, 0);
  char byte;
  const ssize_t got = ::recv(fd, &byte, 1, 0);
  EXPECT_TRUE(got == 0 || (got < 0 && errno == ECONNRESET)) << "recv returned " << got;
  ::close(fd);
  EXPECT_TRUE(WaitFor([&] { return link->stats().upstream_connect_failures == 1; }));
}

TEST(LinkEmulatorTest, StartRejectsABadSpecOrUpstream) {
  std::string error;
  LinkSpec spec;
  spec.rtt_us = -1;
  EXPECT_EQ(LinkEmulator::Start(spec, "127.0.0.1", 5000, &error), nullptr);
  EXPECT_THAT(error, ::testing::HasSubstr("rtt_us"));
  EXPECT_EQ(LinkEmulator::Start(LinkSpec{}, "127.0.0.1", 0, &error), nullptr);
  EXPECT_THAT(error, ::testing::HasSubstr("upstream port"));
  EXPECT_EQ(LinkEmulator::Start(LinkSpec{}, "no such host.invalid", 5000, &error), nullptr);
  EXPECT_THAT(error, ::testing::HasSubstr("cannot resolve upstream"));
}

TEST(LinkEmulatorTest, StopClosesListenerAndConnectionsAndIsIdempotent) {
  ThreadedServer echo(testing::EchoHandler);
  ASSERT_TRUE(echo.ok());
  auto link = StartLink(LinkSpec{}, echo.port());
  ASSERT_NE(link, nullptr);
  const int port = link->port();
  const int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WaitFor([&] { return echo.accepted() == 1; }));
  link->Stop();
  link->Stop();
  char byte;
  const ssize_t got = ::recv(fd, &byte, 1, 0);
  EXPECT_TRUE(got == 0 || (got < 0 && errno == ECONNRESET)) << "recv returned " << got;
  ::close(fd);
  EXPECT_EQ(ConnectLoopback(port), -1);  // nothing listens any more
  EXPECT_EQ(link->stats().open_connections, 0u);
}

}  // namespace
}  // namespace streambench::link
