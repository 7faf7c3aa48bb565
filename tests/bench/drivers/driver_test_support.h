// What the driver tests that run real drivers against a real server share: loading a scenario
// from text, and waiting (without sleeping) for what the drivers do on gRPC's threads.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "bench/scenario/scenario_loader.h"

namespace streambench::drivers::testing {

// The first run of the scenario in `yaml` (a test failure naming the problem when it does not
// load).
inline scenario::Scenario LoadFirstRun(const std::string& yaml) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "test.yaml", {}, &file, &error))
      << error.ToString();
  return file.runs.empty() ? scenario::Scenario{} : file.runs[0];
}

// Spins (no sleep) until `done` or a bounded wait ends; the test fails in the latter case.
template <class Done>
void WaitFor(const char* what, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "timed out waiting for " << what;
      return;
    }
    std::this_thread::yield();
  }
}

}  // namespace streambench::drivers::testing
