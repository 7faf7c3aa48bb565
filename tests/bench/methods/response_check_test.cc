// Response checks for services without our sequence numbers: field assertions (equality, regex)
// and request/response correlation counting lost, duplicated, reordered and unmatched answers.
#include "bench/methods/response_check.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "tests/bench/methods/proto_text.h"

namespace streambench::methods {
namespace {

using nlohmann::json;

constexpr const char kProto[] = R"(syntax = "proto3";
package acme.r;
enum Code { CODE_UNSPECIFIED = 0; DONE = 1; }
message Meta { string reply_to = 1; int64 at_ms = 2; }
message Reply { bool ok = 1; Meta meta = 2; string text = 3; Code code = 4; double score = 5;
                repeated string tags = 6; }
)";

class ResponseCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_ = DescriptorsOf(kProto);
    ASSERT_TRUE(set_);
    type_ = set_->pool().FindMessageTypeByName("acme.r.Reply");
  }

  std::unique_ptr<google::protobuf::Message> Reply(const std::string& text) {
    std::unique_ptr<google::protobuf::Message> m(factory_.GetPrototype(type_)->New());
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, m.get()).ok()) << text;
    return m;
  }

  std::optional<ResponseAssertions> Compile(const std::string& fields, std::string* path,
                                            std::string* error) {
    return ResponseAssertions::Compile(*type_, json::parse(fields), path, error);
  }

  std::optional<DescriptorSet> set_;
  const google::protobuf::Descriptor* type_ = nullptr;
  google::protobuf::DynamicMessageFactory factory_;
};

TEST_F(ResponseCheckTest, EqualityAndRegexOnNestedFieldsEnumsAndDefaults) {
  std::string path, error;
  auto checks = Compile(
      R"({"ok": true, "meta.reply_to": {"regex": "^req-[0-9]+$"}, "code": "DONE", "score": 1.5})",
      &path, &error);
  ASSERT_TRUE(checks) << path << ": " << error;
  EXPECT_EQ(checks->Check(*Reply(
                R"({"ok": true, "meta": {"replyTo": "req-12"}, "code": "DONE", "score": 1.5})")),
            "");
  EXPECT_EQ(checks->Check(*Reply(
                R"({"ok": false, "meta": {"replyTo": "req-12"}, "code": "DONE", "score": 1.5})")),
            "ok is false, expected true");
  EXPECT_EQ(checks->Check(*Reply(R"({"ok": true, "meta": {"replyTo": "x"}, "code": "DONE"})")),
            "meta.reply_to \"x\" does not match /^req-[0-9]+$/");
  // An unset enum reads as its default value's name.
  EXPECT_EQ(checks->Check(*Reply(R"({"ok": true, "meta": {"replyTo": "req-1"}, "score": 1.5})")),
            "code is \"CODE_UNSPECIFIED\", expected \"DONE\"");
}

TEST_F(ResponseCheckTest, BadExpectationsAreCompileErrorsNamingThePath) {
  struct Case {
    const char* fields;
    const char* path;
    const char* message;
  } const kCases[] = {
      {R"({"okk": true})", "okk", "acme.r.Reply has no field \"okk\""},
      {R"({"meta": "x"})", "meta", "is a message (acme.r.Meta)"},
      {R"({"tags": "x"})", "tags", "is repeated"},
      {R"({"ok": "yes"})", "ok", "does not fit field ok (bool)"},
      {R"({"score": "high"})", "score", "does not fit field score (double)"},
      {R"({"text": {"regex": "("}})", "text", "is not valid"},
      {R"({"text": {"rx": "a"}})", "text", "expected a value or {regex"},
      {R"({"ok.value": true})", "ok.value", "ok is not a message"},
  };
  for (const Case& c : kCases) {
    std::string path, error;
    EXPECT_FALSE(Compile(c.fields, &path, &error)) << c.fields;
    EXPECT_EQ(path, c.path) << c.fields;
    EXPECT_NE(error.find(c.message), std::string::npos) << c.fields << ": " << error;
  }
}

TEST_F(ResponseCheckTest, CorrelatorCountsLostDuplicatedReorderedAndUnmatched) {
  StreamCorrelator correlator;
  for (uint64_t seq = 0; seq < 6; ++seq) correlator.OnRequestSent("id-" + std::to_string(seq), seq);
  EXPECT_TRUE(correlator.OnResponse("id-0"));
  EXPECT_TRUE(correlator.OnResponse("id-2"));
  EXPECT_TRUE(correlator.OnResponse("id-1"));  // after a later one: reordered
  EXPECT_TRUE(correlator.OnResponse("id-2"));  // again: duplicated
  EXPECT_FALSE(correlator.OnResponse("id-99"));
  EXPECT_TRUE(correlator.OnResponse("id-4"));
  correlator.Finish(6);  // id-3 and id-5 never answered
  EXPECT_EQ(correlator.counts().reordered, 1u);
  EXPECT_EQ(correlator.counts().duplicated, 1u);
  EXPECT_EQ(correlator.counts().lost, 2u);
  EXPECT_EQ(correlator.counts().corrupted, 0u);
  EXPECT_EQ(correlator.unmatched(), 1u);
}

TEST_F(ResponseCheckTest, CorrelatorForgetsTheOldestBeyondItsBound) {
  StreamCorrelator correlator;
  const uint64_t n = StreamCorrelator::kMaxRemembered + 10;
  for (uint64_t seq = 0; seq < n; ++seq) correlator.OnRequestSent(std::to_string(seq), seq);
  EXPECT_FALSE(correlator.OnResponse("0"));  // forgotten
  EXPECT_TRUE(correlator.OnResponse(std::to_string(n - 1)));
}

}  // namespace
}  // namespace streambench::methods
