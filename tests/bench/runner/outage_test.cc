// The server dies mid-run and comes back: a real `streambench-server` child on a fixed
// loopback port is killed with SIGKILL about 2 s into a 6 s run and restarted on the same port at
// about 3.5 s. The run (in this process, through the RunController, against --target) must
// finish by itself, count the failed calls as UNAVAILABLE, resume load after the restart, report
// one outage of about 1.5 s, and use little CPU while the server is gone (reconnect backoff, no
// busy loop). Bounds are generous: the machine is shared, so CPU is compared as a ratio.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/bench/runner/child_process.h"

namespace streambench::runner {
namespace {

using std::chrono::milliseconds;
using testing::ChildProcess;

constexpr auto kKillAt = milliseconds(2000);
constexpr auto kRestartAt = milliseconds(3500);

std::unique_ptr<ChildProcess> StartServer(int port) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto server = std::make_unique<ChildProcess>(
        STREAMBENCH_SERVER_BINARY, std::vector<std::string>{"--port", std::to_string(port)});
    const std::string line = server->ReadLine(milliseconds(5000));
    if (line.rfind("listening on 127.0.0.1:", 0) == 0) return server;
    server->Wait(milliseconds(1000));
    std::this_thread::sleep_for(milliseconds(200));  // port still held: try again
  }
  ADD_FAILURE() << "streambench-server did not start on port " << port;
  return nullptr;
}

uint64_t Code(const report::RunResult& r, const std::string& name) {
  auto it = r.calls_by_code.find(name);
  return it == r.calls_by_code.end() ? 0 : it->second;
}

struct Sample {
  double at_s;        // since Run() was called
  uint64_t ok_calls;  // cumulative
  uint64_t received;  // cumulative messages received
};

// What happened around the outage, measured by the test itself.
struct OutageRun {
  report::RunResult result;
  double healthy_cpu_per_s = 0;  // this process's CPU seconds per second before the kill
  double outage_cpu_per_s = 0;   // ... while the server was dead
  std::vector<Sample> samples;   // once a second, from the snapshot hook
};

OutageRun RunThroughOutage(const std::string& yaml_body) {
  OutageRun run;
  const int port = testing::FreeLoopbackPort();
  EXPECT_GT(port, 0);
  std::unique_ptr<ChildProcess> server = StartServer(port);
  if (server == nullptr) return run;

  scenario::ScenarioFile file;
  scenario::LoadError error;
  const std::string yaml =
      "name: outage\nwarmup: 0s\nduration: 6s\nconnections: 2\nrequest: {payload_size: 100B}\n"
      "target: 127.0.0.1:" +
      std::to_string(port) + "\n" + yaml_body + "expect: {statuses: {OK: any, UNAVAILABLE: any}}\n";
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "outage.yaml", {}, &file, &error))
      << error.ToString();
  if (file.runs.empty()) return run;

  const auto t0 = std::chrono::steady_clock::now();
  auto since_start_s = [t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::mutex mu;
  RunOptions options;
  options.log_out = &std::cerr;
  options.on_snapshot = [&](const scenario::Scenario&, const stats::Snapshot& cumulative,
                            const LiveState&) {
    std::lock_guard<std::mutex> lock(mu);
    run.samples.push_back({since_start_s(), cumulative.counters.calls_by_code[0],
                           cumulative.counters.messages_received});
  };

  std::thread chaos([&] {
    std::this_thread::sleep_for(milliseconds(500));
    const double cpu0 = testing::SelfCpuSeconds(), wall0 = since_start_s();
    std::this_thread::sleep_until(t0 + kKillAt);
    const double cpu1 = testing::SelfCpuSeconds(), wall1 = since_start_s();
    server->Signal(SIGKILL);
    server->Wait(milliseconds(5000));
    // Measure the dead period after the in-flight calls have failed.
    std::this_thread::sleep_until(t0 + kKillAt + milliseconds(300));
    const double cpu2 = testing::SelfCpuSeconds(), wall2 = since_start_s();
    std::this_thread::sleep_until(t0 + kRestartAt - milliseconds(50));
    const double cpu3 = testing::SelfCpuSeconds(), wall3 = since_start_s();
    run.healthy_cpu_per_s = (cpu1 - cpu0) / (wall1 - wall0);
    run.outage_cpu_per_s = (cpu3 - cpu2) / (wall3 - wall2);
    std::this_thread::sleep_until(t0 + kRestartAt);
    server = StartServer(port);
  });
  ResetStopSignals();
  RunOutcome outcome = RunController(options).Run(file.runs[0]);
  chaos.join();
  EXPECT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  run.result = outcome.result;
  std::cerr << "healthy cpu " << run.healthy_cpu_per_s << " s/s, outage cpu "
            << run.outage_cpu_per_s << " s/s\n";
  for (const report::Outage& o : run.result.outages) {
    std::cerr << "outage at " << o.start_s << " s for " << o.duration_s << " s, " << o.failed_calls
              << " failed calls, recovered " << o.recovered << "\n";
  }
  return run;
}

