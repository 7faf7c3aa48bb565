// The nghttp2 engine as a gRPC client, through the standard interop cases that make sense for it,
// against the reference server's grpc.testing.TestService on a loopback port: messages, statuses
// and their messages, deadlines, cancellation and unimplemented methods as gRPC clients see them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/engines/h2/connection.h"
#include "bench/engines/h2/event_loop.h"
#include "grpc/testing/messages.pb.h"
#include "tests/bench/engines/h2/h2_test_support.h"
#include "tests/server/interop/interop_server_fixture.h"

namespace streambench::engines::h2 {
namespace {

using Clock = std::chrono::steady_clock;

class H2InteropTest : public testing::InteropServerTest {
 protected:
  void SetUp() override {
    InteropServerTest::SetUp();
    std::string error;
    connection_ = Connection::Connect(server_->address(), ConnectionSettings{}, &error);
    ASSERT_NE(connection_, nullptr) << error;
    loop_.Add(connection_.get());
  }
  void TearDown() override {
    loop_.Remove(connection_.get());
    connection_.reset();
    InteropServerTest::TearDown();
  }

  StreamHandle Start(const std::string& method, Recorder* recorder,
                     Clock::time_point deadline = Clock::time_point::max(),
                     const Metadata& md = {}) {
    return connection_->StartCall("/grpc.testing.TestService/" + method, md, deadline, recorder);
  }
  bool Wait(const Recorder& recorder) { return WaitForEnd(loop_, recorder); }
  // A whole call of TestService's `method` with `requests`.
  std::unique_ptr<Recorder> Call(const std::string& method,
                                 const std::vector<std::string>& requests) {
    return CallToEnd(*connection_, loop_, "/grpc.testing.TestService/" + method, requests);
  }

  std::unique_ptr<Connection> connection_;
  EventLoop loop_;
};

std::string Request(int response_size, int payload_size = 0) {
  grpc::testing::SimpleRequest request;
  request.set_response_size(response_size);
  request.mutable_payload()->set_body(std::string(static_cast<size_t>(payload_size), '\0'));
  return request.SerializeAsString();
}

TEST_F(H2InteropTest, EmptyUnary) {
  auto r = Call("EmptyCall", {""});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kOk) << r->status.message;
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_EQ(r->messages[0], "");
}

TEST_F(H2InteropTest, LargeUnary) {
  auto r = Call("UnaryCall", {Request(314159, 271828)});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kOk) << r->status.message;
  ASSERT_EQ(r->messages.size(), 1u);
  grpc::testing::SimpleResponse response;
  ASSERT_TRUE(response.ParseFromString(r->messages[0]));
  EXPECT_EQ(response.payload().body().size(), 314159u);
}

TEST_F(H2InteropTest, ClientStreaming) {
  std::vector<std::string> requests;
  int total = 0;
  for (int size : {27182, 8, 1828, 45904}) {
    grpc::testing::StreamingInputCallRequest request;
    request.mutable_payload()->set_body(std::string(static_cast<size_t>(size), '\0'));
    requests.push_back(request.SerializeAsString());
    total += size;
  }
  auto r = Call("StreamingInputCall", requests);
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kOk) << r->status.message;
  ASSERT_EQ(r->messages.size(), 1u);
  grpc::testing::StreamingInputCallResponse response;
  ASSERT_TRUE(response.ParseFromString(r->messages[0]));
  EXPECT_EQ(response.aggregated_payload_size(), total);
}

TEST_F(H2InteropTest, ServerStreaming) {
  grpc::testing::StreamingOutputCallRequest request;
  for (int size : {31415, 9, 2653, 58979}) request.add_response_parameters()->set_size(size);
  auto r = Call("StreamingOutputCall", {request.SerializeAsString()});
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kOk) << r->status.message;
  ASSERT_EQ(r->messages.size(), 4u);
  grpc::testing::StreamingOutputCallResponse response;
  ASSERT_TRUE(response.ParseFromString(r->messages[3]));
  EXPECT_EQ(response.payload().body().size(), 58979u);
}

