#include "server/server_flags.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <vector>

#include "common/cli/cli_flags.h"

namespace streambench {
namespace {

// Splits "64KiB" into the number 64 and the unit "KiB"; false if there is no number.
bool SplitNumber(std::string_view text, double* number, std::string_view* unit) {
  size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  if (i == 0) return false;
  const std::string digits(text.substr(0, i));
  char* end = nullptr;
  *number = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return false;
  *unit = text.substr(i);
  return true;
}

std::optional<uint64_t> ToUint(double value) {
  if (!std::isfinite(value) || value < 0 || value >= 18446744073709551615.0) return std::nullopt;
  if (value != std::floor(value)) return std::nullopt;  // fractions of a byte or microsecond
  return static_cast<uint64_t>(value);
}

}  // namespace

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, &number, &unit)) return std::nullopt;
  static const std::map<std::string_view, double> kUnits = {
      {"", 1},     {"B", 1},        {"KB", 1e3},        {"MB", 1e6},
      {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
  };
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return std::nullopt;
  return ToUint(number * it->second);
}

std::optional<int64_t> ParseDurationUs(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, &number, &unit)) return std::nullopt;
  static const std::map<std::string_view, double> kUnits = {
      {"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6},
  };
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return std::nullopt;
  const double us = std::round(number * it->second);
  if (!(us >= 0) || us > static_cast<double>(std::numeric_limits<int64_t>::max() / 2)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(us);
}

namespace {

// The server's sizes and durations as CLI11 transformers, with messages that show the syntax.
CLI::Validator Size() {
  return cli::UnitTransformer<uint64_t>(
      [](const std::string& text, uint64_t* bytes, std::string* why) {
        const std::optional<uint64_t> parsed = ParseByteSize(text);
        if (!parsed) *why = "'" + text + "' is not a size (like 65536, 64KiB or 1MiB)";
        *bytes = parsed.value_or(0);
        return parsed.has_value();
      });
}

CLI::Validator Duration() {
  return cli::UnitTransformer<int64_t>([](const std::string& text, int64_t* us, std::string* why) {
    const std::optional<int64_t> parsed = ParseDurationUs(text);
    if (!parsed) *why = "'" + text + "' is not a duration (like 250ms, 10s or 1m)";
    *us = parsed.value_or(0);
    return parsed.has_value();
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

// Every flag, writing into *o; the app and *o must outlive the parse.
void DeclareFlags(CLI::App* app, ServerOptions* o) {
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

  DurationFlag(app, "--shutdown-grace", &o->shutdown_grace_us,
               "in-flight calls get this long on shutdown (default 5s)");

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

}  // namespace

std::string ServerUsage() {
  CLI::App app("", "streambench-server");
  ServerOptions scratch;
  DeclareFlags(&app, &scratch);
  return app.help();
}

ServerFlags ParseServerFlags(int argc, const char* const* argv) {
  ServerFlags flags;
  CLI::App app("", "streambench-server");
  DeclareFlags(&app, &flags.options);
  const cli::ParseOutcome parsed =
      cli::ParseArgs(&app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc));
  switch (parsed.kind) {
    case cli::ParseOutcome::Kind::kRun:
      flags.outcome = ServerFlags::Outcome::kRun;
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