// Progress (OK calls or received messages) made after the restart, from the snapshots.
uint64_t ProgressAfterRestart(const OutageRun& run, uint64_t Sample::*field) {
  const double restart_s = std::chrono::duration<double>(kRestartAt).count();
  uint64_t at_restart = 0;
  for (const Sample& s : run.samples) {
    if (s.at_s <= restart_s) at_restart = s.*field;
  }
  return run.samples.empty() ? 0 : run.samples.back().*field - at_restart;
}

// Checks shared by every mode; `progress` is what must have grown after the restart.
void ExpectOneRecoveredOutage(const OutageRun& run, uint64_t Sample::*progress) {
  EXPECT_GT(ProgressAfterRestart(run, progress), 100u) << "load resumed after the restart";
  const report::RunResult& r = run.result;
  EXPECT_FALSE(r.interrupted);
  EXPECT_GT(r.duration_s, 5.5) << "the run goes on to its end by itself";
  EXPECT_LT(r.duration_s, 7.5);
  EXPECT_GT(Code(r, "UNAVAILABLE"), 0u);
  ASSERT_EQ(r.outages.size(), 1u);
  const report::Outage& o = r.outages[0];
  EXPECT_GT(o.start_s, 1.5);
  EXPECT_LT(o.start_s, 2.7);
  // The server was away 1.5 s; reconnecting adds up to ~1.2 s of backoff (generous bounds).
  EXPECT_GT(o.duration_s, 1.0);
  EXPECT_LT(o.duration_s, 3.3);
  EXPECT_GT(o.failed_calls, 0u);
  EXPECT_TRUE(o.recovered);
}

TEST(OutageTest, UnaryClosedLoopBacksOffAndResumes) {
  const OutageRun run = RunThroughOutage(
      "mode: unary\nstreams_per_connection: 2\nload: {type: closed, outstanding: 4}\n");
  ExpectOneRecoveredOutage(run, &Sample::ok_calls);
  // 16 closed-loop calls against a dead server: without backoff this spins like the healthy
  // run (or worse). With it, the dead period costs a small fraction of the healthy CPU.
  EXPECT_GT(run.healthy_cpu_per_s, 0.0);
  EXPECT_LT(run.outage_cpu_per_s, 0.25 * run.healthy_cpu_per_s);
  EXPECT_LT(run.outage_cpu_per_s, 0.5) << "well below wall time x cores";
  // Backoff bounds the attempts: at most ~1 per slot per 50 ms at first, then fewer.
  EXPECT_LT(run.result.outages[0].failed_calls, 16u * 40u);
}

TEST(OutageTest, BidiClosedLoopReopensItsStreams) {
  const OutageRun run = RunThroughOutage(
      "mode: bidi\nstreams_per_connection: 2\nload: {type: closed, outstanding: 1}\n");
  ExpectOneRecoveredOutage(run, &Sample::received);  // echoes resumed
  EXPECT_LT(run.outage_cpu_per_s, 0.25 * run.healthy_cpu_per_s);
}

TEST(OutageTest, OpenLoopOperationsDuringTheOutageCountAsUnavailable) {
  const OutageRun run = RunThroughOutage("mode: unary\nload: {type: constant, rate: 200/s}\n");
  ExpectOneRecoveredOutage(run, &Sample::ok_calls);
  // Open loop keeps its schedule: each operation during the ~1.5 s outage is attempted and fails
  // at once with UNAVAILABLE (none is silently skipped, none is queued).
  const uint64_t unavailable = Code(run.result, "UNAVAILABLE");
  EXPECT_GT(unavailable, 150u);
  EXPECT_EQ(run.result.dropped_ops, 0u);
  EXPECT_EQ(run.result.calls_started, run.result.calls_finished);
}

}  // namespace
}  // namespace streambench::runner
