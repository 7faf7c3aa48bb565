#include "bench/macro/macro_flags.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace streambench::macro {
namespace {

// The declarations of a small tool, and where its flags land.
struct Tool {
  std::string target;
  std::string mode = "bidi";
  bool record = false;
  int64_t duration_us = 5'000'000;
  uint64_t payload_bytes = 64;
  int64_t streams = 1;
  MacroFlags flags{"tool", "A test tool."};

  Tool() {
    flags.String("target", "HOST:PORT", &target, "where");
    flags.Choice("mode", {"bidi", "server_stream"}, &mode, "what");
    flags.Bool("record", &record, "keep samples");
    flags.DurationUs("duration", &duration_us, "how long");
    flags.SizeBytes("payload", &payload_bytes, "how big");
    flags.Integer("streams", 1, 100, &streams, "how many");
  }

  std::optional<int> Parse(std::vector<std::string> args) {
    std::vector<const char*> argv = {"tool"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    return flags.Parse(static_cast<int>(argv.size()), argv.data());
  }
};

TEST(MacroFlagsTest, UnitsAndDefaults) {
  Tool t;
  ASSERT_EQ(t.Parse({"--target", "h:1", "--duration=250ms", "--payload", "1KiB", "--record", "true",
                     "--mode", "server_stream"}),
            std::nullopt);
  EXPECT_EQ(t.target, "h:1");
  EXPECT_EQ(t.duration_us, 250'000);
  EXPECT_EQ(t.payload_bytes, 1024u);
  EXPECT_TRUE(t.record);
  EXPECT_EQ(t.mode, "server_stream");
  EXPECT_EQ(t.streams, 1);  // not given: the default
}

TEST(MacroFlagsTest, BadFlagsExitTwoAndHelpZero) {
  EXPECT_EQ(Tool().Parse({"--mode", "sideways"}), 2);
  EXPECT_EQ(Tool().Parse({"--no-such-flag", "1"}), 2);
  EXPECT_EQ(Tool().Parse({"--duration", "5"}), 2);  // a duration needs its unit
  EXPECT_EQ(Tool().Parse({"--streams", "101"}), 2);
  EXPECT_EQ(Tool().Parse({"--record", "maybe"}), 2);
  EXPECT_EQ(Tool().Parse({"--payload"}), 2);
  EXPECT_EQ(Tool().Parse({"--help"}), 0);
  EXPECT_EQ(Tool().flags.Fail("--target is required"), 2);
}

}  // namespace
}  // namespace streambench::macro
