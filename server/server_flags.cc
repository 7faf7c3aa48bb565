#include "server/server_flags.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <vector>

#include "common/units.h"

namespace streambench {

std::string ServerUsage() {
  return R"(usage: streambench-server [flags]

The streambench reference gRPC server: streambench.v1.StreamBench, grpc.testing.TestService and
grpc.testing.BenchmarkService. Prints "listening on HOST:PORT" when ready (and "metrics on
HOST:PORT" with --metrics-port). SIGINT/SIGTERM shut it down gracefully.

  --host=HOST                  address to listen on (default 127.0.0.1)
  --port=N                     port; 0 = ephemeral (default 0)
  --metrics-port=N             serve Prometheus /metrics on this port (0 = ephemeral; default off)
  --metrics-host=HOST          address for /metrics (default 127.0.0.1)
transport (unset = gRPC's default):
  --bdp-probe=true|false       HTTP/2 BDP probing (dynamic flow-control windows)
  --stream-window=BYTES        HTTP/2 stream lookahead (window) bytes
  --max-frame-size=BYTES       HTTP/2 max frame size
  --write-buffer=BYTES         HTTP/2 write buffer size
  --max-concurrent-streams=N   streams per connection
  --max-send-message=BYTES     largest message the server sends
  --max-receive-message=BYTES  largest message the server accepts
  --keepalive-time=DURATION    ping an idle connection this often
  --keepalive-timeout=DURATION wait this long for a ping ack
caps on what one request may ask for:
  --max-response-bytes=BYTES   one response payload (default 16MiB)
  --max-response-count=N       responses in one stream (default 10000000)
  --max-duration=DURATION      any delay, interval or stall, and count*interval (default 1h)
  --shutdown-grace=DURATION    in-flight calls get this long on shutdown (default 5s)
  --help                       this text

BYTES: 65536, 64KiB, 1MiB, 1GiB, 64KB, 1MB. DURATION: 500us, 250ms, 10s, 1m, 1h.
)";
}

ServerFlags ParseServerFlags(int argc, const char* const* argv) {
  ServerFlags flags;
  ServerOptions& o = flags.options;
  TransportSettings& t = o.transport;

  auto fail = [&flags](const std::string& message) {
    flags.outcome = ServerFlags::Outcome::kError;
    flags.error = message;
    return flags;
  };

  using Setter = std::function<std::optional<std::string>(const std::string& value)>;
  auto size_flag = [](auto setter) -> Setter {
    return [setter](const std::string& v) -> std::optional<std::string> {
      uint64_t bytes = 0;
      std::string why;
      if (!ParseSizeBytes(v, &bytes, &why)) {
        return "'" + v + "' is not a size (like 65536, 64KiB or 1MiB)";
      }
      return setter(bytes);
    };
  };
  auto duration_flag = [](auto setter) -> Setter {
    return [setter](const std::string& v) -> std::optional<std::string> {
      int64_t us = 0;
      std::string why;
      if (!ParseDurationUs(v, &us, &why)) {
        return "'" + v + "' is not a duration (like 250ms, 10s or 1m)";
      }
      return setter(us);
    };
  };
  auto int_flag = [](int64_t min, int64_t max, auto setter) -> Setter {
    return [=](const std::string& v) -> std::optional<std::string> {
      char* end = nullptr;
      errno = 0;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || errno != 0 || n < min || n > max) {
        return "'" + v + "' is not an integer in [" + std::to_string(min) + ", " +
               std::to_string(max) + "]";
      }
      return setter(n);
    };
  };
  const std::nullopt_t ok = std::nullopt;

  const std::map<std::string, Setter> setters = {
      {"host",
       [&](const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return std::string("must not be empty");
         o.host = v;
         return ok;
       }},
      {"metrics-host",
       [&](const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return std::string("must not be empty");
         o.metrics_host = v;
         return ok;
       }},
      {"port", int_flag(0, 65535,
                        [&](int64_t n) {
                          o.port = static_cast<int>(n);
                          return ok;
                        })},
      {"metrics-port", int_flag(0, 65535,
                                [&](int64_t n) {
                                  o.metrics_port = static_cast<int>(n);
                                  return ok;
                                })},
      {"bdp-probe",
       [&](const std::string& v) -> std::optional<std::string> {
         if (v == "true" || v == "1") {
           t.bdp_probe = true;
         } else if (v == "false" || v == "0") {
           t.bdp_probe = false;
         } else {
           return "'" + v + "' is not true or false";
         }
         return ok;
       }},
      {"stream-window", size_flag([&](uint64_t b) {
         t.stream_window_bytes = b;
         return ok;
       })},
      {"max-frame-size", size_flag([&](uint64_t b) {
         t.max_frame_size_bytes = b;
         return ok;
       })},
      {"write-buffer", size_flag([&](uint64_t b) {
         t.write_buffer_bytes = b;
         return ok;
       })},
      {"max-concurrent-streams", int_flag(1, UINT32_MAX,
                                          [&](int64_t n) {
                                            t.max_concurrent_streams = static_cast<uint32_t>(n);
                                            return ok;
                                          })},
      {"max-send-message", size_flag([&](uint64_t b) {
         t.max_send_message_bytes = b;
         return ok;
       })},
      {"max-receive-message", size_flag([&](uint64_t b) {
         t.max_receive_message_bytes = b;
         return ok;
       })},
      {"keepalive-time", duration_flag([&](int64_t us) {
         t.keepalive_time_us = us;
         return ok;
       })},
      {"keepalive-timeout", duration_flag([&](int64_t us) {
         t.keepalive_timeout_us = us;
         return ok;
       })},
      {"max-response-bytes", size_flag([&](uint64_t b) {
         o.caps.max_response_bytes = b;
         return ok;
       })},
      {"max-response-count", int_flag(0, INT64_MAX,
                                      [&](int64_t n) {
                                        o.caps.max_response_count = static_cast<uint64_t>(n);
                                        return ok;
                                      })},
      {"max-duration", duration_flag([&](int64_t us) {
         o.caps.max_duration_us = us;
         return ok;
       })},
      {"shutdown-grace", duration_flag([&](int64_t us) {
         o.shutdown_grace_us = us;
         return ok;
       })},
  };

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      flags.outcome = ServerFlags::Outcome::kHelp;
      return flags;
    }
    if (arg.rfind("--", 0) != 0) return fail("unexpected argument '" + arg + "' (see --help)");
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = setters.find(name);
    if (it == setters.end()) return fail("unknown flag --" + name + " (see --help)");
    if (!value) {
      if (name == "bdp-probe") {
        value = "true";  // a bare --bdp-probe turns it on
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return fail("--" + name + " needs a value");
      }
    }
    if (auto problem = it->second(*value)) return fail("--" + name + ": " + *problem);
  }
  return flags;
}

}  // namespace streambench
