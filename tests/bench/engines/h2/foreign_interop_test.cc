// The nghttp2 engine against a server of another gRPC implementation (Python grpcio,
// tests/foreign/echo_server.py): every call shape, messages built from the service's .proto at
// run time.
#include <google/protobuf/dynamic_message.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/engines/h2/connection.h"
#include "bench/engines/h2/event_loop.h"
#include "bench/methods/field_path.h"
#include "bench/methods/message_template.h"
#include "bench/methods/proto_sources.h"
#include "tests/bench/engines/h2/h2_test_support.h"
#include "tests/foreign/foreign_echo_server.h"

namespace streambench::engines::h2 {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using testing::ForeignEchoServer;

class H2ForeignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(server_.target().empty()) << server_.error();
    methods::SourceError error;
    set_ = methods::LoadProtoFiles({ForeignEchoServer::ProtoFile()},
                                   {ForeignEchoServer::ProtoDir()}, &error);
    ASSERT_TRUE(set_) << error.message;
    note_ = set_->pool().FindMessageTypeByName("acme.echo.v1.Note");
    reply_ = set_->pool().FindMessageTypeByName("acme.echo.v1.Reply");
    std::string why;
    connection_ = Connection::Connect(server_.target(), ConnectionSettings{}, &why);
    ASSERT_NE(connection_, nullptr) << why;
    loop_.Add(connection_.get());
  }
  void TearDown() override {
    if (connection_) loop_.Remove(connection_.get());
  }

  std::string Note(const json& value) {
    methods::TemplateError error;
    auto t = methods::MessageTemplate::Compile(*note_, value, factory_, &error);
    EXPECT_TRUE(t) << error.message;
    std::string bytes;
    t->Render({}, &bytes);
    return bytes;
  }
  // The field `name` of the Reply in `bytes`, as text.
  std::string ReplyField(const std::string& bytes, const std::string& name) {
    std::unique_ptr<google::protobuf::Message> m(factory_.GetPrototype(reply_)->New());
    EXPECT_TRUE(m->ParseFromString(bytes));
    std::string why;
    return methods::FieldPath::Resolve(*reply_, name, &why)->ReadText(*m);
  }
  StreamHandle Start(const std::string& method, Recorder* r) {
    return connection_->StartCall("/acme.echo.v1.EchoService/" + method, {},
                                  Clock::now() + std::chrono::seconds(20), r);
  }
  bool Wait(const Recorder& r) { return WaitForEnd(loop_, r); }
  std::unique_ptr<Recorder> Call(const std::string& method,
                                 const std::vector<std::string>& requests) {
    return CallToEnd(*connection_, loop_, "/acme.echo.v1.EchoService/" + method, requests);
  }

  ForeignEchoServer server_;
  std::optional<methods::DescriptorSet> set_;
  const google::protobuf::Descriptor* note_ = nullptr;
  const google::protobuf::Descriptor* reply_ = nullptr;
  google::protobuf::DynamicMessageFactory factory_;
  std::unique_ptr<Connection> connection_;
  EventLoop loop_;
};

TEST_F(H2ForeignTest, EveryCallShape) {
  auto say = Call("Say", {Note({{"id", "a"}, {"text", "hi"}})});
  ASSERT_TRUE(say->closed);
  EXPECT_EQ(say->status.code, kOk) << say->status.message;
  ASSERT_EQ(say->messages.size(), 1u);
  EXPECT_EQ(ReplyField(say->messages[0], "text"), "echo: hi");

  auto follow = Call("Follow", {Note({{"id", "f"}, {"replies", 5}})});
  ASSERT_TRUE(follow->closed);
  EXPECT_EQ(follow->status.code, kOk) << follow->status.message;
  ASSERT_EQ(follow->messages.size(), 5u);
  EXPECT_EQ(ReplyField(follow->messages[4], "index"), "4");

  std::vector<std::string> notes;
  for (int i = 0; i < 7; ++i) notes.push_back(Note({{"id", "u" + std::to_string(i)}}));
  auto upload = Call("Upload", notes);
  ASSERT_TRUE(upload->closed);
  EXPECT_EQ(upload->status.code, kOk) << upload->status.message;
  ASSERT_EQ(upload->messages.size(), 1u);
  EXPECT_EQ(ReplyField(upload->messages[0], "index"), "7");
  EXPECT_EQ(ReplyField(upload->messages[0], "reply_to"), "u6");

  Recorder converse;
  const StreamHandle id = Start("Converse", &converse);
  for (int i = 0; i < 10; ++i) {
    connection_->Write(id, Note({{"id", std::to_string(i)}, {"text", "n"}}));
    ASSERT_TRUE(loop_.RunUntil([&] { return converse.messages.size() == size_t(i) + 1; },
                               Clock::now() + std::chrono::seconds(20)));
    EXPECT_EQ(ReplyField(converse.messages[i], "reply_to"), std::to_string(i));
  }
  connection_->WritesDone(id);
  ASSERT_TRUE(Wait(converse));
  EXPECT_EQ(converse.status.code, kOk) << converse.status.message;
}

// custom_metadata against grpcio: its own base64 of the binary trailer, its own header order.
TEST_F(H2ForeignTest, CustomMetadata) {
  const std::string kTrailing("\xab\xab\xab\x00\x0a", 5);
  auto r = CallToEnd(*connection_, loop_, "/acme.echo.v1.EchoService/Say",
                     {Note({{"id", "m"}, {"text", "hi"}})},
                     {{"x-grpc-test-echo-initial", "test_initial_metadata_value"},
                      {"x-grpc-test-echo-trailing-bin", kTrailing}});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kOk) << r->status.message;
  EXPECT_TRUE(r->got_initial_metadata);
  EXPECT_EQ(Lookup(r->initial_metadata, "x-grpc-test-echo-initial"), "test_initial_metadata_value");
  EXPECT_EQ(Lookup(r->status.trailing_metadata, "x-grpc-test-echo-trailing-bin"), kTrailing);
}

// special_status_message against grpcio's percent-encoder: whitespace, BMP and non-BMP Unicode.
TEST_F(H2ForeignTest, StatusCodeAndSpecialMessage) {
  const std::string kMessage =
      "\t\ntest with whitespace\r\nand Unicode BMP \xE2\x98\xBA and non-BMP \xF0\x9F\x98\x88\t\n";
  auto r = CallToEnd(*connection_, loop_, "/acme.echo.v1.EchoService/Say", {Note({{"id", "s"}})},
                     {{"x-echo-status-code", "2"}, {"x-echo-status-message-bin", kMessage}});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kUnknown);
  EXPECT_EQ(r->status.message, kMessage);
}

TEST_F(H2ForeignTest, UnknownMethodIsUnimplemented) {
  auto r = Call("Nope", {""});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kUnimplemented) << r->status.message;
}

}  // namespace
}  // namespace streambench::engines::h2
