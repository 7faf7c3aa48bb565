// Request templates: compiled once against a descriptor loaded at run time, rendered per message
// with only the templated fields changing; every mistake is found at compile time with the path
// of the offending key.
#include "bench/methods/message_template.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/bench/methods/proto_text.h"

namespace streambench::methods {
namespace {

using nlohmann::json;

constexpr const char kProto[] = R"(syntax = "proto3";
package acme.t;
enum Mood { MOOD_UNSPECIFIED = 0; HAPPY = 1; }
message Header { string id = 1; int64 sent_unix_ms = 2; }
message Item { string name = 1; uint32 count = 2; }
message Line {
  Header header = 1;
  string room = 2;
  string text = 3;
  bytes blob = 4;
  int32 seq = 5;
  double score = 6;
  Mood mood = 7;
  repeated Item items = 8;
  repeated string tags = 9;
  map<string, string> labels = 10;
  bool flag = 11;
}
message Numbers {
  int32 i32 = 1;
  int64 i64 = 2;
  uint32 u32 = 3;
  uint64 u64 = 4;
  sint32 s32 = 5;
  sint64 s64 = 6;
  fixed32 f32 = 7;
  fixed64 f64 = 8;
  sfixed32 sf32 = 9;
  sfixed64 sf64 = 10;
  float fl = 11;
  double db = 12;
  optional int32 present = 13;
  string name = 14;
  oneof choice { string picked = 15; int64 other = 16; }
}
)";

class MessageTemplateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { set_ = new std::optional<DescriptorSet>(DescriptorsOf(kProto)); }
  static void TearDownTestSuite() { delete set_; }

  const google::protobuf::Descriptor& Line() {
    return *(*set_)->pool().FindMessageTypeByName("acme.t.Line");
  }

  std::optional<MessageTemplate> Compile(const json& value, TemplateError* error) {
    return MessageTemplate::Compile(Line(), value, factory_, error);
  }

  json RenderJson(const MessageTemplate& t, const TemplateContext& context) {
    std::string text;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    EXPECT_TRUE(
        google::protobuf::util::MessageToJsonString(*t.RenderMessage(context), &text, options)
            .ok());
    return json::parse(text);
  }

  static std::optional<DescriptorSet>* set_;
  google::protobuf::DynamicMessageFactory factory_;
};

std::optional<DescriptorSet>* MessageTemplateTest::set_ = nullptr;

TEST_F(MessageTemplateTest, PlainJsonRendersTheSameBytesEveryTime) {
  TemplateError error;
  auto t = Compile(json::parse(R"({"room": "lobby", "seq": 3, "mood": "HAPPY",
      "items": [{"name": "a", "count": 2}], "labels": {"k": "v"}, "blob": "AAE="})"),
                   &error);
  ASSERT_TRUE(t) << error.message;
  EXPECT_FALSE(t->has_placeholders());
  std::string a, b;
  t->Render({}, &a);
  t->Render(TemplateContext{9, 9, 9, 0, 0, nullptr}, &b);
  EXPECT_EQ(a, b);
  json rendered = RenderJson(*t, {});
  EXPECT_EQ(rendered["room"], "lobby");
  EXPECT_EQ(rendered["mood"], "HAPPY");
  EXPECT_EQ(rendered["items"][0]["count"], 2);
  EXPECT_EQ(rendered["labels"]["k"], "v");
  EXPECT_EQ(rendered["blob"], "AAE=");
}

TEST_F(MessageTemplateTest, PlaceholdersFillOnlyTheirFields) {
  TemplateError error;
  // JSON names (lowerCamelCase) and proto names are both accepted, as protobuf's JSON does.
  auto t = Compile(json::parse(R"({
      "header": {"id": "{{unique_id}}", "sentUnixMs": "{{now_unix_ms}}"},
      "room": "room-{{stream}}", "text": "hello {{seq}} of call {{call}}", "seq": "{{seq}}",
      "score": "{{rand_int 5 5}}", "items": [{"name": "x"}, {"name": "item-{{seq}}",
      "count": "{{call}}"}], "tags": ["fixed", "t{{seq}}"]})"),
                   &error);
  ASSERT_TRUE(t) << error.PathText() << ": " << error.message;
  EXPECT_TRUE(t->has_placeholders());
  EXPECT_TRUE(t->uses_random());
  std::mt19937_64 rng(1);
  TemplateContext context{41, 3, 17, 2, 1'700'000'000'123'456'789, &rng};
  json r = RenderJson(*t, context);
  EXPECT_EQ(r["header"]["id"], "2-17-41");
  EXPECT_EQ(r["header"]["sent_unix_ms"], "1700000000123");  // int64 is a JSON string
  EXPECT_EQ(r["room"], "room-3");
  EXPECT_EQ(r["text"], "hello 41 of call 17");
  EXPECT_EQ(r["seq"], 41);
  EXPECT_EQ(r["score"], 5);
  EXPECT_EQ(r["items"][0]["name"], "x");
  EXPECT_EQ(r["items"][1]["name"], "item-41");
  EXPECT_EQ(r["items"][1]["count"], 17);
  EXPECT_EQ(r["tags"], json::array({"fixed", "t41"}));
  // The next message changes only what is templated.
  context.seq = 42;
  json next = RenderJson(*t, context);
  EXPECT_EQ(next["text"], "hello 42 of call 17");
  EXPECT_EQ(next["items"][0]["name"], "x");
}

