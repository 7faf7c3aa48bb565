#include "tests/bench/report/test_results.h"

namespace streambench::report::testing {
namespace {

Check Expectation(std::string name, bool passed, std::string detail) {
  Check check;
  check.name = std::move(name);
  check.passed = passed;
  check.detail = std::move(detail);
  return check;
}

}  // namespace

RunResult SampleRun(const std::string& variant) {
  RunResult run;
  run.variant = variant;
  run.mode = "bidi";
  run.service = "streambench.v1";
  run.target = "embedded 127.0.0.1:40123";
  run.repeat_index = 1;
  run.duration_s = 10.25;
  run.interrupted = true;
  run.messages_sent = 123456;
  run.messages_received = 123400;
  run.calls_by_code = {{"OK", 90}, {"UNAVAILABLE", 10}};
  run.bytes_sent = 7901184;
  run.bytes_received = 7897600;
  run.calls_started = 110;
  run.calls_finished = 100;
  run.messages_sent_per_s = 12044.5;
  run.messages_received_per_s = 12039.0;
  run.messages_per_s = 24083.5;
  run.bytes_sent_per_s = 770847.2;
  run.bytes_received_per_s = 770497.56;
  run.calls_per_s = 9.756;
  run.target_rate_per_s = 12000;
  // count, p50, p90, p99, p999, max, mean, min (us)
  const LatencySummary message{123400, 250.5, 400.25, 1234.0, 5000.125, 12000.0, 300.75, 80.0};
  run.latency_us["message"] = message;
  LatencySummary call = message;
  call.count = 100;
  call.p50_us = 1.0e6;
  run.latency_us["call"] = call;
  LatencySummary lag;
  lag.count = 5;
  lag.p99_us = 3.5;
  lag.max_us = 4.0;
  run.latency_us["schedule_lag"] = lag;
  run.integrity.lost = 3;
  run.integrity.duplicated = 1;
  run.integrity.reordered = 2;
  run.integrity.corrupted = 4;
  run.checks = {Expectation("status OK", true, "OK 90 of 100 finished calls (90.0%); expected any"),
                Expectation("integrity errors", false, "10, \"quoted\"; expected 0")};
  run.pass = false;
  return run;
}

ScenarioResult SampleResult() {
  ScenarioResult result;
  result.scenario = "bidi_pingpong";
  result.source_path = "scenarios/bidi_pingpong.yaml";
  result.started_at = "2024-05-01T12:00:00Z";
  result.runs = {SampleRun("default"), SampleRun("large-window")};
  result.runs[1].pass = true;
  result.runs[1].interrupted = false;
  result.runs[1].checks = {Expectation("status OK", true, "fine")};
  result.pass = false;
  result.interrupted = true;
  return result;
}

}  // namespace streambench::report::testing
