// Every scenario shipped in scenarios/ loads and validates, keeps within its time budget (30 s
// for the everyday ones, about a minute for flow-control comparisons, 10 minutes for the soak,
// which is not part of CI), and says what its name promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

const std::string kScenarioDir = std::string(STREAMBENCH_SOURCE_DIR) + "/scenarios";

ScenarioFile LoadShipped(const std::string& file) {
  ScenarioFile out;
  LoadError error;
  EXPECT_TRUE(LoadScenarioFile(kScenarioDir + "/" + file, {}, &out, &error)) << error.ToString();
  return out;
}

// The longest a shipped scenario may run by default (warm-up + duration, over every variant and
// repeat), in microseconds.
int64_t TimeBudgetUs(const std::string& file) {
  if (file == "soak.yaml") return 11 * 60'000'000LL;
  if (file.rfind("flow_control_", 0) == 0 || file == "frame_size.yaml") return 90'000'000;
  if (file == "capacity_search.yaml") return 2 * 65'000'000LL;  // two searches of <= 60 s
  return 30'000'000;
}

TEST(ShippedScenariosTest, EveryFileLoadsAndFinishesWithinItsBudget) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarioDir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  for (const char* required :
       {"unary.yaml", "server_stream.yaml", "client_stream.yaml", "bidi_pingpong.yaml",
        "bidi_open_loop.yaml", "poisson.yaml", "ramp.yaml", "error_paths.yaml"}) {
    EXPECT_TRUE(std::count(files.begin(), files.end(), required) == 1) << required;
  }
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const ScenarioFile loaded = LoadShipped(file);
    ASSERT_FALSE(loaded.runs.empty());
    int64_t total_us = 0;
    for (const Scenario& run : loaded.runs) {
      EXPECT_TRUE(run.target.addresses.empty()) << "shipped scenarios use the embedded server";
      EXPECT_EQ(run.source_path, kScenarioDir + "/" + file);
      // A search runs steps until its time budget, which it must have.
      const bool search = run.load.model == LoadModel::kSearch;
      if (search) {
        EXPECT_GT(run.load.search.time_budget_us, 0);
      }
      const int64_t run_us =
          search ? run.load.search.time_budget_us + run.warmup_us : run.warmup_us + run.duration_us;
      // Concurrent runs take as long as the longest of them.
      total_us = loaded.concurrent ? std::max(total_us, run_us) : total_us + run_us;
    }
    EXPECT_LE(total_us * std::max<int64_t>(1, loaded.repeat), TimeBudgetUs(file));
  }
}

TEST(ShippedScenariosTest, BidiPingPongIsClosedLoopWith64ByteMessages) {
  const ScenarioFile file = LoadShipped("bidi_pingpong.yaml");
  ASSERT_EQ(file.runs.size(), 1u);
  const Scenario& s = file.runs[0];
  EXPECT_EQ(file.name, "bidi-pingpong");
  EXPECT_EQ(s.variant, "default");
  EXPECT_EQ(s.mode, Mode::kBidi);
  EXPECT_EQ(s.load.model, LoadModel::kClosed);
  EXPECT_EQ(s.load.outstanding, 1u);
  EXPECT_EQ(s.request_size.kind, SizeDistribution::Kind::kFixed);
  EXPECT_EQ(s.request_size.fixed_bytes, 64u);
  EXPECT_TRUE(s.behavior.bidi_echo);
  ASSERT_EQ(s.expect.statuses.count("OK"), 1u);
  EXPECT_EQ(s.expect.statuses.at("OK").min_calls, 1u);
}

TEST(ShippedScenariosTest, OpenLoopPoissonAndRamp) {
  const Scenario open = LoadShipped("bidi_open_loop.yaml").runs.at(0);
  EXPECT_EQ(open.load.model, LoadModel::kConstant);
  EXPECT_DOUBLE_EQ(open.load.rate_per_s, 2000);

  const Scenario poisson = LoadShipped("poisson.yaml").runs.at(0);
  EXPECT_EQ(poisson.load.model, LoadModel::kPoisson);
  EXPECT_EQ(poisson.request_size.kind, SizeDistribution::Kind::kChoice);
  EXPECT_EQ(poisson.request_size.MaxBytes(), 16u * 1024);
  EXPECT_EQ(poisson.seed, 42u);

  const Scenario ramp = LoadShipped("ramp.yaml").runs.at(0);
  EXPECT_EQ(ramp.load.model, LoadModel::kRamp);
  ASSERT_EQ(ramp.load.stages.size(), 3u);
  EXPECT_DOUBLE_EQ(ramp.load.start_rate_per_s, 200);
  EXPECT_DOUBLE_EQ(ramp.load.stages[0].target_rate_per_s, 3000);
  EXPECT_EQ(ramp.load.stages[2].duration_us, 3'000'000);
  EXPECT_EQ(ramp.duration_us, 15'000'000) << "a ramp's duration defaults to its stages' total";
}

TEST(ShippedScenariosTest, ErrorPathsDeclareWhatTheyInject) {
  const ScenarioFile file = LoadShipped("error_paths.yaml");
  std::vector<std::string> names;
  for (const Scenario& run : file.runs) names.push_back(run.variant);
  EXPECT_EQ(names, (std::vector<std::string>{"status-at-message", "failure-rate",
                                             "deadline-exceeded", "client-cancel"}));
  const Scenario& at_message = file.runs[0];
  EXPECT_EQ(at_message.mode, Mode::kBidi);
  EXPECT_EQ(at_message.behavior.failure.code, "UNAVAILABLE");
  EXPECT_EQ(at_message.behavior.failure.after_messages, 5u);
  EXPECT_EQ(at_message.expect.statuses.at("UNAVAILABLE").min_calls, 1u);

  const Scenario& rate = file.runs[1];
  EXPECT_EQ(rate.mode, Mode::kUnary);
  EXPECT_DOUBLE_EQ(rate.behavior.failure.probability, 0.1);
  EXPECT_DOUBLE_EQ(rate.expect.statuses.at("UNAVAILABLE").min_fraction, 0.05);
  EXPECT_DOUBLE_EQ(rate.expect.statuses.at("UNAVAILABLE").max_fraction, 0.15);

  const Scenario& deadline = file.runs[2];
  EXPECT_GT(deadline.behavior.response_delay_us, deadline.call.deadline_us);
  EXPECT_EQ(deadline.expect.statuses.count("DEADLINE_EXCEEDED"), 1u);
  EXPECT_EQ(deadline.expect.statuses.count("OK"), 0u);

  const Scenario& cancel = file.runs[3];
  EXPECT_EQ(cancel.call.cancel_after_us, 200'000);
  EXPECT_EQ(cancel.expect.statuses.count("CANCELLED"), 1u);
  EXPECT_TRUE(cancel.behavior.failure.code.empty());
}

}  // namespace
}  // namespace streambench::scenario
