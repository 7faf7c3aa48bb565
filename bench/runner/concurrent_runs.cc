#include "bench/runner/concurrent_runs.h"

#include <memory>
#include <string>
#include <thread>

namespace streambench::runner {
namespace {

// Every outcome says the same: the runs go together or not at all.
std::vector<RunOutcome> NoneStarted(size_t runs, RunOutcome::Status status,
                                    const std::string& error) {
  std::vector<RunOutcome> outcomes(runs);
  for (RunOutcome& o : outcomes) {
    o.status = status;
    o.error = error;
  }
  return outcomes;
}

}  // namespace

bool CheckEveryRun(const std::vector<const scenario::Scenario*>& runs, const SlotFactory& slots,
                   std::string* error) {
  for (const scenario::Scenario* run : runs) {
    std::string why;
    if (slots.Check(*run, &why)) continue;
    *error = run->variant.empty() ? why : "variant `" + run->variant + "`: " + why;
    return false;
  }
  return true;
}

std::vector<RunOutcome> RunConcurrently(const std::vector<const scenario::Scenario*>& runs,
                                        const RunOptions& options) {
  if (runs.empty()) return {};
  const RunEnvironment& env =
      options.environment != nullptr ? *options.environment : ProductionRunEnvironment();
  std::string error;
  if (!CheckEveryRun(runs, *env.slots, &error)) {
    return NoneStarted(runs.size(), RunOutcome::Status::kBadInput, error);
  }

  // The loader made sure every run has the same target and server_transport: runs without a
  // target share one embedded server.
  std::unique_ptr<TargetProvider> shared_target =
      env.targets->ShareAmong(*runs[0], runs.size(), &error);
  if (shared_target == nullptr) {
    return NoneStarted(runs.size(), RunOutcome::Status::kCouldNotRun, error);
  }
  RunEnvironment per_run_env = env;
  per_run_env.targets = shared_target.get();
  RunOptions per_run = options;
  per_run.show_progress = false;
  per_run.environment = &per_run_env;

  std::vector<RunOutcome> outcomes(runs.size());
  std::vector<std::thread> threads;
  threads.reserve(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = RunController(per_run).Run(*runs[i]); });
  }
  for (std::thread& t : threads) t.join();
  return outcomes;
}

}  // namespace streambench::runner
