// Plain-socket helpers for the link emulator's tests: loopback listeners and clients with
// timeouts (so no test can hang), whole-buffer reads and writes, a byte pattern to check
// integrity, and small threaded upstream servers (echo, sink, stalled).
// Thread-safety: the free functions are; each server object is driven by one test thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace streambench::link::testing {

// A blocking loopback listener on 127.0.0.1:0 (receive buffer `rcvbuf_bytes` if > 0, set before
// listen so accepted sockets inherit it); -1 on error. `*port` gets the port.
int ListenLoopback(int* port, int rcvbuf_bytes = 0);
// A blocking connection to 127.0.0.1:port with 10 s send/receive timeouts and TCP_NODELAY
// (send buffer `sndbuf_bytes` if > 0); -1 on error.
int ConnectLoopback(int port, int sndbuf_bytes = 0);
// Sets a 10 s receive and send timeout on a blocking socket, so a broken relay fails the test
// instead of hanging it.
void SetTimeouts(int fd);
bool WriteAll(int fd, const char* data, size_t size_bytes);
// Reads exactly `size_bytes`; false on EOF, error or timeout first.
bool ReadExactly(int fd, char* data, size_t size_bytes);
// Reads until EOF; returns the bytes read, or -1 on error/timeout (errno kept).
int64_t ReadUntilEof(int fd, std::string* data = nullptr);
// close() that sends RST instead of FIN.
void AbortiveClose(int fd);

// A deterministic byte stream: byte i of stream `stream_id`.
inline char PatternByte(uint64_t stream_id, uint64_t i) {
  return static_cast<char>((i * 131 + stream_id * 7 + (i >> 13)) & 0xFF);
}
std::string Pattern(uint64_t stream_id, uint64_t offset, size_t size_bytes);

// A loopback server that runs `handler(fd)` on its own thread for every accepted connection and
// closes the fd afterwards. Stop() (and the destructor) stops accepting and joins every thread;
// handlers must end on their own (EOF or the socket timeouts).
class ThreadedServer {
 public:
  explicit ThreadedServer(std::function<void(int fd)> handler, int rcvbuf_bytes = 0);
  ~ThreadedServer();
  bool ok() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  void Stop();

 private:
  std::function<void(int)> handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> handlers_;
};

// Echoes every byte back until EOF, then shuts its write side.
void EchoHandler(int fd);

}  // namespace streambench::link::testing
