// --set overrides: parsing the argument, nested keys, lists, unknown key paths, and the error
// that names the --set argument a bad value came from.
#include "bench/scenario/overrides.h"

#include <gtest/gtest.h>

#include "bench/scenario/scenario_loader.h"
#include "tests/bench/scenario/scenario_text.h"

namespace streambench::scenario {
namespace {

const std::string kBase = BidiScenario("base", "{stream_window: 1MiB}");

bool Load(const std::vector<std::string>& args, ScenarioFile* out, LoadError* error) {
  std::vector<Override> overrides;
  for (const std::string& arg : args) {
    Override o;
    std::string parse_error;
    EXPECT_TRUE(ParseOverride(arg, &o, &parse_error)) << parse_error;
    overrides.push_back(o);
  }
  return LoadScenarioString(kBase, "base.yaml", overrides, out, error);
}

TEST(OverridesTest, ParseOverrideSplitsAtTheFirstEquals) {
  Override o;
  std::string error;
  ASSERT_TRUE(ParseOverride("server_behavior.failure.message=a=b", &o, &error));
  EXPECT_EQ(o.key_path, "server_behavior.failure.message");
  EXPECT_EQ(o.value, "a=b");
  ASSERT_TRUE(ParseOverride("description=", &o, &error));
  EXPECT_EQ(o.value, "");

  EXPECT_FALSE(ParseOverride("load.rate", &o, &error));
  EXPECT_EQ(error, "expected key=value (e.g. load.rate=2000/s), got `load.rate`");
  EXPECT_FALSE(ParseOverride("load..rate=5", &o, &error));
  EXPECT_EQ(error,
            "expected a dotted key path like transport.stream_window before `=`, got `load..rate`");
  EXPECT_FALSE(ParseOverride("=5", &o, &error));
}

TEST(OverridesTest, NestedKeysReplaceOnlyTheirValue) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(
      Load({"load.rate=5k/s", "transport.bdp_probe=false", "server_behavior.failure.code=ABORTED",
            "expect.statuses.ABORTED=any", "expect.statuses.OK=some"},
           &file, &error))
      << error.ToString();
  const Scenario& s = file.runs.at(0);
  EXPECT_EQ(s.load.model, LoadModel::kConstant);  // sibling key kept
  EXPECT_DOUBLE_EQ(s.load.rate_per_s, 5000);
  EXPECT_EQ(s.transport.stream_window_bytes, 1u << 20);  // sibling key kept
  EXPECT_EQ(s.transport.bdp_probe, false);
  EXPECT_EQ(s.behavior.failure.code, "ABORTED");  // intermediate mappings created
  EXPECT_EQ(s.expect.statuses.size(), 2u);
  EXPECT_EQ(s.connections, 2u);
}

TEST(OverridesTest, ListsAndMappingsAsFlowValues) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(
      Load({"load={type: ramp, stages: [{duration: 2s, rate: 100}, {duration: 1s, rate: 50}]}",
            "load.stages.1.rate=75/s", "request.payload_size={choice: [64B, 1KiB]}",
            "target.addresses=[10.0.0.1:50051, 10.0.0.2:50051]"},
           &file, &error))
      << error.ToString();
  const Scenario& s = file.runs.at(0);
  ASSERT_EQ(s.load.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(s.load.stages[1].target_rate_per_s, 75);
  EXPECT_EQ(s.duration_us, 3'000'000);
  EXPECT_EQ(s.request_size.choices_bytes, (std::vector<uint64_t>{64, 1024}));
  EXPECT_EQ(s.target.addresses, (std::vector<std::string>{"10.0.0.1:50051", "10.0.0.2:50051"}));
}

TEST(OverridesTest, LaterOverridesWin) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load({"connections=3", "connections=4"}, &file, &error)) << error.ToString();
  EXPECT_EQ(file.runs.at(0).connections, 4u);
}

struct BadOverride {
  std::vector<std::string> args;
  std::string expected;
};

TEST(OverridesTest, BadOverridesNameTheArgument) {
  const BadOverride cases[] = {
      {{"transport.stream_windw=64KiB"},
       "base.yaml: transport.stream_windw: unknown key `stream_windw` in `transport`; did you mean "
       "`stream_window`? (from --set transport.stream_windw=64KiB)"},
      {{"lod.rate=5"},
       "base.yaml: lod.rate: unknown key `lod`; did you mean `load`? (from --set lod.rate=5)"},
      {{"name.first=x"},
       "base.yaml: name.first: `name` is a single value; it has no key `first` (from --set "
       "name.first=x)"},
      {{"load.rate=-3"}, "base.yaml: load.rate: must be > 0 (got -3) (from --set load.rate=-3)"},
      {{"load.stages.0.rate=5"},
       "base.yaml: load.stages.0.rate: `load.stages` has no element 0 (it has 0) (from --set "
       "load.stages.0.rate=5)"},
      {{"load.stages.x=5"},
       "base.yaml: load.stages.x: `load.stages` is a list; address an element by its index (e.g. "
       "load.stages.0), or set the whole list (from --set load.stages.x=5)"},
      {{"connections=[1, 2"},
       "base.yaml: connections: cannot parse the value `[1, 2` as YAML: end of sequence flow not "
       "found (from --set connections=[1, 2)"},
      {{"load={type: closed, rat: 5}"},
       "base.yaml: load.rat: unknown key `rat` in `load`; did you mean `rate`? (from --set "
       "load={type: closed, rat: 5})"},
  };
  for (const BadOverride& c : cases) {
    SCOPED_TRACE(c.args[0]);
    ScenarioFile file;
    LoadError error;
    EXPECT_FALSE(Load(c.args, &file, &error));
    EXPECT_EQ(error.ToString(), c.expected);
    EXPECT_EQ(error.line, 0);
  }
}

TEST(OverridesTest, ApplyOverrideLeavesTheTreeUnchangedOnError) {
  YamlNode root;
  YamlParseError parse_error;
  ASSERT_TRUE(ParseYamlTree("name: a\nload: {type: closed}\n", YamlLimits{}, &root, &parse_error));
  YamlNode value;
  value.kind = YamlNode::Kind::kScalar;
  value.scalar = "5";
  std::string error;
  EXPECT_FALSE(ApplyOverride("load.nope", value, ScenarioSchema(), &root, &error));
  EXPECT_EQ(root.Find("load")->entries.size(), 1u);
  EXPECT_TRUE(ApplyOverride("load.outstanding", value, ScenarioSchema(), &root, &error));
  EXPECT_EQ(root.Find("load")->entries.size(), 2u);
}

}  // namespace
}  // namespace streambench::scenario
