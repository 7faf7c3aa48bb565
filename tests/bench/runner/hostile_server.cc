#include "tests/bench/runner/hostile_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "common/crc32c.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench::testing {
namespace {

// Sends all of `data`; false when the peer is gone.
bool SendAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Waits until `fd` is readable (true) or the server is stopping (false).
bool WaitReadable(int fd, int stop_fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) return false;
  }
  return (fds[1].revents & POLLIN) == 0;
}

// A gRPC length-prefixed message (uncompressed).
std::string Framed(std::string_view message) {
  std::string out(5, '\0');
  const auto size = static_cast<uint32_t>(message.size());
  out[1] = static_cast<char>(size >> 24);
  out[2] = static_cast<char>(size >> 16);
  out[3] = static_cast<char>(size >> 8);
  out[4] = static_cast<char>(size);
  out.append(message);
  return out;
}

nghttp2_nv Header(const char* name, const char* value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name)),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value)), std::strlen(name),
          std::strlen(value), NGHTTP2_NV_FLAG_NONE};
}

// One HTTP/2 connection of an HTTP/2-level kind.
class Http2Session {
 public:
  Http2Session(int fd, const HostileOptions& options, std::atomic<uint64_t>* answered,
               std::atomic<uint64_t>* goaways)
      : fd_(fd), options_(options), answered_(answered), goaways_(goaways) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &OnFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &OnDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &OnStreamClose);
    nghttp2_session_server_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Http2Session() { nghttp2_session_del(session_); }
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  // Serves until the peer leaves, a protocol error, or the server stops.
  void Run(int stop_fd) {
    uint8_t buffer[16384];
    while (Flush()) {
      if (stalled_) {
        // Never reads again: what the client sends piles up in its flow-control windows.
        WaitReadable(stop_fd, stop_fd);
        return;
      }
      if (!WaitReadable(fd_, stop_fd)) return;
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      if (nghttp2_session_mem_recv(session_, buffer, static_cast<size_t>(n)) < 0) return;
    }
  }

 private:
  struct Stream {
    std::string request;  // the request's DATA, framed
    std::string body;     // what is sent as DATA
    size_t sent = 0;
    bool trailers = true;  // ends with a trailers HEADERS frame (else END_STREAM on the DATA)
  };

  bool Flush() {
    while (nghttp2_session_want_write(session_) != 0) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return false;
      if (n == 0) break;
      if (!SendAll(fd_, data, static_cast<size_t>(n))) return false;
    }
    return true;
  }

  // The well-formed answer to a unary request: its echo as a Response.
  static std::string EchoResponse(const std::string& framed_request, uint32_t payload_bytes) {
    v1::Request request;
    if (framed_request.size() >= 5) {
      request.ParseFromArray(framed_request.data() + 5,
                             static_cast<int>(framed_request.size() - 5));
    }
    v1::Response response;
    response.set_request_seq(request.seq());
    response.set_client_send_time_ns(request.client_send_time_ns());
    response.set_intended_send_time_ns(request.intended_send_time_ns());
    response.set_payload(std::string(payload_bytes, 'x'));
    response.set_payload_crc32c(Crc32c(response.payload()));
    return Framed(response.SerializeAsString());
  }

  void Answer(int32_t stream_id) {
    Stream& stream = streams_[stream_id];
    std::vector<nghttp2_nv> headers = {Header(":status", "200"),
                                       Header("content-type", "application/grpc")};
    switch (options_.kind) {
      case HostileKind::kHtml:
        headers[1] = Header("content-type", "text/html; charset=utf-8");
        stream.body = "<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>\n";
        stream.trailers = false;
        break;
      case HostileKind::kUnparsable:
        // A field tag whose varint never ends: no protobuf parser accepts it.
        stream.body = Framed(std::string(8, '\xff'));
        break;
      case HostileKind::kOversized:
        stream.body = EchoResponse(stream.request, options_.oversized_payload_bytes);
        break;
      default:
        stream.body = EchoResponse(stream.request, 0);
        break;
    }
    nghttp2_data_provider provider;
    provider.source.ptr = &stream;
    provider.read_callback = &ReadBody;
    nghttp2_submit_response(session_, stream_id, headers.data(), headers.size(), &provider);
    answered_->fetch_add(1);
    if (options_.kind == HostileKind::kGoawayAfter &&
        ++answered_here_ == options_.goaway_after_streams) {
      nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_NO_ERROR, nullptr, 0);
      goaways_->fetch_add(1);
    }
  }

  static ssize_t ReadBody(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length,
                          uint32_t* flags, nghttp2_data_source* source, void* user_data) {
    auto* stream = static_cast<Stream*>(source->ptr);
    auto* self = static_cast<Http2Session*>(user_data);
    const size_t n = std::min(length, stream->body.size() - stream->sent);
    std::memcpy(buf, stream->body.data() + stream->sent, n);
    stream->sent += n;
    if (stream->sent < stream->body.size()) return static_cast<ssize_t>(n);
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    if (!stream->trailers) return static_cast<ssize_t>(n);
    *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
    if (self->options_.kind == HostileKind::kNoGrpcStatus) {
      // Trailers, but not the one a gRPC client needs.
      nghttp2_nv trailer = Header("x-note", "no grpc-status here");
      nghttp2_submit_trailer(session, stream_id, &trailer, 1);
    } else {
      nghttp2_nv trailer = Header("grpc-status", "0");
      nghttp2_submit_trailer(session, stream_id, &trailer, 1);
    }
    return static_cast<ssize_t>(n);
  }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto* self = static_cast<Http2Session*>(user_data);
    const int32_t id = frame->hd.stream_id;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      self->streams_[id];
      if (self->options_.kind == HostileKind::kStallReads) self->stalled_ = true;
    }
    const bool request_ended =
        (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (request_ended && self->streams_.count(id) != 0 && !self->stalled_) self->Answer(id);
    return 0;
  }

  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user_data) {
    auto* self = static_cast<Http2Session*>(user_data);
    auto it = self->streams_.find(stream_id);
    if (it != self->streams_.end())
      it->second.request.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t, void* user_data) {
    static_cast<Http2Session*>(user_data)->streams_.erase(stream_id);
    return 0;
  }

  const int fd_;
  const HostileOptions& options_;
  std::atomic<uint64_t>* answered_;
  std::atomic<uint64_t>* goaways_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, Stream> streams_;
  uint32_t answered_here_ = 0;
  bool stalled_ = false;
};

}  // namespace

