// The compact `matrix:` form, `repeat:`, `link:` and `server_behavior.app_flow_control`: matrix
// expansion (product, order, generated names, combination with `variants`), override rules
// (variant first, matrix on top, --set last; file-level keys cannot vary), and the checks of each
// key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

bool Load(const std::string& text, ScenarioFile* file, LoadError* error,
          const std::vector<Override>& overrides = {}) {
  return LoadScenarioString(text, "m.yaml", overrides, file, error);
}

std::string LoadErrorText(const std::string& text, const std::vector<Override>& overrides = {}) {
  ScenarioFile file;
  LoadError error;
  if (Load(text, &file, &error, overrides)) return "(loaded)";
  return error.ToString();
}

// Loading `text` fails with a message that contains `fragment`.
void ExpectLoadError(const std::string& text, const std::string& fragment) {
  const std::string error = LoadErrorText(text);
  EXPECT_NE(error.find(fragment), std::string::npos) << error;
}

std::vector<std::string> Names(const ScenarioFile& file) {
  std::vector<std::string> names;
  for (const Scenario& run : file.runs) names.push_back(run.variant);
  return names;
}

constexpr char kMatrix[] = R"(name: windows
mode: server_stream
transport: {stream_window: 1MiB}
matrix:
  transport.stream_window: [64KiB, 8MiB]
  server_transport.bdp_probe: [true, false]
)";

TEST(MatrixTest, ExpandsTheProductFirstKeySlowestWithGeneratedNames) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(kMatrix, &file, &error)) << error.ToString();
  EXPECT_EQ(Names(file), (std::vector<std::string>{
                             "stream_window=64KiB,bdp_probe=true",
                             "stream_window=64KiB,bdp_probe=false",
                             "stream_window=8MiB,bdp_probe=true",
                             "stream_window=8MiB,bdp_probe=false",
                         }));
  EXPECT_EQ(file.runs[0].transport.stream_window_bytes, 64u * 1024);
  EXPECT_EQ(file.runs[0].server_transport.bdp_probe, true);
  EXPECT_EQ(file.runs[1].server_transport.bdp_probe, false);
  EXPECT_EQ(file.runs[3].transport.stream_window_bytes, 8u << 20);
  EXPECT_EQ(file.runs[3].server_transport.bdp_probe, false);
  EXPECT_EQ(file.repeat, 1u);
}

TEST(MatrixTest, KeysSharingALastComponentAreNamedByTheirFullPath) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(R"(name: w
mode: bidi
matrix: {transport.stream_window: [64KiB], server_transport.stream_window: [1MiB, 2MiB]}
)",
                   &file, &error))
      << error.ToString();
  EXPECT_EQ(Names(file), (std::vector<std::string>{
                             "transport.stream_window=64KiB,server_transport.stream_window=1MiB",
                             "transport.stream_window=64KiB,server_transport.stream_window=2MiB"}));
  EXPECT_EQ(file.runs[1].server_transport.stream_window_bytes, 2u << 20);
}

TEST(MatrixTest, CombinesWithVariantsVariantFirstThenMatrixThenCommandLine) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(R"(name: w
mode: bidi
connections: 1
variants:
  - name: a
    set: {connections: 2, transport.stream_window: 2MiB}
  - name: b
matrix: {transport.stream_window: [64KiB, 128KiB]}
)",
                   &file, &error, {{"streams_per_connection", "3"}}))
      << error.ToString();
  EXPECT_EQ(Names(file),
            (std::vector<std::string>{"a,stream_window=64KiB", "a,stream_window=128KiB",
                                      "b,stream_window=64KiB", "b,stream_window=128KiB"}));
  EXPECT_EQ(file.runs[0].connections, 2u);
  EXPECT_EQ(file.runs[0].transport.stream_window_bytes, 64u * 1024) << "the matrix wins";
  EXPECT_EQ(file.runs[2].connections, 1u) << "variant a leaked into b";
  for (const Scenario& run : file.runs) EXPECT_EQ(run.streams_per_connection, 3u);
  // --set on a matrix key overrides the matrix value in every run.
  ASSERT_TRUE(Load(kMatrix, &file, &error, {{"transport.stream_window", "32KiB"}}));
  for (const Scenario& run : file.runs) EXPECT_EQ(run.transport.stream_window_bytes, 32u * 1024);
}

