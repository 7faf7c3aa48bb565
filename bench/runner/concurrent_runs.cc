#include "bench/runner/concurrent_runs.h"

#include <memory>
#include <string>
#include <thread>

#include "server/reference_server.h"

namespace streambench::runner {

std::vector<RunOutcome> RunConcurrently(const std::vector<const scenario::Scenario*>& runs,
                                        const RunOptions& options) {
  std::vector<RunOutcome> outcomes(runs.size());
  if (runs.empty()) return outcomes;
  // Copies: each run's DriverContext refers to its scenario until the run ends, and the embedded
  // server's address is filled in below.
  std::vector<scenario::Scenario> scenarios;
  scenarios.reserve(runs.size());
  for (const scenario::Scenario* run : runs) scenarios.push_back(*run);

  // The loader made sure every run has the same target and server_transport.
  std::unique_ptr<ReferenceServer> server;
  if (scenarios[0].target.addresses.empty()) {
    ServerOptions server_options;
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_options.transport = scenarios[0].server_transport;
    server_options.shutdown_grace_us = 500'000;  // every run has drained or cancelled its calls
    std::string error;
    server = ReferenceServer::Start(server_options, &error);
    if (server == nullptr) {
      for (RunOutcome& o : outcomes) {
        o.status = RunOutcome::Status::kCouldNotRun;
        o.error = "cannot start the embedded server: " + error;
      }
      return outcomes;
    }
    for (scenario::Scenario& s : scenarios) s.target.addresses = {server->address()};
  }

  RunOptions per_run = options;
  per_run.show_progress = false;
  std::vector<std::thread> threads;
  threads.reserve(scenarios.size());
  for (size_t i = 0; i < scenarios.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = RunController(per_run).Run(scenarios[i]); });
  }
  for (std::thread& t : threads) t.join();

  if (server != nullptr) {
    const std::string target = "embedded " + server->address() + " (shared by " +
                               std::to_string(scenarios.size()) + " concurrent runs)";
    for (RunOutcome& o : outcomes) {
      if (o.status != RunOutcome::Status::kCompleted) continue;
      // The run saw an external address; say what it was.
      const std::string& old_target = o.result.target;
      const size_t via = old_target.find(" via emulated link");
      o.result.target = target + (via == std::string::npos ? "" : old_target.substr(via));
      o.result.generator.includes_server = true;
    }
    server->Shutdown();
  }
  return outcomes;
}

}  // namespace streambench::runner