HostileServer::HostileServer(HostileOptions options) : options_(options) {
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

HostileServer::~HostileServer() {
  const uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof(one));
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(connection_threads_);
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (int fd : connection_fds_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  ::close(stop_fd_);
}

std::string HostileServer::address() const {
  return port_ == 0 ? "" : "127.0.0.1:" + std::to_string(port_);
}

void HostileServer::AcceptLoop() {
  while (WaitReadable(listen_fd_, stop_fd_)) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.fetch_add(1);
    if (options_.kind == HostileKind::kReset) {
      // Linger 0: the close sends RST instead of FIN.
      const linger abort_on_close{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
      ::close(fd);
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    connection_fds_.push_back(fd);
    connection_threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void HostileServer::Serve(int fd) {
  char buffer[4096];
  switch (options_.kind) {
    case HostileKind::kHttp1: {
      // Whatever came (a gRPC client's HTTP/2 preface reads as a request line "PRI * HTTP/2.0"),
      // an HTTP/1.1 server refuses it and closes.
      if (!WaitReadable(fd, stop_fd_) || ::recv(fd, buffer, sizeof(buffer), 0) <= 0) return;
      static constexpr char kRefusal[] =
          "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
          "Connection: close\r\n\r\nBad Request";
      SendAll(fd, reinterpret_cast<const uint8_t*>(kRefusal), sizeof(kRefusal) - 1);
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    case HostileKind::kSilent:
      while (WaitReadable(fd, stop_fd_) && ::recv(fd, buffer, sizeof(buffer), 0) > 0) {
      }
      return;
    default:
      ServeHttp2(fd);
      ::shutdown(fd, SHUT_RDWR);
      return;
  }
}

void HostileServer::ServeHttp2(int fd) {
  Http2Session session(fd, options_, &streams_answered_, &goaways_sent_);
  session.Run(stop_fd_);
}

}  // namespace streambench::testing