// Render's bytes made without a message object (every placeholder in a singular field of the
// message itself) parse to exactly what RenderMessage builds by reflection: every numeric wire
// type, negative values, lengths past one varint byte, empty values, explicit presence, oneofs.
TEST_F(MessageTemplateTest, DirectRenderingParsesToTheReflectionMessage) {
  const google::protobuf::Descriptor& numbers =
      *(*set_)->pool().FindMessageTypeByName("acme.t.Numbers");
  std::vector<std::string> numeric;
  for (const char* name : {"i32", "i64", "u32", "u64", "s32", "s64", "f32", "f64", "sf32", "sf64",
                           "fl", "db", "present", "other"}) {
    numeric.push_back(name);
  }
  for (const char* range : {"-300000 -1", "0 0", "1 200", "2000000000 9000000000"}) {
    SCOPED_TRACE(range);
    json value = {{"name", "n{{seq}}-{{rand_string 3}}"}};
    for (const std::string& name : numeric) {
      value[name] = std::string("{{rand_int ") + range + "}}";
    }
    value.erase("other");  // a oneof takes one member
    value["picked"] = "{{payload 200}}";
    TemplateError error;
    auto t = MessageTemplate::Compile(numbers, value, factory_, &error);
    ASSERT_TRUE(t) << error.PathText() << ": " << error.message;
    EXPECT_TRUE(t->renders_directly());
    for (uint64_t seq : {0, 7, 300}) {
      std::mt19937_64 a(seq), b(seq);
      std::string bytes;
      t->Render(TemplateContext{seq, 1, 2, 0, 0, &a}, &bytes);
      std::unique_ptr<google::protobuf::Message> want = t->RenderMessage({seq, 1, 2, 0, 0, &b});
      std::unique_ptr<google::protobuf::Message> got(want->New());
      ASSERT_TRUE(got->ParseFromString(bytes));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*got, *want))
          << got->DebugString() << " vs " << want->DebugString();
    }
  }
  // The other member of the oneof, and an empty string.
  TemplateError error;
  auto t = MessageTemplate::Compile(
      numbers, json::parse(R"({"other": "{{seq}}", "name": "{{rand_string 0}}", "i32": 5})"),
      factory_, &error);
  ASSERT_TRUE(t) << error.message;
  std::mt19937_64 a(1), b(1);
  std::string bytes;
  t->Render(TemplateContext{9, 0, 0, 0, 0, &a}, &bytes);
  std::unique_ptr<google::protobuf::Message> want = t->RenderMessage({9, 0, 0, 0, 0, &b});
  std::unique_ptr<google::protobuf::Message> got(want->New());
  ASSERT_TRUE(got->ParseFromString(bytes));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*got, *want));

  // A placeholder in a nested or repeated field: rendered through the message.
  auto nested = Compile(json::parse(R"({"header": {"id": "{{seq}}"}})"), &error);
  ASSERT_TRUE(nested);
  EXPECT_FALSE(nested->renders_directly());
  auto repeated = Compile(json::parse(R"({"tags": ["{{seq}}"]})"), &error);
  ASSERT_TRUE(repeated);
  EXPECT_FALSE(repeated->renders_directly());
}

TEST_F(MessageTemplateTest, RandomValuesStayInTheirBoundsAndFollowTheSeed) {
  TemplateError error;
  auto t = Compile(
      json::parse(
          R"({"room": "{{uuid}}", "text": "{{rand_string 12}}", "seq": "{{rand_int -3 4}}"})"),
      &error);
  ASSERT_TRUE(t) << error.message;
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::mt19937_64 rng(7);
  std::set<std::string> uuids;
  for (int i = 0; i < 200; ++i) {
    json r = RenderJson(*t, TemplateContext{0, 0, 0, 0, 0, &rng});
    EXPECT_TRUE(std::regex_match(r["room"].get<std::string>(), uuid)) << r["room"];
    uuids.insert(r["room"]);
    EXPECT_TRUE(std::regex_match(r["text"].get<std::string>(), std::regex("^[A-Za-z0-9]{12}$")));
    const int seq = r.value("seq", 0);  // 0 is not printed
    EXPECT_GE(seq, -3);
    EXPECT_LE(seq, 4);
  }
  EXPECT_EQ(uuids.size(), 200u);
  // The same seed gives the same values.
  std::mt19937_64 a(99), b(99);
  EXPECT_EQ(RenderJson(*t, TemplateContext{0, 0, 0, 0, 0, &a}),
            RenderJson(*t, TemplateContext{0, 0, 0, 0, 0, &b}));
}

