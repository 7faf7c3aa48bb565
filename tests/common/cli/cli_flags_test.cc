#include "common/cli/cli_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace streambench::cli {
namespace {

using ::testing::HasSubstr;

// "2k" -> 2000: a stand-in for the project's unit parsers.
bool ParseKilo(const std::string& text, int64_t* value, std::string* why) {
  if (text.size() < 2 || text.back() != 'k') {
    *why = "'" + text + "' is not like 2k";
    return false;
  }
  *value = std::stoll(text.substr(0, text.size() - 1)) * 1000;
  return true;
}

// An app with a subcommand, flags of each kind, and the values they landed in.
struct TestApp {
  CLI::App app{"A test tool.", "tool"};
  CLI::App* go = nullptr;
  std::string file;
  std::optional<int64_t> size;
  int port = 0;
  std::string name = "default";
  std::optional<bool> probe;
  bool quiet = false;
  std::string mode = "a";
  std::vector<std::string> sets;

  TestApp() {
    SetUpApp(&app);
    go = AddCommand(&app, "go", "do it");
    go->add_option("FILE", file, "the file");
    go->add_option("--size", size, "a size")->transform(UnitTransformer<int64_t>(ParseKilo));
    go->add_option("--port", port, "a port")->type_name("N")->check(IntegerIn(0, 65535));
    go->add_option("--name", name, "a name")->check(NotEmpty());
    go->add_option("--probe", probe, "a switch that may take a value")
        ->expected(0, 1)
        ->default_str("true")
        ->check(TrueOrFalse());
    go->add_flag("--quiet", quiet, "a switch")->disable_flag_override();
    go->add_option("--mode", mode, "a choice")->check(OneOf({"a", "b", "c"}));
    Repeatable(go->add_option("--set", sets, "repeatable"));
  }

  ParseOutcome Parse(std::vector<std::string> args) { return ParseArgs(&app, args); }
  std::string ErrorOf(std::vector<std::string> args) {
    const ParseOutcome outcome = Parse(args);
    EXPECT_EQ(outcome.kind, ParseOutcome::Kind::kError);
    return outcome.error;
  }
};

TEST(CliFlagsTest, ValuesLandInTheirVariables) {
  TestApp t;
  const ParseOutcome outcome =
      t.Parse({"go", "--size", "2k", "--port=80", "--name", "x", "--probe", "--quiet", "--mode=c",
               "--set", "a=1", "f.yaml", "--set=b=2"});
  ASSERT_EQ(outcome.kind, ParseOutcome::Kind::kRun) << outcome.error;
  EXPECT_EQ(t.file, "f.yaml");
  EXPECT_EQ(t.size, 2000);
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.name, "x");
  EXPECT_EQ(t.probe, true);
  EXPECT_TRUE(t.quiet);
  EXPECT_EQ(t.mode, "c");
  EXPECT_EQ(t.sets, (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(CliFlagsTest, AbsentFlagsKeepTheirDefaults) {
  TestApp t;
  ASSERT_EQ(t.Parse({"go", "f"}).kind, ParseOutcome::Kind::kRun);
  EXPECT_FALSE(t.size);
  EXPECT_EQ(t.name, "default");
  EXPECT_FALSE(t.probe);
}

TEST(CliFlagsTest, ASwitchMayTakeAValue) {
  TestApp t;
  ASSERT_EQ(t.Parse({"go", "--probe=false"}).kind, ParseOutcome::Kind::kRun);
  EXPECT_EQ(t.probe, false);
  TestApp spaced;
  ASSERT_EQ(spaced.Parse({"go", "--probe", "0"}).kind, ParseOutcome::Kind::kRun);
  EXPECT_EQ(spaced.probe, false);
}

TEST(CliFlagsTest, LastValueOfASingleValueFlagWins) {
  TestApp t;
  ASSERT_EQ(t.Parse({"go", "--port", "1", "--port=2"}).kind, ParseOutcome::Kind::kRun);
  EXPECT_EQ(t.port, 2);
}

TEST(CliFlagsTest, BadValuesAreOneLineNamingTheFlag) {
  EXPECT_EQ(TestApp().ErrorOf({"go", "--size", "2"}), "--size: '2' is not like 2k");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--port", "70000"}),
            "--port: '70000' is not an integer in [0, 65535]");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--port", "8x"}),
            "--port: '8x' is not an integer in [0, 65535]");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--name="}), "--name: must not be empty");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--name", ""}), "--name: must not be empty");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--probe=maybe"}), "--probe: 'maybe' is not true or false");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--mode", "d"}), "--mode: expected a, b or c, got 'd'");
}

TEST(CliFlagsTest, UsageMistakesAreOneLineNamingTheArgument) {
  EXPECT_EQ(TestApp().ErrorOf({"go", "--port"}), "--port needs a value (N)");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--quiet=yes"}), "--quiet takes no value");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--bogus", "1"}), "unknown flag --bogus for 'go'");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--bogus=1"}), "unknown flag --bogus for 'go'");
  EXPECT_EQ(TestApp().ErrorOf({"go", "a", "b"}), "unexpected argument 'b' for 'go'");
  EXPECT_EQ(TestApp().ErrorOf({"went", "a"}), "unknown command 'went'");
  EXPECT_EQ(TestApp().ErrorOf({"--nope"}), "unknown flag --nope");
  // An argument carrying a newline or a terminal escape cannot split or colour the line.
  EXPECT_EQ(TestApp().ErrorOf({"go", "a", "b\n\x1b[31m"}),
            "unexpected argument 'b??[31m' for 'go'");
  EXPECT_EQ(TestApp().ErrorOf({"go", "--port", "1\n"}),
            "--port: '1?' is not an integer in [0, 65535]");
}

TEST(CliFlagsTest, HelpOfTheCommandAskedFor) {
  TestApp t;
  ParseOutcome outcome = t.Parse({"--help"});
  ASSERT_EQ(outcome.kind, ParseOutcome::Kind::kHelp);
  EXPECT_EQ(outcome.help.rfind("usage: tool", 0), 0u) << outcome.help;
  EXPECT_THAT(outcome.help, HasSubstr("A test tool."));
  EXPECT_THAT(outcome.help, HasSubstr("go FILE"));  // a command with what it takes

  TestApp sub;
  outcome = sub.Parse({"go", "-h"});
  ASSERT_EQ(outcome.kind, ParseOutcome::Kind::kHelp);
  EXPECT_EQ(outcome.help.rfind("usage: tool go", 0), 0u) << outcome.help;
  EXPECT_THAT(outcome.help, HasSubstr("--port N"));
  EXPECT_THAT(outcome.help, HasSubstr("this text"));
}

}  // namespace
}  // namespace streambench::cli