TEST_F(H2InteropTest, PingPongAndEmptyStream) {
  Recorder r;
  const StreamHandle id = Start("FullDuplexCall", &r);
  const int sizes[] = {31415, 9, 2653, 58979};
  for (size_t i = 0; i < 4; ++i) {
    grpc::testing::StreamingOutputCallRequest request;
    request.add_response_parameters()->set_size(sizes[i]);
    connection_->Write(id, request.SerializeAsString());
    // One answer per request before the next is sent: a real ping-pong.
    ASSERT_TRUE(loop_.RunUntil([&] { return r.messages.size() == i + 1 || r.closed; },
                               Clock::now() + std::chrono::seconds(20)));
    ASSERT_EQ(r.messages.size(), i + 1);
  }
  connection_->WritesDone(id);
  ASSERT_TRUE(Wait(r));
  EXPECT_EQ(r.status.code, kOk) << r.status.message;

  Recorder empty;
  const StreamHandle empty_id = Start("FullDuplexCall", &empty);
  connection_->WritesDone(empty_id);
  ASSERT_TRUE(Wait(empty));
  EXPECT_EQ(empty.status.code, kOk) << empty.status.message;
  EXPECT_TRUE(empty.messages.empty());
}

TEST_F(H2InteropTest, CancelAfterBeginAndAfterFirstResponse) {
  Recorder begun;
  const StreamHandle id = Start("StreamingInputCall", &begun);
  connection_->Cancel(id);
  ASSERT_TRUE(Wait(begun));
  EXPECT_EQ(begun.status.code, kCancelled);

  Recorder answered;
  const StreamHandle id2 = Start("FullDuplexCall", &answered);
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(31415);
  connection_->Write(id2, request.SerializeAsString());
  ASSERT_TRUE(loop_.RunUntil([&] { return !answered.messages.empty() || answered.closed; },
                             Clock::now() + std::chrono::seconds(20)));
  connection_->Cancel(id2);
  ASSERT_TRUE(Wait(answered));
  EXPECT_EQ(answered.status.code, kCancelled);
  // The server saw the reset and ended its side of the call.
  EXPECT_TRUE(WaitForNoActiveStreams("/grpc.testing.TestService/FullDuplexCall"));
}

TEST_F(H2InteropTest, TimeoutOnSleepingServer) {
  Recorder r;
  const auto start = Clock::now();
  const StreamHandle id = Start("FullDuplexCall", &r, start + std::chrono::milliseconds(10));
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(27182);
  request.add_response_parameters()->set_interval_us(5'000'000);
  connection_->Write(id, request.SerializeAsString());
  ASSERT_TRUE(Wait(r));
  EXPECT_EQ(r.status.code, kDeadlineExceeded) << r.status.message;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));
}

TEST_F(H2InteropTest, StatusCodeAndMessageIncludingSpecialCharacters) {
  for (const std::string& message :
       {std::string("test status message"),
        std::string("\t\ntest with whitespace\r\nand Unicode BMP \xE2\x98\xBA and non-BMP "
                    "\xF0\x9F\x98\x88\t\n")}) {
    grpc::testing::SimpleRequest request;
    request.mutable_response_status()->set_code(2);
    request.mutable_response_status()->set_message(message);
    auto r = Call("UnaryCall", {request.SerializeAsString()});
    ASSERT_TRUE(r->closed);
    EXPECT_EQ(r->status.code, kUnknown);
    EXPECT_EQ(r->status.message, message);
  }
}

// custom_metadata: the server echoes x-grpc-test-echo-initial in its initial metadata and the
// binary x-grpc-test-echo-trailing-bin in its trailers, on a unary and on a full-duplex call.
TEST_F(H2InteropTest, CustomMetadata) {
  const std::string kInitial = "test_initial_metadata_value";
  const std::string kTrailing("\xab\xab\xab\x00\x0a", 5);  // bytes: base64 on the wire
  const Metadata metadata = {{"x-grpc-test-echo-initial", kInitial},
                             {"x-grpc-test-echo-trailing-bin", kTrailing}};
  auto unary = CallToEnd(*connection_, loop_, "/grpc.testing.TestService/UnaryCall",
                         {Request(314159, 271828)}, metadata);
  ASSERT_TRUE(unary->closed);
  EXPECT_EQ(unary->status.code, kOk) << unary->status.message;
  EXPECT_TRUE(unary->got_initial_metadata);
  EXPECT_EQ(Lookup(unary->initial_metadata, "x-grpc-test-echo-initial"), kInitial);
  EXPECT_EQ(Lookup(unary->status.trailing_metadata, "x-grpc-test-echo-trailing-bin"), kTrailing);
  // The protocol's own headers are not metadata.
  EXPECT_EQ(Lookup(unary->initial_metadata, "content-type"), "<absent>");
  EXPECT_EQ(Lookup(unary->status.trailing_metadata, "grpc-status"), "<absent>");

  Recorder duplex;
  const StreamHandle id =
      Start("FullDuplexCall", &duplex, Clock::now() + std::chrono::seconds(20), metadata);
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(314159);
  request.mutable_payload()->set_body(std::string(271828, '\0'));
  connection_->Write(id, request.SerializeAsString());
  connection_->WritesDone(id);
  ASSERT_TRUE(Wait(duplex));
  EXPECT_EQ(duplex.status.code, kOk) << duplex.status.message;
  ASSERT_EQ(duplex.messages.size(), 1u);
  EXPECT_EQ(Lookup(duplex.initial_metadata, "x-grpc-test-echo-initial"), kInitial);
  EXPECT_EQ(Lookup(duplex.status.trailing_metadata, "x-grpc-test-echo-trailing-bin"), kTrailing);
}

