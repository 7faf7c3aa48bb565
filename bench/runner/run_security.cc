#include "bench/runner/run_security.h"

#include "bench/tls/ephemeral_pki.h"
#include "common/secret_file.h"

namespace streambench::runner {
namespace {

bool ReadInto(const std::string& path, const char* key, std::string* out, std::string* error) {
  if (path.empty()) return true;
  std::string why;
  if (ReadSecretFile(path, out, &why)) return true;
  *error = std::string(key) + ": " + why;
  return false;
}

}  // namespace

bool LoadRunCredentials(const scenario::Scenario& run, RunCredentials* out, std::string* error) {
  const scenario::ClientTlsSpec& spec = run.target.tls;
  const scenario::ServerSecuritySpec& server = run.server_security;
  *out = RunCredentials{};
  if (!run.target.bearer_token_file.empty()) {
    std::string why;
    if (!ReadBearerTokenFile(run.target.bearer_token_file, &out->bearer_token, &why)) {
      *error = "target.credentials.bearer_token_file: " + why;
      return false;
    }
  }
  if (!spec.enabled) return true;
  engines::TlsSettings& tls = out->tls;
  tls.enabled = true;
  tls.server_name = spec.server_name;
  tls.skip_verify = spec.insecure_skip_verify;
  if (!ReadInto(spec.ca_path, "target.tls.ca", &tls.root_certs_pem, error) ||
      !ReadInto(spec.cert_path, "target.tls.cert", &tls.cert_chain_pem, error) ||
      !ReadInto(spec.key_path, "target.tls.key", &tls.private_key_pem, error)) {
    return false;
  }
  const bool embedded_ephemeral = run.target.addresses.empty() && server.self_signed;
  if (!embedded_ephemeral) return true;
  const tls::EphemeralPki* pki = tls::ProcessEphemeralPki(error);
  if (pki == nullptr) return false;
  if (spec.ca_path.empty()) tls.root_certs_pem = pki->ca_cert_pem;
  if (spec.cert_path.empty() && server.require_client_cert) {
    tls.cert_chain_pem = pki->client_cert_pem;
    tls.private_key_pem = pki->client_key_pem;
  }
  return true;
}

bool LoadEmbeddedServerSecurity(const scenario::ServerSecuritySpec& security,
                                ServerOptions* options, std::string* error) {
  if (!security.require_token_path.empty()) {
    std::string why;
    if (!ReadBearerTokenFile(security.require_token_path, &options->required_token, &why)) {
      *error = "server_transport.require_token: " + why;
      return false;
    }
  }
  if (!security.tls) return true;
  if (security.self_signed) {
    const tls::EphemeralPki* pki = tls::ProcessEphemeralPki(error);
    if (pki == nullptr) return false;
    options->tls.cert_chain_pem = pki->server_cert_pem;
    options->tls.private_key_pem = pki->server_key_pem;
    if (security.require_client_cert) options->tls.client_ca_pem = pki->ca_cert_pem;
    return true;
  }
  return ReadInto(security.cert_path, "server_transport.tls.cert", &options->tls.cert_chain_pem,
                  error) &&
         ReadInto(security.key_path, "server_transport.tls.key", &options->tls.private_key_pem,
                  error) &&
         ReadInto(security.client_ca_path, "server_transport.tls.client_ca",
                  &options->tls.client_ca_pem, error);
}

std::string UnauthenticatedCause(const scenario::Scenario& run, const report::RunResult& result) {
  const auto refused = result.calls_by_code.find("UNAUTHENTICATED");
  if (result.calls_finished == 0 || refused == result.calls_by_code.end() ||
      refused->second != result.calls_finished) {
    return "";
  }
  const std::string variant = result.variant.empty() ? "" : "variant " + result.variant + ": ";
  if (run.target.bearer_token_file.empty()) {
    return variant +
           "every call ended UNAUTHENTICATED: the target wants a bearer token and this run sends "
           "none (target.credentials.bearer_token_file)";
  }
  return variant + "every call ended UNAUTHENTICATED: the target refused the bearer token from " +
         run.target.bearer_token_file;
}

std::string InsecureSkipVerifyWarning(const scenario::Scenario& run) {
  if (!run.target.tls.insecure_skip_verify) return "";
  return "WARNING: target.tls.insecure_skip_verify is on: the server's certificate is NOT "
         "checked (chain, expiry, name); the connection is encrypted but anyone on the path can "
         "impersonate the target";
}

}  // namespace streambench::runner
