#include "bench/runner/target_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace streambench::runner {
namespace {

// An HTTP/2 client's first bytes: the connection preface, then an empty SETTINGS frame.
constexpr char kClientStart[] =
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    "\x00\x00\x00\x04\x00\x00\x00\x00\x00";
constexpr size_t kClientStartBytes = sizeof(kClientStart) - 1;
constexpr uint8_t kFrameTypeSettings = 0x04;
constexpr uint8_t kTlsRecordAlert = 0x15;
constexpr uint8_t kTlsRecordHandshake = 0x16;

// Closes the socket when the probe ends, however it ends.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  const int fd_;
};

// Why a TCP connect failed, in the words of this probe.
std::string ConnectFailure(int error) {
  if (error == ECONNREFUSED) return "nothing listens there (connection refused)";
  if (error == ECONNRESET) return "the target resets connections";
  return std::string("cannot connect: ") + std::strerror(error);
}

int MillisecondsLeft(std::chrono::steady_clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// The cause told by the first bytes of the answer.
std::string CauseOf(std::string_view answer) {
  if (answer.rfind("HTTP/", 0) == 0) {
    const std::string_view status_line = answer.substr(0, answer.find('\r'));
    return "the target answers HTTP/1 (\"" + std::string(status_line.substr(0, 60)) +
           "\"), not HTTP/2: not a gRPC server";
  }
  const auto first = static_cast<uint8_t>(answer[0]);
  if ((first == kTlsRecordAlert || first == kTlsRecordHandshake) && answer.size() > 1 &&
      answer[1] == '\x03') {
    return "the target speaks TLS (set target.tls)";
  }
  if (answer.size() >= 4 && static_cast<uint8_t>(answer[3]) == kFrameTypeSettings) return "";
  return "the target answers with bytes that are not HTTP/2: not a gRPC server";
}

}  // namespace

std::string ProbeNonGrpcTarget(const std::string& address, std::chrono::milliseconds timeout) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || address.find('/') != std::string::npos) {
    return "";
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &resolved) != 0 || resolved == nullptr) {
    return "";
  }
  Socket socket(::socket(resolved->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int connected =
      socket.fd() < 0 ? -1 : ::connect(socket.fd(), resolved->ai_addr, resolved->ai_addrlen);
  const int connect_errno = errno;
  ::freeaddrinfo(resolved);
  if (socket.fd() < 0) return "";
  const auto until = std::chrono::steady_clock::now() + timeout;
  if (connected != 0 && connect_errno != EINPROGRESS) {
    return ConnectFailure(connect_errno);
  }
  pollfd p{socket.fd(), POLLOUT, 0};
  if (::poll(&p, 1, MillisecondsLeft(until)) != 1) return "the TCP connection does not complete";
  int so_error = 0;
  socklen_t length = sizeof(so_error);
  ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &so_error, &length);
  if (so_error != 0) return ConnectFailure(so_error);
  if (::send(socket.fd(), kClientStart, kClientStartBytes, MSG_NOSIGNAL) < 0) {
    return errno == ECONNRESET || errno == EPIPE ? "the target resets connections" : "";
  }
  p = {socket.fd(), POLLIN, 0};
  if (::poll(&p, 1, MillisecondsLeft(until)) != 1) {
    return "the target accepts connections but never answers an HTTP/2 client (not a gRPC "
           "server?)";
  }
  char answer[128];
  const ssize_t got = ::recv(socket.fd(), answer, sizeof(answer), 0);
  if (got > 0) return CauseOf(std::string_view(answer, static_cast<size_t>(got)));
  if (got == 0) return "the target closes connections without a word";
  return errno == ECONNRESET ? "the target resets connections" : "";
}

}  // namespace streambench::runner
