// Hostile input must produce an error, never a crash, a hang or a huge allocation: deep nesting,
// expanding aliases, oversized files, and random bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

LoadError MustFail(const std::string& text) {
  ScenarioFile file;
  LoadError error;
  EXPECT_FALSE(LoadScenarioString(text, "x.yaml", {}, &file, &error));
  return error;
}

TEST(HostileInputTest, VeryDeepNestingIsRefused) {
  // Far beyond both our limit (32) and yaml-cpp's own recursion guard.
  const int depth = 100'000;
  const std::string text =
      "name: t\nmode: bidi\ndescription: " + std::string(depth, '[') + std::string(depth, ']');
  const LoadError error = MustFail(text);
  EXPECT_NE(error.message.find("invalid YAML"), std::string::npos) << error.ToString();

  const std::string maps = "name: t\nmode: bidi\ndescription: " + std::string(depth, '{');
  EXPECT_NE(MustFail(maps).message.find("invalid YAML"), std::string::npos);
}

TEST(HostileInputTest, AliasExpansionIsRefusedAtTheFirstAlias) {
  std::string text = "name: t\nmode: bidi\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 30; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  const LoadError error = MustFail(text);
  EXPECT_EQ(error.ToString(),
            "x.yaml:4:10: invalid YAML: YAML aliases (*name) are not supported; write the value "
            "out");
}

TEST(HostileInputTest, OversizedTextAndTooManyNodes) {
  const std::string big = "name: t\nmode: bidi\ndescription: " + std::string(2 << 20, 'x') + "\n";
  EXPECT_EQ(MustFail(big).ToString(),
            "x.yaml: invalid YAML: the file is larger than 1048576 bytes");

  std::string many = "name: t\nmode: bidi\ndescription: [";
  for (int i = 0; i < 120'000; ++i) many += "1,";
  many += "1]\n";
  EXPECT_EQ(MustFail(many).message, "invalid YAML: the document has more than 100000 nodes");
}

TEST(HostileInputTest, RandomBytesNeverCrash) {
  // Seeded, so a failure reproduces. Mixes YAML punctuation into the noise to reach deeper
  // parser states than uniform bytes would.
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]:,-&*!|>'\"%@`#?\n\t abc019.";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const size_t length = rng() % 200;
    for (size_t i = 0; i < length; ++i) {
      text += (rng() % 2) ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
    }
    ScenarioFile file;
    LoadError error;
    if (!LoadScenarioString(text, "fuzz.yaml", {}, &file, &error)) {
      EXPECT_FALSE(error.message.empty()) << "round " << round;
    }
  }
}

TEST(HostileInputTest, HugeNumbersAreRangeErrors) {
  EXPECT_EQ(MustFail("name: t\nmode: bidi\nseed: 184467440737095516160\n").ToString(),
            "x.yaml:3:7: seed: must be between 0 and 18446744073709551615 (got "
            "184467440737095516160)");
  EXPECT_EQ(MustFail("name: t\nmode: bidi\nload: {type: constant, rate: "
                     "99999999999999999999999999999999999999/s}\n")
                .ToString(),
            "x.yaml:3:30: load.rate: must be at most 10M/s (got "
            "99999999999999999999999999999999999999/s)");
}

}  // namespace
}  // namespace streambench::scenario
