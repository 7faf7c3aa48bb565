// The key table: the schema, the typed read and the mode rules all come from it.
#include "bench/scenario/key_table.h"

#include <gtest/gtest.h>

#include "bench/scenario/schema.h"

namespace streambench::scenario {
namespace {

YamlNode Parse(const std::string& text) {
  YamlNode root;
  YamlParseError error;
  EXPECT_TRUE(ParseYamlTree(text, YamlLimits{}, &root, &error)) << error.message;
  return root;
}

TEST(KeyTableTest, SchemaIsDerivedFromTheTable) {
  const SchemaNode& schema = ScenarioSchema();
  std::vector<std::string> top;
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (key.Parent().empty()) top.push_back(key.path);
  }
  EXPECT_EQ(schema.ChildKeys(), top);
  ASSERT_NE(schema.Child("load"), nullptr);
  EXPECT_EQ(schema.Child("load")->ChildKeys(),
            (std::vector<std::string>{"type", "outstanding", "rate", "start_rate", "stages",
                                      "objective", "max_rate", "min_rate", "step_duration",
                                      "precision", "time_budget", "confirm_failures"}));
  const SchemaNode* stages = schema.Child("load")->Child("stages");
  ASSERT_NE(stages, nullptr);
  EXPECT_EQ(stages->shape, SchemaNode::Shape::kList);
  EXPECT_EQ(stages->children[0].ChildKeys(), (std::vector<std::string>{"duration", "rate"}));
  // The server side has the client's transport keys, and the embedded server's security.
  std::vector<std::string> server_keys = schema.Child("transport")->ChildKeys();
  server_keys.insert(server_keys.end(), {"tls", "require_token"});
  EXPECT_EQ(schema.Child("server_transport")->ChildKeys(), server_keys);
  EXPECT_TRUE(schema.Child("target")->scalar_ok);
  EXPECT_EQ(schema.Child("matrix")->shape, SchemaNode::Shape::kFreeMap);
}

TEST(KeyTableTest, EveryKeyHasItsParentAndEveryTypedKeyADestination) {
  for (const ScenarioKey& key : ScenarioKeys()) {
    if (!key.Parent().empty()) {
      EXPECT_NE(FindKey(key.Parent()), nullptr) << key.path;
    }
    if (key.path.find_first_of("[*") != std::string::npos) continue;
    // A typed key is read into a field, or by its own reader or its parent's; only the keys the
    // loader reads for the whole file (repeat, concurrent) have none.
    bool read_by_parent = false;
    for (std::string p = key.Parent(); !p.empty(); p = FindKey(p)->Parent()) {
      read_by_parent = read_by_parent || FindKey(p)->reader != nullptr;
    }
    if (key.kind == ValueKind::kNone || read_by_parent || key.reader != nullptr) continue;
    if (key.path == "repeat" || key.path == "concurrent") continue;
    EXPECT_FALSE(std::holds_alternative<std::monostate>(key.field)) << key.path;
  }
}

TEST(KeyTableTest, ModeNamesAreOneTable) {
  EXPECT_EQ(FindKey("mode")->choices, ModeNames());
  EXPECT_STREQ(ModeName(Mode::kChat), "chat");
  EXPECT_STREQ(ModeName(Mode::kServerStream), "server_stream");
  EXPECT_EQ(ModeNames().size(), 8u);
}

TEST(KeyTableTest, ReadsTypedValuesIntoTheirFields) {
  Diagnostics diag("t.yaml");
  ValueReader r(&diag);
  Scenario s;
  const YamlNode root = Parse(
      "name: x\nmode: server_stream\nconnections: 3\nservice: grpc.testing.BenchmarkService\n"
      "transport: {stream_window: 64KiB, bdp_probe: false, max_concurrent_streams: 7}\n"
      "server_behavior: {bidi: independent, response_count: 5}\nwarmup: 250ms\n");
  ASSERT_TRUE(ReadTableKeys(root, r, &s)) << diag.error().ToString();
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.mode, Mode::kServerStream);
  EXPECT_EQ(s.connections, 3u);
  EXPECT_EQ(s.target.service, TargetService::kGrpcTestingBenchmark);
  EXPECT_EQ(s.transport.stream_window_bytes, 65536u);
  EXPECT_EQ(s.transport.bdp_probe, false);
  EXPECT_EQ(s.transport.max_concurrent_streams, 7u);
  EXPECT_FALSE(s.server_transport.stream_window_bytes.has_value());
  EXPECT_FALSE(s.behavior.bidi_echo);
  EXPECT_EQ(s.behavior.response_count, 5u);
  EXPECT_EQ(s.warmup_us, 250'000);
}

TEST(KeyTableTest, RequiredKeysAndRangesComeFromTheTable) {
  Diagnostics diag("t.yaml");
  ValueReader r(&diag);
  Scenario s;
  EXPECT_FALSE(ReadTableKeys(Parse("name: x\n"), r, &s));
  EXPECT_EQ(diag.error().key, "mode");
  EXPECT_NE(diag.error().message.find("required key `mode` is missing; one of unary, "),
            std::string::npos)
      << diag.error().message;

  Diagnostics range_diag("t.yaml");
  ValueReader range_reader(&range_diag);
  EXPECT_FALSE(ReadTableKeys(Parse("name: x\nmode: bidi\nthreads: 257\n"), range_reader, &s));
  EXPECT_EQ(range_diag.error().message, "must be between 0 and 256 (got 257)");
}

TEST(KeyTableTest, ModeRulesNameTheBidiKindOnlyWhenTheyDependOnIt) {
  Scenario s;
  s.mode = Mode::kBidi;
  Diagnostics a("t.yaml");
  EXPECT_FALSE(CheckModeRules(Parse("server_behavior: {response_count: 3}\n"), s, &a));
  EXPECT_EQ(a.error().message,
            "applies to server_stream and bidi with `bidi: independent` only (mode is bidi with "
            "`bidi: echo`)");
  Diagnostics b("t.yaml");
  EXPECT_FALSE(CheckModeRules(Parse("chat: {rooms: 2}\n"), s, &b));
  EXPECT_EQ(b.error().message, "applies to chat only (mode is bidi)");
  Diagnostics c("t.yaml");
  EXPECT_TRUE(CheckModeRules(Parse("stream: {messages: 3}\n"), s, &c));
}

TEST(KeyTableTest, DocumentedDefaultsAreTheStructDefaults) {
  int checked = 0;
  for (const ScenarioKey& key : ScenarioKeys()) {
    const std::string value = KeyDefaultValueText(key);
    if (value.empty() || key.required) continue;  // a required key's field has no default
    ++checked;
    EXPECT_NE(key.default_text.find(value), std::string::npos)
        << key.path << ": the Scenario default is " << value << ", the table says "
        << key.default_text;
  }
  EXPECT_GE(checked, 30);
  EXPECT_EQ(KeyDefaultValueText(*FindKey("workload.chunk_size")), "64KiB");
  EXPECT_EQ(KeyDefaultValueText(*FindKey("duration")), "10s");
  EXPECT_EQ(KeyDefaultValueText(*FindKey("transport.stream_window")), "");
}

TEST(KeyTableTest, RangeTextIsMadeFromTheBounds) {
  EXPECT_EQ(KeyRangeText(*FindKey("connections")), "1–10000");
  EXPECT_EQ(KeyRangeText(*FindKey("seed")), "0–2⁶⁴−1");
  EXPECT_EQ(KeyRangeText(*FindKey("stream.messages")), "0–10¹²");
  EXPECT_EQ(KeyRangeText(*FindKey("duration")), "> 0, ≤ 24h");
  EXPECT_EQ(KeyRangeText(*FindKey("transport.max_frame_size")), "16KiB–16777215B; RFC 7540");
  EXPECT_EQ(KeyTypeText(*FindKey("load.type")),
            "`closed` \\| `constant` \\| `poisson` \\| `ramp` \\| `search`");
}

}  // namespace
}  // namespace streambench::scenario
