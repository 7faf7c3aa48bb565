// The generator's CPU self-measurement in the outputs: JSON `generator` written and
// read back, absent when not measured; the console line, with the SATURATED warning only when
// saturated.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "bench/report/console_report.h"
#include "bench/report/json_report.h"
#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

GeneratorCpu Measured(bool saturated) {
  GeneratorCpu g;
  g.cpu_seconds = 1.5;
  g.cpu_utilization = saturated ? 0.95 : 0.125;
  g.busiest_thread_utilization = saturated ? 0.99 : 0.25;
  g.cores = 2;
  g.includes_server = true;
  g.saturated = saturated;
  return g;
}

std::string Table(const ScenarioResult& result) {
  std::ostringstream out;
  PrintConsoleTable(result, out);
  return out.str();
}

TEST(GeneratorCpuReportTest, JsonWritesAndReadsTheGeneratorObject) {
  ScenarioResult result = testing::SampleResult();
  result.runs[0].generator = Measured(/*saturated=*/true);
  const nlohmann::json j = nlohmann::json::parse(ToJson(result));
  const nlohmann::json& g = j["runs"][0]["generator"];
  EXPECT_DOUBLE_EQ(g["cpu_seconds"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(g["cpu_utilization"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(g["busiest_thread_utilization"].get<double>(), 0.99);
  EXPECT_EQ(g["cores"], 2);
  EXPECT_EQ(g["includes_server"], true);
  EXPECT_EQ(g["saturated"], true);
  // A run whose CPU was not measured has no such object.
  EXPECT_FALSE(j["runs"][1].contains("generator"));

  ScenarioResult back;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(result), &back, &error)) << error;
  const GeneratorCpu& r = back.runs[0].generator;
  EXPECT_DOUBLE_EQ(r.cpu_seconds, 1.5);
  EXPECT_DOUBLE_EQ(r.cpu_utilization, 0.95);
  EXPECT_DOUBLE_EQ(r.busiest_thread_utilization, 0.99);
  EXPECT_EQ(r.cores, 2);
  EXPECT_TRUE(r.includes_server);
  EXPECT_TRUE(r.saturated);
  EXPECT_EQ(back.runs[1].generator.cores, 0);
}

TEST(GeneratorCpuReportTest, JsonRejectsAWronglyTypedGeneratorField) {
  ScenarioResult result = testing::SampleResult();
  result.runs[0].generator = Measured(false);
  nlohmann::json j = nlohmann::json::parse(ToJson(result));
  j["runs"][0]["generator"]["saturated"] = "yes";
  ScenarioResult back;
  std::string error;
  EXPECT_FALSE(FromJson(j.dump(), &back, &error));
  EXPECT_NE(error.find("generator.saturated"), std::string::npos) << error;
}

TEST(GeneratorCpuReportTest, ConsoleShowsTheLineAndWarnsOnlyWhenSaturated) {
  ScenarioResult result = testing::SampleResult();
  EXPECT_EQ(Table(result).find("generator cpu"), std::string::npos);  // not measured

  result.runs[0].generator = Measured(false);
  std::string text = Table(result);
  EXPECT_NE(text.find("generator cpu"), std::string::npos) << text;
  EXPECT_NE(text.find("of 2 cores"), std::string::npos) << text;
  EXPECT_NE(text.find("embedded server included"), std::string::npos) << text;
  EXPECT_EQ(text.find("SATURATED"), std::string::npos) << text;

  result.runs[0].generator = Measured(true);
  text = Table(result);
  EXPECT_NE(text.find("SATURATED"), std::string::npos) << text;
}

}  // namespace
}  // namespace streambench::report
