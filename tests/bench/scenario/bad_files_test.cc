// The corpus of bad scenario files in bad/: each NAME.yaml must fail to load with exactly the
// one-line error in NAME.expected (the path shown relative to this test folder).
// To regenerate the expectations after a deliberate message change, run the test with
// STREAMBENCH_UPDATE_EXPECTED=1 and review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

const std::string kTestDir = std::string(STREAMBENCH_SOURCE_DIR) + "/tests/bench/scenario/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> BadFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kTestDir + "bad")) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Loads bad/NAME.yaml and returns its error line with the test folder prefix removed.
std::string ErrorFor(const std::string& name, bool* loaded) {
  ScenarioFile file;
  LoadError error;
  *loaded = LoadScenarioFile(kTestDir + "bad/" + name + ".yaml", {}, &file, &error);
  std::string text = error.ToString();
  if (text.rfind(kTestDir, 0) == 0) text = text.substr(kTestDir.size());
  // "cannot open <path>" messages carry the path inside the message too.
  for (size_t at; (at = text.find(kTestDir)) != std::string::npos;) text.erase(at, kTestDir.size());
  return text;
}

TEST(BadFilesTest, CorpusIsLargeAndEveryFileHasAnExpectation) {
  const std::vector<std::string> names = BadFiles();
  EXPECT_GE(names.size(), 20u);
  if (std::getenv("STREAMBENCH_UPDATE_EXPECTED") != nullptr) return;
  for (const std::string& name : names) {
    EXPECT_TRUE(std::filesystem::exists(kTestDir + "bad/" + name + ".expected")) << name;
  }
}

TEST(BadFilesTest, EachFailsWithTheExactExpectedError) {
  const bool update = std::getenv("STREAMBENCH_UPDATE_EXPECTED") != nullptr;
  for (const std::string& name : BadFiles()) {
    SCOPED_TRACE(name);
    bool loaded = true;
    const std::string actual = ErrorFor(name, &loaded);
    EXPECT_FALSE(loaded);
    const std::string expected_path = kTestDir + "bad/" + name + ".expected";
    if (update) {
      std::ofstream(expected_path) << actual << "\n";
      continue;
    }
    std::string expected = ReadFile(expected_path);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_EQ(actual, expected);
    // One line, naming the file: what the CLI prints before exiting with status 2.
    EXPECT_EQ(actual.find('\n'), std::string::npos);
    EXPECT_EQ(actual.rfind("bad/" + name + ".yaml", 0), 0u);
  }
}

TEST(BadFilesTest, MissingFileAndDirectory) {
  ScenarioFile file;
  LoadError error;
  EXPECT_FALSE(LoadScenarioFile(kTestDir + "bad/does_not_exist.yaml", {}, &file, &error));
  EXPECT_EQ(error.file, kTestDir + "bad/does_not_exist.yaml");
  EXPECT_EQ(error.message,
            "cannot open " + kTestDir + "bad/does_not_exist.yaml: No such file or directory");
  EXPECT_EQ(error.line, 0);

  EXPECT_FALSE(LoadScenarioFile(kTestDir + "bad", {}, &file, &error));
  EXPECT_EQ(error.message, "cannot open " + kTestDir + "bad: is a directory");
}

}  // namespace
}  // namespace streambench::scenario
