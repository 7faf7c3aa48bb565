// Test support for the hostile-target tests: a server on an ephemeral 127.0.0.1 port that
// misbehaves in one chosen way, at the socket or at the HTTP/2 level (libnghttp2's server API),
// where the reference server cannot (it always speaks correct gRPC). Every connection is served
// on a thread of its own until the server is destroyed, which closes every socket and joins them.
//
// The HTTP/2 kinds answer `streambench.v1` unary calls: a well-formed answer is the request's
// echo (seq, timestamps, an empty payload) as a `Response`, with `grpc-status: 0` in trailers;
// each kind spoils that answer in one way.
// Thread-safety: construct and destroy on one thread; the counters may be read from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace streambench::testing {

enum class HostileKind {
  // Socket level: what is not an HTTP/2 server at all.
  kHttp1,   // reads the request, answers "HTTP/1.1 400 Bad Request", closes
  kSilent,  // accepts and never sends a byte (reads and discards what comes)
  kReset,   // accepts, then closes at once with SO_LINGER 0 (the client sees a reset)
  // HTTP/2 level: SETTINGS are exchanged, so the connection is up; the calls fail.
  kHtml,          // every stream: `:status 200`, `content-type: text/html`, an HTML body
  kNoGrpcStatus,  // a well-formed response message, then trailers without `grpc-status`
  kUnparsable,    // a gRPC frame whose bytes do not parse as a Response, `grpc-status: 0`
  kOversized,     // a well-formed Response of `oversized_payload_bytes` payload
  kGoawayAfter,   // well-formed answers; after `goaway_after_streams` streams on a connection,
                  // GOAWAY (NO_ERROR), the connection closed once the client leaves
  kStallReads,    // SETTINGS, then never reads again once a stream's HEADERS arrived: the
                  // client's writes block on flow control
};

struct HostileOptions {
  HostileKind kind = HostileKind::kHtml;
  uint32_t oversized_payload_bytes = 256 * 1024;
  uint32_t goaway_after_streams = 20;
};

class HostileServer {
 public:
  explicit HostileServer(HostileOptions options);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  // "127.0.0.1:PORT"; empty when the listening socket could not be made.
  std::string address() const;
  // Connections accepted so far.
  uint64_t connections() const { return connections_.load(); }
  // HTTP/2 streams answered so far (every kind that answers).
  uint64_t streams_answered() const { return streams_answered_.load(); }
  // GOAWAY frames sent so far.
  uint64_t goaways_sent() const { return goaways_sent_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd);
  void ServeHttp2(int fd);

  const HostileOptions options_;
  int listen_fd_ = -1;
  int port_ = 0;
  int stop_fd_ = -1;  // an eventfd: readable once the server is being destroyed
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connection_threads_;  // guarded by mu_
  std::vector<int> connection_fds_;              // guarded by mu_; closed by the destructor
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> streams_answered_{0};
  std::atomic<uint64_t> goaways_sent_{0};
};

}  // namespace streambench::testing
