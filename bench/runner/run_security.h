// RunSecurity: a run's transport security as the engines and the embedded server take it: the
// key, certificate and token files the scenario names (paths resolved at load) read once, or the
// process's ephemeral CA (bench/tls/ephemeral_pki.h) for an embedded `self_signed` server.
// Thread-safety: free functions, reentrant.
#pragma once

#include <string>

#include "bench/engines/engine.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario.h"
#include "server/reference_server.h"

namespace streambench::runner {

// What every channel of a run carries.
struct RunCredentials {
  engines::TlsSettings tls;
  std::string bearer_token;  // a secret: never printed
};

// The generator's side of `run`; false with a one-line *error naming the file when one cannot be
// read (or the ephemeral CA cannot be made).
bool LoadRunCredentials(const scenario::Scenario& run, RunCredentials* out, std::string* error);

// The embedded server's TLS and token for `security` into *options.
bool LoadEmbeddedServerSecurity(const scenario::ServerSecuritySpec& security,
                                ServerOptions* options, std::string* error);

// When every call of `result` ended UNAUTHENTICATED, the one line that says why ("the target
// wants a bearer token and this run sends none (target.credentials.bearer_token_file)", or that
// it refused the one sent); "" otherwise. The calls are counted by status either way.
std::string UnauthenticatedCause(const scenario::Scenario& run, const report::RunResult& result);

// The warning a run with `insecure_skip_verify` prints, or "" without it.
std::string InsecureSkipVerifyWarning(const scenario::Scenario& run);

}  // namespace streambench::runner
