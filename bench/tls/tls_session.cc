#include "bench/tls/tls_session.h"

#include <openssl/err.h>

namespace streambench::tls {

std::unique_ptr<TlsSession> TlsSession::Make(SSL_CTX* ctx, const engines::TlsSettings& settings,
                                             const std::string& host, std::string* error) {
  std::unique_ptr<TlsSession> session(new TlsSession);
  session->ssl_.reset(SSL_new(ctx));
  session->in_ = BIO_new(BIO_s_mem());
  session->out_ = BIO_new(BIO_s_mem());
  if (session->ssl_ == nullptr || session->in_ == nullptr || session->out_ == nullptr) {
    BIO_free(session->in_);
    BIO_free(session->out_);
    *error = "cannot set up TLS: " + LastOpenSslError();
    return nullptr;
  }
  // An empty read BIO means "no data yet", not end of file.
  BIO_set_mem_eof_return(session->in_, -1);
  SSL_set_bio(session->ssl_.get(), session->in_, session->out_);
  SSL_set_connect_state(session->ssl_.get());
  if (!ConfigureClientSsl(session->ssl_.get(), settings, host)) {
    *error = "cannot set the TLS server name: " + LastOpenSslError();
    return nullptr;
  }
  return session;
}

TlsSession::~TlsSession() = default;

void TlsSession::FeedCiphertext(const char* data, size_t size) {
  BIO_write(in_, data, static_cast<int>(size));
}

void TlsSession::TakeCiphertext(std::string* out) {
  char* data = nullptr;
  const long pending = BIO_get_mem_data(out_, &data);
  if (pending <= 0) return;
  out->append(data, static_cast<size_t>(pending));
  (void)BIO_reset(out_);
}

TlsSession::Status TlsSession::Result(int rc, std::string* error) {
  switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_NONE:
    case SSL_ERROR_WANT_WRITE:  // memory BIOs never refuse a write
      return Status::kOk;
    case SSL_ERROR_WANT_READ:
      return Status::kWantRead;
    case SSL_ERROR_ZERO_RETURN:
      return Status::kClosed;
    default: {
      last_error_code_ = ERR_peek_last_error();
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        ERR_clear_error();
        *error = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      } else {
        *error = LastOpenSslError();
      }
      return Status::kFailed;
    }
  }
}

TlsSession::Status TlsSession::Handshake(std::string* error) {
  if (handshake_done_) return Status::kOk;
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_.get());
  if (rc == 1) {
    handshake_done_ = true;
    return Status::kOk;
  }
  return Result(rc, error);
}

TlsSession::Status TlsSession::Write(const char* data, size_t size, std::string* error) {
  while (size > 0) {
    ERR_clear_error();
    size_t written = 0;
    const int rc = SSL_write_ex(ssl_.get(), data, size, &written);
    if (rc != 1) return Result(rc, error);
    data += written;
    size -= written;
  }
  return Status::kOk;
}

TlsSession::Status TlsSession::Read(std::string* out, std::string* error) {
  char buffer[16384];
  for (;;) {
    ERR_clear_error();
    size_t read = 0;
    const int rc = SSL_read_ex(ssl_.get(), buffer, sizeof buffer, &read);
    if (rc != 1) return Result(rc, error);
    out->append(buffer, read);
  }
}

}  // namespace streambench::tls