TEST(MatrixTest, SetOnMatrixOrRepeatAppliesBeforeExpansion) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(
      Load(kMatrix, &file, &error,
           {{"matrix", "{transport.max_frame_size: [16KiB, 64KiB, 1MiB]}"}, {"repeat", "3"}}))
      << error.ToString();
  EXPECT_EQ(Names(file), (std::vector<std::string>{"max_frame_size=16KiB", "max_frame_size=64KiB",
                                                   "max_frame_size=1MiB"}));
  EXPECT_EQ(file.repeat, 3u);
  EXPECT_EQ(file.runs[2].transport.max_frame_size_bytes, 1u << 20);
}

TEST(MatrixTest, BadMatricesNameTheKey) {
  ExpectLoadError("name: w\nmode: bidi\nmatrix: {transport.stream_windw: [1MiB]}\n",
                  "did you mean `stream_window`");
  ExpectLoadError("name: w\nmode: bidi\nmatrix: {connections: []}\n",
                  "matrix.connections: expected a non-empty list");
  ExpectLoadError("name: w\nmode: bidi\nmatrix: {repeat: [1, 2]}\n", "cannot vary `repeat`");
  // A bad value names the matrix entry and the generated variant.
  const std::string bad = LoadErrorText("name: w\nmode: bidi\nmatrix: {connections: [1, -2]}\n");
  EXPECT_NE(bad.find("connections"), std::string::npos) << bad;
  EXPECT_NE(bad.find("(variant `connections=-2`)"), std::string::npos) << bad;
  // More than 100 runs.
  ExpectLoadError(
      "name: w\nmode: bidi\nmatrix: {connections: [1,2,3,4,5,6,7,8,9,10,11], "
      "threads: [1,2,3,4,5,6,7,8,9,10]}\n",
      "more than 100 runs");
}

TEST(MatrixTest, VariantsCannotSetFileLevelKeys) {
  ExpectLoadError("name: w\nmode: bidi\nvariants: [{name: a, set: {repeat: 2}}]\n",
                  "a variant cannot change `repeat`");
  ExpectLoadError("name: w\nmode: bidi\nvariants: [{name: a, set: {matrix: {}}}]\n",
                  "a variant cannot change `matrix`");
}

TEST(RepeatTest, RangeIsOneToHundred) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load("name: w\nmode: bidi\nrepeat: 100\n", &file, &error)) << error.ToString();
  EXPECT_EQ(file.repeat, 100u);
  ASSERT_EQ(file.runs.size(), 1u) << "repeats are the runner's business, not extra runs";
  for (const char* bad : {"0", "101", "-1", "two", "[1]"}) {
    EXPECT_NE(LoadErrorText(std::string("name: w\nmode: bidi\nrepeat: ") + bad + "\n")
                  .find("repeat: must be a whole number between 1 and 100"),
              std::string::npos)
        << bad;
  }
}

TEST(LinkTest, ReadsEveryKeyWithUnitsAndVariantsOverrideIt) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(R"(name: w
mode: server_stream
link: {rtt: 40ms, bandwidth: 100Mbit, jitter: 1ms, buffer: 1MiB}
variants:
  - name: base
  - name: short
    set: {link.rtt: 2ms}
)",
                   &file, &error))
      << error.ToString();
  const LinkSettings& link = file.runs[0].link;
  EXPECT_TRUE(link.enabled);
  EXPECT_EQ(link.rtt_us, 40'000);
  EXPECT_EQ(link.bandwidth_bits_per_s, 100'000'000u);
  EXPECT_EQ(link.jitter_us, 1000);
  EXPECT_EQ(link.buffer_bytes, 1u << 20);
  EXPECT_EQ(file.runs[1].link.rtt_us, 2000);
  EXPECT_EQ(file.runs[1].link.bandwidth_bits_per_s, 100'000'000u) << "sibling keys kept";

  ASSERT_TRUE(Load("name: w\nmode: bidi\n", &file, &error));
  EXPECT_FALSE(file.runs[0].link.enabled);
  ExpectLoadError("name: w\nmode: bidi\nlink: {rtt: 40}\n", "link.rtt");
  ExpectLoadError("name: w\nmode: bidi\nlink: {bandwidth: fast}\n", "link.bandwidth");
  ExpectLoadError("name: w\nmode: bidi\nlink: {rtt: 20s}\n", "at most");
  ExpectLoadError("name: w\nmode: bidi\nlink: {delay: 1ms}\n", "unknown key `delay`");
}

