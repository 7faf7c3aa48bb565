#include "tests/bench/link/tcp_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace streambench::link::testing {

void SetTimeouts(int fd) {
  timeval timeout{};
  timeout.tv_sec = 10;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
}

int ListenLoopback(int* port, int rcvbuf_bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf_bytes > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof(rcvbuf_bytes));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

int ConnectLoopback(int port, int sndbuf_bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (sndbuf_bytes > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf_bytes, sizeof(sndbuf_bytes));
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  SetTimeouts(fd);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool WriteAll(int fd, const char* data, size_t size_bytes) {
  while (size_bytes > 0) {
    const ssize_t sent = ::send(fd, data, size_bytes, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size_bytes -= static_cast<size_t>(sent);
  }
  return true;
}

bool ReadExactly(int fd, char* data, size_t size_bytes) {
  while (size_bytes > 0) {
    const ssize_t got = ::recv(fd, data, size_bytes, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    size_bytes -= static_cast<size_t>(got);
  }
  return true;
}

int64_t ReadUntilEof(int fd, std::string* data) {
  char buffer[16384];
  int64_t total = 0;
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) return total;
    if (data != nullptr) data->append(buffer, static_cast<size_t>(got));
    total += got;
  }
}

void AbortiveClose(int fd) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  ::close(fd);
}

std::string Pattern(uint64_t stream_id, uint64_t offset, size_t size_bytes) {
  std::string bytes(size_bytes, '\0');
  for (size_t i = 0; i < size_bytes; ++i) bytes[i] = PatternByte(stream_id, offset + i);
  return bytes;
}

ThreadedServer::ThreadedServer(std::function<void(int)> handler, int rcvbuf_bytes)
    : handler_(std::move(handler)) {
  listen_fd_ = ListenLoopback(&port_, rcvbuf_bytes);
  if (listen_fd_ < 0) return;
  acceptor_ = std::thread([this] {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // the listener was shut down by Stop()
      }
      if (stopping_.load()) {
        ::close(fd);
        return;
      }
      SetTimeouts(fd);
      accepted_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu_);
      handlers_.emplace_back([this, fd] {
        handler_(fd);
        ::close(fd);
      });
    }
  });
}

ThreadedServer::~ThreadedServer() { Stop(); }

void ThreadedServer::Stop() {
  if (listen_fd_ < 0) return;
  stopping_.store(true);
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
  std::lock_guard<std::mutex> lock(mu_);
  for (std::thread& handler : handlers_) handler.join();
  handlers_.clear();
}

void EchoHandler(int fd) {
  char buffer[16384];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (!WriteAll(fd, buffer, static_cast<size_t>(got))) break;
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace streambench::link::testing
