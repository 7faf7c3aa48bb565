#include "bench/tls/openssl_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace streambench::tls {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr MemoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

bool LoadRoots(SSL_CTX* ctx, const std::string& pem, std::string* error) {
  BioPtr bio = MemoryBio(pem);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int loaded = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    loaded += X509_STORE_add_cert(store, cert) == 1;
    X509_free(cert);
  }
  ERR_clear_error();  // the end of the data reads as an error
  if (loaded == 0) *error = "no certificate in target.tls.ca";
  return loaded > 0;
}

bool LoadIdentity(SSL_CTX* ctx, const engines::TlsSettings& settings, std::string* error) {
  BioPtr certs = MemoryBio(settings.cert_chain_pem);
  X509* leaf = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
    X509_free(leaf);
    *error = "no certificate in target.tls.cert";
    return false;
  }
  X509_free(leaf);
  while (X509* intermediate = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    SSL_CTX_add0_chain_cert(ctx, intermediate);  // takes ownership
  }
  ERR_clear_error();
  BioPtr key_bio = MemoryBio(settings.private_key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  const bool used = key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  EVP_PKEY_free(key);
  if (!used) {
    ERR_clear_error();
    *error = "no private key in target.tls.key";
    return false;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    *error = "target.tls.key does not match target.tls.cert";
    return false;
  }
  return true;
}

}  // namespace

std::string LastOpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown TLS error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "TLS error " + std::to_string(code);
}

SslCtxPtr MakeClientContext(const engines::TlsSettings& settings, std::string* error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr) {
    *error = "cannot make a TLS context: " + LastOpenSslError();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // gRPC requires ALPN "h2" over TLS.
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn);
  if (settings.root_certs_pem.empty()) {
    SSL_CTX_set_default_verify_paths(ctx.get());
  } else if (!LoadRoots(ctx.get(), settings.root_certs_pem, error)) {
    return nullptr;
  }
  if (!settings.cert_chain_pem.empty() && !LoadIdentity(ctx.get(), settings, error)) {
    return nullptr;
  }
  SSL_CTX_set_verify(ctx.get(), settings.skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  return ctx;
}

bool ConfigureClientSsl(SSL* ssl, const engines::TlsSettings& settings, const std::string& host) {
  const std::string& name = settings.server_name.empty() ? host : settings.server_name;
  unsigned char ip[16];
  const bool is_ip =
      inet_pton(AF_INET, name.c_str(), ip) == 1 || inet_pton(AF_INET6, name.c_str(), ip) == 1;
  // SNI carries host names only (RFC 6066 section 3).
  if (!is_ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return false;
  if (settings.skip_verify) return true;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  return is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1
               : SSL_set1_host(ssl, name.c_str()) == 1;
}

}  // namespace streambench::tls
