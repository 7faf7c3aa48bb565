// MessageExchange without any transport: requests rendered from the scenario's template, the
// k-th response paired with the k-th request's intended time, responses parsed only when a check
// needs them, unparsable and unmatched responses counted as corrupted, unanswered requests lost
// only when the stream ended OK; and ResolveMethod's errors at the scenario's positions.
#include "bench/methods/message_exchange.h"

#include <gtest/gtest.h>

#include <string>

#include "bench/scenario/scenario_loader.h"
#include "tests/foreign/foreign_echo_server.h"

namespace streambench::methods {
namespace {

using streambench::testing::ForeignEchoServer;

// acme.echo.v1.EchoService/`method` from its .proto, with the scenario keys in `extra`.
std::shared_ptr<const ResolvedMethod> Resolve(const std::string& method, const std::string& extra,
                                              std::string* error = nullptr) {
  const std::string yaml = "name: x\nservice: acme.echo.v1.EchoService\nmethod: " + method +
                           "\nproto: {files: [" + ForeignEchoServer::ProtoFile() +
                           "], import_paths: [" + ForeignEchoServer::ProtoDir() + "]}\n" + extra;
  scenario::ScenarioFile file;
  scenario::LoadError load_error;
  if (!scenario::LoadScenarioString(yaml, "x.yaml", {}, &file, &load_error)) {
    ADD_FAILURE() << load_error.ToString();
    return nullptr;
  }
  SourceError why;
  std::optional<DescriptorSet> set = LoadMethodDescriptors(file.runs[0], nullptr, "", &why);
  std::shared_ptr<const ResolvedMethod> resolved;
  if (set) resolved = ResolveMethod(file.runs[0], std::move(*set), &why);
  if (error != nullptr) *error = why.message;
  return resolved;
}

std::string ReplyBytes(const ResolvedMethod& m, const std::string& reply_to, bool ok) {
  std::unique_ptr<google::protobuf::Message> reply(m.response_prototype->New());
  const auto* d = reply->GetDescriptor();
  reply->GetReflection()->SetString(reply.get(), d->FindFieldByName("reply_to"), reply_to);
  reply->GetReflection()->SetBool(reply.get(), d->FindFieldByName("ok"), ok);
  return reply->SerializeAsString();
}

TEST(MessageExchangeTest, PairsTheKthResponseWithTheKthRequestWithoutParsing) {
  auto method = Resolve("Converse", "request: {json: {id: \"n-{{seq}}\"}}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  EXPECT_FALSE(exchange.parses_responses());
  std::string bytes;
  for (int64_t intended : {100, 200, 300}) exchange.NextRequest(intended, 0, &bytes);
  std::unique_ptr<google::protobuf::Message> last(method->request->RenderMessage({}));
  ASSERT_TRUE(last->ParseFromString(bytes));
  EXPECT_EQ(last->GetReflection()->GetString(*last, last->GetDescriptor()->FindFieldByName("id")),
            "n-2");
  EXPECT_EQ(exchange.OnResponse(nullptr).intended_ns, 100);
  EXPECT_EQ(exchange.OnResponse(nullptr).intended_ns, 200);
  // Ended OK with one request unanswered: lost.
  EXPECT_EQ(exchange.Finish(true).lost, 1u);
}

TEST(MessageExchangeTest, IndependentResponsesPairWithNothing) {
  auto method = Resolve("Converse", "response: {pairing: independent}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  std::string bytes;
  exchange.NextRequest(100, 0, &bytes);
  EXPECT_FALSE(exchange.OnResponse(nullptr).intended_ns.has_value());
  EXPECT_EQ(exchange.Finish(true).Total(), 0u);
}

TEST(MessageExchangeTest, ChecksCorrelatesAndCountsWhatDoesNotParse) {
  auto method = Resolve("Converse",
                        "request: {json: {id: \"n-{{seq}}\"}}\n"
                        "response:\n  correlate: {request: id, response: reply_to}\n"
                        "  expect: {fields: {ok: true}}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  EXPECT_TRUE(exchange.parses_responses());
  std::string bytes;
  for (int i = 0; i < 4; ++i) exchange.NextRequest(i, 0, &bytes);
  const std::string good = ReplyBytes(*method, "n-0", true);
  EXPECT_FALSE(exchange.OnResponse(&good).check_failed);
  const std::string bad = ReplyBytes(*method, "n-2", false);  // n-1 not answered yet
  EXPECT_TRUE(exchange.OnResponse(&bad).check_failed);
  const std::string again = ReplyBytes(*method, "n-0", true);
  EXPECT_FALSE(exchange.OnResponse(&again).check_failed);
  const std::string garbage("\x0a\x7f\x01", 3);
  EXPECT_FALSE(exchange.OnResponse(&garbage).check_failed);
  const std::string stranger = ReplyBytes(*method, "n-99", true);
  exchange.OnResponse(&stranger);
  const stats::IntegrityCounts counts = exchange.Finish(true);
  EXPECT_EQ(counts.duplicated, 1u);  // n-0 twice
  EXPECT_EQ(counts.lost, 2u);        // n-1, n-3
  EXPECT_EQ(counts.corrupted, 2u);   // the garbage, and n-99 which no request sent
}

TEST(MessageExchangeTest, CorrelatedPairingTimesEachResponseFromItsOwnRequest) {
  auto method = Resolve("Converse",
                        "request: {json: {id: \"n-{{seq}}\"}}\nload: {type: constant, rate: 10/s}\n"
                        "response:\n  pairing: correlated\n"
                        "  correlate: {request: id, response: reply_to}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  std::string bytes;
  for (int64_t intended : {100, 200, 300}) exchange.NextRequest(intended, 0, &bytes);
  // Out of order: each answer is timed from the request it names, not from the oldest one.
  // Each first answer is one (a closed loop sends the next request for it); a duplicate and a
  // stray answer none.
  const std::string third = ReplyBytes(*method, "n-2", true);
  MessageExchange::ResponseOutcome outcome = exchange.OnResponse(&third);
  EXPECT_EQ(outcome.intended_ns, 300);
  EXPECT_TRUE(outcome.first_answer);
  const std::string first = ReplyBytes(*method, "n-0", true);
  EXPECT_EQ(exchange.OnResponse(&first).intended_ns, 100);
  // A second answer to n-0 is counted as duplicated, not timed again.
  outcome = exchange.OnResponse(&first);
  EXPECT_FALSE(outcome.intended_ns.has_value());
  EXPECT_FALSE(outcome.first_answer);
  const std::string second = ReplyBytes(*method, "n-1", true);
  outcome = exchange.OnResponse(&second);
  EXPECT_EQ(outcome.intended_ns, 200);
  EXPECT_TRUE(outcome.first_answer);
  const std::string stranger = ReplyBytes(*method, "n-9", true);
  outcome = exchange.OnResponse(&stranger);
  EXPECT_FALSE(outcome.intended_ns.has_value());
  EXPECT_FALSE(outcome.first_answer);
  const std::string garbage = "\xff\xff";
  EXPECT_FALSE(exchange.OnResponse(&garbage).first_answer);
  const stats::IntegrityCounts counts = exchange.Finish(true);
  EXPECT_EQ(counts.duplicated, 1u);
  EXPECT_EQ(counts.lost, 0u);
  EXPECT_EQ(counts.corrupted, 2u);  // n-9 and the garbage
  EXPECT_GT(counts.reordered, 0u);
}

TEST(MessageExchangeTest, AStreamThatDidNotEndOkLosesNothing) {
  auto method = Resolve("Converse", "response: {correlate: {request: id, response: reply_to}}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  std::string bytes;
  exchange.NextRequest(0, 0, &bytes);
  EXPECT_EQ(exchange.Finish(false).lost, 0u);
}

TEST(MessageExchangeTest, MetadataIsRenderedPerCall) {
  auto method = Resolve("Say", "metadata: {x-call: \"c{{call}}-s{{stream}}\"}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 3, 7, 1);
  const auto metadata = exchange.RenderMetadata(0);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].first, "x-call");
  EXPECT_EQ(metadata[0].second, "c7-s3");
}

TEST(MessageExchangeTest, ResolveErrorsNameTheScenarioPosition) {
  std::string error;
  EXPECT_EQ(
      Resolve("Converse", "response: {correlate: {request: idd, response: reply_to}}\n", &error),
      nullptr);
  EXPECT_NE(error.find("x.yaml:5:23: response.correlate.request: "), std::string::npos) << error;
  EXPECT_EQ(Resolve("Converse", "response: {expect: {fields: {ok: 3}}}\n", &error), nullptr);
  EXPECT_NE(error.find("x.yaml:5:30: response.expect.fields.ok: "), std::string::npos) << error;
  EXPECT_EQ(Resolve("Say", "metadata: {x-id: \"{{nope}}\"}\n", &error), nullptr);
  EXPECT_NE(error.find("metadata.x-id: unknown placeholder {{nope}}"), std::string::npos) << error;
  EXPECT_EQ(Resolve("Say", "response: {pairing: independent}\n", &error), nullptr);
  EXPECT_NE(error.find("response.pairing: applies to bidi methods only; Say is unary"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace streambench::methods
