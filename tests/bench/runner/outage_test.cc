// The server dies mid-run and comes back: a real `streambench-server` child on a fixed
// loopback port is killed with SIGKILL once the run has had a healthy second (two progress
// ticks), and restarted on the same port once the generator has spent a whole tick with it dead.
// The run (in this process, through the RunController, against --target) must finish by itself,
// count the failed calls as UNAVAILABLE, resume load after the restart, report one outage that
// spans the server's absence, and use little CPU while the server is gone (reconnect backoff, no
// busy loop). Each step waits for what the run reports (its once-a-second snapshots), never for
// the wall clock, so a loaded machine only stretches the timeline: CPU is compared between two
// windows of the same run, and the outage against the moments the server was killed and
// restarted.
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "common/clock.h"
#include "tests/bench/runner/child_process.h"
#include "tests/bench/test_engine.h"

namespace streambench::runner {
namespace {

using std::chrono::milliseconds;
using testing::ChildProcess;

constexpr double kRunDurationS = 7;
// Only a hung test waits this long for the next step.
constexpr auto kHungAfter = std::chrono::seconds(30);

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

// One snapshot of the run, as the hook saw it.
struct Sample {
  int64_t at_ns;         // SteadyNowNs() (the run's own clock) when the hook ran
  double cpu_s;          // this process's CPU seconds then
  uint64_t ok_calls;     // cumulative
  uint64_t received;     // cumulative messages received
  uint64_t unavailable;  // cumulative calls ended UNAVAILABLE
  bool final;            // the run's last snapshot, after the drain
};

// The samples of a run, which another thread waits on.
class Timeline {
 public:
  void Add(const Sample& sample) {
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back(sample);
    added_.notify_all();
  }
  // The index of the first sample from `from` on that satisfies `condition`; -1 once the run's
  // final sample is in (the run ended first) or after kHungAfter.
  int WaitFor(size_t from, const std::function<bool(const Sample&)>& condition) {
    std::unique_lock<std::mutex> lock(mu_);
    int found = -1;
    added_.wait_for(lock, kHungAfter, [&] {
      for (size_t i = from; i < samples_.size(); ++i) {
        if (samples_[i].final) return true;
        if (condition(samples_[i])) {
          found = static_cast<int>(i);
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<Sample> samples() const {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable added_;
  std::vector<Sample> samples_;
};

// What happened around the outage, measured by the test itself.
struct OutageRun {
  report::RunResult result;
  double healthy_cpu_per_s = 0;  // this process's CPU seconds per second over a healthy tick
  double outage_cpu_per_s = 0;   // ... over a tick while the server was dead
  std::vector<Sample> samples;   // once a second, from the snapshot hook, and the final one
  int64_t run_called_ns = 0;     // Run() called: the run started after this
  int64_t kill_ns = 0;           // SIGKILL sent
  int64_t dead_tick_ns = 0;      // the first tick that had counted the failed calls
  int64_t restart_ns = 0;        // the new server process started (0: it was not)

  // The run started no later than one second before its first tick.
  int64_t latest_start_ns() const { return samples.empty() ? 0 : samples[0].at_ns - 1'000'000'000; }
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
      "name: outage\nwarmup: 0s\nduration: " + std::to_string(static_cast<int>(kRunDurationS)) +
      "s\nconnections: 2\nrequest: {payload_size: 100B}\n"
      "target: 127.0.0.1:" +
      std::to_string(port) + "\n" + yaml_body + "expect: {statuses: {OK: any, UNAVAILABLE: any}}\n";
  EXPECT_TRUE(scenario::LoadScenarioString(
      yaml, "outage.yaml", streambench::testing::TestEngineOverrides(), &file, &error))
      << error.ToString();
  if (file.runs.empty()) return run;

  Timeline timeline;
  RunOptions options;
  options.log_out = &std::cerr;
  options.on_snapshot = [&timeline](const scenario::Scenario&, const stats::Snapshot& cumulative,
                                    const LiveState& live) {
    timeline.Add({SteadyNowNs(), testing::SelfCpuSeconds(), cumulative.counters.calls_by_code[0],
                  cumulative.counters.messages_received,
                  cumulative.counters.calls_by_code[grpc::StatusCode::UNAVAILABLE], live.final});
  };

  std::thread chaos([&] {
    // Healthy: the first two ticks, one second of load between them.
    const int healthy0 = timeline.WaitFor(0, [](const Sample&) { return true; });
    const int healthy1 =
        healthy0 < 0 ? -1 : timeline.WaitFor(healthy0 + 1, [](const Sample&) { return true; });
    if (healthy1 < 0) return;
    run.kill_ns = SteadyNowNs();
    server->Signal(SIGKILL);
    server->Wait(milliseconds(5000));
    // Dead: from the first tick that has counted failed calls (the calls in flight have failed,
    // the slots are backing off) to the next one.
    const uint64_t unavailable_before = timeline.samples()[healthy1].unavailable;
    const int dead0 = timeline.WaitFor(healthy1 + 1, [&](const Sample& s) {
      return s.at_ns > run.kill_ns && s.unavailable > unavailable_before;
    });
    const int dead1 =
        dead0 < 0 ? -1 : timeline.WaitFor(dead0 + 1, [](const Sample&) { return true; });
    if (dead1 < 0) return;
    const std::vector<Sample> s = timeline.samples();
    run.healthy_cpu_per_s = (s[healthy1].cpu_s - s[healthy0].cpu_s) /
                            (static_cast<double>(s[healthy1].at_ns - s[healthy0].at_ns) / 1e9);
    run.outage_cpu_per_s = (s[dead1].cpu_s - s[dead0].cpu_s) /
                           (static_cast<double>(s[dead1].at_ns - s[dead0].at_ns) / 1e9);
    run.dead_tick_ns = s[dead0].at_ns;
    run.restart_ns = SteadyNowNs();
    server = StartServer(port);
  });
  ResetStopSignals();
  run.run_called_ns = SteadyNowNs();
  RunOutcome outcome = RunController(options).Run(file.runs[0]);
  chaos.join();
  EXPECT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_GT(run.restart_ns, 0) << "the run ended before the outage was staged";
  run.result = outcome.result;
  run.samples = timeline.samples();
  std::cerr << "healthy cpu " << run.healthy_cpu_per_s << " s/s, outage cpu "
            << run.outage_cpu_per_s << " s/s; killed "
            << static_cast<double>(run.kill_ns - run.run_called_ns) / 1e9 << " s, restarted "
            << static_cast<double>(run.restart_ns - run.run_called_ns) / 1e9
            << " s after Run() was called\n";
  for (const report::Outage& o : run.result.outages) {
    std::cerr << "outage at " << o.start_s << " s for " << o.duration_s << " s, " << o.failed_calls
              << " failed calls, recovered " << o.recovered << "\n";
  }
  return run;
}

// Progress (OK calls or received messages) made after the restart, from the snapshots.
uint64_t ProgressAfterRestart(const OutageRun& run, uint64_t Sample::*field) {
  uint64_t at_restart = 0;
  for (const Sample& s : run.samples) {
    if (s.at_ns <= run.restart_ns) at_restart = s.*field;
  }
  return run.samples.empty() ? 0 : run.samples.back().*field - at_restart;
}

// Checks shared by every mode; `progress` is what must have grown after the restart.
void ExpectOneRecoveredOutage(const OutageRun& run, uint64_t Sample::*progress) {
  ASSERT_GT(run.restart_ns, 0);
  EXPECT_GT(ProgressAfterRestart(run, progress), 100u) << "load resumed after the restart";
  const report::RunResult& r = run.result;
  EXPECT_FALSE(r.interrupted);
  EXPECT_GE(r.duration_s, kRunDurationS - 0.01) << "the run goes on to its end by itself";
  EXPECT_GT(Code(r, "UNAVAILABLE"), 0u);
  ASSERT_EQ(r.outages.size(), 1u);
  const report::Outage& o = r.outages[0];
  // Its times are from the run's start, known to lie between Run() and a second before the
  // first tick; each check below holds for any start in that span.
  const auto at_ns = [](int64_t run_start_ns, double s) {
    return run_start_ns + static_cast<int64_t>(s * 1e9);
  };
  EXPECT_GE(at_ns(run.latest_start_ns(), o.start_s), run.kill_ns) << "began after the kill";
  EXPECT_LE(at_ns(run.run_called_ns, o.start_s), run.dead_tick_ns)
      << "began by the tick that counted the failed calls";
  EXPECT_GE(at_ns(run.latest_start_ns(), o.start_s + o.duration_s), run.restart_ns)
      << "lasted until the server was back";
  EXPECT_GE(o.duration_s, static_cast<double>(run.restart_ns - run.dead_tick_ns) / 1e9)
      << "spans the dead tick";
  EXPECT_GT(o.failed_calls, 0u);
  EXPECT_TRUE(o.recovered);
}

// With backoff, the dead period costs a small fraction of the healthy CPU. The healthy figure
// is itself small when the engine is cheap (the h2 engine's closed loop spends ~0.3 s/s) or when
// a busy machine starves the server, so the bound is that fraction or a tenth of a core,
// whichever is larger: either is far below the full core a retry loop without backoff spins.
void ExpectTheOutageCostsLittleCpu(const OutageRun& run) {
  EXPECT_GT(run.healthy_cpu_per_s, 0.0);
  EXPECT_LT(run.outage_cpu_per_s, std::max(0.25 * run.healthy_cpu_per_s, 0.1))
      << "healthy " << run.healthy_cpu_per_s << " s/s";
  EXPECT_LT(run.outage_cpu_per_s, 0.5) << "well below wall time x cores";
}

TEST(OutageTest, UnaryClosedLoopBacksOffAndResumes) {
  const OutageRun run = RunThroughOutage(
      "mode: unary\nstreams_per_connection: 2\nload: {type: closed, outstanding: 4}\n");
  ExpectOneRecoveredOutage(run, &Sample::ok_calls);
  // 16 closed-loop calls against a dead server: without backoff this spins like the healthy
  // run (or worse).
  ExpectTheOutageCostsLittleCpu(run);
  // Backoff bounds the attempts: at most ~1 per slot per 50 ms at first, then fewer.
  ASSERT_EQ(run.result.outages.size(), 1u);
  EXPECT_LT(run.result.outages[0].failed_calls, 16u * 40u);
}

TEST(OutageTest, BidiClosedLoopReopensItsStreams) {
  const OutageRun run = RunThroughOutage(
      "mode: bidi\nstreams_per_connection: 2\nload: {type: closed, outstanding: 1}\n");
  ExpectOneRecoveredOutage(run, &Sample::received);  // echoes resumed
  ExpectTheOutageCostsLittleCpu(run);
}

TEST(OutageTest, OpenLoopOperationsDuringTheOutageCountAsUnavailable) {
  const OutageRun run = RunThroughOutage("mode: unary\nload: {type: constant, rate: 200/s}\n");
  ExpectOneRecoveredOutage(run, &Sample::ok_calls);
  ASSERT_EQ(run.result.outages.size(), 1u);
  // Open loop keeps its schedule: each operation during the outage is attempted and fails at
  // once with UNAVAILABLE (none is silently skipped, none is queued): about 200/s x its length.
  const uint64_t unavailable = Code(run.result, "UNAVAILABLE");
  EXPECT_GT(static_cast<double>(unavailable), 0.5 * 200 * run.result.outages[0].duration_s);
  EXPECT_EQ(run.result.dropped_ops, 0u);
  EXPECT_EQ(run.result.calls_started, run.result.calls_finished);
}

}  // namespace
}  // namespace streambench::runner
