// The keys of a capacity search (`load: {type: search}`): read into SearchSpec, and each bad value
// refused with its file, line and key.
#include <gtest/gtest.h>

#include <string>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

std::string ErrorOf(const std::string& text, ScenarioFile* file = nullptr) {
  ScenarioFile local;
  LoadError error;
  if (LoadScenarioString(text, "s.yaml", {}, file != nullptr ? file : &local, &error)) return "";
  return error.ToString();
}

std::string Search(const std::string& load_keys) {
  return "name: cap\nmode: unary\nload:\n  type: search\n" + load_keys;
}

constexpr char kMinimal[] =
    "  objective: [\"call_latency.p99 < 10ms\", \"error_rate < 0.1%\"]\n"
    "  start_rate: 100/s\n  max_rate: 1M/s\n";

TEST(SearchKeysTest, ReadsEveryKeyWithDefaults) {
  ScenarioFile file;
  ASSERT_EQ(ErrorOf(Search(kMinimal), &file), "");
  const Scenario& s = file.runs.at(0);
  EXPECT_EQ(s.load.model, LoadModel::kSearch);
  EXPECT_EQ(s.load.start_rate_per_s, 100);
  EXPECT_EQ(s.load.search.max_rate_per_s, 1e6);
  EXPECT_EQ(s.load.search.min_rate_per_s, 1);
  EXPECT_EQ(s.load.search.step_duration_us, 10'000'000);
  EXPECT_DOUBLE_EQ(s.load.search.precision_fraction, 0.05);
  EXPECT_EQ(s.load.search.time_budget_us, 0);
  EXPECT_EQ(s.load.search.confirm_failures, 1u);
  ASSERT_EQ(s.load.search.objective.size(), 2u);
  EXPECT_EQ(s.load.search.objective[0].metric, "call_latency.p99");
  EXPECT_EQ(s.load.search.objective[1].metric, "error_rate");
  EXPECT_EQ(s.duration_us, 10'000'000);  // a run's duration is one step's

  ASSERT_EQ(ErrorOf(Search(std::string(kMinimal) +
                           "  min_rate: 10/s\n  step_duration: 500ms\n  precision: 2%\n"
                           "  time_budget: 1m\n  confirm_failures: 0\n"),
                    &file),
            "");
  const SearchSpec& spec = file.runs.at(0).load.search;
  EXPECT_EQ(spec.min_rate_per_s, 10);
  EXPECT_EQ(spec.step_duration_us, 500'000);
  EXPECT_DOUBLE_EQ(spec.precision_fraction, 0.02);
  EXPECT_EQ(spec.time_budget_us, 60'000'000);
  EXPECT_EQ(spec.confirm_failures, 0u);
}

TEST(SearchKeysTest, BadValuesAreRefusedWithTheirLine) {
  EXPECT_EQ(ErrorOf(Search("  start_rate: 100/s\n  max_rate: 1M/s\n")),
            "s.yaml:4:3: load.objective: a search needs an objective, e.g. objective: "
            "[\"message_latency.p99 < 10ms\"]");
  EXPECT_NE(ErrorOf(Search("  objective: [\"call_latency.p99 < 10ms\"]\n  max_rate: 1M/s\n"))
                .find("load.start_rate"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(Search("  objective: [\"call_latency.p99 < 10ms\"]\n  start_rate: 100/s\n"
                           "  max_rate: 50/s\n")),
            "s.yaml:7:13: load.max_rate: must be at least `start_rate` (100/s)");
  EXPECT_EQ(ErrorOf(Search("  objective: [\"call_latency.p99 < 10ms\"]\n  start_rate: 100/s\n"
                           "  max_rate: 1k/s\n  min_rate: 200/s\n")),
            "s.yaml:8:13: load.min_rate: must be at most `start_rate` (100/s)");
  EXPECT_EQ(ErrorOf(Search(std::string(kMinimal) + "  precision: 0\n")),
            "s.yaml:8:14: load.precision: must be > 0, e.g. 5%");
  EXPECT_NE(ErrorOf(Search("  objective: [\"cal_latency.p99 < 10ms\"]\n  start_rate: 100/s\n"
                           "  max_rate: 1k/s\n"))
                .find("s.yaml:5:15: load.objective[0]: threshold \"cal_latency.p99 < 10ms\": "
                      "unknown metric"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Search("  objective: [\"capacity.rate_per_s > 10\"]\n  start_rate: 100/s\n"
                           "  max_rate: 1k/s\n"))
                .find("load.objective[0]: `capacity.rate_per_s` is what the search finds"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Search(std::string(kMinimal)) + "duration: 5s\n").find("s.yaml:8:11: duration"),
            std::string::npos);
  EXPECT_NE(ErrorOf("concurrent: true\n" + Search(kMinimal))
                .find("s.yaml:1:13: concurrent: a capacity search (variant `default`) needs the "
                      "target to itself"),
            std::string::npos)
      << ErrorOf("concurrent: true\n" + Search(kMinimal));
  // The other types' keys do not apply.
  EXPECT_NE(ErrorOf(Search(std::string(kMinimal) + "  rate: 5/s\n"))
                .find("load.rate: does not apply to load type `search`"),
            std::string::npos);
}

}  // namespace
}  // namespace streambench::scenario
