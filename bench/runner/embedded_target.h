// EmbeddedOrGivenTarget: the production TargetProvider. A run without target addresses gets a
// fresh embedded reference server on an ephemeral loopback port (or, for concurrent runs, the one
// server they share); a run with addresses dials them. Either way an emulated link (run_link.h)
// goes in front when the scenario has `link`.
// Thread-safety: Open may be called by several runs at once; each handle belongs to its run.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "bench/runner/run_target.h"
#include "server/reference_server.h"

namespace streambench::runner {

// Starts the embedded reference server for runs with `transport` and `security` (TLS, a
// required token) on 127.0.0.1, an ephemeral port; nullptr with *error ("cannot start the
// embedded server: ...") when it cannot.
std::unique_ptr<ReferenceServer> StartEmbeddedServer(const scenario::TransportSpec& transport,
                                                     const scenario::ServerSecuritySpec& security,
                                                     std::string* error);

class EmbeddedOrGivenTarget final : public TargetProvider {
 public:
  // A fresh embedded server for every run without addresses.
  EmbeddedOrGivenTarget() = default;
  // Runs without addresses use `shared` (shut down with this provider, after every handle it
  // opened is gone) and say that `sharing_runs` runs share it.
  EmbeddedOrGivenTarget(std::unique_ptr<ReferenceServer> shared, size_t sharing_runs)
      : shared_(std::move(shared)), sharing_runs_(sharing_runs) {}

  std::unique_ptr<RunTarget> Open(const scenario::Scenario& run, std::string* error) override;
  std::unique_ptr<TargetProvider> ShareAmong(const scenario::Scenario& first, size_t runs,
                                             std::string* error) override;

 private:
  std::unique_ptr<ReferenceServer> shared_;
  size_t sharing_runs_ = 0;
};

}  // namespace streambench::runner
