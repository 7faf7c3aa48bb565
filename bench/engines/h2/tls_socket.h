// TransportSocket: the byte layer under one h2 connection, a seam with two sides: plain TCP, and
// TLS through OpenSSL (ALPN "h2", verification as engines::TlsSettings says). The connection
// reads and writes application bytes through it as it would through ::recv and ::send on a
// non-blocking socket, and drives the handshake once the TCP connect is done. TLS records go out
// with ::send(MSG_NOSIGNAL), so a peer that hung up is an error, never SIGPIPE.
// Thread-safety: not thread-safe; the connection's loop thread owns it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

#include "bench/engines/engine.h"

namespace streambench::engines::h2 {

class TransportSocket {
 public:
  virtual ~TransportSocket() = default;
  // After the TCP connect: advances the handshake without blocking. 1 = done (bytes may flow),
  // 0 = waiting for the peer (poll for input), -1 = failed, with *error.
  virtual int Handshake(std::string* error) = 0;
  // As ::recv: application bytes (> 0), 0 when the peer closed, -1 with errno (EAGAIN: nothing
  // yet).
  virtual ssize_t Recv(char* buffer, size_t size) = 0;
  // As ::send: bytes accepted (all of them, for TLS, once earlier records are out), -1 with errno
  // (EAGAIN: the socket is full).
  virtual ssize_t Send(const char* data, size_t size) = 0;
  // Writes bytes accepted earlier but not yet on the socket; false on a socket error (errno).
  virtual bool FlushPending() = 0;
  virtual bool has_pending_output() const = 0;
};

// Plain TCP on `fd` (not owned).
std::unique_ptr<TransportSocket> MakePlainSocket(int fd);

// TLS on `fd` (not owned) to `host` (the name or address verified unless tls.server_name gives
// one); nullptr with *error when the settings cannot be used.
std::unique_ptr<TransportSocket> MakeTlsSocket(int fd, const TlsSettings& tls,
                                               const std::string& host, std::string* error);

}  // namespace streambench::engines::h2
