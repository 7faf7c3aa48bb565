#include "bench/engines/h2/settings_probe.h"

#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "bench/engines/h2/tcp_connect.h"
#include "bench/engines/h2/tls_socket.h"

namespace streambench::engines::h2 {
namespace {

using Clock = std::chrono::steady_clock;

// Closes the socket on every path out.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

struct SessionDeleter {
  void operator()(nghttp2_session* session) const { nghttp2_session_del(session); }
};

// Milliseconds left until `deadline` for poll (0 once past).
int MillisecondsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, MillisecondsLeft(deadline));
  } while (rc < 0 && errno == EINTR);
  return rc == 1;
}

}  // namespace

std::optional<PeerSettings> ProbePeerSettings(const std::string& target, const TlsSettings& tls,
                                              std::chrono::milliseconds timeout,
                                              std::string* error) {
  const Clock::time_point deadline = Clock::now() + timeout;
  bool in_progress = false;
  FdCloser fd{ConnectTcp(target, /*wait=*/true, timeout, &in_progress, error)};
  if (fd.fd < 0) return std::nullopt;
  std::unique_ptr<TransportSocket> socket;
  if (tls.enabled) {
    std::string host, port;
    SplitTarget(target, &host, &port);
    socket = MakeTlsSocket(fd.fd, tls, host, error);
    if (socket == nullptr) return std::nullopt;
    for (;;) {
      const int rc = socket->Handshake(error);
      if (rc == 1) break;
      if (rc < 0) return std::nullopt;
      if (!socket->FlushPending() || !WaitFor(fd.fd, POLLIN, deadline)) {
        *error = target + ": no TLS handshake within the probe's time";
        return std::nullopt;
      }
    }
  } else {
    socket = MakePlainSocket(fd.fd);
  }

  // The client side of a session, only to write the preface and parse what comes back.
  bool got_settings = false;
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_frame_recv_callback(
      callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
        if (frame->hd.type == NGHTTP2_SETTINGS && (frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) {
          *static_cast<bool*>(user_data) = true;
        }
        return 0;
      });
  nghttp2_session* raw = nullptr;
  const int created = nghttp2_session_client_new(&raw, callbacks, &got_settings);
  nghttp2_session_callbacks_del(callbacks);
  if (created != 0) {
    *error = target + ": could not set up an HTTP/2 session";
    return std::nullopt;
  }
  std::unique_ptr<nghttp2_session, SessionDeleter> session(raw);
  nghttp2_submit_settings(session.get(), NGHTTP2_FLAG_NONE, nullptr, 0);
  const uint8_t* out = nullptr;
  for (ssize_t n; (n = nghttp2_session_mem_send(session.get(), &out)) > 0;) {
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t rc =
          socket->Send(reinterpret_cast<const char*>(out) + sent, static_cast<size_t>(n - sent));
      if (rc > 0) {
        sent += rc;
      } else if (rc < 0 && errno != EAGAIN) {
        *error = target + ": " + std::strerror(errno);
        return std::nullopt;
      } else if (!WaitFor(fd.fd, POLLOUT, deadline)) {
        *error = target + ": could not send the HTTP/2 preface within the probe's time";
        return std::nullopt;
      }
    }
  }
  if (!socket->FlushPending()) {
    *error = target + ": " + std::strerror(errno);
    return std::nullopt;
  }

  char buffer[4096];
  while (!got_settings) {
    const ssize_t n = socket->Recv(buffer, sizeof(buffer));
    if (n > 0) {
      if (nghttp2_session_mem_recv(session.get(), reinterpret_cast<const uint8_t*>(buffer),
                                   static_cast<size_t>(n)) < 0) {
        *error = target + ": the answer is not HTTP/2";
        return std::nullopt;
      }
      continue;
    }
    if (n == 0) {
      *error = target + ": the server closed the connection before its HTTP/2 settings";
      return std::nullopt;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *error = target + ": " + std::strerror(errno);
      return std::nullopt;
    }
    if (!WaitFor(fd.fd, POLLIN, deadline)) {
      *error = target + ": no HTTP/2 settings within the probe's time";
      return std::nullopt;
    }
  }
  PeerSettings settings;
  settings.max_concurrent_streams =
      nghttp2_session_get_remote_settings(session.get(), NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  settings.initial_window_bytes =
      nghttp2_session_get_remote_settings(session.get(), NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE);
  settings.max_frame_bytes =
      nghttp2_session_get_remote_settings(session.get(), NGHTTP2_SETTINGS_MAX_FRAME_SIZE);
  return settings;
}

}  // namespace streambench::engines::h2
