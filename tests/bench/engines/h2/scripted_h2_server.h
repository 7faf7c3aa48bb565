// Test support: an HTTP/2 server (nghttp2, its own thread) on an ephemeral loopback port that
// answers each request by its :path with what gRPC servers send only on faults or from proxies,
// so the engine's mapping of them to gRPC statuses can be tested end to end:
//   /rst/<code>   RST_STREAM with HTTP/2 error <code> (decimal), once the request headers arrive
//   /http/<code>  a response with :status <code> and no grpc-status (HEADERS with END_STREAM)
//   /message      grpc-status 2 with a grpc-message holding percent escapes, bad ones included
//                 (kScriptedGrpcMessage on the wire, kScriptedGrpcMessageDecoded as gRPC reads it)
//   /timeout      grpc-status 0 with grpc-message holding the request's grpc-timeout ("none")
//   /hold         no answer until a /goaway request arrives
//   /goaway       GOAWAY (NO_ERROR) whose last stream id is the first /hold stream's, then that
//                 stream is answered OK; every later stream is left to the GOAWAY
//   /window/hold  the server does not read this stream's data: its flow-control windows close
//                 once the client sent 65535 bytes (held_bytes() counts what arrived); answered
//                 OK when the client half-closes
//   /window/release  reads every held stream's data (WINDOW_UPDATE follows) and stops holding;
//                 answered OK
//   /window/end   answers every held stream with grpc-status 9 before the client half-closed
//                 (what it still sends is left unread); answered OK
// Every other stream's data is read as it arrives.
// Anything else is answered grpc-status 12 (UNIMPLEMENTED). One connection at a time.
// Thread-safety: construct and destroy on one thread; the server runs on its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace streambench::engines::h2 {

inline constexpr char kScriptedGrpcMessage[] = "%E2%98%BA ok%20%zz%4";
inline constexpr char kScriptedGrpcMessageDecoded[] = "\xE2\x98\xBA ok %zz%4";

class ScriptedH2Server {
 public:
  ScriptedH2Server();  // listening when target() is not empty
  ~ScriptedH2Server();
  ScriptedH2Server(const ScriptedH2Server&) = delete;
  ScriptedH2Server& operator=(const ScriptedH2Server&) = delete;

  const std::string& target() const { return target_; }
  // DATA bytes that arrived on /window/hold streams (any thread).
  uint64_t held_bytes() const { return held_bytes_.load(); }

 private:
  void Serve();

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: the destructor writes to stop Serve()
  std::string target_;
  std::atomic<uint64_t> held_bytes_{0};
  std::thread thread_;
};

}  // namespace streambench::engines::h2
