// libFuzzer target: the scenario loader (LoadScenarioString): the input is a scenario file.
// Never crash, hang or take long; every failure is a non-empty one-line error (with a position
// when it comes from the file); every success satisfies what the rest of the generator relies
// on. The properties are in fuzz_checks.h, shared with the gtest replay of the corpus.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string problem = streambench::fuzz::CheckScenarioText(input);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_scenario_loader: property violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