TEST(AppFlowControlTest, ReadsQueuePolicyAndInterval) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(R"(name: w
mode: server_stream
server_behavior:
  response_count: 100
  app_flow_control: {queue: 64, policy: drop, producer_interval: 100us}
)",
                   &file, &error))
      << error.ToString();
  const AppFlowControlSpec& afc = file.runs[0].behavior.app_flow_control;
  EXPECT_EQ(afc.queue_capacity_messages, 64u);
  EXPECT_EQ(afc.policy, AppFlowControlSpec::Policy::kDrop);
  EXPECT_EQ(afc.producer_interval_us, 100);
  ASSERT_TRUE(
      Load("name: w\nmode: bidi\nserver_behavior: {bidi: independent, app_flow_control: "
           "{queue: 4}}\n",
           &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs[0].behavior.app_flow_control.policy, AppFlowControlSpec::Policy::kBlock);
}

TEST(AppFlowControlTest, RejectsModesWithoutAProducerAndBadValues) {
  ExpectLoadError("name: w\nmode: bidi\nserver_behavior: {app_flow_control: {queue: 4}}\n",
                  "applies to mode server_stream, or bidi with");
  ExpectLoadError("name: w\nmode: unary\nserver_behavior: {app_flow_control: {queue: 4}}\n",
                  "applies to mode server_stream");
  EXPECT_NE(LoadErrorText(
                "name: w\nmode: server_stream\nserver_behavior: {app_flow_control: {queue: 0}}\n")
                .find("server_behavior.app_flow_control.queue: must be a whole number between 1"),
            std::string::npos);
  ExpectLoadError(
      "name: w\nmode: server_stream\nserver_behavior: {app_flow_control: "
      "{queue: 2, policy: lossy}}\n",
      "expected block or drop");
  ExpectLoadError(
      "name: w\nmode: server_stream\nserver_behavior: {app_flow_control: "
      "{policy: drop}}\n",
      "required key `queue`");
  ExpectLoadError(
      "name: w\nmode: server_stream\nserver_behavior: {response_interval: 1ms, "
      "app_flow_control: {queue: 2}}\n",
      "use producer_interval");
}

// `concurrent`: a file-level boolean; the runs it puts side by side share one server, so they
// cannot differ in server_transport or target.
TEST(ConcurrentTest, ReadsTheFlagAndSetCanTurnItOn) {
  const std::string yaml =
      "name: mix\nmode: bidi\nconcurrent: true\nvariants:\n"
      "  - name: a\n  - name: b\n    set: {mode: unary}\n";
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(yaml, &file, &error)) << error.ToString();
  EXPECT_TRUE(file.concurrent);
  ASSERT_EQ(file.runs.size(), 2u);
  EXPECT_EQ(file.runs[1].mode, Mode::kUnary);

  ASSERT_TRUE(Load("name: one\nmode: bidi\n", &file, &error)) << error.ToString();
  EXPECT_FALSE(file.concurrent) << "off unless asked";
  ASSERT_TRUE(Load("name: one\nmode: bidi\n", &file, &error, {{"concurrent", "true"}}))
      << error.ToString();
  EXPECT_TRUE(file.concurrent);
}

TEST(ConcurrentTest, BadValuesAndServerSideVariantsNameTheKeyAndLine) {
  const std::string not_bool = LoadErrorText("name: w\nmode: bidi\nconcurrent: yes\n");
  EXPECT_NE(not_bool.find("m.yaml:3"), std::string::npos) << not_bool;
  EXPECT_NE(not_bool.find("concurrent: must be true or false (got `yes`)"), std::string::npos)
      << not_bool;

  // A variant that changes what the runs share is refused at `concurrent` (line 3).
  struct SharedChange {
    const char* variant;
    const char* set;
    const char* message;
  };
  for (const SharedChange& change :
       {SharedChange{"small", "{server_transport.stream_window: 64KiB}",
                     "variant `small` changes server_transport"},
        SharedChange{"elsewhere", "{target: 127.0.0.1:1}", "variant `elsewhere` changes target"}}) {
    const std::string text = LoadErrorText(
        std::string("name: w\nmode: bidi\nconcurrent: true\nvariants:\n  - name: a\n  - name: ") +
        change.variant + "\n    set: " + change.set + "\n");
    EXPECT_NE(text.find("m.yaml:3"), std::string::npos) << text;
    EXPECT_NE(text.find(change.message), std::string::npos) << text;
  }

  // A variant cannot set a file-level key.
  ExpectLoadError(
      "name: w\nmode: bidi\nvariants:\n  - name: a\n"
      "    set: {concurrent: true}\n",
      "concurrent");
}

}  // namespace
}  // namespace streambench::scenario