TEST_F(MessageTemplateTest, PayloadHasTheAskedSizeAndMovesWithTheSequence) {
  TemplateError error;
  auto t =
      Compile(json::parse(R"({"text": "{{payload 100}}", "blob": "{{payload 1000}}"})"), &error);
  ASSERT_TRUE(t) << error.message;
  auto first = t->RenderMessage(TemplateContext{0, 0, 0, 0, 0, nullptr});
  auto second = t->RenderMessage(TemplateContext{1, 0, 0, 0, 0, nullptr});
  const auto* text = Line().FindFieldByName("text");
  const auto* blob = Line().FindFieldByName("blob");
  EXPECT_EQ(first->GetReflection()->GetString(*first, text).size(), 100u);
  EXPECT_EQ(first->GetReflection()->GetString(*first, blob).size(), 1000u);
  EXPECT_NE(first->GetReflection()->GetString(*first, text),
            second->GetReflection()->GetString(*second, text));
}

TEST_F(MessageTemplateTest, EnvironmentVariablesAreReadAtCompileTime) {
  ::setenv("STREAMBENCH_TEMPLATE_TEST_TOKEN", "s3cret", 1);
  ::setenv("STREAMBENCH_TEMPLATE_TEST_NUMBER", "12", 1);
  TemplateError error;
  auto t = Compile(json::parse(R"({"text": "Bearer {{env.STREAMBENCH_TEMPLATE_TEST_TOKEN}}",
                                   "seq": "{{env.STREAMBENCH_TEMPLATE_TEST_NUMBER}}"})"),
                   &error);
  ASSERT_TRUE(t) << error.message;
  EXPECT_FALSE(t->has_placeholders());
  ::setenv("STREAMBENCH_TEMPLATE_TEST_TOKEN", "changed", 1);
  json r = RenderJson(*t, {});
  EXPECT_EQ(r["text"], "Bearer s3cret");
  EXPECT_EQ(r["seq"], 12);
}

struct BadCase {
  const char* json;
  const char* path;     // expected TemplateError::PathText()
  const char* message;  // a part of the expected message
};

TEST_F(MessageTemplateTest, MistakesAreFoundAtCompileTimeWithTheirPath) {
  ::unsetenv("STREAMBENCH_TEMPLATE_TEST_ABSENT");
  const BadCase kCases[] = {
      {R"({"header": {"idd": "x"}})", "header.idd",
       "acme.t.Header has no field \"idd\" (fields: id, sent_unix_ms)"},
      {R"({"seq": "n{{seq}}"})", "seq", "field seq is a number"},
      {R"({"seq": "{{uuid}}"})", "seq", "field seq is a number"},
      {R"({"text": "{{sequence}}"})", "text", "unknown placeholder {{sequence}}"},
      {R"({"text": "{{seq"})", "text", "unclosed placeholder"},
      {R"({"text": "{{rand_int 5 1}}"})", "text", "wants two integers A <= B"},
      {R"({"text": "{{rand_string}}"})", "text", "takes 1 argument"},
      {R"({"text": "{{env.STREAMBENCH_TEMPLATE_TEST_ABSENT}}"})", "text",
       "environment variable STREAMBENCH_TEMPLATE_TEST_ABSENT"},
      {R"({"mood": "{{seq}}"})", "mood", "cannot take a placeholder"},
      {R"({"flag": "{{seq}}"})", "flag", "cannot take a placeholder"},
      {R"({"items": [{"name": "a"}, {"nme": "{{seq}}"}]})", "items[1].nme",
       "acme.t.Item has no field \"nme\""},
      {R"({"labels": {"k": "{{seq}}"}})", "labels", "map field labels"},
      // Values without placeholders are checked by protobuf's JSON parser, which names the field.
      {R"({"header": "text"})", "", "(header): invalid value"},
      {R"({"room": 5})", "", "does not fit acme.t.Line"},
      {R"({"mood": "SAD"})", "", "does not fit acme.t.Line"},
  };
  for (const BadCase& c : kCases) {
    TemplateError error;
    EXPECT_FALSE(Compile(json::parse(c.json), &error)) << c.json;
    EXPECT_EQ(error.PathText(), c.path) << c.json << ": " << error.message;
    EXPECT_NE(error.message.find(c.message), std::string::npos)
        << c.json << ": got \"" << error.message << "\"";
  }
}

}  // namespace
}  // namespace streambench::methods