// A status the server sends mid-stream, before this side half-closed, ends the call with that
// status (gRPC C++ servers follow it with RST_STREAM NO_ERROR, which must not mask it).
TEST_F(H2InteropTest, StatusBeforeTheHalfCloseEndsTheCall) {
  Recorder r;
  const StreamHandle id = Start("FullDuplexCall", &r, Clock::now() + std::chrono::seconds(20));
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(10);
  request.mutable_response_status()->set_code(9);
  request.mutable_response_status()->set_message("stopped early");
  connection_->Write(id, request.SerializeAsString());
  ASSERT_TRUE(Wait(r));
  EXPECT_EQ(r.status.code, 9) << r.status.message;  // FAILED_PRECONDITION
  EXPECT_EQ(r.status.message, "stopped early");
  EXPECT_EQ(connection_->open_streams(), 0u);
}

TEST_F(H2InteropTest, UnimplementedMethodAndService) {
  auto method = Call("UnimplementedCall", {""});
  ASSERT_TRUE(method->closed);
  EXPECT_EQ(method->status.code, kUnimplemented);
  auto service =
      CallToEnd(*connection_, loop_, "/grpc.testing.UnimplementedService/UnimplementedCall", {""});
  ASSERT_TRUE(service->closed);
  EXPECT_EQ(service->status.code, kUnimplemented);
}

TEST_F(H2InteropTest, ManyStreamsShareTheConnection) {
  constexpr int kStreams = 100;
  std::vector<Recorder> recorders(kStreams);
  for (Recorder& r : recorders) {
    const StreamHandle id = Start("UnaryCall", &r);
    connection_->Write(id, Request(10, 10));
    connection_->WritesDone(id);
  }
  ASSERT_TRUE(loop_.RunUntil(
      [&] {
        for (const Recorder& r : recorders) {
          if (!r.closed) return false;
        }
        return true;
      },
      Clock::now() + std::chrono::seconds(20)));
  for (const Recorder& r : recorders) {
    EXPECT_EQ(r.status.code, kOk) << r.status.message;
    EXPECT_EQ(r.messages.size(), 1u);
  }
}

// A stream's state is reused by later streams: the handle of one that ended reaches nothing,
// not the stream that took its place.
TEST_F(H2InteropTest, AnEndedStreamsHandleDoesNotReachItsSuccessor) {
  Recorder first;
  const StreamHandle old_id = Start("UnaryCall", &first);
  connection_->Write(old_id, Request(10, 10));
  connection_->WritesDone(old_id);
  ASSERT_TRUE(Wait(first));
  ASSERT_EQ(first.status.code, kOk) << first.status.message;

  Recorder second;
  const StreamHandle new_id = Start("FullDuplexCall", &second);
  ASSERT_TRUE(new_id.valid());
  EXPECT_EQ(new_id.slot, old_id.slot);  // the ended stream's state, reused
  grpc::testing::StreamingOutputCallRequest two_answers, one_answer;
  two_answers.add_response_parameters()->set_size(3);
  two_answers.add_response_parameters()->set_size(3);
  one_answer.add_response_parameters()->set_size(5);
  connection_->Write(old_id, two_answers.SerializeAsString());
  connection_->Cancel(old_id);
  connection_->Write(new_id, one_answer.SerializeAsString());
  connection_->WritesDone(new_id);
  ASSERT_TRUE(Wait(second));
  EXPECT_EQ(second.status.code, kOk) << second.status.message;
  EXPECT_EQ(second.messages.size(), 1u);  // only its own request was answered
}

TEST_F(H2InteropTest, ServerGoneEndsOpenStreamsUnavailable) {
  Recorder r;
  const StreamHandle id = Start("FullDuplexCall", &r);
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(1);
  connection_->Write(id, request.SerializeAsString());
  ASSERT_TRUE(loop_.RunUntil([&] { return !r.messages.empty() || r.closed; },
                             Clock::now() + std::chrono::seconds(20)));
  server_.reset();  // the server goes away with the stream open
  ASSERT_TRUE(Wait(r));
  EXPECT_EQ(r.status.code, kUnavailable) << r.status.message;
}

}  // namespace
}  // namespace streambench::engines::h2
