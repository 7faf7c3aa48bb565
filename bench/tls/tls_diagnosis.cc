#include "bench/tls/tls_diagnosis.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "bench/tls/openssl_context.h"
#include "bench/tls/tls_session.h"

namespace streambench::tls {
namespace {

// The first "host" and "port" of a gRPC target; false for what it cannot dial (unix:).
bool SplitTarget(std::string target, std::string* host, std::string* port) {
  for (std::string_view scheme : {"dns:///", "ipv4:", "ipv6:"}) {
    if (target.rfind(scheme, 0) == 0) target = target.substr(scheme.size());
  }
  target = target.substr(0, target.find(','));
  const size_t colon = target.rfind(':');
  if (colon == std::string::npos || target.rfind("unix:", 0) == 0) return false;
  *host = target.substr(0, colon);
  *port = target.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return true;
}

class Socket {
 public:
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  // Connects within `timeout`; "" or why not.
  std::string Connect(const std::string& host, const std::string& port,
                      std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
      return "cannot resolve " + host;
    }
    fd_ = socket(found->ai_family, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int rc = fd_ < 0 ? -1 : connect(fd_, found->ai_addr, found->ai_addrlen);
    const int err = errno;
    freeaddrinfo(found);
    return rc == 0 ? "" : std::string("cannot connect: ") + strerror(err);
  }
  int fd() const { return fd_; }
  // MSG_NOSIGNAL: a peer that hung up is a false return, not SIGPIPE.
  bool SendAll(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // Some bytes, within the socket's receive timeout; false on close, error or timeout.
  bool Receive(std::string* out) {
    char buffer[16384];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    out->append(buffer, static_cast<size_t>(n));
    return true;
  }

 private:
  int fd_ = -1;
};

// What a TLS alert or handshake error from the server means for the user.
std::string HandshakeCause(unsigned long code) {
  switch (ERR_GET_REASON(code)) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
      return "the server requires a client certificate (give target.tls.cert and key)";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
      return "the server refused the client certificate (not signed by a CA it trusts)";
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
      return "the server refused the client certificate: it has expired";
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
      return "the target does not speak TLS (a plaintext server?)";
    case SSL_R_NO_APPLICATION_PROTOCOL:
    case SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
      return "the server does not offer HTTP/2 (ALPN h2) over TLS";
    default: {
      const char* reason = ERR_reason_error_string(code);
      return std::string("TLS handshake failed: ") + (reason != nullptr ? reason : "unknown");
    }
  }
}

std::string VerifyCause(long result, const engines::TlsSettings& settings,
                        const std::string& host) {
  const std::string name = settings.server_name.empty() ? host : settings.server_name;
  switch (result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the server's certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the server's certificate is not valid yet";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the server's certificate does not name " + name +
             " (set target.tls.server_name to a name it carries)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return std::string("the server's certificate is not signed by a trusted CA (") +
             (settings.root_certs_pem.empty() ? "the system's roots" : "target.tls.ca") + ")";
    default:
      return std::string("the server's certificate does not verify: ") +
             X509_verify_cert_error_string(result);
  }
}

// Set when the server asked this thread's probe for a client certificate it did not have
// (OpenSSL asks the callback only then).
thread_local bool tls_asked_for_client_cert = false;

int NoteCertificateRequest(SSL* /*ssl*/, X509** /*cert*/, EVP_PKEY** /*key*/) {
  tls_asked_for_client_cert = true;
  return 0;  // none: the handshake goes on without one
}

}  // namespace

TlsDiagnosis DiagnoseTlsFailure(const std::string& address, const engines::TlsSettings& settings,
                                std::chrono::milliseconds timeout) {
  const auto tls_cause = [](std::string cause) {
    return TlsDiagnosis{TlsDiagnosis::Kind::kTls, std::move(cause)};
  };
  std::string host, port;
  if (!SplitTarget(address, &host, &port)) return {};
  Socket socket;
  if (std::string why = socket.Connect(host, port, timeout); !why.empty()) {
    return {TlsDiagnosis::Kind::kNetwork, why};
  }
  std::string error;
  SslCtxPtr ctx = MakeClientContext(settings, &error);
  if (ctx == nullptr) return tls_cause(error);
  // Diagnosis only: verification runs but does not stop the handshake, so the verify result and
  // the server's later alerts can both be read.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  tls_asked_for_client_cert = false;
  SSL_CTX_set_client_cert_cb(ctx.get(), &NoteCertificateRequest);
  std::unique_ptr<TlsSession> session = TlsSession::Make(ctx.get(), settings, host, &error);
  if (session == nullptr) return tls_cause(error);
  // Moves ciphertext both ways until `step` stops asking for the peer; the status it ended with.
  auto drive = [&](const std::function<TlsSession::Status()>& step) {
    for (;;) {
      const TlsSession::Status status = step();
      std::string out;
      session->TakeCiphertext(&out);
      if (!out.empty() && !socket.SendAll(out)) return TlsSession::Status::kClosed;
      if (status != TlsSession::Status::kWantRead) return status;
      std::string in;
      if (!socket.Receive(&in)) return TlsSession::Status::kClosed;
      session->FeedCiphertext(in.data(), in.size());
    }
  };
  auto cause_of = [&](TlsSession::Status status, const char* when) -> std::string {
    if (status == TlsSession::Status::kFailed && session->last_error_code() != 0) {
      return HandshakeCause(session->last_error_code());
    }
    // A TLS 1.3 server may refuse a client without a certificate by closing, with no alert.
    if (tls_asked_for_client_cert) return HandshakeCause(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED);
    return std::string("the server closed the connection ") + when +
           (settings.cert_chain_pem.empty() ? "" : " (did it refuse the client certificate?)");
  };
  const TlsSession::Status handshake = drive([&] { return session->Handshake(&error); });
  if (handshake != TlsSession::Status::kOk) {
    return tls_cause(cause_of(handshake, "during the TLS handshake"));
  }
  if (!settings.skip_verify) {
    const long verify = SSL_get_verify_result(session->ssl());
    if (verify != X509_V_OK) return tls_cause(VerifyCause(verify, settings, host));
  }
  const unsigned char* alpn = nullptr;
  unsigned int alpn_size = 0;
  SSL_get0_alpn_selected(session->ssl(), &alpn, &alpn_size);
  if (alpn_size != 2 || std::memcmp(alpn, "h2", 2) != 0) {
    return tls_cause("the server did not select HTTP/2 (ALPN h2) for TLS");
  }
  // TLS 1.3 servers check a client certificate after the client's handshake is done: their
  // verdict arrives with the first read. Speak HTTP/2 first so a willing server answers.
  static constexpr char kPreface[] =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
  session->Write(kPreface, sizeof kPreface - 1, &error);
  std::string plaintext;
  const TlsSession::Status answer = drive([&] {
    const TlsSession::Status status = session->Read(&plaintext, &error);
    return status == TlsSession::Status::kWantRead && !plaintext.empty() ? TlsSession::Status::kOk
                                                                         : status;
  });
  if (answer != TlsSession::Status::kOk) {
    return tls_cause(cause_of(answer, "after the TLS handshake"));
  }
  return {};
}

}  // namespace streambench::tls
