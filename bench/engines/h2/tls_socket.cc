#include "bench/engines/h2/tls_socket.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "bench/tls/openssl_context.h"
#include "bench/tls/tls_session.h"

namespace streambench::engines::h2 {
namespace {

class PlainSocket final : public TransportSocket {
 public:
  explicit PlainSocket(int fd) : fd_(fd) {}
  int Handshake(std::string* /*error*/) override { return 1; }
  ssize_t Recv(char* buffer, size_t size) override { return ::recv(fd_, buffer, size, 0); }
  ssize_t Send(const char* data, size_t size) override {
    return ::send(fd_, data, size, MSG_NOSIGNAL);
  }
  bool FlushPending() override { return true; }
  bool has_pending_output() const override { return false; }

 private:
  const int fd_;
};

class TlsSocket final : public TransportSocket {
 public:
  TlsSocket(int fd, tls::SslCtxPtr ctx, std::unique_ptr<tls::TlsSession> session)
      : fd_(fd), ctx_(std::move(ctx)), session_(std::move(session)) {}

  int Handshake(std::string* error) override {
    for (;;) {
      const tls::TlsSession::Status status = session_->Handshake(error);
      session_->TakeCiphertext(&pending_);
      if (!FlushPending()) {
        *error = std::string("TLS handshake: ") + std::strerror(errno);
        return -1;
      }
      if (status == tls::TlsSession::Status::kOk) break;
      if (status != tls::TlsSession::Status::kWantRead) {
        *error = "TLS handshake failed: " + *error;
        return -1;
      }
      const int got = ReadCiphertext();
      if (got == 0) return 0;
      if (got < 0) {
        *error = "the server closed the connection during the TLS handshake";
        return -1;
      }
    }
    const unsigned char* alpn = nullptr;
    unsigned int alpn_size = 0;
    SSL_get0_alpn_selected(session_->ssl(), &alpn, &alpn_size);
    if (alpn_size != 2 || std::memcmp(alpn, "h2", 2) != 0) {
      *error = "the server did not select HTTP/2 (ALPN h2) for TLS";
      return -1;
    }
    // A TLS 1.3 server judges the client's certificate after the client's side of the handshake
    // is done, and refuses by closing or with an alert. Its first HTTP/2 bytes (the SETTINGS it
    // sends at once) say it accepted us: only then is the connection up, as gRPC's is.
    for (;;) {
      const tls::TlsSession::Status status = session_->Read(&plain_, error);
      if (!plain_.empty()) return 1;
      if (status == tls::TlsSession::Status::kFailed) {
        *error = "the server refused the TLS session: " + *error;
        return -1;
      }
      const int got = status == tls::TlsSession::Status::kClosed ? -2 : ReadCiphertext();
      if (got == 0) return 0;
      if (got < 0) {
        *error = "the server closed the connection after the TLS handshake";
        return -1;
      }
    }
  }

  ssize_t Recv(char* buffer, size_t size) override {
    while (plain_offset_ == plain_.size()) {
      plain_.clear();
      plain_offset_ = 0;
      std::string error;
      const tls::TlsSession::Status status = session_->Read(&plain_, &error);
      if (!plain_.empty()) break;
      if (status == tls::TlsSession::Status::kClosed) return 0;
      if (status == tls::TlsSession::Status::kFailed) {
        errno = EPROTO;
        return -1;
      }
      const int got = ReadCiphertext();
      if (got == 0) {
        errno = EAGAIN;
        return -1;
      }
      if (got < 0) return got == -2 ? 0 : -1;
    }
    const size_t n = std::min(size, plain_.size() - plain_offset_);
    std::memcpy(buffer, plain_.data() + plain_offset_, n);
    plain_offset_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t Send(const char* data, size_t size) override {
    if (!FlushPending()) return -1;
    if (!pending_.empty()) {
      errno = EAGAIN;
      return -1;
    }
    std::string error;
    if (session_->Write(data, size, &error) != tls::TlsSession::Status::kOk) {
      errno = EPROTO;
      return -1;
    }
    session_->TakeCiphertext(&pending_);
    if (!FlushPending()) return -1;
    return static_cast<ssize_t>(size);
  }

  bool FlushPending() override {
    while (pending_offset_ < pending_.size()) {
      const ssize_t n = ::send(fd_, pending_.data() + pending_offset_,
                               pending_.size() - pending_offset_, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
      }
      pending_offset_ += static_cast<size_t>(n);
    }
    pending_.clear();
    pending_offset_ = 0;
    return true;
  }

  bool has_pending_output() const override { return pending_offset_ < pending_.size(); }

 private:
  // Moves what the socket has into the session: 1 = some, 0 = nothing yet, -1 = error (errno),
  // -2 = the peer closed.
  int ReadCiphertext() {
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        session_->FeedCiphertext(buffer, static_cast<size_t>(n));
        return 1;
      }
      if (n == 0) return -2;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
  }

  const int fd_;
  tls::SslCtxPtr ctx_;  // outlives the session
  std::unique_ptr<tls::TlsSession> session_;
  std::string pending_;  // ciphertext not yet on the socket
  size_t pending_offset_ = 0;
  std::string plain_;  // decrypted, not yet handed out
  size_t plain_offset_ = 0;
};

}  // namespace

std::unique_ptr<TransportSocket> MakePlainSocket(int fd) {
  return std::make_unique<PlainSocket>(fd);
}

std::unique_ptr<TransportSocket> MakeTlsSocket(int fd, const TlsSettings& tls,
                                               const std::string& host, std::string* error) {
  tls::SslCtxPtr ctx = tls::MakeClientContext(tls, error);
  if (ctx == nullptr) return nullptr;
  std::unique_ptr<tls::TlsSession> session = tls::TlsSession::Make(ctx.get(), tls, host, error);
  if (session == nullptr) return nullptr;
  return std::make_unique<TlsSocket>(fd, std::move(ctx), std::move(session));
}

}  // namespace streambench::engines::h2
