// Variants: one run per variant, in declaration order, each the base with the variant's `set`
// applied on top; the base itself unchanged for later variants; --set applied last.
#include <gtest/gtest.h>

#include "bench/scenario/scenario_loader.h"
#include "tests/bench/scenario/scenario_text.h"

namespace streambench::scenario {
namespace {

const std::string kFile = BidiScenario("windows", "{stream_window: 1MiB, bdp_probe: true}") +
                          R"(variants:
  - name: small-window
    description: 64 KiB window, no BDP probe
    set: {transport.stream_window: 64KiB, server_transport.bdp_probe: false}
  - name: large-window
    set:
      transport.stream_window: 8MiB
      connections: 4
  - name: base-as-is
)";

TEST(VariantsTest, ExpandsInOrderOnTopOfAnUnchangedBase) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(LoadScenarioString(kFile, "windows.yaml", {}, &file, &error)) << error.ToString();
  ASSERT_EQ(file.runs.size(), 3u);
  EXPECT_EQ(file.name, "windows");
  EXPECT_EQ(file.runs[0].variant, "small-window");
  EXPECT_EQ(file.runs[1].variant, "large-window");
  EXPECT_EQ(file.runs[2].variant, "base-as-is");

  const Scenario& small = file.runs[0];
  EXPECT_EQ(small.transport.stream_window_bytes, 64u * 1024);
  EXPECT_EQ(small.transport.bdp_probe, true);  // untouched sibling
  EXPECT_EQ(small.server_transport.bdp_probe, false);
  EXPECT_EQ(small.connections, 2u);

  const Scenario& large = file.runs[1];
  EXPECT_EQ(large.transport.stream_window_bytes, 8u << 20);
  EXPECT_EQ(large.connections, 4u);
  EXPECT_FALSE(large.server_transport.bdp_probe.has_value()) << "small-window leaked";

  const Scenario& base = file.runs[2];
  EXPECT_EQ(base.transport.stream_window_bytes, 1u << 20);
  EXPECT_EQ(base.connections, 2u);
  for (const Scenario& run : file.runs) EXPECT_EQ(run.name, "windows");
}

TEST(VariantsTest, CommandLineOverridesApplyToEveryVariantAndWin) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(LoadScenarioString(kFile, "windows.yaml", {{"connections", "8"}, {"duration", "2s"}},
                                 &file, &error))
      << error.ToString();
  for (const Scenario& run : file.runs) {
    EXPECT_EQ(run.connections, 8u) << run.variant;
    EXPECT_EQ(run.duration_us, 2'000'000) << run.variant;
  }
}

TEST(VariantsTest, SetOnVariantsPathAppliesBeforeExpansion) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(LoadScenarioString(kFile, "windows.yaml", {{"variants", "[]"}}, &file, &error))
      << error.ToString();
  ASSERT_EQ(file.runs.size(), 1u);
  EXPECT_EQ(file.runs[0].variant, "default");

  ASSERT_TRUE(LoadScenarioString(kFile, "windows.yaml", {{"variants.1.set", "{threads: 3}"}}, &file,
                                 &error))
      << error.ToString();
  EXPECT_EQ(file.runs.at(1).threads, 3u);
  EXPECT_EQ(file.runs.at(1).connections, 2u) << "the replaced set no longer sets connections";
}

TEST(VariantsTest, ErrorsInsideAVariantNameIt) {
  const std::string text = kFile + "  - name: bad-rate\n    set: {load.rate: 0}\n";
  ScenarioFile file;
  LoadError error;
  ASSERT_FALSE(LoadScenarioString(text, "windows.yaml", {}, &file, &error));
  EXPECT_EQ(error.ToString(),
            "windows.yaml:16:22: load.rate: must be > 0 (got 0) (variant `bad-rate`)");
}

}  // namespace
}  // namespace streambench::scenario
