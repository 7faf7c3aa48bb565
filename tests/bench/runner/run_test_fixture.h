// Test support for real runs through the RunController: loading a scenario from YAML text, a
// fixture that keeps the scenarios alive for the drivers and runs them, and the lookups the
// checks need. Shared by the RunController and BenchmarkService-mode tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/bench/test_engine.h"

namespace streambench::runner::testing {

// A short run: 2 connections x 2 stream slots (4 slots), no warm-up, 1 s, 100-byte requests, so
// that every message sent is accounted for after the drain. Tests append mode, load and the rest.
constexpr char kShortRun[] =
    "name: t\nconnections: 2\nstreams_per_connection: 2\nwarmup: 0s\nduration: 1s\n"
    "request: {payload_size: 100B}\n";

using streambench::testing::LoadFirstRun;

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetStopSignals(); }

  // Loads `yaml`; the scenario lives as long as the fixture (drivers keep a reference).
  scenario::Scenario& Scenario(const std::string& yaml) {
    scenarios_.push_back(std::make_unique<scenario::Scenario>(LoadFirstRun(yaml)));
    return *scenarios_.back();
  }

  RunOutcome Run(const scenario::Scenario& s) {
    RunOptions options;
    options.log_out = &std::cerr;
    return RunController(options).Run(s);
  }

  // A run that must complete; returns its result.
  report::RunResult MustRun(const scenario::Scenario& s) {
    RunOutcome outcome = Run(s);
    EXPECT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
    EXPECT_EQ(outcome.dropped_ops, 0u);
    return outcome.result;
  }
  report::RunResult MustRun(const std::string& yaml) { return MustRun(Scenario(yaml)); }

  // A run of `yaml` in which every call must end OK (ExpectAllOk) and the result name the
  // scenario's service; returns its result.
  report::RunResult MustRunAllOk(const std::string& yaml) {
    const scenario::Scenario& s = Scenario(yaml);
    report::RunResult r = MustRun(s);
    ExpectAllOk(r);
    EXPECT_EQ(r.service, scenario::ServiceName(s));
    return r;
  }

  static uint64_t Code(const report::RunResult& r, const std::string& name) {
    auto it = r.calls_by_code.find(name);
    return it == r.calls_by_code.end() ? 0 : it->second;
  }

  static void ExpectAllOk(const report::RunResult& r) {
    EXPECT_GT(Code(r, "OK"), 0u);
    EXPECT_EQ(Code(r, "OK"), r.calls_finished) << "every call ends OK";
    EXPECT_EQ(r.integrity.Total(), 0u);
    EXPECT_TRUE(r.pass);
    EXPECT_FALSE(r.interrupted);
  }

  // Open loop: the schedule fixes a count whatever the machine's speed; `count` must be within
  // `tolerance` of `scheduled`.
  static void ExpectScheduledCount(uint64_t count, uint64_t scheduled, uint64_t tolerance) {
    EXPECT_GE(count, scheduled - tolerance);
    EXPECT_LE(count, scheduled + tolerance);
  }

  static const report::LatencySummary& Latency(const report::RunResult& r,
                                               const std::string& kind) {
    static const report::LatencySummary kEmpty;
    auto it = r.latency_us.find(kind);
    return it == r.latency_us.end() ? kEmpty : it->second;
  }

 private:
  std::vector<std::unique_ptr<scenario::Scenario>> scenarios_;
};

}  // namespace streambench::runner::testing
