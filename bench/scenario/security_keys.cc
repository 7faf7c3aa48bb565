#include "bench/scenario/security_keys.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench/scenario/key_table.h"

namespace streambench::scenario {
namespace {

std::string Folder(const std::string& scenario_path) {
  const size_t slash = scenario_path.rfind('/');
  return slash == std::string::npos ? std::string() : scenario_path.substr(0, slash + 1);
}

// Resolves *path (the value of key `key`) against `folder` and checks it names a readable file.
bool ResolveFile(const YamlNode& root, const std::string& key, const std::string& folder,
                 std::string* path, Diagnostics* diag) {
  if (path->empty()) return true;
  if (path->front() != '/') *path = folder + *path;
  const YamlNode* node = NodeAt(root, key);
  auto fail = [&](const std::string& why) {
    return node != nullptr ? diag->Fail(*node, key, why) : diag->FailAt(nullptr, 0, 0, key, why);
  };
  struct stat info;
  if (stat(path->c_str(), &info) != 0) return fail("cannot read " + *path + ": " + strerror(errno));
  if (!S_ISREG(info.st_mode)) return fail("cannot read " + *path + ": not a regular file");
  if (access(path->c_str(), R_OK) != 0) {
    return fail("cannot read " + *path + ": " + strerror(errno));
  }
  return true;
}

bool FailAtKey(const YamlNode& root, const std::string& key, const std::string& message,
               Diagnostics* diag) {
  const YamlNode* node = NodeAt(root, key);
  return node != nullptr ? diag->Fail(*node, key, message)
                         : diag->FailAt(nullptr, 0, 0, key, message);
}

}  // namespace

bool CheckSecurityKeys(const YamlNode& root, const std::string& scenario_path, Scenario* s,
                       Diagnostics* diag) {
  ClientTlsSpec& client = s->target.tls;
  ServerSecuritySpec& server = s->server_security;
  client.enabled = NodeAt(root, "target.tls") != nullptr;
  server.tls = NodeAt(root, "server_transport.tls") != nullptr;
  const bool embedded = s->target.addresses.empty();

  if (client.cert_path.empty() != client.key_path.empty()) {
    return FailAtKey(root, "target.tls", "give both `cert` and `key` (mTLS), or neither", diag);
  }
  if (server.tls) {
    const bool files = !server.cert_path.empty() || !server.key_path.empty();
    if (server.self_signed == files) {
      return FailAtKey(root, "server_transport.tls",
                       "give `self_signed: true`, or `cert` and `key` (not both)", diag);
    }
    if (files && (server.cert_path.empty() || server.key_path.empty())) {
      return FailAtKey(root, "server_transport.tls", "give both `cert` and `key`", diag);
    }
    if (!server.client_ca_path.empty() && server.self_signed) {
      return FailAtKey(root, "server_transport.tls.client_ca",
                       "with `self_signed` use `require_client_cert: true` instead", diag);
    }
    if (server.require_client_cert && !server.self_signed) {
      return FailAtKey(root, "server_transport.tls.require_client_cert",
                       "applies to `self_signed`; with `cert` and `key` give `client_ca`", diag);
    }
  } else if (NodeAt(root, "server_transport.require_token") != nullptr) {
    return FailAtKey(root, "server_transport.require_token",
                     "needs `server_transport.tls`: a bearer token over plaintext is readable by "
                     "anyone on the path",
                     diag);
  }
  if (!embedded && (server.tls || !server.require_token_path.empty())) {
    return FailAtKey(root, server.tls ? "server_transport.tls" : "server_transport.require_token",
                     "configures the embedded server, but the scenario has `target.addresses`",
                     diag);
  }
  if (embedded && server.tls) {
    // The generator talks TLS to a TLS server; it needs a CA unless the server's is ephemeral.
    if (!server.self_signed && client.ca_path.empty() && !client.insecure_skip_verify) {
      return FailAtKey(root, "server_transport.tls",
                       "the generator needs the CA of `server_transport.tls.cert`: give "
                       "`target.tls.ca` (or use `self_signed: true`)",
                       diag);
    }
    client.enabled = true;
  }
  if (embedded && !server.tls && client.enabled) {
    return FailAtKey(root, "target.tls",
                     "the embedded server speaks plaintext: add `server_transport.tls` "
                     "(e.g. `self_signed: true`)",
                     diag);
  }

  const std::string folder = Folder(scenario_path);
  return ResolveFile(root, "target.tls.ca", folder, &client.ca_path, diag) &&
         ResolveFile(root, "target.tls.cert", folder, &client.cert_path, diag) &&
         ResolveFile(root, "target.tls.key", folder, &client.key_path, diag) &&
         ResolveFile(root, "target.credentials.bearer_token_file", folder,
                     &s->target.bearer_token_file, diag) &&
         ResolveFile(root, "server_transport.tls.cert", folder, &server.cert_path, diag) &&
         ResolveFile(root, "server_transport.tls.key", folder, &server.key_path, diag) &&
         ResolveFile(root, "server_transport.tls.client_ca", folder, &server.client_ca_path,
                     diag) &&
         ResolveFile(root, "server_transport.require_token", folder, &server.require_token_path,
                     diag);
}

}  // namespace streambench::scenario
