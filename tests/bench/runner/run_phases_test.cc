// The run's phase logic (prepare, warm-up, measured phase, drain, assemble) on a fake clock with
// fake slots (fake_run_environment.h): every run here lasts seconds of fake time and milliseconds
// of real time. The real-server tests (run_controller_test.cc) prove the wiring.
#include "bench/runner/run_phases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/runner/run_controller.h"
#include "tests/bench/runner/fake_run_environment.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

using testing::kMsNs;

constexpr int64_t kSecondNs = 1000 * kMsNs;

// One fake slot (connections: 1) that moves one message each way per 50 ms poll.
std::string Yaml(const std::string& warmup, const std::string& duration) {
  return "name: t\nmode: bidi\nconnections: 1\nstreams_per_connection: 1\n"
         "load: {type: closed, outstanding: 1}\nwarmup: " +
         warmup + "\nduration: " + duration + "\n";
}

class RunPhasesTest : public ::testing::Test {
 protected:
  RunPhasesTest() { options_.environment = &fake_.environment; }

  RunOutcome Run(const std::string& yaml) {
    scenario_ = testing::LoadFirstRun(yaml);
    start_ns_ = fake_.clock.NowNs();
    return RunController(options_).Run(scenario_);
  }
  // Fake time since the run started.
  int64_t ElapsedNs() const { return fake_.clock.NowNs() - start_ns_; }

  testing::FakeRunEnvironment fake_;
  RunOptions options_;
  scenario::Scenario scenario_;
  int64_t start_ns_ = 0;
};

TEST_F(RunPhasesTest, WarmUpIsSubtractedAndTheMeasuredWindowIsExact) {
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_FALSE(r.interrupted);
  EXPECT_DOUBLE_EQ(r.duration_s, 2.0);
  // 20 polls of warm-up are subtracted; the 40 polls of the measured phase remain.
  EXPECT_EQ(r.messages_sent, 40u);
  EXPECT_EQ(r.messages_received, 40u);
  EXPECT_EQ(r.bytes_sent, 4000u);
  EXPECT_DOUBLE_EQ(r.messages_sent_per_s, 20.0);
  EXPECT_EQ(r.calls_finished, 1u);
  EXPECT_EQ(ElapsedNs(), 3 * kSecondNs) << "the slot ended on Stop: no drain wait";
  ASSERT_EQ(fake_.slots.made.size(), 1u);
}

TEST_F(RunPhasesTest, DrainRepliesCountInTotalsButNotInRates) {
  fake_.slots.behavior.replies_after_stop = 4;
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_EQ(r.messages_sent, 20u);
  EXPECT_EQ(r.messages_received, 24u) << "every reply is accounted for";
  EXPECT_DOUBLE_EQ(r.messages_received_per_s, 20.0) << "rates stop at the measured phase's end";
  EXPECT_DOUBLE_EQ(r.calls_per_s, 0.0) << "the call finished in the drain";
  EXPECT_EQ(ElapsedNs(), kSecondNs + 4 * 5 * kMsNs) << "the drain polls every 5 ms";
}

