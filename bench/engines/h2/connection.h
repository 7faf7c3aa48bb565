// Connection: one HTTP/2 connection to a gRPC server, speaking gRPC over nghttp2 without gRPC's
// own library. Streams are started, written, half-closed and cancelled here; their responses
// arrive through a StreamHandler. Nothing is sent until Flush(), which hands every frame that all
// streams queued since the last flush to the kernel in one write: the frames of many streams
// share TCP segments and a single syscall, which is what lets one thread drive many streams.
// Flow control: the initial stream and connection windows are settings; nghttp2 sends
// WINDOW_UPDATEs as data is consumed. There is no BDP probing: the windows stay as configured.
// Thread-safety: not thread-safe; one event-loop thread owns a connection and all its streams.
#pragma once

#include <nghttp2/nghttp2.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/engines/engine.h"
#include "bench/engines/h2/grpc_wire.h"
#include "bench/engines/h2/session_memory.h"
#include "bench/engines/h2/tls_socket.h"

namespace streambench::engines::h2 {

// Request or response metadata in wire order; "-bin" values are the bytes (the engine base64s
// them on the wire). The engine interface's own type, so the h2 engine passes it on as it is.
using Metadata = engines::Metadata;

// How a call ended: the gRPC status code (grpc_wire.h GrpcCode values), its message
// (percent-decoded) and the trailing metadata (empty when this side ended the call).
struct CallStatus {
  CallStatus() = default;
  CallStatus(int code, std::string message, Metadata trailing_metadata = {})
      : code(code), message(std::move(message)), trailing_metadata(std::move(trailing_metadata)) {}

  int code = kOk;
  std::string message;
  Metadata trailing_metadata;
};

// Receives one stream's events, on the connection's thread, in this order: initial metadata (at
// most once; not for a trailers-only response, whose metadata is all trailing), messages, close.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // The response headers' application metadata (the protocol's own headers left out).
  virtual void OnInitialMetadata(const Metadata& /*metadata*/) {}
  virtual void OnMessage(std::string_view message) = 0;
  // nghttp2 took the last byte of the oldest message written with Write() and not yet reported
  // into a DATA frame: flow control let it go. Once per message, in Write order; never after
  // OnClose. Called from inside Flush().
  virtual void OnMessageSent() {}
  // The last event of the stream; the handler may be destroyed from here on.
  virtual void OnClose(const CallStatus& status) = 0;
};

struct ConnectionSettings {
  std::string authority;  // :authority; the target when empty
  uint32_t initial_stream_window_bytes = 65535;
  uint32_t initial_connection_window_bytes = 65535;
  uint32_t max_frame_size_bytes = 16384;
  size_t max_receive_message_bytes = 4 << 20;
  std::chrono::milliseconds connect_timeout{5000};
  TlsSettings tls;            // enabled: TLS through tls_socket.h, :scheme https
  std::string authorization;  // sent as `authorization` with every call when not empty (a secret)
};

// A stream of a Connection, as StartCall returned it. It stays valid until the stream's
// handler got OnClose; after that the connection's methods find nothing by it and do nothing
// (the stream's state is reused for later streams, under a new generation).
struct StreamHandle {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class Connection {
 public:
  // Connects to "host:port" (IPv4 or [IPv6]), waiting for the TCP handshake at most
  // settings.connect_timeout; nullptr with `error` when it cannot.
  static std::unique_ptr<Connection> Connect(const std::string& target,
                                             const ConnectionSettings& settings,
                                             std::string* error);
  // Starts connecting without waiting: streams may start at once (their frames leave once the
  // handshake is done). The event loop completes it; a refusal or no answer within
  // settings.connect_timeout ends the connection (and its streams, UNAVAILABLE). nullptr with
  // `error` when it fails at once (a bad target, an immediate refusal). Only the first address
  // that does not fail at once is tried.
  static std::unique_ptr<Connection> StartConnect(const std::string& target,
                                                  const ConnectionSettings& settings,
                                                  std::string* error);
  ~Connection();  // closes the socket; open streams are closed with UNAVAILABLE first
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  bool alive() const { return fd_ >= 0; }
  // True from StartConnect until the handshake completed and the server's first SETTINGS frame
  // arrived (as gRPC's channels become READY only then: a port that accepts and never speaks
  // HTTP/2 is not connected), or until the connection failed.
  bool connecting() const { return connecting_ || (alive() && !server_settings_received_); }
  // Why the connection takes no new streams while it is alive: the server's GOAWAY, or nghttp2
  // ended the session on bytes that are not HTTP/2.
  std::string refusal() const;
  // Waits in poll (blocking the thread) for a StartConnect's handshake, at most `timeout`; true
  // once connected. A refusal ends the connection (failure() says why).
  bool AwaitConnect(std::chrono::milliseconds timeout);
  // Why the connection ended (empty while alive).
  const std::string& failure() const { return failure_; }
  // False once the server sent GOAWAY (its open streams go on; new ones need a new connection).
  bool accepting_streams() const;
  size_t open_streams() const { return open_streams_; }

