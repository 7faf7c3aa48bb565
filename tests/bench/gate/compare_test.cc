#include "bench/gate/compare.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/gate/exit_code.h"
#include "bench/gate/gate_console.h"
#include "bench/report/json_report.h"
#include "tests/bench/gate/make_check.h"

namespace streambench::gate {
namespace {

report::ScenarioResult Result(double msgs_per_s, double p99_us) {
  report::ScenarioResult result;
  result.scenario = "ci_gate";
  report::RunResult run;
  run.variant = "default";
  run.mode = "bidi";
  run.messages_per_s = msgs_per_s;
  run.calls_per_s = 10;
  run.calls_finished = 10;
  run.calls_by_code = {{"OK", 10}};
  report::LatencySummary message;
  message.count = 100;
  message.p50_us = p99_us / 2;
  message.p99_us = p99_us;
  message.p999_us = p99_us;
  run.latency_us["message"] = message;
  result.runs.push_back(run);
  return result;
}

class CompareTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const report::ScenarioResult& result) {
    const std::string path =
        ::testing::TempDir() + "/gate_compare_" + std::to_string(getpid()) + "_" + name + ".json";
    std::string error;
    EXPECT_TRUE(report::WriteJsonFile(result, path, &error)) << error;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(CompareTest, SameResultsExitZero) {
  const std::string a = Write("a", Result(20000, 1000));
  std::ostringstream out;
  EXPECT_EQ(RunCompare(a, a, criteria::Tolerances{}, out), kExitPass);
  EXPECT_NE(out.str().find("compare: PASS"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("variant default"), std::string::npos);
}

TEST_F(CompareTest, RegressionExitsOneAndIsMarked) {
  const std::string a = Write("a", Result(20000, 1000));
  const std::string b = Write("b", Result(20000, 1500));
  std::ostringstream out;
  EXPECT_EQ(RunCompare(a, b, criteria::Tolerances{}, out), kExitChecksFailed);
  const std::string text = out.str();
  EXPECT_NE(text.find("message_latency.p99"), std::string::npos) << text;
  EXPECT_NE(text.find("REGRESSED"), std::string::npos) << text;
  EXPECT_NE(text.find("x1.5"), std::string::npos) << text;
  EXPECT_NE(text.find("compare: FAIL (3 of 9 checks regressed beyond tolerance)"),
            std::string::npos)
      << text;
}

TEST_F(CompareTest, GenerousToleranceAcceptsTheSameChange) {
  const std::string a = Write("a", Result(20000, 1000));
  const std::string b = Write("b", Result(20000, 1500));
  criteria::Tolerances generous;
  generous.default_fraction = 1.0;
  std::ostringstream out;
  EXPECT_EQ(RunCompare(a, b, generous, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("worse (within tolerance)"), std::string::npos) << out.str();
}

TEST_F(CompareTest, ImprovementIsNotARegression) {
  const std::string a = Write("a", Result(20000, 1000));
  const std::string b = Write("b", Result(30000, 500));
  std::ostringstream out;
  EXPECT_EQ(RunCompare(a, b, criteria::Tolerances{}, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("better"), std::string::npos);
}

TEST_F(CompareTest, BadInputExitsTwo) {
  const std::string a = Write("a", Result(20000, 1000));
  const std::string missing = a + ".does-not-exist";
  std::ostringstream out;
  EXPECT_EQ(RunCompare(a, missing, criteria::Tolerances{}, out), kExitBadInput);
  EXPECT_EQ(out.str().rfind("error: cannot read " + missing, 0), 0u) << out.str();

  const std::string junk = ::testing::TempDir() + "/gate_compare_junk.json";
  std::ofstream(junk) << "{\"runs\": []}";
  paths_.push_back(junk);
  std::ostringstream out2;
  EXPECT_EQ(RunCompare(junk, a, criteria::Tolerances{}, out2), kExitBadInput);
  EXPECT_EQ(out2.str(), "error: " + junk + ": scenario: missing required key\n");
}

TEST(GateSummaryTest, CountsFailuresAndSaysWhichFailed) {
  using testing::MakeCheck;
  const report::Check pass = MakeCheck("integrity_errors == 0", "default", "integrity_errors", true,
                                       "integrity_errors = 0, limit == 0");
  const report::Check fail =
      MakeCheck("message_latency.p99 < 5ms", "default", "message_latency.p99", false,
                "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)");
  const report::Check regressed =
      MakeCheck("error_rate", "default", "error_rate", false,
                "error_rate 1.00% vs 0% baseline: up from 0 (tolerance 10.0%): REGRESSED");
  std::ostringstream out;
  EXPECT_EQ(PrintGateSummary({pass, fail}, {regressed, report::Check{}}, out), 2);
  EXPECT_EQ(out.str(),
            "PASS  threshold integrity_errors == 0 [default]: integrity_errors = 0, limit == 0\n"
            "FAIL  threshold message_latency.p99 < 5ms [default]: message_latency.p99 = 6.20ms, "
            "limit < 5ms: over by 1.20ms (+24.0%)\n"
            "FAIL  baseline [default] error_rate 1.00% vs 0% baseline: up from 0 (tolerance "
            "10.0%): REGRESSED\n"
            "gate: FAIL (2 of 4 checks failed)\n");
  std::ostringstream ok;
  EXPECT_EQ(PrintGateSummary({pass}, {}, ok), 0);
  EXPECT_EQ(ok.str(),
            "PASS  threshold integrity_errors == 0 [default]: integrity_errors = 0, limit == 0\n"
            "gate: PASS (1 check)\n");
}

}  // namespace
}  // namespace streambench::gate
