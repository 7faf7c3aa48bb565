#include "server/reference_server.h"

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <prometheus/exposer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "common/transport_channel_args.h"
#include "server/interop/benchmark_service.h"
#include "server/interop/test_service.h"
#include "server/streambench_service.h"
#include "server/token_auth.h"
#include "server/workloads/workloads_service.h"

namespace streambench {

std::string JoinHostPort(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ReferenceServer::ReferenceServer(const ServerOptions& options) : options_(options) {}

std::unique_ptr<ReferenceServer> ReferenceServer::Start(const ServerOptions& options,
                                                        std::string* error) {
  std::unique_ptr<ReferenceServer> server(new ReferenceServer(options));
  server->metrics_ = std::make_unique<ServerMetrics>(std::make_shared<prometheus::Registry>());
  const uint64_t max_send_bytes = options.transport.max_send_message_bytes.value_or(UINT64_MAX);
  server->streambench_ =
      std::make_unique<StreamBenchService>(*server->metrics_, options.caps, max_send_bytes);
  server->test_service_ = std::make_unique<StandardTestService>(*server->metrics_, options.caps);
  server->benchmark_service_ =
      std::make_unique<StandardBenchmarkService>(*server->metrics_, options.caps);
  server->workloads_ = std::make_unique<WorkloadsService>(*server->metrics_);

  // Server reflection (grpc.reflection.v1alpha in gRPC 1.51), so a scenario that names a method
  // and `proto: {reflection: true}` runs against this server with no .proto files at hand. The
  // plugin is registered process-wide and picked up by every ServerBuilder made after this.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  const std::string address = JoinHostPort(options.host, options.port);
  int selected_port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (!options.tls.cert_chain_pem.empty()) {
    grpc::SslServerCredentialsOptions ssl(
        options.tls.client_ca_pem.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = options.tls.client_ca_pem;
    ssl.pem_key_cert_pairs.push_back({options.tls.private_key_pem, options.tls.cert_chain_pem});
    credentials = grpc::SslServerCredentials(ssl);
    if (!options.required_token.empty()) {
      server->token_auth_ = std::make_shared<TokenAuth>(options.required_token, &*server->metrics_);
      credentials->SetAuthMetadataProcessor(server->token_auth_);
    }
  } else if (!options.required_token.empty()) {
    if (error != nullptr) *error = "a required bearer token needs TLS (--tls-cert and --tls-key)";
    return nullptr;
  } else {
    credentials = grpc::InsecureServerCredentials();
  }
  builder.AddListeningPort(address, credentials, &selected_port);
  // gRPC sets SO_REUSEPORT by default, which would let a second server "bind" a port another
  // process is serving and split its traffic; a taken port must be an error instead, unless the
  // split is what is asked for (several server processes behind one port).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, options.reuse_port ? 1 : 0);
  ApplyToServerBuilder(options.transport, builder);
  builder.RegisterService(server->streambench_.get());
  builder.RegisterService(server->test_service_.get());
  builder.RegisterService(server->benchmark_service_.get());
  builder.RegisterService(server->workloads_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || selected_port == 0) {
    if (error != nullptr) {
      *error = "cannot listen on " + address + ": the address is in use or not available";
    }
    server->Shutdown();
    return nullptr;
  }
  server->port_ = selected_port;

  if (options.metrics_port) {
    const std::string metrics_address = JoinHostPort(options.metrics_host, *options.metrics_port);
    try {
      server->exposer_ = std::make_unique<prometheus::Exposer>(metrics_address, 1);
      server->exposer_->RegisterCollectable(server->metrics_->collectable());
      const std::vector<int> ports = server->exposer_->GetListeningPorts();
      server->metrics_port_ = ports.empty() ? 0 : ports.front();
    } catch (const std::exception& e) {  // civetweb reports a failed bind by throwing
      if (error != nullptr) {
        *error = "cannot serve metrics on " + metrics_address + ": " + e.what();
      }
      server->Shutdown();
      return nullptr;
    }
  }
  return server;
}

ReferenceServer::~ReferenceServer() { Shutdown(); }

std::string ReferenceServer::address() const { return JoinHostPort(options_.host, port_); }

std::string ReferenceServer::metrics_address() const {
  return metrics_port_ == 0 ? std::string() : JoinHostPort(options_.metrics_host, metrics_port_);
}

void ReferenceServer::Shutdown() {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    // grpc::Server::Shutdown stops accepting, then waits for in-flight calls *and* for every
    // client connection to close, cancelling what is left at the deadline. An idle client that
    // keeps its channel open would hold it for the whole grace period, so once no call is in
    // flight any more the remaining (idle) connections are cut at once.
    const auto deadline =
        std::chrono::system_clock::now() +
        std::chrono::microseconds(std::max<int64_t>(0, options_.shutdown_grace_us));
    std::atomic<bool> shut{false};
    std::thread shutdown([this, deadline, &shut] {
      server_->Shutdown(deadline);
      shut = true;
    });
    // Lets the shutdown thread reach grpc_server_shutdown_and_notify (no new calls after that).
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // Quiet = no call in flight and no reactor left (a reactor goes only after its status has
    // been sent). Unary interop calls are counted at Finish, so a quiet state must last a moment
    // before connections are cut, lest a status still being sent is lost.
    auto quiet = [this] {
      const std::vector<LiveCalls*> services = LiveCallsOfServices();
      return metrics_->ActiveStreams() == 0 &&
             std::all_of(services.begin(), services.end(),
                         [](const LiveCalls* calls) { return calls->count() == 0; });
    };
    auto before_deadline = [deadline] { return std::chrono::system_clock::now() < deadline; };
    while (!shut && before_deadline()) {
      if (quiet()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (quiet()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!shut) grpc_server_cancel_all_calls(server_->c_server());
    shutdown.join();
    server_->Wait();
  }
  // Cancelled calls end in OnDone or a last alarm callback just after the server lets go of them;
  // wait for that so "shut down" means no reactor is left. The services, metrics and the metrics
  // endpoint stay until destruction, so a final scrape still sees every call counted.
  for (LiveCalls* calls : LiveCallsOfServices()) calls->WaitUntilIdle(std::chrono::seconds(10));
}

std::vector<LiveCalls*> ReferenceServer::LiveCallsOfServices() {
  std::vector<LiveCalls*> calls;
  if (streambench_ != nullptr) calls.push_back(&streambench_->live_calls());
  if (test_service_ != nullptr) calls.push_back(&test_service_->live_calls());
  if (benchmark_service_ != nullptr) calls.push_back(&benchmark_service_->live_calls());
  if (workloads_ != nullptr) calls.push_back(&workloads_->live_calls());
  return calls;
}

}  // namespace streambench
