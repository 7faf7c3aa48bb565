#include "bench/macro/tcp_loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <numeric>
#include <thread>
#include <vector>

#include "bench/macro/sample_percentile.h"
#include "common/clock.h"

namespace streambench::macro {
namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Closes the descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A listening socket on 127.0.0.1, an ephemeral port.
bool Listen(Fd* fd, uint16_t* port, std::string* error) {
  fd->Reset(::socket(AF_INET, SOCK_STREAM, 0));
  if (fd->get() < 0) return *error = Errno("socket"), false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd->get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return *error = Errno("bind"), false;
  }
  if (::listen(fd->get(), 1) != 0) return *error = Errno("listen"), false;
  socklen_t len = sizeof(addr);
  if (::getsockname(fd->get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return *error = Errno("getsockname"), false;
  }
  *port = ntohs(addr.sin_port);
  return true;
}

void NoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

bool Connect(uint16_t port, Fd* fd, std::string* error) {
  fd->Reset(::socket(AF_INET, SOCK_STREAM, 0));
  if (fd->get() < 0) return *error = Errno("socket"), false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd->get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return *error = Errno("connect"), false;
  }
  NoDelay(fd->get());
  return true;
}

// Accepts one connection (the listener is closed after it).
bool AcceptOne(Fd* listener, Fd* conn, std::string* error) {
  conn->Reset(::accept(listener->get(), nullptr, nullptr));
  listener->Close();
  if (conn->get() < 0) return *error = Errno("accept"), false;
  NoDelay(conn->get());
  return true;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; false on EOF or error.
bool ReadAll(int fd, char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool RunTcpPingPong(const TcpPingPongOptions& options, TcpPingPongResult* result,
                    std::string* error) {
  if (options.payload_bytes == 0) return *error = "payload must be > 0", false;
  Fd listener;
  uint16_t port = 0;
  if (!Listen(&listener, &port, error)) return false;
  // Connect before the server thread exists: the kernel completes the handshake from the
  // backlog, and a failed connect leaves no thread blocked in accept().
  Fd client;
  if (!Connect(port, &client, error)) return false;

  // Echo server: reads one payload, writes it back, until the client closes.
  std::string server_error;
  std::thread server([&] {
    Fd conn;
    if (!AcceptOne(&listener, &conn, &server_error)) return;
    std::vector<char> buf(options.payload_bytes);
    while (ReadAll(conn.get(), buf.data(), buf.size())) {
      if (!WriteAll(conn.get(), buf.data(), buf.size())) break;
    }
  });

  bool ok = true;
  std::vector<int64_t> rtt_ns;
  {
    std::vector<char> out(options.payload_bytes, 'x'), in(options.payload_bytes);
    rtt_ns.reserve(options.round_trips);
    auto round_trip = [&] {
      return WriteAll(client.get(), out.data(), out.size()) &&
             ReadAll(client.get(), in.data(), in.size());
    };
    for (uint64_t i = 0; ok && i < options.warmup_round_trips; ++i) ok = round_trip();
    const int64_t deadline = SteadyNowNs() + options.max_duration_us * 1000;
    while (ok && rtt_ns.size() < options.round_trips) {
      const int64_t start = SteadyNowNs();
      ok = round_trip();
      const int64_t end = SteadyNowNs();
      rtt_ns.push_back(end - start);  // reserved: no allocation here
      if (end >= deadline) break;
    }
    if (!ok) *error = Errno("ping-pong round trip");
    client.Close();  // ends the server loop
  }
  server.join();
  if (!server_error.empty()) return *error = server_error, false;
  if (!ok) return false;

  result->round_trips = rtt_ns.size();
  result->rtt_mean_us =
      rtt_ns.empty() ? 0 : std::accumulate(rtt_ns.begin(), rtt_ns.end(), 0.0) / rtt_ns.size() / 1e3;
  result->rtt_p50_us = SamplePercentile(rtt_ns, 0.50) / 1e3;
  result->rtt_p99_us = SamplePercentile(rtt_ns, 0.99) / 1e3;
  return true;
}

bool RunTcpBulk(const TcpBulkOptions& options, TcpBulkResult* result, std::string* error) {
  if (options.write_bytes == 0) return *error = "write size must be > 0", false;
  Fd listener;
  uint16_t port = 0;
  if (!Listen(&listener, &port, error)) return false;
  Fd client;  // connected first, as in RunTcpPingPong
  if (!Connect(port, &client, error)) return false;

  // Receiver: counts bytes until EOF and notes when the last one arrived.
  std::string server_error;
  uint64_t received = 0;
  int64_t last_byte_ns = 0;
  std::thread server([&] {
    Fd conn;
    if (!AcceptOne(&listener, &conn, &server_error)) return;
    std::vector<char> buf(options.write_bytes);
    for (;;) {
      const ssize_t n = ::recv(conn.get(), buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        server_error = Errno("bulk recv");
        return;
      }
      if (n == 0) break;
      received += static_cast<uint64_t>(n);
    }
    last_byte_ns = SteadyNowNs();
  });

  bool ok = true;
  int64_t start_ns = 0;
  {
    std::vector<char> out(options.write_bytes, 'x');
    start_ns = SteadyNowNs();
    const int64_t deadline = start_ns + options.duration_us * 1000;
    while (ok && SteadyNowNs() < deadline) ok = WriteAll(client.get(), out.data(), out.size());
    if (!ok) *error = Errno("bulk send");
    ::shutdown(client.get(), SHUT_WR);
  }
  server.join();
  if (!server_error.empty()) return *error = server_error, false;
  if (!ok) return false;
  result->bytes = received;
  result->duration_s = (last_byte_ns - start_ns) / 1e9;
  return true;
}

}  // namespace streambench::macro
