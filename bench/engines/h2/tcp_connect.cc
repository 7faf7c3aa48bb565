#include "bench/engines/h2/tcp_connect.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace streambench::engines::h2 {

bool SplitTarget(const std::string& target, std::string* host, std::string* port) {
  if (!target.empty() && target[0] == '[') {
    const size_t close = target.find(']');
    if (close == std::string::npos || close + 1 >= target.size() || target[close + 1] != ':') {
      return false;
    }
    *host = target.substr(1, close - 1);
    *port = target.substr(close + 2);
    return true;
  }
  const size_t colon = target.rfind(':');
  if (colon == std::string::npos) return false;
  *host = target.substr(0, colon);
  *port = target.substr(colon + 1);
  return !host->empty() && !port->empty();
}

int ConnectTcp(const std::string& target, bool wait, std::chrono::milliseconds timeout,
               bool* in_progress, std::string* error) {
  *in_progress = false;
  std::string host, port;
  if (!SplitTarget(target, &host, &port)) {
    *error = "target \"" + target + "\" is not host:port";
    return -1;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); rc != 0) {
    *error = target + ": " + ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* a = addresses; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS && !wait) {
      *in_progress = true;
      rc = 0;
    } else if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
      int so_error = ETIMEDOUT;
      socklen_t len = sizeof(so_error);
      if (rc == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(addresses);
  if (fd < 0) {
    *error = target + ": " + last_error;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace streambench::engines::h2
