// TlsSession: one client TLS connection as a state machine over memory buffers. The owner moves
// the bytes: what arrived on the socket goes in with FeedCiphertext, what must be sent comes out
// of TakeCiphertext (sent with ::send(MSG_NOSIGNAL), so a peer that hung up is an error, not
// SIGPIPE). Plaintext goes through Write and Read. Keeping the socket outside lets an event loop
// drive it without blocking (the h2 engine), and a blocking probe drive it the same way.
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "bench/engines/engine.h"
#include "bench/tls/openssl_context.h"

namespace streambench::tls {

class TlsSession {
 public:
  enum class Status {
    kOk,        // progress made (or nothing to do)
    kWantRead,  // needs ciphertext from the peer
    kClosed,    // the peer closed the TLS session cleanly
    kFailed,    // *error says why
  };

  // A session on `ctx` (which must outlive it) checking `host` (or settings.server_name).
  static std::unique_ptr<TlsSession> Make(SSL_CTX* ctx, const engines::TlsSettings& settings,
                                          const std::string& host, std::string* error);
  ~TlsSession();

  void FeedCiphertext(const char* data, size_t size);
  // Appends what must be sent to *out.
  void TakeCiphertext(std::string* out);

  // Advances the handshake: kOk once done (then Read/Write), kWantRead while it needs the peer.
  Status Handshake(std::string* error);
  bool handshake_done() const { return handshake_done_; }

  // Encrypts all of `data` (after the handshake).
  Status Write(const char* data, size_t size, std::string* error);
  // Decrypts what has arrived into *out (appending); kWantRead when nothing more is there yet.
  Status Read(std::string* out, std::string* error);

  SSL* ssl() { return ssl_.get(); }
  // OpenSSL's error code behind the last kFailed (ERR_GET_REASON gives the alert), or 0.
  unsigned long last_error_code() const { return last_error_code_; }

 private:
  TlsSession() = default;
  Status Result(int rc, std::string* error);

  SslPtr ssl_;
  BIO* in_ = nullptr;   // owned by ssl_
  BIO* out_ = nullptr;  // owned by ssl_
  bool handshake_done_ = false;
  unsigned long last_error_code_ = 0;
};

}  // namespace streambench::tls
