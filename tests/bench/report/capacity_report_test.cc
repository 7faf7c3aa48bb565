// A capacity search in the outputs: JSON `capacity` with its steps written and read back (a
// baseline file must carry the capacity), absent for other runs; the steps CSV (the
// latency-throughput curve); the console block with each step.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "bench/report/console_report.h"
#include "bench/report/csv_report.h"
#include "bench/report/json_report.h"

namespace streambench::report {
namespace {

CapacityStep Step(double rate, bool sustained, double p99_us) {
  CapacityStep s;
  s.target_rate_per_s = rate;
  s.achieved_rate_per_s = rate;
  s.latency_kind = "message";
  s.p50_us = 100;
  s.p99_us = p99_us;
  s.p999_us = 2 * p99_us;
  s.sustained = sustained;
  s.why = sustained ? "" : "message_latency.p99 = 12.0ms, limit < 10ms: over by 2.00ms (+20.0%)";
  s.duration_s = 2;
  s.elapsed_s = 2.6;
  return s;
}

ScenarioResult Searched() {
  ScenarioResult result;
  result.scenario = "cap";
  RunResult run;
  run.variant = "bidi, 64B";  // a comma: quoted in CSV
  run.mode = "bidi";
  run.capacity.searched = true;
  run.capacity.rate_per_s = 4000;
  run.capacity.bracket_low_per_s = 4000;
  run.capacity.bracket_high_per_s = 4200;
  run.capacity.stop_reason = "precision_reached";
  run.capacity.objective = "message_latency.p99 < 10ms";
  run.capacity.search_s = 7.8;
  run.capacity.steps = {Step(1000, true, 900), Step(4000, true, 5000), Step(4200, false, 12000)};
  result.runs.push_back(run);
  RunResult plain;
  plain.variant = "plain";
  plain.mode = "unary";
  result.runs.push_back(plain);
  return result;
}

TEST(CapacityReportTest, JsonCarriesTheSearchAndItsStepsAndReadsThemBack) {
  const ScenarioResult result = Searched();
  const nlohmann::json j = nlohmann::json::parse(ToJson(result));
  const nlohmann::json& c = j["runs"][0]["capacity"];
  EXPECT_EQ(c["rate_per_s"], 4000);
  EXPECT_EQ(c["bracket_high_per_s"], 4200);
  EXPECT_EQ(c["stop_reason"], "precision_reached");
  ASSERT_EQ(c["steps"].size(), 3u);
  EXPECT_EQ(c["steps"][2]["target_rate_per_s"], 4200);
  EXPECT_EQ(c["steps"][2]["sustained"], false);
  EXPECT_EQ(c["steps"][1]["p99_us"], 5000);
  EXPECT_FALSE(j["runs"][1].contains("capacity"));

  ScenarioResult back;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(result), &back, &error)) << error;
  const CapacityResult& r = back.runs[0].capacity;
  EXPECT_TRUE(r.searched);
  EXPECT_EQ(r.rate_per_s, 4000);
  EXPECT_EQ(r.bracket_high_per_s, 4200);
  EXPECT_EQ(r.stop_reason, "precision_reached");
  EXPECT_EQ(r.objective, "message_latency.p99 < 10ms");
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[2].why, result.runs[0].capacity.steps[2].why);
  EXPECT_EQ(r.steps[1].p999_us, 10000);
  EXPECT_FALSE(back.runs[1].capacity.searched);
}

TEST(CapacityReportTest, StepsCsvHasOneRowPerStepBesideTheRunsFile) {
  EXPECT_EQ(CapacityStepsCsvPath("out/results.csv"), "out/results.capacity_steps.csv");
  EXPECT_EQ(CapacityStepsCsvPath("results"), "results.capacity_steps.csv");
  const std::string csv = CapacityStepsToCsv(Searched());
  std::istringstream lines(csv);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header.rfind("variant,repeat,step,target_rate_per_s,achieved_rate_per_s,", 0), 0u)
      << header;
  EXPECT_EQ(first.rfind("\"bidi, 64B\",0,0,1000.000,1000.000,message,", 0), 0u) << first;
  int rows = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
    ++rows;
  }
  EXPECT_EQ(rows, 4);  // the header and three steps; the plain run has none
}

TEST(CapacityReportTest, ConsoleShowsTheCapacityAndEveryStep) {
  std::ostringstream out;
  PrintRunTable(Searched().runs[0], out);
  const std::string text = out.str();
  EXPECT_NE(text.find("capacity      4.00k/s sustained, failed at 4.20k/s (precision_reached; 3 "
                      "steps in 7.8 s; objective message_latency.p99 < 10ms)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("search step 3: 4.20k/s, sent 4.20k/s, message p50 100us p99 12.0ms p99.9 "
                      "24.0ms, errors 0%: FAILED (message_latency.p99 = 12.0ms"),
            std::string::npos)
      << text;
  std::ostringstream plain;
  PrintRunTable(Searched().runs[1], plain);
  EXPECT_EQ(plain.str().find("capacity"), std::string::npos);
}

}  // namespace
}  // namespace streambench::report
