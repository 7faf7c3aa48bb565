// ReferenceServer: the reference gRPC server in one object: streambench.v1.StreamBench, the
// standard grpc.testing.TestService and BenchmarkService, transport settings, server metrics and
// (optionally) a Prometheus /metrics endpoint. The `streambench-server` binary wraps it; the
// generator starts one in-process as its embedded server. No globals and no signal handling, so
// several servers can run in one process.
// Thread-safety: all methods are thread-safe; Shutdown is idempotent.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/behavior_caps.h"
#include "common/transport_settings.h"
#include "server/server_metrics.h"

namespace grpc {
class Server;
}  // namespace grpc
namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace streambench {

class LiveCalls;
class StreamBenchService;
class StandardTestService;
class StandardBenchmarkService;
class WorkloadsService;
class TokenAuth;

// TLS of the server's port: the contents of the PEM files (`--tls-cert`, `--tls-key`,
// `--tls-client-ca`). No certificate = plaintext.
struct ServerTlsSettings {
  std::string cert_chain_pem;
  std::string private_key_pem;
  std::string client_ca_pem;  // non-empty: mTLS, client certificates required and verified
};

struct ServerOptions {
  std::string host = "127.0.0.1";   // address to listen on (IPv6 literals without brackets)
  int port = 0;                     // 0 = an ephemeral port, see ReferenceServer::port()
  std::optional<int> metrics_port;  // Prometheus /metrics on this port (0 = ephemeral); unset = off
  std::string metrics_host = "127.0.0.1";
  TransportSettings transport;
  BehaviorCaps caps;
  int64_t shutdown_grace_us = 5'000'000;  // in-flight calls get this long to finish on Shutdown
  ServerTlsSettings tls;
  // `--require-token`: calls must carry "authorization: Bearer <this>" (needs TLS); empty = any
  // call is served. A secret: never printed.
  std::string required_token;
  // `--reuse-port`: share the port (SO_REUSEPORT) with other server processes that set it too;
  // the kernel spreads new connections over them. This is how the server scales to 100,000
  // streams: gRPC 1.51 as Debian builds it runs every callback of a process through one
  // completion queue whose debug checks scan all operations outstanding on it at each
  // completion, so one process's cost per message grows with its open streams.
  bool reuse_port = false;
};

class ReferenceServer {
 public:
  // Starts listening; nullptr with `*error` set (e.g. "cannot listen on 127.0.0.1:5000: the
  // address is in use or not available") when the gRPC or metrics port cannot be bound, or the
  // TLS settings cannot be used (a required token without TLS).
  static std::unique_ptr<ReferenceServer> Start(const ServerOptions& options, std::string* error);

  ~ReferenceServer();  // Shutdown()
  ReferenceServer(const ReferenceServer&) = delete;
  ReferenceServer& operator=(const ReferenceServer&) = delete;

  int port() const { return port_; }
  std::string address() const;  // "HOST:PORT" ("[::1]:PORT" for IPv6), what a client dials
  int metrics_port() const { return metrics_port_; }  // 0 when metrics are off
  std::string metrics_address() const;                // "HOST:PORT", empty when off
  ServerMetrics& metrics() { return *metrics_; }
  StreamBenchService& streambench_service() { return *streambench_; }
  WorkloadsService& workloads_service() { return *workloads_; }
  const ServerOptions& options() const { return options_; }

  // Graceful: stops accepting calls, lets in-flight calls finish within shutdown_grace_us, then
  // cancels the rest; returns when every call has ended. Idempotent.
  void Shutdown();

 private:
  explicit ReferenceServer(const ServerOptions& options);
  // The live-reactor counts of the services that exist.
  std::vector<LiveCalls*> LiveCallsOfServices();

  const ServerOptions options_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<StreamBenchService> streambench_;
  std::unique_ptr<StandardTestService> test_service_;
  std::unique_ptr<StandardBenchmarkService> benchmark_service_;
  std::unique_ptr<WorkloadsService> workloads_;
  std::shared_ptr<TokenAuth> token_auth_;  // with a required token
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::mutex shutdown_mu_;
  bool shut_down_ = false;
};

// "host:port", bracketing an IPv6 literal ("[::1]:50051").
std::string JoinHostPort(const std::string& host, int port);

}  // namespace streambench
