// Sharded runs without a cluster: N `streambench run --shard I/N` processes on loopback against
// one `streambench-server`, then `streambench merge`. The merged totals must equal the server's
// own counters (nothing lost or counted twice by dividing and merging), and a shard killed
// mid-run must leave a merge that refuses, or with --allow-missing names the gap.
// Exactness of merged percentiles against raw samples is proven in
// tests/bench/report/merge_test.cc.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"
#include "tests/bench/runner/child_process.h"
#include "tests/bench/runner/metrics_probe.h"

namespace streambench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::ChildProcess;

constexpr int kShards = 3;

class ShardedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("streambench_sharded_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    server_ = std::make_unique<ChildProcess>(
        STREAMBENCH_SERVER_BINARY, std::vector<std::string>{"--port", "0", "--metrics-port", "0"});
    const std::string listening = server_->ReadLine(milliseconds(10000));
    const std::string metrics = server_->ReadLine(milliseconds(10000));
    ASSERT_EQ(listening.rfind("listening on ", 0), 0u) << listening;
    ASSERT_EQ(metrics.rfind("metrics on ", 0), 0u) << metrics;
    target_ = listening.substr(std::string("listening on ").size());
    metrics_port_ = std::stoi(metrics.substr(metrics.rfind(':') + 1));
    // Unary, closed loop, no warm-up: the server counts every call the shards make.
    scenario_ = (dir_ / "s.yaml").string();
    std::ofstream(scenario_) << "name: sharded\nmode: unary\nconnections: 5\n"
                                "streams_per_connection: 2\nload: {type: closed, outstanding: 1}\n"
                                "warmup: 0s\nduration: 1s\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::vector<std::string> ShardArgs(int index, const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {"run",
                                     scenario_,
                                     "--quiet",
                                     "--target",
                                     target_,
                                     "--shard",
                                     std::to_string(index) + "/" + std::to_string(kShards),
                                     "--out",
                                     Path("shard-" + std::to_string(index) + ".json")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // A counter family of the server, summed over `labels`-matching samples.
  double ServerCounter(const std::string& name, const std::map<std::string, std::string>& labels) {
    const testing::HttpResponse response = testing::HttpGet(metrics_port_, "/metrics");
    EXPECT_EQ(response.status, 200);
    double total = 0;
    for (const testing::Sample& s :
         testing::Find(testing::ParsePrometheusText(response.body), name, labels)) {
      total += s.value;
    }
    return total;
  }

  int Merge(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"merge"};
    for (int i = 0; i < kShards; ++i) {
      const std::string path = Path("shard-" + std::to_string(i) + ".json");
      if (fs::exists(path)) args.push_back(path);
    }
    args.insert(args.end(), {"--quiet", "--out", Path("all.json")});
    args.insert(args.end(), extra.begin(), extra.end());
    ChildProcess merge(STREAMBENCH_BINARY, args, Path("merge.err"));
    return merge.Wait(milliseconds(60000));
  }

  std::string MergeErrors() const {
    std::ifstream in(Path("merge.err"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  std::unique_ptr<ChildProcess> server_;
  std::string target_;
  int metrics_port_ = 0;
  std::string scenario_;
};

TEST_F(ShardedRunTest, MergedTotalsEqualTheServersCounters) {
  std::vector<std::unique_ptr<ChildProcess>> shards;
  for (int i = 0; i < kShards; ++i) {
    shards.push_back(std::make_unique<ChildProcess>(STREAMBENCH_BINARY, ShardArgs(i, {}),
                                                    Path("shard-" + std::to_string(i) + ".err")));
  }
  for (auto& shard : shards) ASSERT_EQ(shard->Wait(milliseconds(60000)), 0);
  ASSERT_EQ(Merge({}), 0) << MergeErrors();
  const nlohmann::json all = nlohmann::json::parse(std::ifstream(Path("all.json")));
  const nlohmann::json& run = all["runs"][0];
  EXPECT_EQ(all["shard"]["merged"], nlohmann::json({0, 1, 2}));
  const uint64_t calls = run["calls"]["finished"];
  ASSERT_GT(calls, 0u);
  EXPECT_EQ(static_cast<double>(calls), ServerCounter("streambench_server_calls_total", {}));
  EXPECT_EQ(run["messages"]["sent"].get<double>(),
            ServerCounter("streambench_server_messages_total", {{"direction", "received"}}));
  EXPECT_EQ(run["messages"]["received"].get<double>(),
            ServerCounter("streambench_server_messages_total", {{"direction", "sent"}}));
  EXPECT_EQ(run["latency_us"]["message"]["count"].get<uint64_t>(), calls);
  // Every shard held its share of the 10 streams (remainders to the lowest): 4 + 3 + 3.
  uint64_t per_shard_calls = 0;
  for (int i = 0; i < kShards; ++i) {
    const nlohmann::json shard =
        nlohmann::json::parse(std::ifstream(Path("shard-" + std::to_string(i) + ".json")));
    EXPECT_EQ(shard["shard"]["index"], i);
    per_shard_calls += shard["runs"][0]["calls"]["finished"].get<uint64_t>();
  }
  EXPECT_EQ(per_shard_calls, calls);
}

TEST_F(ShardedRunTest, AKilledShardIsReportedMissing) {
  std::vector<std::unique_ptr<ChildProcess>> shards;
  for (int i = 0; i < kShards; ++i) {
    // Shard 1 runs long and exposes /metrics, so it is killed once it is demonstrably running.
    const std::vector<std::string> extra =
        i == 1 ? std::vector<std::string>{"--duration", "60s", "--metrics-port", "0"}
               : std::vector<std::string>{};
    shards.push_back(std::make_unique<ChildProcess>(STREAMBENCH_BINARY, ShardArgs(i, extra),
                                                    Path("shard-" + std::to_string(i) + ".err")));
  }
  int port = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (port == 0 && std::chrono::steady_clock::now() < give_up && shards[1]->Running()) {
    std::ifstream in(Path("shard-1.err"));
    port = testing::MetricsPortIn(std::string(std::istreambuf_iterator<char>(in), {}));
    if (port == 0) std::this_thread::sleep_for(milliseconds(20));  // polls for the line
  }
  ASSERT_NE(port, 0);
  ASSERT_TRUE(testing::WaitForMessagesSent(
      port, [](uint64_t sent) { return sent > 0; }, [&] { return shards[1]->Running(); },
      milliseconds(30000)));
  shards[1]->Signal(SIGKILL);
  EXPECT_EQ(shards[1]->Wait(milliseconds(10000)), 128 + SIGKILL);
  EXPECT_EQ(shards[0]->Wait(milliseconds(60000)), 0);
  EXPECT_EQ(shards[2]->Wait(milliseconds(60000)), 0);
  ASSERT_FALSE(fs::exists(Path("shard-1.json")));

  EXPECT_EQ(Merge({}), 2);
  EXPECT_NE(MergeErrors().find("missing shard 1 of 3"), std::string::npos) << MergeErrors();
  EXPECT_EQ(Merge({"--allow-missing"}), 1) << "a merge with a gap is not the whole run";
  const nlohmann::json all = nlohmann::json::parse(std::ifstream(Path("all.json")));
  EXPECT_EQ(all["shard"]["missing"], nlohmann::json({1}));
  EXPECT_EQ(all["shard"]["merged"], nlohmann::json({0, 2}));
  EXPECT_FALSE(all["pass"].get<bool>());
}

}  // namespace
}  // namespace streambench
