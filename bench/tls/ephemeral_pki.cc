#include "bench/tls/ephemeral_pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <utility>

namespace streambench::tls {
namespace {

template <typename T, void (*kFree)(T*)>
struct Deleter {
  void operator()(T* p) const { kFree(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

constexpr long kValidBeforeNowS = 3600;  // tolerates a clock a little behind ours
constexpr long kValidForS = 24 * 3600;   // a run, with room to spare

std::string OpenSslError(const char* what) {
  const unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return std::string(what) + ": " + text;
}

Key NewKey() { return Key(EVP_EC_gen("P-256")); }

std::string Pem(const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

// A certificate for `key` named `common_name`, signed by issuer_key (self-signed when `issuer`
// is null), with `extensions` (nid, value) added.
Cert Issue(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key, long serial,
           std::initializer_list<std::pair<int, const char*>> extensions) {
  Cert cert(X509_new());
  if (cert == nullptr) return nullptr;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kValidBeforeNowS);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidForS);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("streambench ephemeral"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(cert.get(), signer, nid, value)) return nullptr;
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

std::string CertPem(X509* cert) {
  return Pem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}
std::string KeyPem(EVP_PKEY* key) {
  return Pem([key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace

bool MakeEphemeralPki(EphemeralPki* out, std::string* error) {
  const Key ca_key = NewKey();
  const Key server_key = NewKey();
  const Key client_key = NewKey();
  if (ca_key == nullptr || server_key == nullptr || client_key == nullptr) {
    *error = OpenSslError("cannot make an EC key");
    return false;
  }
  const Cert ca = Issue(ca_key.get(), "streambench ephemeral CA", nullptr, ca_key.get(), 1,
                        {{NID_basic_constraints, "critical,CA:TRUE"},
                         {NID_key_usage, "critical,keyCertSign,cRLSign"},
                         {NID_subject_key_identifier, "hash"}});
  const Cert server = Issue(server_key.get(), "localhost", ca.get(), ca_key.get(), 2,
                            {{NID_basic_constraints, "critical,CA:FALSE"},
                             {NID_key_usage, "critical,digitalSignature"},
                             {NID_ext_key_usage, "serverAuth"},
                             {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"}});
  const Cert client = Issue(client_key.get(), "streambench client", ca.get(), ca_key.get(), 3,
                            {{NID_basic_constraints, "critical,CA:FALSE"},
                             {NID_key_usage, "critical,digitalSignature"},
                             {NID_ext_key_usage, "clientAuth"}});
  if (ca == nullptr || server == nullptr || client == nullptr) {
    *error = OpenSslError("cannot make the ephemeral certificates");
    return false;
  }
  out->ca_cert_pem = CertPem(ca.get());
  out->server_cert_pem = CertPem(server.get());
  out->server_key_pem = KeyPem(server_key.get());
  out->client_cert_pem = CertPem(client.get());
  out->client_key_pem = KeyPem(client_key.get());
  if (out->ca_cert_pem.empty() || out->server_key_pem.empty() || out->client_key_pem.empty()) {
    *error = OpenSslError("cannot write the ephemeral certificates");
    return false;
  }
  return true;
}

}  // namespace streambench::tls

namespace streambench::tls {

const EphemeralPki* ProcessEphemeralPki(std::string* error) {
  static const auto* made = [] {
    auto* result = new std::pair<EphemeralPki, std::string>;
    if (!MakeEphemeralPki(&result->first, &result->second)) result->first = EphemeralPki{};
    return result;
  }();
  if (made->first.ca_cert_pem.empty()) {
    *error = made->second;
    return nullptr;
  }
  return &made->first;
}

}  // namespace streambench::tls
