// A real run reports the generator's own CPU: measured over the measured phase, with
// the embedded server flagged as included when the generator started it. Nothing here depends on
// how fast the machine is: only that the figures exist and are consistent.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>

#include "bench/runner/cpu_usage.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "server/reference_server.h"

namespace streambench::runner {
namespace {

class GeneratorCpuRunTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetStopSignals(); }

  report::RunResult MustRun(const std::string& yaml) {
    scenario::ScenarioFile file;
    scenario::LoadError error;
    EXPECT_TRUE(scenario::LoadScenarioString(yaml, "test.yaml", {}, &file, &error))
        << error.ToString();
    if (file.runs.empty()) return {};
    scenario_ = std::make_unique<scenario::Scenario>(file.runs[0]);  // outlives the run
    RunOptions options;
    options.log_out = &std::cerr;
    RunOutcome outcome = RunController(options).Run(*scenario_);
    EXPECT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
    return outcome.result;
  }

  static void ExpectConsistent(const report::GeneratorCpu& g, const report::RunResult& r) {
    EXPECT_EQ(g.cores, UsableCores());
    EXPECT_GT(g.cpu_seconds, 0);
    // The process cannot use more than its cores, nor a thread more than one core (small slack
    // for the gap between reading the clocks and the /proc files).
    EXPECT_GT(g.cpu_utilization, 0);
    EXPECT_LE(g.cpu_utilization, 1.05);
    EXPECT_GT(g.busiest_thread_utilization, 0);
    EXPECT_LE(g.busiest_thread_utilization, 1.05);
    EXPECT_LE(g.cpu_seconds, r.duration_s * g.cores * 1.05);
    EXPECT_EQ(g.saturated, g.cpu_utilization >= 0.9 || g.busiest_thread_utilization >= 0.9 ||
                               g.dispatch_behind_fraction >= 0.5);
  }

  std::unique_ptr<scenario::Scenario> scenario_;
};

constexpr char kBidi[] =
    "name: t\n"
    "mode: bidi\n"
    "connections: 1\n"
    "streams_per_connection: 2\n"
    "warmup: 200ms\n"
    "duration: 1s\n"
    "load: {type: closed, outstanding: 1}\n"
    "server_behavior: {bidi: echo, response_size: 0B}\n";

TEST_F(GeneratorCpuRunTest, EmbeddedServerRunReportsCpuIncludingTheServer) {
  const report::RunResult r = MustRun(kBidi);
  ASSERT_GT(r.messages_received, 0u);
  ExpectConsistent(r.generator, r);
  EXPECT_TRUE(r.generator.includes_server);
}

TEST_F(GeneratorCpuRunTest, ExternalTargetRunReportsCpuWithoutTheServerFlag) {
  std::string error;
  auto server = ReferenceServer::Start(ServerOptions{}, &error);
  ASSERT_NE(server, nullptr) << error;
  const report::RunResult r = MustRun(std::string(kBidi) + "target: " + server->address() + "\n");
  ASSERT_GT(r.messages_received, 0u);
  ExpectConsistent(r.generator, r);
  EXPECT_FALSE(r.generator.includes_server);
}

}  // namespace
}  // namespace streambench::runner
