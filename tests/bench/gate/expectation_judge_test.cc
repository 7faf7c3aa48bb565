#include "bench/gate/expectation_judge.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::gate {
namespace {

using report::Check;
using report::RunResult;

// A run with traffic and the given status counts (calls_finished = their sum).
RunResult RunWithCodes(std::map<std::string, uint64_t> codes) {
  RunResult run;
  run.duration_s = 1;
  run.messages_sent = 100;
  run.messages_received = 100;
  run.calls_by_code = std::move(codes);
  for (const auto& [code, count] : run.calls_by_code) run.calls_finished += count;
  run.calls_started = run.calls_finished;
  return run;
}

const Check* FindCheck(const RunResult& run, const std::string& name) {
  for (const Check& check : run.checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}

// Judges `run`, which must fail, and returns the detail of its check `name`, which must fail too.
std::string FailedDetail(const scenario::Scenario& s, RunResult run, const std::string& name) {
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass);
  const Check* check = FindCheck(run, name);
  if (check == nullptr) {
    ADD_FAILURE() << "no check " << name;
    return "";
  }
  EXPECT_FALSE(check->passed) << name;
  return check->detail;
}

scenario::StatusExpectation Share(double min_fraction, double max_fraction,
                                  uint64_t min_calls = 0) {
  scenario::StatusExpectation e;
  e.min_fraction = min_fraction;
  e.max_fraction = max_fraction;
  e.min_calls = min_calls;
  return e;
}

TEST(ExpectationsTest, DefaultExpectsSomeOkAndNothingElse) {
  scenario::Scenario s;  // expect.statuses empty: the default {"OK": some}
  RunResult run = RunWithCodes({{"OK", 50}});
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
  const Check* ok = FindCheck(run, "status OK");
  ASSERT_NE(ok, nullptr);
  EXPECT_TRUE(ok->passed);
  EXPECT_EQ(ok->detail, "OK 50 of 50 finished calls; expected at least 1 call");
  ASSERT_NE(FindCheck(run, "unexpected statuses"), nullptr);
  EXPECT_TRUE(FindCheck(run, "unexpected statuses")->passed);
  ASSERT_NE(FindCheck(run, "integrity errors"), nullptr);
  EXPECT_TRUE(FindCheck(run, "integrity errors")->passed);
  EXPECT_EQ(FindCheck(run, "no traffic"), nullptr);
}

TEST(ExpectationsTest, DefaultFailsWithoutAnyOkCall) {
  scenario::Scenario s;
  RunResult run = RunWithCodes({});
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass);
  EXPECT_FALSE(FindCheck(run, "status OK")->passed);
}

TEST(ExpectationsTest, UnlistedStatusFailsNamingItsCount) {
  scenario::Scenario s;
  EXPECT_EQ(FailedDetail(s, RunWithCodes({{"OK", 97}, {"UNAVAILABLE", 3}}), "unexpected statuses"),
            "UNAVAILABLE 3; expected none");
}

TEST(ExpectationsTest, ShareWithinBoundsPasses) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0.85, 0.95);
  s.expect.statuses["UNAVAILABLE"] = Share(0.05, 0.15);
  s.behavior.failure.code = "UNAVAILABLE";
  s.behavior.failure.probability = 0.1;
  RunResult run = RunWithCodes({{"OK", 90}, {"UNAVAILABLE", 10}});
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
  EXPECT_EQ(FindCheck(run, "status UNAVAILABLE")->detail,
            "UNAVAILABLE 10 of 100 finished calls (10.0%); expected share in [5.00%, 15.0%]");
}

TEST(ExpectationsTest, ShareAboveMaximumFails) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0, 1);
  s.expect.statuses["UNAVAILABLE"] = Share(0.05, 0.15);
  RunResult run = RunWithCodes({{"OK", 80}, {"UNAVAILABLE", 20}});
  EXPECT_EQ(FailedDetail(s, run, "status UNAVAILABLE"),
            "UNAVAILABLE 20 of 100 finished calls (20.0%); expected share in [5.00%, 15.0%]");
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(FindCheck(run, "status OK")->passed);
}

TEST(ExpectationsTest, ShareBelowMinimumFails) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0.99, 1);
  s.expect.statuses["DEADLINE_EXCEEDED"] = Share(0, 1);
  RunResult run = RunWithCodes({{"OK", 98}, {"DEADLINE_EXCEEDED", 2}});
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass);
  EXPECT_FALSE(FindCheck(run, "status OK")->passed);
  EXPECT_TRUE(FindCheck(run, "status DEADLINE_EXCEEDED")->passed);
  EXPECT_TRUE(FindCheck(run, "unexpected statuses")->passed);
}

TEST(ExpectationsTest, MinCallsCountsCalls) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0, 1);
  s.expect.statuses["CANCELLED"] = Share(0, 1, 5);
  RunResult run = RunWithCodes({{"OK", 10}, {"CANCELLED", 4}});
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass);
  EXPECT_EQ(FindCheck(run, "status CANCELLED")->detail,
            "CANCELLED 4 of 14 finished calls; expected at least 5 calls");

  run = RunWithCodes({{"OK", 10}, {"CANCELLED", 5}});
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
}

