// The engine the driver and run tests put their calls on. CTest runs each such test binary twice
// (tests/CMakeLists.txt, streambench_test's BOTH_ENGINES): once as written (the grpc engine
// unless the scenario says otherwise) and once with STREAMBENCH_TEST_ENGINE=h2, which these
// helpers turn into the scenario override `engine=h2`. So every driver test proves its claim on
// both engines without a second copy of the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "bench/scenario/overrides.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::testing {

// The engine CTest asked for: "" (as the scenario says) or "h2".
inline std::string TestEngineName() {
  const char* name = std::getenv("STREAMBENCH_TEST_ENGINE");
  return name == nullptr ? "" : name;
}

// The overrides that put a scenario on the test's engine (none for the first pass).
inline std::vector<scenario::Override> TestEngineOverrides() {
  const std::string name = TestEngineName();
  if (name.empty()) return {};
  return {{"engine", name}};
}

// The same as command-line arguments for `streambench run`.
inline std::vector<std::string> TestEngineArgs() {
  const std::string name = TestEngineName();
  if (name.empty()) return {};
  return {"--set", "engine=" + name};
}

// The first run of `yaml` on the test's engine (an empty Scenario, and a test failure naming the
// problem, when it does not load).
inline scenario::Scenario LoadFirstRun(const std::string& yaml) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "test.yaml", TestEngineOverrides(), &file, &error))
      << error.ToString();
  return file.runs.empty() ? scenario::Scenario{} : file.runs[0];
}

// The engine a test's scenario runs on after TestEngineOverrides.
inline scenario::EngineKind TestEngineKind() {
  return TestEngineName() == "h2" ? scenario::EngineKind::kH2 : scenario::EngineKind::kGrpc;
}

}  // namespace streambench::testing
