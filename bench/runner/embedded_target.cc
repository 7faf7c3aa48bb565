#include "bench/runner/embedded_target.h"

#include <utility>
#include <vector>

#include "bench/engines/grpc/grpc_channels.h"
#include "bench/runner/run_link.h"
#include "bench/runner/run_security.h"

namespace streambench::runner {
namespace {

// The drain has already ended or cancelled the run's calls when the server shuts down: it need
// not wait long for stragglers.
constexpr int64_t kShutdownGraceUs = 500'000;

class OpenedTarget final : public RunTarget {
 public:
  OpenedTarget(std::unique_ptr<ReferenceServer> own_server, bool includes_server,
               std::vector<std::string> addresses, std::string description)
      : own_server_(std::move(own_server)),
        includes_server_(includes_server),
        addresses_(std::move(addresses)),
        description_(std::move(description)) {}
  ~OpenedTarget() override {
    links_.Stop();
    if (own_server_) own_server_->Shutdown();
  }

  // Puts the emulated link in front: the generator dials its relays instead.
  bool StartLink(const scenario::LinkSettings& settings, std::string* error) {
    if (!links_.Start(settings, &addresses_, error)) return false;
    description_ += " via emulated link (" + ToLinkSpec(settings).Describe() + ")";
    return true;
  }

  const std::vector<std::string>& addresses() const override { return addresses_; }
  const std::string& description() const override { return description_; }
  bool includes_server() const override { return includes_server_; }
  report::LinkResult LinkResult() const override { return links_.Result(); }

 private:
  std::unique_ptr<ReferenceServer> own_server_;  // null when shared or external
  bool includes_server_;
  std::vector<std::string> addresses_;
  std::string description_;
  RunLinks links_;
};

}  // namespace

std::unique_ptr<ReferenceServer> StartEmbeddedServer(const scenario::TransportSpec& transport,
                                                     const scenario::ServerSecuritySpec& security,
                                                     std::string* error) {
  ServerOptions options;
  std::string why_not_secure;
  if (!LoadEmbeddedServerSecurity(security, &options, &why_not_secure)) {
    *error = "cannot start the embedded server: " + why_not_secure;
    return nullptr;
  }
  options.host = "127.0.0.1";
  options.port = 0;
  options.transport = transport;
  options.shutdown_grace_us = kShutdownGraceUs;
  std::string why;
  std::unique_ptr<ReferenceServer> server = ReferenceServer::Start(options, &why);
  if (server == nullptr) *error = "cannot start the embedded server: " + why;
  return server;
}

std::unique_ptr<RunTarget> EmbeddedOrGivenTarget::Open(const scenario::Scenario& run,
                                                       std::string* error) {
  std::unique_ptr<OpenedTarget> target;
  if (!run.target.addresses.empty()) {
    target =
        std::make_unique<OpenedTarget>(nullptr, false, run.target.addresses,
                                       engines::grpc_engine::ChannelTarget(run.target.addresses));
  } else if (shared_) {
    target = std::make_unique<OpenedTarget>(
        nullptr, true, std::vector<std::string>{shared_->address()},
        // One sharer: the steps of a capacity search, in turn.
        "embedded " + shared_->address() +
            (sharing_runs_ > 1
                 ? " (shared by " + std::to_string(sharing_runs_) + " concurrent runs)"
                 : ""));
  } else {
    std::unique_ptr<ReferenceServer> server =
        StartEmbeddedServer(run.server_transport, run.server_security, error);
    if (server == nullptr) return nullptr;
    const std::string address = server->address();
    target = std::make_unique<OpenedTarget>(
        std::move(server), true, std::vector<std::string>{address}, "embedded " + address);
  }
  if (run.link.enabled && !target->StartLink(run.link, error)) return nullptr;
  return target;
}

std::unique_ptr<TargetProvider> EmbeddedOrGivenTarget::ShareAmong(const scenario::Scenario& first,
                                                                  size_t runs, std::string* error) {
  if (!first.target.addresses.empty()) return std::make_unique<EmbeddedOrGivenTarget>();
  std::unique_ptr<ReferenceServer> server =
      StartEmbeddedServer(first.server_transport, first.server_security, error);
  if (server == nullptr) return nullptr;
  return std::make_unique<EmbeddedOrGivenTarget>(std::move(server), runs);
}

}  // namespace streambench::runner