// A run with finite work (a request feed sent `once`) ends its measured phase when the work runs
// out, not at its duration, and not as an interruption; the drain still collects the answers in
// flight, and the result says how much work there was and when it ran out.
TEST_F(RunPhasesTest, FiniteWorkEndsTheMeasuredPhaseWhenItRunsOut) {
  fake_.slots.behavior.work_items = 10;
  fake_.slots.behavior.replies_after_stop = 2;
  const RunOutcome outcome = Run(Yaml("0s", "10s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_FALSE(r.interrupted);
  // One item per 50 ms step: the 10th is taken at 500 ms, seen by the next poll.
  EXPECT_DOUBLE_EQ(r.duration_s, 0.5);
  EXPECT_EQ(r.messages_sent, 10u);
  EXPECT_EQ(r.messages_received, 12u) << "the drain's answers are counted";
  EXPECT_EQ(r.feed.lines, 10u);
  EXPECT_EQ(r.feed.lines_sent, 10u);
  EXPECT_TRUE(r.feed.exhausted);
  EXPECT_DOUBLE_EQ(r.feed.exhausted_after_s, 0.5);
  EXPECT_EQ(ElapsedNs(), 500 * kMsNs + 2 * 5 * kMsNs) << "ended at the exhaustion, then drained";
}

TEST_F(RunPhasesTest, FiniteWorkLeftOverAtTheDurationIsReported) {
  fake_.slots.behavior.work_items = 100;
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_DOUBLE_EQ(r.duration_s, 1.0);
  EXPECT_EQ(r.feed.lines, 100u);
  EXPECT_EQ(r.feed.lines_sent, 20u);
  EXPECT_FALSE(r.feed.exhausted);
  EXPECT_EQ(r.feed.exhausted_after_s, 0.0);
}

TEST_F(RunPhasesTest, DrainTimeoutThenCancel) {
  fake_.slots.behavior.ends_after_replies = false;
  options_.drain_timeout = std::chrono::milliseconds(300);
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  ASSERT_EQ(fake_.slots.made.size(), 1u);
  EXPECT_TRUE(fake_.slots.made[0]->cancelled());
  EXPECT_EQ(ElapsedNs(), kSecondNs + 300 * kMsNs) << "waited the drain timeout, not more";
  EXPECT_EQ(outcome.result.calls_by_code.at("CANCELLED"), 1u);
  EXPECT_FALSE(outcome.result.interrupted);
}

// `connections` fake slots whose calls stay open after Stop until the test ends them, one every
// `every_ns` from the end of a 1 s measured phase starting now.
void EndOneCallEvery(testing::FakeRunEnvironment& fake, int connections, int64_t every_ns) {
  fake.slots.behavior.ends_after_replies = false;
  for (int i = 0; i < connections; ++i) {
    fake.sleeper.At(fake.clock.NowNs() + kSecondNs + (i + 1) * every_ns,
                    [&fake, i] { fake.slots.live.at(i)->CancelAll(); });
  }
}

std::string Connections(int n) {
  std::string yaml = Yaml("0s", "1s");
  return yaml.replace(yaml.find("connections: 1"), 14, "connections: " + std::to_string(n));
}

TEST_F(RunPhasesTest, TheDrainWaitsWhileCallsKeepFinishing) {
  // Four calls end 250 ms apart: each ends within the 300 ms drain timeout of the one before, so
  // the drain waits for all of them (a million streams closing steadily take longer than it).
  EndOneCallEvery(fake_, 4, 250 * kMsNs);
  options_.drain_timeout = std::chrono::milliseconds(300);
  const RunOutcome outcome = Run(Connections(4));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(ElapsedNs(), 2 * kSecondNs) << "until the last call ended, 1 s into the drain";
  EXPECT_EQ(outcome.result.calls_finished, 4u);
}

TEST_F(RunPhasesTest, TheDrainIsCappedHoweverSteadilyCallsFinish) {
  // Twenty calls 250 ms apart would take 5 s; the drain stops at 15 drain timeouts (4.5 s).
  EndOneCallEvery(fake_, 20, 250 * kMsNs);
  options_.drain_timeout = std::chrono::milliseconds(300);
  const RunOutcome outcome = Run(Connections(20));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(ElapsedNs(), kSecondNs + 4500 * kMsNs);
  EXPECT_EQ(outcome.result.calls_finished, 20u) << "the last two cancelled at the cap";
}

TEST_F(RunPhasesTest, CallsThatOutliveTheCancelAreReported) {
  fake_.slots.behavior.ends_after_replies = false;
  fake_.slots.behavior.ends_on_cancel = false;
  options_.drain_timeout = std::chrono::milliseconds(100);
  std::ostringstream log;
  options_.log_out = &log;
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(ElapsedNs(), kSecondNs + 100 * kMsNs + 2 * kSecondNs)
      << "the drain timeout, then 2 s for the cancelled calls";
  EXPECT_NE(log.str().find("1 calls did not finish after cancel"), std::string::npos) << log.str();
  EXPECT_EQ(fake_.targets.closed, 1) << "the target is closed even when slots are leaked";
  // The run leaked the slots, context and registry a stuck call might still touch (as it must with
  // real callbacks); the fake's calls run none, so the test frees them for the leak checker.
  stats::RecorderRegistry* registry = &fake_.slots.last_context->registry();
  delete fake_.slots.last_slots;
  delete fake_.slots.last_context;
  delete registry;
}

TEST_F(RunPhasesTest, StopBeforeTheRunStartsStillGivesAResult) {
  fake_.stop.requests = 1;  // arrived while the target and slots were being prepared
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_TRUE(outcome.result.interrupted);
  EXPECT_EQ(outcome.result.duration_s, 0.0);
  EXPECT_EQ(outcome.result.calls_finished, 1u);
  EXPECT_FALSE(outcome.stop_now);
  ASSERT_EQ(fake_.slots.made.size(), 1u);
  EXPECT_TRUE(fake_.slots.made[0]->stopped());
}

TEST_F(RunPhasesTest, StopDuringWarmUpReportsEverythingRecorded) {
  fake_.sleeper.At(fake_.clock.NowNs() + 500 * kMsNs, [this] { fake_.stop.requests = 1; });
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_TRUE(outcome.result.interrupted);
  EXPECT_EQ(outcome.result.messages_sent, 10u) << "nothing subtracted: the warm-up never ended";
  EXPECT_DOUBLE_EQ(outcome.result.duration_s, 0.5);
}

TEST_F(RunPhasesTest, StopDuringTheMeasuredPhaseKeepsTheWarmUpSubtracted) {
  fake_.sleeper.At(fake_.clock.NowNs() + 1500 * kMsNs, [this] { fake_.stop.requests = 1; });
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_TRUE(outcome.result.interrupted);
  EXPECT_EQ(outcome.result.messages_sent, 10u);
  EXPECT_DOUBLE_EQ(outcome.result.duration_s, 0.5);
  EXPECT_EQ(ElapsedNs(), 1500 * kMsNs);
}

TEST_F(RunPhasesTest, FirstStopDuringTheDrainKeepsTheCompleteMeasurement) {
  fake_.slots.behavior.replies_after_stop = 10;
  fake_.sleeper.At(fake_.clock.NowNs() + 1010 * kMsNs, [this] { fake_.stop.requests = 1; });
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_FALSE(outcome.result.interrupted) << "the measured phase was over";
  EXPECT_FALSE(outcome.stop_now);
  EXPECT_EQ(outcome.result.messages_received, 30u) << "the drain went on";
}

TEST_F(RunPhasesTest, SecondStopDuringTheDrainCancelsAtOnce) {
  fake_.slots.behavior.ends_after_replies = false;
  fake_.sleeper.At(fake_.clock.NowNs() + 1010 * kMsNs, [this] { fake_.stop.requests = 2; });
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_TRUE(outcome.stop_now) << "no further runs";
  EXPECT_TRUE(fake_.slots.made[0]->cancelled());
  EXPECT_EQ(ElapsedNs(), 1010 * kMsNs) << "neither the drain timeout nor the 2 s after cancel";
  EXPECT_EQ(outcome.result.messages_sent, 20u) << "still a result";
}

TEST_F(RunPhasesTest, ProgressAndSnapshotsOncePerSecondThenTheFinalOne) {
  std::ostringstream progress;
  options_.show_progress = true;
  options_.progress_out = &progress;
  std::vector<std::pair<uint64_t, bool>> snapshots;  // (messages sent so far, final)
  options_.on_snapshot = [&](const scenario::Scenario&, const stats::Snapshot& cumulative,
                             const LiveState& live) {
    snapshots.emplace_back(cumulative.counters.messages_sent, live.final);
    EXPECT_EQ(live.active_streams, live.final ? 0 : 1);
  };
  const RunOutcome outcome = Run(Yaml("0s", "3500ms"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const std::vector<std::pair<uint64_t, bool>> want = {
      {20, false}, {40, false}, {60, false}, {70, true}};
  EXPECT_EQ(snapshots, want) << "cumulative counts at 1, 2 and 3 s, and after the drain";
  const std::string text = progress.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 3) << text;
  EXPECT_NE(text.find("errors 0"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n') << "the line is ended before the table is printed";
}

// Open loop: the workers run on their own threads (FakeSlot ignores their submissions); the live
// state reads the schedule's rate at the moment of each tick.
TEST_F(RunPhasesTest, OpenLoopLiveStateCarriesTheScheduledRate) {
  std::vector<double> rates_per_s;
  options_.on_snapshot = [&](const scenario::Scenario&, const stats::Snapshot&,
                             const LiveState& live) {
    rates_per_s.push_back(live.target_rate_per_s);
  };
  const RunOutcome outcome =
      Run("name: t\nmode: unary\nconnections: 1\nwarmup: 0s\nduration: 2500ms\n"
          "load: {type: ramp, start_rate: 100/s, stages: [{duration: 2500ms, rate: 600/s}]}\n");
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  ASSERT_EQ(rates_per_s.size(), 3u) << "ticks at 1 and 2 s, and the final one";
  EXPECT_NEAR(rates_per_s[0], 300, 1) << "100/s + 500/s x (1 s / 2.5 s)";
  EXPECT_NEAR(rates_per_s[1], 500, 1);
  EXPECT_NEAR(rates_per_s[2], 600, 1) << "the end of the ramp";
}

TEST_F(RunPhasesTest, HeapTrimmerIsPolledWithTheClock) {
  options_.heap_trim_interval = std::chrono::seconds(1);
  Run(Yaml("0s", "3500ms"));
  EXPECT_EQ(fake_.trims, 4) << "at the start, then at 1, 2 and 3 s";
}

TEST_F(RunPhasesTest, ResultCarriesTargetCpuAndService) {
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_EQ(r.target, "fake target");
  EXPECT_EQ(r.service, "streambench.v1");
  EXPECT_TRUE(r.generator.includes_server);
  EXPECT_EQ(r.generator.cores, 2);
  EXPECT_DOUBLE_EQ(r.generator.cpu_utilization, 0.25) << "half a core of two";
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(fake_.slots.dialled, std::vector<std::string>{"fake:1"});
  EXPECT_EQ(fake_.targets.closed, 1);
}

TEST_F(RunPhasesTest, TheCpuOfClosingTheStreamsIsNotTheMeasuredPhases) {
  // Closing many streams can cost an engine seconds of CPU after the measured phase has ended.
  fake_.slots.behavior.on_stop = [this] { fake_.cpu.extra_cpu_ns += 10 * kSecondNs; };
  const RunOutcome outcome = Run(Yaml("0s", "1s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_DOUBLE_EQ(outcome.result.generator.cpu_seconds, 0.5) << "half a core for 1 s";
  EXPECT_FALSE(outcome.result.generator.saturated);
}

TEST_F(RunPhasesTest, PrepareFailuresSayWhatFailed) {
  fake_.slots.refused_variant = "v";
  RunOutcome refused = Run(Yaml("0s", "1s") + "variants:\n  - name: v\n");
  EXPECT_EQ(refused.status, RunOutcome::Status::kBadInput);
  EXPECT_EQ(refused.error, "refused by the fake");
  EXPECT_EQ(fake_.targets.opened, 0) << "checked before the target is opened";
  fake_.slots.refused_variant.clear();

  fake_.targets.fail = true;
  RunOutcome no_target = Run(Yaml("0s", "1s"));
  EXPECT_EQ(no_target.status, RunOutcome::Status::kCouldNotRun);
  EXPECT_EQ(no_target.error, "fake target cannot start");
  fake_.targets.fail = false;

  fake_.slots.make_status = SlotsStatus::kUnreachable;
  EXPECT_EQ(Run(Yaml("0s", "1s")).status, RunOutcome::Status::kCouldNotRun);
  fake_.slots.make_status = SlotsStatus::kUnsupported;
  EXPECT_EQ(Run(Yaml("0s", "1s")).status, RunOutcome::Status::kBadInput);
  EXPECT_EQ(fake_.targets.closed, 2) << "each opened target is closed";
  EXPECT_EQ(fake_.sleeper.sleeps, 0) << "no phase ran";
}

}  // namespace
}  // namespace streambench::runner

namespace streambench::runner {
namespace {

// --start-at is compared with the wall clock once, when the slots start; a fixed instant is
// enough for the fake clock's runs.
constexpr int64_t kWallAtStartNs = 1'800'000'000 * testing::kMsNs * 1000;
int64_t FixedWallClock() { return kWallAtStartNs; }

TEST_F(RunPhasesTest, SeriesHasAnIntervalPerSecondThatAddsUpToTheMeasuredPhase) {
  const RunOutcome outcome = Run(Yaml("1s", "3s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  ASSERT_EQ(r.series.size(), 3u);
  uint64_t sent = 0, latencies = 0;
  for (size_t k = 0; k < r.series.size(); ++k) {
    EXPECT_EQ(r.series[k].t_s, static_cast<int64_t>(k));
    EXPECT_DOUBLE_EQ(r.series[k].duration_s, 1.0);
    sent += r.series[k].messages_sent;
    const auto kind = r.series[k].latency.find("message");
    if (kind != r.series[k].latency.end()) latencies += kind->second.Count();
  }
  EXPECT_EQ(sent, 60u) << "the warm-up is in no interval, the measured phase in one each";
  EXPECT_EQ(sent, r.messages_sent);
  const auto message = r.latency_us.find("message");
  EXPECT_EQ(latencies, message == r.latency_us.end() ? 0 : message->second.count);
}

TEST_F(RunPhasesTest, StartAtStretchesTheWarmUpToTheInstant) {
  options_.wall_clock_unix_ns = FixedWallClock;
  options_.start_at_unix_ns = kWallAtStartNs + 2500 * kMsNs;
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(ElapsedNs(), 4500 * kMsNs) << "2.5 s of warm-up (not 1 s), then 2 s measured";
  EXPECT_EQ(outcome.result.messages_sent, 40u);
  EXPECT_EQ(outcome.result.late_start_s, 0);
}

TEST_F(RunPhasesTest, ALateStartMeasuresAtOnceAndSaysHowLate) {
  options_.wall_clock_unix_ns = FixedWallClock;
  options_.start_at_unix_ns = kWallAtStartNs - 700 * kMsNs;
  const RunOutcome outcome = Run(Yaml("1s", "2s"));
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(ElapsedNs(), 2 * kSecondNs) << "no warm-up: the window began 0.7 s ago";
  EXPECT_DOUBLE_EQ(outcome.result.late_start_s, 0.7);
}

}  // namespace
}  // namespace streambench::runner