TEST(ExpectationsTest, IntegrityErrorsFailWithoutInjectedFaults) {
  scenario::Scenario s;
  RunResult run = RunWithCodes({{"OK", 10}});
  run.integrity.lost = 2;
  run.integrity.reordered = 1;
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass);
  const Check* check = FindCheck(run, "integrity errors");
  EXPECT_FALSE(check->passed);
  EXPECT_EQ(check->detail, "3 (lost 2, duplicated 0, reordered 1, corrupted 0); expected 0");
}

TEST(ExpectationsTest, IntegrityErrorsAllowedExplicitly) {
  scenario::Scenario s;
  s.expect.allow_integrity_errors = true;
  RunResult run = RunWithCodes({{"OK", 10}});
  run.integrity.corrupted = 1;
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
  EXPECT_NE(FindCheck(run, "integrity errors")->detail.find("allowed"), std::string::npos);
}

TEST(ExpectationsTest, IntegrityErrorsAllowedWhenFailuresInjected) {
  scenario::Scenario s;
  s.behavior.failure.code = "INTERNAL";
  s.behavior.failure.after_messages = 5;
  s.expect.statuses["INTERNAL"] = Share(1, 1);
  RunResult run = RunWithCodes({{"INTERNAL", 10}});
  run.integrity.lost = 7;
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
  EXPECT_TRUE(InjectsFaults(s));
}

TEST(ExpectationsTest, IntegrityErrorsAllowedWhenClientCancels) {
  scenario::Scenario s;
  s.call.cancel_after_us = 50'000;
  s.expect.statuses["CANCELLED"] = Share(0, 1, 1);
  RunResult run = RunWithCodes({{"CANCELLED", 10}});
  run.integrity.lost = 7;
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
}

TEST(ExpectationsTest, IntegrityErrorsAllowedWhenTheServerInjectsIntegrityFaults) {
  scenario::Scenario s;
  RunResult run = RunWithCodes({{"OK", 10}});
  run.integrity.duplicated = 3;
  EvaluateExpectations(s, &run);
  EXPECT_FALSE(run.pass) << "no faults asked: errors fail the run";
  s.behavior.integrity_faults.duplicate.every_nth = 4;
  EXPECT_TRUE(InjectsFaults(s));
  EvaluateExpectations(s, &run);
  EXPECT_TRUE(run.pass);
  EXPECT_NE(FindCheck(run, "integrity errors")->detail.find("the scenario injects faults"),
            std::string::npos);
}

TEST(ExpectationsTest, NoTrafficFails) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0, 1);  // would pass on its own
  RunResult run;
  run.duration_s = 2;
  EXPECT_EQ(FailedDetail(s, run, "no traffic"),
            "0 calls finished and 0 messages moved in 2 s; expected some traffic");
}

TEST(ExpectationsTest, StreamsWithMessagesButNoFinishedCallAreTraffic) {
  scenario::Scenario s;
  s.expect.statuses["OK"] = Share(0, 1);
  RunResult run;
  run.messages_sent = 10;
  EvaluateExpectations(s, &run);
  EXPECT_EQ(FindCheck(run, "no traffic"), nullptr);
  EXPECT_TRUE(run.pass);
}

TEST(ExpectationsTest, ReplacesEarlierChecks) {
  scenario::Scenario s;
  RunResult run = RunWithCodes({{"OK", 1}});
  Check stale;
  stale.name = "stale";
  stale.passed = false;
  stale.detail = "from before";
  run.checks.push_back(stale);
  run.pass = false;
  EvaluateExpectations(s, &run);
  EXPECT_EQ(FindCheck(run, "stale"), nullptr);
  EXPECT_TRUE(run.pass);
  EXPECT_EQ(run.checks.size(), 3u);  // status OK, unexpected statuses, integrity errors
}

TEST(ExpectationJudgeTest, JudgesEachRunByItsVariantsScenario) {
  scenario::ScenarioFile file;
  file.runs.resize(2);
  file.runs[0].variant = "strict";
  file.runs[1].variant = "lenient";
  file.runs[1].expect.statuses["UNAVAILABLE"] = Share(0, 1);
  file.runs[1].expect.statuses["OK"] = Share(0, 1);
  report::ScenarioResult result;
  result.runs = {RunWithCodes({{"OK", 5}, {"UNAVAILABLE", 5}}),
                 RunWithCodes({{"OK", 5}, {"UNAVAILABLE", 5}})};
  result.runs[0].variant = "strict";
  result.runs[1].variant = "lenient";

  const std::vector<Check> checks = ExpectationJudge(file).Checks(result);
  bool strict_failed = false;
  for (const Check& check : checks) {
    if (check.variant == "strict" && !check.passed) strict_failed = true;
    if (check.variant == "lenient") {
      EXPECT_TRUE(check.passed) << check.name << ": " << check.detail;
    }
  }
  EXPECT_TRUE(strict_failed) << "UNAVAILABLE is not expected in the strict variant";
  EXPECT_FALSE(AllPassed(checks));
}

}  // namespace
}  // namespace streambench::gate
