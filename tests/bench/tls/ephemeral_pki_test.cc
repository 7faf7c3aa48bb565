// The in-memory ephemeral CA of `server_transport.tls.self_signed`: its server certificate chains
// to its CA and names 127.0.0.1, ::1 and localhost (what the generator dials), its client
// certificate chains to the same CA for client authentication, each key matches its certificate,
// and the process makes one CA only (the server and the generator must agree on it).
#include "bench/tls/ephemeral_pki.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace streambench::tls {
namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using CertPtr = std::unique_ptr<X509, X509Free>;

CertPtr ParseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  CertPtr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

bool KeyMatches(const std::string& key_pem, X509* cert) {
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  const bool matches = key != nullptr && X509_check_private_key(cert, key) == 1;
  EVP_PKEY_free(key);
  return matches;
}

// X509_V_OK when `cert` verifies against `ca` for `purpose`, with `host` or `ip` checked if given.
int Verify(X509* ca, X509* cert, int purpose, const char* host, const char* ip) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  if (host != nullptr) X509_VERIFY_PARAM_set1_host(param, host, 0);
  if (ip != nullptr) X509_VERIFY_PARAM_set1_ip_asc(param, ip);
  const int ok = X509_verify_cert(ctx);
  const int result = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return result;
}

TEST(EphemeralPkiTest, ServerAndClientCertificatesChainToTheCaWithTheNamesDialled) {
  EphemeralPki pki;
  std::string error;
  ASSERT_TRUE(MakeEphemeralPki(&pki, &error)) << error;
  const CertPtr ca = ParseCert(pki.ca_cert_pem);
  const CertPtr server = ParseCert(pki.server_cert_pem);
  const CertPtr client = ParseCert(pki.client_cert_pem);
  ASSERT_TRUE(ca && server && client);
  EXPECT_EQ(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER, nullptr, "127.0.0.1"),
            X509_V_OK);
  EXPECT_EQ(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER, nullptr, "::1"), X509_V_OK);
  EXPECT_EQ(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER, "localhost", nullptr),
            X509_V_OK);
  // It names nothing else, and serves servers only.
  EXPECT_EQ(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER, "example.com", nullptr),
            X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_NE(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_CLIENT, nullptr, nullptr), X509_V_OK);
  EXPECT_EQ(Verify(ca.get(), client.get(), X509_PURPOSE_SSL_CLIENT, nullptr, nullptr), X509_V_OK);
  EXPECT_TRUE(KeyMatches(pki.server_key_pem, server.get()));
  EXPECT_TRUE(KeyMatches(pki.client_key_pem, client.get()));
  EXPECT_FALSE(KeyMatches(pki.client_key_pem, server.get()));
}

TEST(EphemeralPkiTest, EachCallMakesNewKeysButTheProcessHasOneCa) {
  EphemeralPki a, b;
  std::string error;
  ASSERT_TRUE(MakeEphemeralPki(&a, &error) && MakeEphemeralPki(&b, &error)) << error;
  EXPECT_NE(a.ca_cert_pem, b.ca_cert_pem);
  EXPECT_NE(a.server_key_pem, b.server_key_pem);
  const EphemeralPki* first = ProcessEphemeralPki(&error);
  ASSERT_NE(first, nullptr) << error;
  EXPECT_EQ(ProcessEphemeralPki(&error), first);
}

}  // namespace
}  // namespace streambench::tls
