// The methods module against a service served by another gRPC implementation (Python grpcio,
// tests/foreign/echo_server.py) that no C++ stub here knows: descriptors from its .proto, requests
// from a template, responses parsed, asserted and correlated; with faults injected by the server,
// exactly the injected counts come out.
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/methods/blocking_stream.h"
#include "bench/methods/message_template.h"
#include "bench/methods/proto_sources.h"
#include "bench/methods/response_check.h"
#include "tests/foreign/foreign_echo_server.h"

namespace streambench::methods {
namespace {

using nlohmann::json;
using testing::ForeignEchoServer;

// What one Converse stream of `notes` messages saw.
struct ConverseOutcome {
  grpc::Status status;
  uint64_t replies = 0;
  uint64_t unparsable = 0;
  uint64_t failed_assertions = 0;
  stats::IntegrityCounts integrity;
  uint64_t unmatched = 0;
};

class ForeignServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SourceError error;
    set_ =
        LoadProtoFiles({ForeignEchoServer::ProtoFile()}, {ForeignEchoServer::ProtoDir()}, &error);
    ASSERT_TRUE(set_) << error.message;
    method_ = set_->FindMethod("acme.echo.v1.EchoService", "Converse", &error);
    ASSERT_NE(method_, nullptr) << error.message;
    ASSERT_EQ(ShapeOf(*method_), CallShape::kBidi);
  }

  ConverseOutcome Converse(const std::string& target, uint64_t notes) {
    TemplateError template_error;
    auto request = MessageTemplate::Compile(*method_->input_type(),
                                            json{{"id", "n-{{seq}}"}, {"text", "hello {{seq}}"}},
                                            factory_, &template_error);
    EXPECT_TRUE(request) << template_error.message;
    std::string path, error;
    auto assertions = ResponseAssertions::Compile(
        *method_->output_type(), json{{"ok", true}, {"text", {{"regex", "^echo: hello [0-9]+$"}}}},
        &path, &error);
    EXPECT_TRUE(assertions) << path << ": " << error;
    std::string why;
    auto request_id = FieldPath::Resolve(*method_->input_type(), "id", &why);
    auto reply_to = FieldPath::Resolve(*method_->output_type(), "reply_to", &why);

    ConverseOutcome outcome;
    StreamCorrelator correlator;
    auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    BlockingGenericStream stream(channel, "/acme.echo.v1.EchoService/Converse", {},
                                 std::chrono::seconds(20));
    for (uint64_t seq = 0; seq < notes; ++seq) {
      TemplateContext context;
      context.seq = seq;
      auto message = request->RenderMessage(context);
      correlator.OnRequestSent(request_id->ReadText(*message), seq);
      if (!stream.Write(message->SerializeAsString())) {
        ADD_FAILURE() << "write " << seq << " failed: " << stream.Finish().error_message();
        break;
      }
    }
    stream.WritesDone();
    std::unique_ptr<google::protobuf::Message> reply(
        factory_.GetPrototype(method_->output_type())->New());
    for (std::string bytes; stream.Read(&bytes);) {
      ++outcome.replies;
      if (!reply->ParseFromString(bytes)) {
        ++outcome.unparsable;
        continue;
      }
      if (!assertions->Check(*reply).empty()) ++outcome.failed_assertions;
      correlator.OnResponse(reply_to->ReadText(*reply));
    }
    outcome.status = stream.Finish();
    correlator.Finish(notes);
    outcome.integrity = correlator.counts();
    outcome.unmatched = correlator.unmatched();
    return outcome;
  }

  std::optional<DescriptorSet> set_;
  const google::protobuf::MethodDescriptor* method_ = nullptr;
  google::protobuf::DynamicMessageFactory factory_;
};

TEST_F(ForeignServiceTest, CleanServerAnswersEveryNoteInOrder) {
  ForeignEchoServer server;
  ASSERT_FALSE(server.target().empty()) << server.error();
  ConverseOutcome outcome = Converse(server.target(), 50);
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.replies, 50u);
  EXPECT_EQ(outcome.unparsable, 0u);
  EXPECT_EQ(outcome.failed_assertions, 0u);
  EXPECT_EQ(outcome.integrity.Total(), 0u);
  EXPECT_EQ(outcome.unmatched, 0u);
}

TEST_F(ForeignServiceTest, InjectedFaultsAreCountedExactly) {
  // Of notes 1..20: every 5th dropped (5, 10, 15, 20), every 7th answered twice (7, 14), every
  // 9th answered after the next answered note (9 after 11, 18 after 19), every 6th answered with
  // ok=false (6, 12, 18), the 13th answered with bytes that are no Reply.
  ForeignEchoServer server({"--drop-every", "5", "--duplicate-every", "7", "--swap-every", "9",
                            "--bad-every", "6", "--garbage-every", "13"});
  ASSERT_FALSE(server.target().empty()) << server.error();
  ConverseOutcome outcome = Converse(server.target(), 20);
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.replies, 18u);  // 20 - 4 dropped + 2 duplicates
  EXPECT_EQ(outcome.unparsable, 1u);
  EXPECT_EQ(outcome.failed_assertions, 3u);
  EXPECT_EQ(outcome.integrity.lost, 5u);  // the 4 dropped and the garbled 13th
  EXPECT_EQ(outcome.integrity.duplicated, 2u);
  EXPECT_EQ(outcome.integrity.reordered, 2u);
  EXPECT_EQ(outcome.integrity.corrupted, 0u);
  EXPECT_EQ(outcome.unmatched, 0u);
}

}  // namespace
}  // namespace streambench::methods
