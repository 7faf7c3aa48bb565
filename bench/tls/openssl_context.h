// OpenSSL client contexts from the engine-neutral TlsSettings (bench/engines/engine.h): trusted
// CAs (the system's when none are given), the client certificate and key, ALPN "h2", TLS 1.2+.
// Used by the h2 engine's TLS sockets and by the handshake diagnosis (tls_diagnosis.h).
// Thread-safety: free functions; an SSL_CTX is thread-safe once made.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "bench/engines/engine.h"

namespace streambench::tls {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

// A client context for `settings` (verification on unless skip_verify; the peer name is set per
// connection by ConfigureClientSsl). Null with *error ("target.tls.key does not match
// target.tls.cert", "no certificate in target.tls.ca") when the PEM data is unusable.
SslCtxPtr MakeClientContext(const engines::TlsSettings& settings, std::string* error);

// Sets SNI and the name (or IP address) the server's certificate must carry on one connection:
// settings.server_name, else `host`.
bool ConfigureClientSsl(SSL* ssl, const engines::TlsSettings& settings, const std::string& host);

// The reason of OpenSSL's last error on this thread ("certificate verify failed"), and clears it.
std::string LastOpenSslError();

}  // namespace streambench::tls
