// The order of a file's runs with repeats (interleaved, never blocked), and the refusal of
// server-side variants against an external target, decided before anything starts.
#include "bench/runner/variant_order.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::runner {
namespace {

std::vector<std::pair<size_t, int>> Pairs(const std::vector<PlannedRun>& order) {
  std::vector<std::pair<size_t, int>> out;
  for (const PlannedRun& p : order) out.emplace_back(p.run_index, p.repeat_index);
  return out;
}

TEST(VariantOrderTest, RepeatsInterleaveTheVariants) {
  EXPECT_EQ(Pairs(InterleavedOrder(3, 2)),
            (std::vector<std::pair<size_t, int>>{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}}));
  EXPECT_EQ(Pairs(InterleavedOrder(1, 3)),
            (std::vector<std::pair<size_t, int>>{{0, 0}, {0, 1}, {0, 2}}));
  EXPECT_EQ(Pairs(InterleavedOrder(2, 1)), (std::vector<std::pair<size_t, int>>{{0, 0}, {1, 0}}));
  EXPECT_EQ(InterleavedOrder(2, 0).size(), 2u) << "repeat 0 counts as 1";
  EXPECT_TRUE(InterleavedOrder(0, 5).empty());
}

TEST(VariantOrderTest, NoVariantRunsTwiceInARowUnlessItIsTheOnlyOne) {
  const std::vector<PlannedRun> order = InterleavedOrder(4, 10);
  ASSERT_EQ(order.size(), 40u);
  for (size_t i = 1; i < order.size(); ++i) {
    EXPECT_NE(order[i].run_index, order[i - 1].run_index) << i;
  }
}

scenario::ScenarioFile LoadFile(const std::string& yaml) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "t.yaml", {}, &file, &error)) << error.ToString();
  return file;
}

TEST(ExternalTargetTest, ServerTransportVariantsAreRefusedAgainstAnExternalTarget) {
  scenario::ScenarioFile file = LoadFile(R"(name: w
mode: bidi
target: 127.0.0.1:1
variants:
  - name: base
  - name: no-bdp
    set: {server_transport.bdp_probe: false}
)");
  std::string error;
  EXPECT_FALSE(CheckServerSettingsAgainstExternalTarget(file, &error));
  EXPECT_NE(error.find("variant `no-bdp` changes server_transport"), std::string::npos) << error;
  EXPECT_NE(error.find("only client-side settings"), std::string::npos) << error;

  // RunScenarioFile refuses it as bad input (exit 2) before dialling the (closed) port.
  const ScenarioOutcome outcome = RunScenarioFile(file, RunOptions{});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.status, RunOutcome::Status::kBadInput);
  EXPECT_TRUE(outcome.result.runs.empty());
}

TEST(ExternalTargetTest, ClientSideVariantsAndEmbeddedServersMayVaryAnything) {
  std::string error;
  EXPECT_TRUE(CheckServerSettingsAgainstExternalTarget(LoadFile(R"(name: w
mode: bidi
target: 127.0.0.1:1
server_transport: {bdp_probe: false}
matrix: {transport.stream_window: [64KiB, 1MiB], link.rtt: [0ms, 40ms]}
)"),
                                                       &error))
      << error;
  EXPECT_TRUE(CheckServerSettingsAgainstExternalTarget(LoadFile(R"(name: w
mode: bidi
matrix: {server_transport.stream_window: [64KiB, 1MiB]}
)"),
                                                       &error))
      << error;
}

}  // namespace
}  // namespace streambench::runner