  // Starts a call of `path` ("/pkg.Service/Method") with request `metadata` ("-bin" values as
  // bytes); `handler` must outlive the stream (until its OnClose). `deadline` = time_point::max()
  // for none; otherwise sent as grpc-timeout and enforced here (DEADLINE_EXCEEDED). Returns the
  // stream's handle, or an invalid one when the connection cannot take another stream (closed,
  // or GOAWAY received; then handler->OnClose was called with UNAVAILABLE).
  StreamHandle StartCall(std::string_view path, const Metadata& metadata,
                         std::chrono::steady_clock::time_point deadline, StreamHandler* handler);
  // Queues one message on the stream (framed here); sent at the next Flush(), which reports
  // handler->OnMessageSent() once flow control let its last byte go.
  void Write(StreamHandle stream, std::string_view message);
  // Half-closes the stream once its queued messages are out.
  void WritesDone(StreamHandle stream);
  // Resets the stream (RST_STREAM CANCEL); its handler gets OnClose(CANCELLED), as for Reset.
  void Cancel(StreamHandle stream);
  // Resets the stream (RST_STREAM CANCEL) for a reason of this side; its handler gets
  // OnClose(`status`) (e.g. RESOURCE_EXHAUSTED for a message over the send limit): once the reset
  // is sent, or at once (inside this call) while the connection is still connecting.
  void Reset(StreamHandle stream, CallStatus status);

  // Reads what the socket has and dispatches it. False when the connection has ended (every
  // open stream then got OnClose with UNAVAILABLE).
  bool OnReadable();
  // Writes every queued frame of every stream, in as few writes as the kernel allows. False when
  // the connection has ended.
  bool Flush();
  // True when frames are queued or a write is waiting for the socket.
  bool wants_write() const;
  // Ends the streams whose deadline has passed (DEADLINE_EXCEEDED), and the connection when it
  // is still connecting at its connect deadline.
  void ExpireDeadlines(std::chrono::steady_clock::time_point now);
  // The earliest deadline of an open stream or of the connect (time_point::max() when none).
  std::chrono::steady_clock::time_point next_deadline() const;
  // False when next_deadline() is max() and ExpireDeadlines has nothing to do: the common case,
  // inline so a loop over many idle connections costs no call per connection.
  bool has_deadline() const {
    return connecting_ || !server_settings_received_ || streams_with_deadline_ != 0;
  }

  // Flush requests: a loop that owns many connections flushes only those with something to send.
  // Once given a list, the connection appends `id` to it whenever it may have queued frames (a
  // call started, written, half-closed or reset; bytes read), at most once until its next Flush().
  void set_flush_list(std::vector<size_t>* list, size_t id) {
    flush_list_ = list;
    flush_id_ = id;
    flush_requested_ = false;
  }
  // Puts the connection on its flush list (when it has one and is not on it already).
  void RequestFlush() {
    if (flush_list_ == nullptr || flush_requested_) return;
    flush_requested_ = true;
    flush_list_->push_back(flush_id_);
  }

 private:
  struct Stream;
  Connection(int fd, const ConnectionSettings& settings, std::string target, std::string authority,
             bool connecting);
  static std::unique_ptr<Connection> Open(const std::string& target,
                                          const ConnectionSettings& settings, bool wait_for_connect,
                                          std::string* error);
  void Fail(const std::string& why);         // ends the connection and every stream
  std::string SocketError(int error) const;  // what a socket error means now
  // A stream's state by its handle, or by nghttp2's stream id (null when it has ended).
  Stream* Find(StreamHandle handle);
  Stream* FindOpen(int32_t stream_id);
  // Streams' state is pooled: a call takes one and gives it back at its end, so a call costs no
  // allocation of it (nor of its buffers, which keep their capacity).
  Stream* AcquireStream();
  void ReleaseStream(Stream* stream);
  void ResetStream(Stream* stream, CallStatus status);

  static ssize_t ReadBody(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                          uint32_t* data_flags, nghttp2_data_source*, void* user_data);
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t flags,
                      void* user_data);
  static int OnFrameReceived(nghttp2_session*, const nghttp2_frame* frame, void* user_data);
  static int OnFrameNotSent(nghttp2_session*, const nghttp2_frame* frame, int lib_error_code,
                            void* user_data);
  static int OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user_data);
  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                           void* user_data);

  int fd_ = -1;
  ConnectionSettings settings_;
  std::string target_;
  std::string authority_;
  bool connecting_ = false;
  bool tcp_connected_ = false;  // while connecting_: the TCP handshake is done, TLS's is not
  std::unique_ptr<TransportSocket> socket_;  // the bytes' way to fd_: plain, or TLS
  std::chrono::steady_clock::time_point connect_deadline_;
  bool server_settings_received_ = false;
  // The server's first SETTINGS must arrive by then, or the connection fails.
  std::chrono::steady_clock::time_point settings_deadline_;
  std::string failure_;
  SessionMemory memory_;  // the session's allocator: outlives it (deleted in ~Connection)
  nghttp2_session* session_ = nullptr;
  std::vector<std::unique_ptr<Stream>> stream_slots_;  // every Stream made, by slot
  std::vector<uint32_t> free_slots_;                   // slots of ended streams, for reuse
  Stream* open_head_ = nullptr;                        // the open streams, linked
  size_t open_streams_ = 0;
  bool goaway_received_ = false;
  size_t streams_with_deadline_ = 0;         // open streams whose deadline is not max()
  std::vector<nghttp2_nv> request_headers_;  // StartCall's scratch
  std::string out_;  // frames produced by nghttp2, not yet written to the socket
  size_t out_offset_ = 0;
  std::vector<size_t>* flush_list_ = nullptr;  // see set_flush_list
  size_t flush_id_ = 0;
  bool flush_requested_ = false;  // flush_id_ is on flush_list_ since the last Flush()
};

}  // namespace streambench::engines::h2
