#include "bench/runner/cli_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace streambench::runner {
namespace {

using ::testing::HasSubstr;

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
                     "--force",
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
  EXPECT_TRUE(o.force);
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

// The error of a command line that must not parse ("" when it parses).
std::string ErrorOf(std::vector<std::string> args) {
  CliOptions o;
  std::string e;
  return ParseCliArgs(args, &o, &e) ? std::string() : e;
}

TEST(CliArgsTest, UnknownFlagIsNamed) {
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--bogus", "1"}), HasSubstr("--bogus"));
  // A run flag is not a validate flag.
  EXPECT_THAT(ErrorOf({"validate", "s.yaml", "--out", "x"}), HasSubstr("--out"));
}

TEST(CliArgsTest, BadValues) {
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--duration", "10"}), HasSubstr("--duration"));
  EXPECT_NE(ErrorOf({"run", "s.yaml", "--threads", "0"}), "");
  EXPECT_NE(ErrorOf({"run", "s.yaml", "--threads", "2x"}), "");
  EXPECT_NE(ErrorOf({"run", "s.yaml", "--target", "nohostport"}), "");
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--out"}), HasSubstr("needs a value"));
  EXPECT_NE(ErrorOf({"run", "s.yaml", "--quiet=yes"}), "");
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--heap-trim-interval", "-1s"}),
              HasSubstr("--heap-trim-interval"));
}

// Every message is one line that names the flag and says what was wrong with the value.
TEST(CliArgsTest, ErrorsNameTheFlagAndTheValue) {
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--threads", "0"}),
            "--threads: '0' is not an integer in [1, 1024]");
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--target", "nohostport"}),
            "--target: expected HOST:PORT, got 'nohostport'");
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--out"}), "--out needs a value (FILE)");
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--quiet=yes"}), "--quiet takes no value");
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--bogus", "1"}), "unknown flag --bogus for 'run'");
  EXPECT_EQ(ErrorOf({"run", "s.yaml", "--job="}).rfind("--job: expected letters", 0), 0u);
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--push-timeout", "0s"}), HasSubstr("--push-timeout"));
  EXPECT_THAT(ErrorOf({"run", "s.yaml", "--threshold", "frobs.p99 < 5ms"}),
              HasSubstr("--threshold: "));
}

TEST(CliArgsTest, RepeatedFlags) {
  CliOptions o;
  std::string e;
  // A single-value flag keeps its last value; repeatable ones keep every value in order.
  ASSERT_TRUE(ParseCliArgs({"run", "s.yaml", "--out", "a.json", "--out", "b.json", "--threshold",
                            "error_rate == 0", "--threshold", "error_rate < 1%"},
                           &o, &e))
      << e;
  EXPECT_EQ(o.out_path, "b.json");
  ASSERT_EQ(o.thresholds.size(), 2u);
  EXPECT_EQ(o.thresholds[0].text, "error_rate == 0");
  EXPECT_EQ(o.thresholds[1].text, "error_rate < 1%");
  EXPECT_EQ(o.thresholds[1].metric, "error_rate");  // parsed once, here
}

