// The four shipped workload scenarios (file_upload, file_download, pubsub_fanout,
// chat_rooms) run briefly through RunScenarioFile against the embedded reference server, with
// counts that must agree with each other; and a download with injected corruption through the
// CLI, which must fail the run (exit 1). Runs have no warm-up, so everything sent in a run is
// accounted for after its drain; each run is bounded by its duration (1.5 s) plus the drain.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/runner/cli.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/bench/test_engine.h"

namespace streambench::runner {
namespace {

namespace fs = std::filesystem;

const std::string kScenarioDir = std::string(STREAMBENCH_SOURCE_DIR) + "/scenarios";

class WorkloadScenariosTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetStopSignals(); }

  // Loads scenarios/<file> with a short run and `overrides`, runs it, returns its only run.
  report::RunResult RunShipped(const std::string& file, std::vector<scenario::Override> overrides) {
    overrides.push_back({"duration", "1500ms"});
    overrides.push_back({"warmup", "0s"});
    for (const scenario::Override& o : streambench::testing::TestEngineOverrides()) {
      overrides.push_back(o);
    }
    scenario::ScenarioFile loaded;
    scenario::LoadError error;
    EXPECT_TRUE(scenario::LoadScenarioFile(kScenarioDir + "/" + file, overrides, &loaded, &error))
        << error.ToString();
    EXPECT_EQ(loaded.runs.size(), 1u);
    RunOptions options;
    options.log_out = &std::cerr;
    options.drain_timeout = std::chrono::milliseconds(5000);
    const ScenarioOutcome outcome = RunScenarioFile(loaded, options);
    EXPECT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
    EXPECT_EQ(outcome.exit_code, 0);
    EXPECT_TRUE(outcome.result.pass);
    if (outcome.result.runs.size() != 1) {
      ADD_FAILURE() << "expected one run, got " << outcome.result.runs.size();
      return report::RunResult{};
    }
    const report::RunResult& run = outcome.result.runs[0];
    EXPECT_FALSE(run.interrupted);
    EXPECT_EQ(run.dropped_ops, 0u);
    EXPECT_EQ(run.integrity.Total(), 0u)
        << "lost " << run.integrity.lost << " duplicated " << run.integrity.duplicated
        << " reordered " << run.integrity.reordered << " corrupted " << run.integrity.corrupted;
    EXPECT_GT(Code(run, "OK"), 0u);
    EXPECT_EQ(Code(run, "OK"), run.calls_finished) << "every call / stream ends OK";
    EXPECT_EQ(run.calls_started, run.calls_finished);
    return run;
  }

  static uint64_t Code(const report::RunResult& r, const std::string& name) {
    auto it = r.calls_by_code.find(name);
    return it == r.calls_by_code.end() ? 0 : it->second;
  }
};

TEST_F(WorkloadScenariosTest, UploadVerifiesEveryTransfer) {
  const report::RunResult run = RunShipped("file_upload.yaml", {{"workload.file_size", "256KiB"}});
  EXPECT_GT(run.transfers_verified, 0u);
  EXPECT_EQ(run.transfers_failed, 0u);
  EXPECT_EQ(run.transfers_verified, run.calls_finished) << "one call per file";
  EXPECT_EQ(run.bytes_sent, run.transfers_verified * 256 * 1024);
}

TEST_F(WorkloadScenariosTest, DownloadVerifiesEveryTransfer) {
  const report::RunResult run =
      RunShipped("file_download.yaml", {{"workload.file_size", "256KiB"}});
  EXPECT_GT(run.transfers_verified, 0u);
  EXPECT_EQ(run.transfers_failed, 0u);
  EXPECT_EQ(run.transfers_verified, run.calls_finished) << "one call per file";
  EXPECT_EQ(run.bytes_received, run.transfers_verified * 256 * 1024);
  // 256 KiB in the scenario's 64 KiB chunks: 4 chunks, 3 gaps per download.
  EXPECT_EQ(run.messages_per_stream.streams, run.calls_finished);
  EXPECT_EQ(run.messages_per_stream.min, 4u);
  EXPECT_EQ(run.messages_per_stream.max, 4u);
  const auto gap = run.latency_us.find("message_gap");
  ASSERT_NE(gap, run.latency_us.end());
  EXPECT_EQ(gap->second.count, run.calls_finished * 3);
}

