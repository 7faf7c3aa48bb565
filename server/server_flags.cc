#include "server/server_flags.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <vector>

#include "common/cli/cli_flags.h"
#include "common/secret_file.h"
#include "common/units.h"

namespace streambench {

namespace {

// The server's sizes and durations as CLI11 transformers, with messages that show the syntax.
CLI::Validator Size() {
  return cli::UnitTransformer<uint64_t>(
      [](const std::string& text, uint64_t* bytes, std::string* why) {
        std::string ignored;
        if (ParseSizeBytes(text, bytes, &ignored)) return true;
        *why = "'" + text + "' is not a size (like 65536, 64KiB or 1MiB)";
        return false;
      });
}

CLI::Validator Duration() {
  return cli::UnitTransformer<int64_t>([](const std::string& text, int64_t* us, std::string* why) {
    std::string ignored;
    if (ParseDurationUs(text, us, &ignored)) return true;
    *why = "'" + text + "' is not a duration (like 250ms, 10s or 1m)";
    return false;
  });
}

// A flag whose value is a size in bytes, or a duration in microseconds.
template <typename T>
void SizeFlag(CLI::App* app, const std::string& name, T* bytes, const std::string& help) {
  app->add_option(name, *bytes, help)->type_name("BYTES")->transform(Size());
}
template <typename T>
void DurationFlag(CLI::App* app, const std::string& name, T* us, const std::string& help) {
  app->add_option(name, *us, help)->type_name("DURATION")->transform(Duration());
}

// The paths of the security flags; their contents go into ServerOptions after the parse.
struct SecurityPaths {
  std::string tls_cert, tls_key, tls_client_ca, require_token;
};

// Every flag, writing into *o and *paths; the app, *o and *paths must outlive the parse.
void DeclareFlags(CLI::App* app, ServerOptions* o, SecurityPaths* paths) {
  cli::SetUpApp(app);
  app->description(
      "The streambench reference gRPC server: streambench.v1.StreamBench, "
      "grpc.testing.TestService and\ngrpc.testing.BenchmarkService. Prints \"listening on "
      "HOST:PORT\" when ready (and \"metrics on\nHOST:PORT\" with --metrics-port). SIGINT/SIGTERM "
      "shut it down gracefully.");
  app->footer("BYTES: 65536, 64KiB, 1MiB, 1GiB, 64KB, 1MB. DURATION: 500us, 250ms, 10s, 1m, 1h.");

  app->add_option("--host", o->host, "address to listen on (default 127.0.0.1)")
      ->type_name("HOST")
      ->check(cli::NotEmpty());
  app->add_option("--port", o->port, "port; 0 = ephemeral (default 0)")
      ->type_name("N")
      ->check(cli::IntegerIn(0, 65535));
  app->add_option("--metrics-port", o->metrics_port,
                  "serve Prometheus /metrics on this port (0 = ephemeral; default off)")
      ->type_name("N")
      ->check(cli::IntegerIn(0, 65535));
  app->add_option("--metrics-host", o->metrics_host, "address for /metrics (default 127.0.0.1)")
      ->type_name("HOST")
      ->check(cli::NotEmpty());

  app->add_flag("--reuse-port", o->reuse_port,
                "share the port with other streambench-server processes started with this flag; "
                "the kernel spreads connections over them (how to serve 100,000 streams: gRPC's "
                "per-message cost grows with the streams open in one process)");
  DurationFlag(app, "--shutdown-grace", &o->shutdown_grace_us,
               "in-flight calls get this long on shutdown (default 5s)");

  app->option_defaults()->group("transport security (default plaintext)");
  app->add_option("--tls-cert", paths->tls_cert, "serve TLS with this certificate chain (PEM)")
      ->type_name("FILE");
  app->add_option("--tls-key", paths->tls_key, "the certificate's private key (PEM)")
      ->type_name("FILE");
  app->add_option("--tls-client-ca", paths->tls_client_ca,
                  "mTLS: require client certificates signed by these CAs (PEM)")
      ->type_name("FILE");
  app->add_option("--require-token", paths->require_token,
                  "calls without \"authorization: Bearer <the file's content>\" end "
                  "UNAUTHENTICATED (needs --tls-cert)")
      ->type_name("FILE");

  TransportSettings& t = o->transport;
  app->option_defaults()->group("transport (unset = gRPC's default)");
  // A bare --bdp-probe turns it on: CLI11 gives an option whose value is optional its default
  // text (not shown: unset means gRPC's default).
  app->add_option("--bdp-probe", t.bdp_probe, "HTTP/2 BDP probing (dynamic flow-control windows)")
      ->expected(0, 1)
      ->default_str("true")
      ->option_text("[true|false]")
      ->check(cli::TrueOrFalse());
  SizeFlag(app, "--stream-window", &t.stream_window_bytes,
           "HTTP/2 stream lookahead (window) bytes");
  SizeFlag(app, "--max-frame-size", &t.max_frame_size_bytes, "HTTP/2 max frame size");
  SizeFlag(app, "--write-buffer", &t.write_buffer_bytes, "HTTP/2 write buffer size");
  app->add_option("--max-concurrent-streams", t.max_concurrent_streams, "streams per connection")
      ->type_name("N")
      ->check(cli::IntegerIn(1, UINT32_MAX));
  SizeFlag(app, "--max-send-message", &t.max_send_message_bytes,
           "largest message the server sends");
  SizeFlag(app, "--max-receive-message", &t.max_receive_message_bytes,
           "largest message the server accepts");
  DurationFlag(app, "--keepalive-time", &t.keepalive_time_us, "ping an idle connection this often");
  DurationFlag(app, "--keepalive-timeout", &t.keepalive_timeout_us,
               "wait this long for a ping ack");
  DurationFlag(app, "--max-connection-age", &t.max_connection_age_us,
               "send GOAWAY to a connection this old (clients reconnect)");

  app->option_defaults()->group("caps on what one request may ask for");
  SizeFlag(app, "--max-response-bytes", &o->caps.max_response_bytes,
           "one response payload (default 16MiB)");
  app->add_option("--max-response-count", o->caps.max_response_count,
                  "responses in one stream (default 10000000)")
      ->type_name("N")
      ->check(cli::IntegerIn(0, INT64_MAX));
  DurationFlag(app, "--max-duration", &o->caps.max_duration_us,
               "any delay, interval or stall, and count*interval (default 1h)");
}

// Reads the files the security flags name into *o; false with *error naming the flag.
bool ReadSecurityFiles(const SecurityPaths& paths, ServerOptions* o, std::string* error) {
  if (paths.tls_cert.empty() != paths.tls_key.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return false;
  }
  if (paths.tls_cert.empty() && !paths.tls_client_ca.empty()) {
    *error = "--tls-client-ca needs --tls-cert and --tls-key";
    return false;
  }
  if (paths.tls_cert.empty() && !paths.require_token.empty()) {
    *error =
        "--require-token needs --tls-cert and --tls-key (a bearer token over plaintext is "
        "readable by anyone on the path)";
    return false;
  }
  const struct {
    const char* flag;
    const std::string& path;
    std::string* content;
  } files[] = {{"--tls-cert", paths.tls_cert, &o->tls.cert_chain_pem},
               {"--tls-key", paths.tls_key, &o->tls.private_key_pem},
               {"--tls-client-ca", paths.tls_client_ca, &o->tls.client_ca_pem}};
  for (const auto& file : files) {
    if (file.path.empty()) continue;
    std::string why;
    if (!ReadSecretFile(file.path, file.content, &why)) {
      *error = std::string(file.flag) + ": " + why;
      return false;
    }
  }
  if (!paths.require_token.empty()) {
    std::string why;
    if (!ReadBearerTokenFile(paths.require_token, &o->required_token, &why)) {
      *error = "--require-token: " + why;
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ServerUsage() {
  CLI::App app("", "streambench-server");
  ServerOptions scratch;
  SecurityPaths scratch_paths;
  DeclareFlags(&app, &scratch, &scratch_paths);
  return app.help();
}

ServerFlags ParseServerFlags(int argc, const char* const* argv) {
  ServerFlags flags;
  CLI::App app("", "streambench-server");
  SecurityPaths paths;
  DeclareFlags(&app, &flags.options, &paths);
  const cli::ParseOutcome parsed =
      cli::ParseArgs(&app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc));
  switch (parsed.kind) {
    case cli::ParseOutcome::Kind::kRun:
      flags.outcome = ServerFlags::Outcome::kRun;
      if (!ReadSecurityFiles(paths, &flags.options, &flags.error)) {
        flags.outcome = ServerFlags::Outcome::kError;
      }
      break;
    case cli::ParseOutcome::Kind::kHelp:
      flags.outcome = ServerFlags::Outcome::kHelp;
      break;
    case cli::ParseOutcome::Kind::kError:
      flags.outcome = ServerFlags::Outcome::kError;
      flags.error = parsed.error + " (see --help)";
      break;
  }
  return flags;
}

}  // namespace streambench