TEST(CliArgsTest, MissingOrExtraArguments) {
  EXPECT_NE(ErrorOf({}), "");
  EXPECT_THAT(ErrorOf({"run"}), HasSubstr("FILE"));
  EXPECT_NE(ErrorOf({"run", "a.yaml", "b.yaml"}), "");
  EXPECT_THAT(ErrorOf({"frobnicate", "a.yaml"}), HasSubstr("frobnicate"));
  EXPECT_THAT(ErrorOf({"--nope"}), HasSubstr("--nope"));
  EXPECT_EQ(ErrorOf({"frobnicate", "a.yaml"}), "unknown command 'frobnicate'");
  EXPECT_EQ(ErrorOf({"compare", "a.json"}),
            "'compare' needs two results files: A.json (baseline) B.json (new)");
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
  // `help COMMAND` is `COMMAND --help`; the help flag wins over a missing file.
  ASSERT_TRUE(Parse({"help", "compare"}, &o, &e));
  EXPECT_TRUE(o.help);
  EXPECT_EQ(o.command, "compare");
  ASSERT_TRUE(Parse({"validate", "-h"}, &o, &e));
  EXPECT_TRUE(o.help);
  EXPECT_EQ(o.command, "validate");
  // The top-level help lists each command with what it takes.
  EXPECT_THAT(MainUsage(), HasSubstr("run FILE"));
  EXPECT_THAT(MainUsage(), HasSubstr("compare A.json B.json"));
  EXPECT_THAT(MainUsage(), HasSubstr("report RESULTS.json"));
  EXPECT_THAT(CommandUsage("run"), HasSubstr("--html FILE"));
  EXPECT_EQ(CommandUsage("run").rfind("usage: streambench run", 0), 0u) << CommandUsage("run");
}

TEST(CliArgsTest, ReportTakesResultsFilesAndNeedsHtml) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(Parse({"report", "a.json", "b.json", "--html", "out.html"}, &o, &e)) << e;
  EXPECT_EQ(o.command, "report");
  EXPECT_EQ(o.results_files, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(o.html_path, "out.html");
  EXPECT_FALSE(Parse({"report", "a.json"}, &o, &e));
  EXPECT_THAT(e, HasSubstr("--html"));
  EXPECT_FALSE(Parse({"report", "--html", "out.html"}, &o, &e));
  EXPECT_THAT(e, HasSubstr("results file"));
  EXPECT_FALSE(Parse({"validate", "s.yaml", "--html", "out.html"}, &o, &e)) << "not a run";
}

}  // namespace
}  // namespace streambench::runner

namespace streambench::runner {
namespace {

TEST(CliArgsTest, ShardAndStartAt) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(ParseCliArgs(
      {"run", "s.yaml", "--shard", "2/5", "--start-at", "2026-12-03T21:00:00.25+01:00"}, &o, &e))
      << e;
  EXPECT_EQ(o.shard_index, 2);
  EXPECT_EQ(o.shard_count, 5);
  EXPECT_EQ(o.start_at, "2026-12-03T21:00:00.25+01:00");
  EXPECT_EQ(o.start_at_unix_ns, int64_t{1796328000} * 1'000'000'000 + 250'000'000);
  EXPECT_FALSE(ParseCliArgs({"run", "s.yaml", "--shard", "5/5"}, &o, &e));
  EXPECT_EQ(e, "--shard: shard 5 of 5: expected 0 <= I < N <= 10000");
  EXPECT_FALSE(ParseCliArgs({"run", "s.yaml", "--start-at", "2026-02-30T00:00:00Z"}, &o, &e));
  EXPECT_THAT(e, ::testing::HasSubstr("--start-at: expected an RFC 3339 time"));
  EXPECT_FALSE(ParseCliArgs({"run", "s.yaml", "--start-at", "2026-12-03T20:00:00"}, &o, &e));
  EXPECT_THAT(e, ::testing::HasSubstr("missing Z or offset"));
}

TEST(CliArgsTest, MergeTakesFilesOutAndTheGate) {
  CliOptions o;
  std::string e;
  ASSERT_TRUE(ParseCliArgs({"merge", "a.json", "b.json", "--out", "all.json", "--allow-missing",
                            "--threshold", "message_latency.p99 < 5ms", "--junit", "j.xml"},
                           &o, &e))
      << e;
  EXPECT_EQ(o.command, "merge");
  EXPECT_EQ(o.merge_files, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(o.out_path, "all.json");
  EXPECT_TRUE(o.allow_missing);
  EXPECT_EQ(o.thresholds.size(), 1u);
  EXPECT_FALSE(ParseCliArgs({"merge", "a.json"}, &o, &e));
  EXPECT_EQ(e, "'merge' needs --out FILE (the merged results to write)");
}

}  // namespace
}  // namespace streambench::runner