TEST_F(WorkloadScenariosTest, PubSubDeliversEveryEventToEverySubscriberOfItsTopic) {
  // 32 subscribers on 4 topics, one publisher per topic, no filter: every event reaches the 8
  // subscribers of its topic. Subscribers replay from the run's start and are ended only once
  // they have everything the publishers wrote, so nothing is left in flight.
  const report::RunResult run = RunShipped("pubsub_fanout.yaml", {});
  EXPECT_GT(run.messages_sent, 100u);
  EXPECT_EQ(run.messages_received, run.messages_sent * 8);
  EXPECT_EQ(run.server_dropped_messages, 0u);
  // Each of the 32 subscriptions is one stream of events; its gaps are between its events.
  const report::StreamMessagesSummary& per_stream = run.messages_per_stream;
  EXPECT_EQ(per_stream.streams + per_stream.streams_without_messages, 32u);
  EXPECT_NEAR(per_stream.mean * static_cast<double>(per_stream.streams),
              static_cast<double>(run.messages_received), 0.5);
  const auto gap = run.latency_us.find("message_gap");
  ASSERT_NE(gap, run.latency_us.end());
  EXPECT_EQ(gap->second.count, run.messages_received - per_stream.streams);
}

TEST_F(WorkloadScenariosTest, ChatCountsEveryDeliveryOnceAndLosesNone) {
  // 4 rooms x 16 members on 2 connections: every message reaches the 15 others of its room once.
  const report::RunResult run = RunShipped("chat_rooms.yaml", {});
  EXPECT_EQ(run.calls_started, 64u);
  EXPECT_EQ(Code(run, "OK"), 64u) << "every member left cleanly";
  EXPECT_GT(run.messages_sent, 100u);
  EXPECT_EQ(run.messages_received, run.messages_sent * 15);
  EXPECT_EQ(run.server_dropped_messages, 0u);
  ASSERT_EQ(run.latency_us.count("message"), 1u);
  EXPECT_EQ(run.latency_us.at("message").count, run.messages_received)
      << "one latency per delivery";
}

TEST_F(WorkloadScenariosTest, ChatWithManyMembersOnOneConnection) {
  // The interesting load: 2 rooms x 40 members, all on one connection, text only.
  const report::RunResult run = RunShipped("chat_rooms.yaml", {{"connections", "1"},
                                                               {"chat.rooms", "2"},
                                                               {"chat.members_per_room", "40"},
                                                               {"chat.typing", "false"},
                                                               {"chat.message_rate", "200/s"}});
  EXPECT_EQ(run.calls_started, 80u);
  EXPECT_GT(run.messages_sent, 100u);
  EXPECT_EQ(run.messages_received, run.messages_sent * 39);
  EXPECT_EQ(run.bytes_received, run.bytes_sent * 39);
}

// The CLI end to end: the server flips a byte of every downloaded file, so every transfer fails
// verification, integrity shows corrupted messages and the run fails with exit code 1.
TEST(WorkloadCliTest, CorruptedDownloadFailsTheRun) {
  ResetStopSignals();
  const fs::path out = fs::temp_directory_path() /
                       ("streambench_workloads_test_" + std::to_string(::getpid()) + ".json");
  std::vector<std::string> args = {"streambench",
                                   "run",
                                   kScenarioDir + "/file_download.yaml",
                                   "--quiet",
                                   "--duration",
                                   "1500ms",
                                   "--warmup",
                                   "200ms",
                                   "--set",
                                   "workload.file_size=128KiB",
                                   "--set",
                                   "workload.inject_corruption=true",
                                   "--out",
                                   out.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream stdout_text, stderr_text;
  const int code =
      RunCli(static_cast<int>(argv.size()), argv.data(), stdout_text, stderr_text, false);
  EXPECT_EQ(code, 1) << stderr_text.str();
  std::ifstream in(out);
  ASSERT_TRUE(in.good()) << "no results file";
  const nlohmann::json j = nlohmann::json::parse(in);
  fs::remove(out);
  ASSERT_EQ(j["runs"].size(), 1u);
  const nlohmann::json& run = j["runs"][0];
  EXPECT_FALSE(run["pass"].get<bool>());
  EXPECT_GT(run["integrity"]["corrupted"].get<uint64_t>(), 0u);
  EXPECT_GT(run["transfers"]["failed"].get<uint64_t>(), 0u);
  EXPECT_EQ(run["transfers"]["verified"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace streambench::runner
