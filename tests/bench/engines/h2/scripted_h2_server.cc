#include "tests/bench/engines/h2/scripted_h2_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

namespace streambench::engines::h2 {
namespace {

nghttp2_nv Nv(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

// One accepted connection's session and what its streams asked for.
class Session {
 public:
  Session(int fd, std::atomic<uint64_t>* held_bytes) : fd_(fd), held_bytes_(held_bytes) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Session::OnHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Session::OnFrame);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Session::OnData);
    nghttp2_option* options = nullptr;
    nghttp2_option_new(&options);
    // Data is read (its window given back) by the scripts, so /window/hold can keep it unread.
    nghttp2_option_set_no_auto_window_update(options, 1);
    nghttp2_session_server_new2(&session_, callbacks, this, options);
    nghttp2_option_del(options);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Session() {
    nghttp2_session_del(session_);
    ::close(fd_);
  }

  int fd() const { return fd_; }

  // Reads what arrived and answers; false when the connection is over.
  bool OnReadable() {
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    if (nghttp2_session_mem_recv(session_, reinterpret_cast<uint8_t*>(buf), n) < 0) return false;
    return Flush();
  }

 private:
  bool Flush() {
    for (;;) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return false;
      if (n == 0) return true;
      for (ssize_t sent = 0; sent < n;) {
        const ssize_t w = ::send(fd_, data + sent, n - sent, MSG_NOSIGNAL);
        if (w <= 0) return false;
        sent += w;
      }
    }
  }

  void Answer(int32_t id, const std::string& status, const std::string& message = "") {
    std::vector<nghttp2_nv> headers = {Nv(":status", "200"), Nv("content-type", "application/grpc"),
                                       Nv("grpc-status", status)};
    if (!message.empty()) headers.push_back(Nv("grpc-message", message));
    nghttp2_submit_headers(session_, NGHTTP2_FLAG_END_STREAM, id, nullptr, headers.data(),
                           headers.size(), nullptr);
  }

  void OnRequest(int32_t id, const std::string& path) {
    if (path.rfind("/rst/", 0) == 0) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id,
                                static_cast<uint32_t>(std::atoi(path.c_str() + 5)));
    } else if (path.rfind("/http/", 0) == 0) {
      const std::string code = path.substr(6);
      const nghttp2_nv headers[] = {Nv(":status", code), Nv("content-type", "text/plain")};
      nghttp2_submit_headers(session_, NGHTTP2_FLAG_END_STREAM, id, nullptr, headers, 2, nullptr);
    } else if (path == "/message") {
      Answer(id, "2", kScriptedGrpcMessage);
    } else if (path == "/timeout") {
      const auto it = timeouts_.find(id);
      Answer(id, "0", it == timeouts_.end() ? "none" : it->second);
    } else if (path == "/hold") {
      held_.push_back(id);
    } else if (path == "/window/hold") {
      window_held_[id] = 0;
    } else if (path == "/window/release") {
      for (const auto& [held_id, unread_bytes] : window_held_) {
        nghttp2_session_consume(session_, held_id, unread_bytes);
      }
      window_held_.clear();
      holding_ = false;
      Answer(id, "0");
    } else if (path == "/window/end") {
      for (const auto& [held_id, unread_bytes] : window_held_) {
        Answer(held_id, "9", "ended by the script");
        answered_.insert(held_id);
      }
      Answer(id, "0");
    } else if (path == "/goaway" && !held_.empty()) {
      nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, held_.front(), NGHTTP2_NO_ERROR, nullptr,
                            0);
      Answer(held_.front(), "0");
    } else {
      Answer(id, "12", "no such script");
    }
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                      void* user_data) {
    const std::string_view key(reinterpret_cast<const char*>(name), namelen);
    std::string text(reinterpret_cast<const char*>(value), valuelen);
    auto* self = static_cast<Session*>(user_data);
    if (key == ":path") self->paths_[frame->hd.stream_id] = std::move(text);
    if (key == "grpc-timeout") self->timeouts_[frame->hd.stream_id] = std::move(text);
    return 0;
  }

  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto* self = static_cast<Session*>(user_data);
    const int32_t id = frame->hd.stream_id;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      self->OnRequest(id, self->paths_[id]);
    }
    // A /window/hold stream is answered OK when the client half-closes (unless /window/end did).
    if ((frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 && self->paths_[id] == "/window/hold" &&
        self->answered_.insert(id).second) {
      self->Answer(id, "0");
    }
    return 0;
  }

  static int OnData(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t*,
                    size_t len, void* user_data) {
    auto* self = static_cast<Session*>(user_data);
    auto held = self->window_held_.find(stream_id);
    if (self->paths_[stream_id] == "/window/hold") self->held_bytes_->fetch_add(len);
    if (held != self->window_held_.end() && self->holding_) {
      held->second += len;  // left unread: the windows stay closed
    } else {
      nghttp2_session_consume(session, stream_id, len);
    }
    return 0;
  }

  int fd_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::string> paths_;
  std::map<int32_t, std::string> timeouts_;  // grpc-timeout of the requests that had one
  std::vector<int32_t> held_;
  std::atomic<uint64_t>* held_bytes_;
  std::map<int32_t, size_t> window_held_;  // /window/hold streams: bytes left unread
  bool holding_ = true;                    // until /window/release
  std::set<int32_t> answered_;             // /window/hold streams already answered
};

}  // namespace

ScriptedH2Server::ScriptedH2Server() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 4) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe(wake_fds_) != 0) {
    return;
  }
  target_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  thread_ = std::thread([this] { Serve(); });
}

ScriptedH2Server::~ScriptedH2Server() {
  if (thread_.joinable()) {
    const char stop = 1;
    (void)!::write(wake_fds_[1], &stop, 1);
    thread_.join();
  }
  for (int fd : {listen_fd_, wake_fds_[0], wake_fds_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void ScriptedH2Server::Serve() {
  std::unique_ptr<Session> session;
  for (;;) {
    pollfd fds[3] = {{wake_fds_[0], POLLIN, 0},
                     {listen_fd_, POLLIN, 0},
                     {session ? session->fd() : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) continue;
    if (fds[0].revents != 0) return;
    if (fds[1].revents & POLLIN) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0)
        session = std::make_unique<Session>(fd, &held_bytes_);  // a new client replaces the old
      continue;
    }
    if (session && fds[2].revents != 0 && !session->OnReadable()) session.reset();
  }
}

}  // namespace streambench::engines::h2
