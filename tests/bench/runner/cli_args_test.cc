#include "bench/runner/cli_args.h"

#include <gtest/gtest.h>

namespace streambench::runner {
namespace {

bool Parse(std::vector<std::string> args, CliOptions* o, std::string* e) {
  return ParseCliArgs(args, o, e);
}

TEST(CliArgsTest, RunWithEveryFlag) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(Parse({"run",
                     "s.yaml",
                     "--set",
                     "load.rate=5",
                     "--set=connections=2",
                     "--target",
                     "127.0.0.1:9",
                     "--duration",
                     "1500ms",
                     "--warmup=0s",
                     "--threads",
                     "3",
                     "--out",
                     "r.json",
                     "--csv=r.csv",
                     "--quiet",
                     "--heap-trim-interval",
                     "2s",
                     "--push-timeout",
                     "250ms"},
                    &o, &e))
      << e;
  EXPECT_EQ(o.command, "run");
  EXPECT_EQ(o.file, "s.yaml");
  EXPECT_EQ(o.overrides, (std::vector<std::string>{"load.rate=5", "connections=2"}));
  EXPECT_EQ(o.target, "127.0.0.1:9");
  EXPECT_EQ(o.duration_us, 1'500'000);
  EXPECT_EQ(o.warmup_us, 0);
  EXPECT_EQ(o.threads, 3u);
  EXPECT_EQ(o.out_path, "r.json");
  EXPECT_EQ(o.csv_path, "r.csv");
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.heap_trim_interval_us, 2'000'000);
  EXPECT_EQ(o.push_timeout_us, 250'000);
  EXPECT_FALSE(o.help);
}

TEST(CliArgsTest, FlagsMayPrecedeTheFile) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(Parse({"validate", "--set", "a=1", "x.yaml"}, &o, &e)) << e;
  EXPECT_EQ(o.file, "x.yaml");
  EXPECT_EQ(o.overrides.size(), 1u);
}

TEST(CliArgsTest, UnknownFlagIsNamed) {
  CliOptions o;
  std::string e;
  EXPECT_FALSE(Parse({"run", "s.yaml", "--bogus", "1"}, &o, &e));
  EXPECT_NE(e.find("--bogus"), std::string::npos) << e;
  // A run flag is not a validate flag.
  EXPECT_FALSE(Parse({"validate", "s.yaml", "--out", "x"}, &o, &e));
  EXPECT_NE(e.find("--out"), std::string::npos) << e;
}

TEST(CliArgsTest, BadValues) {
  CliOptions o;
  std::string e;
  EXPECT_FALSE(Parse({"run", "s.yaml", "--duration", "10"}, &o, &e));
  EXPECT_NE(e.find("--duration"), std::string::npos) << e;
  EXPECT_FALSE(Parse({"run", "s.yaml", "--threads", "0"}, &o, &e));
  EXPECT_FALSE(Parse({"run", "s.yaml", "--threads", "2x"}, &o, &e));
  EXPECT_FALSE(Parse({"run", "s.yaml", "--target", "nohostport"}, &o, &e));
  EXPECT_FALSE(Parse({"run", "s.yaml", "--out"}, &o, &e));
  EXPECT_NE(e.find("needs a value"), std::string::npos) << e;
  EXPECT_FALSE(Parse({"run", "s.yaml", "--quiet=yes"}, &o, &e));
  EXPECT_FALSE(Parse({"run", "s.yaml", "--heap-trim-interval", "-1s"}, &o, &e));
  EXPECT_NE(e.find("--heap-trim-interval"), std::string::npos) << e;
}

TEST(CliArgsTest, MissingOrExtraArguments) {
  CliOptions o;
  std::string e;
  EXPECT_FALSE(Parse({}, &o, &e));
  EXPECT_FALSE(Parse({"run"}, &o, &e));
  EXPECT_NE(e.find("FILE"), std::string::npos) << e;
  EXPECT_FALSE(Parse({"run", "a.yaml", "b.yaml"}, &o, &e));
  EXPECT_FALSE(Parse({"frobnicate", "a.yaml"}, &o, &e));
  EXPECT_NE(e.find("frobnicate"), std::string::npos) << e;
  EXPECT_FALSE(Parse({"--nope"}, &o, &e));
  EXPECT_NE(e.find("--nope"), std::string::npos) << e;
}

TEST(CliArgsTest, Help) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(Parse({"--help"}, &o, &e));
  EXPECT_TRUE(o.help);
  EXPECT_TRUE(o.command.empty());
  ASSERT_TRUE(Parse({"run", "--help"}, &o, &e));
  EXPECT_TRUE(o.help);
  EXPECT_EQ(o.command, "run");
  const std::string usage = CommandUsage("run");
  for (const char* flag :
       {"--set", "--target", "--duration", "--warmup", "--threads", "--out", "--csv", "--quiet"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(CommandUsage("validate").find("--out"), std::string::npos);
  EXPECT_NE(MainUsage().find("validate"), std::string::npos);
}

}  // namespace
}  // namespace streambench::runner
