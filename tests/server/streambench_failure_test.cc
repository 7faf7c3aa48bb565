// Failure injection, delays, deadlines and read stalls of streambench.v1 over a real server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "server/streambench_service.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using testing::MakeRequest;
using testing::MetricValue;
using Clock = std::chrono::steady_clock;

v1::Behavior FailAfter(int code, const std::string& message, uint64_t after_messages) {
  v1::Behavior behavior;
  behavior.mutable_failure()->set_code(code);
  behavior.mutable_failure()->set_message(message);
  behavior.mutable_failure()->set_after_messages(after_messages);
  behavior.mutable_failure()->set_probability(1.0);
  return behavior;
}

class StreamBenchFailureTest : public testing::ServerStubTest<v1::StreamBench> {
 protected:
  double Injected(const char* method, const char* code) {
    return MetricValue(server_->metrics(), "streambench_server_injected_failures_total", method,
                       "code", code);
  }
};

TEST_F(StreamBenchFailureTest, UnaryFailsWithTheInjectedStatus) {
  v1::Behavior behavior;
  behavior.mutable_failure()->set_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  behavior.mutable_failure()->set_message("try again later");
  grpc::ClientContext context;
  v1::Response response;
  grpc::Status s = stub_->Unary(&context, MakeRequest(0, 1, behavior), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "try again later");
  EXPECT_EQ(Injected(StreamBenchService::kUnaryMethod, "UNAVAILABLE"), 1);
}

TEST_F(StreamBenchFailureTest, ServerStreamFailsAfterExactlyNResponses) {
  for (uint64_t n : {0, 1, 7}) {
    v1::Behavior behavior = FailAfter(10, "aborted at " + std::to_string(n), n);
    behavior.set_response_count(20);
    grpc::ClientContext context;
    auto reader = stub_->ServerStream(&context, MakeRequest(0, 0, behavior));
    v1::Response response;
    uint64_t received = 0;
    while (reader->Read(&response)) ++received;
    grpc::Status s = reader->Finish();
    EXPECT_EQ(received, n);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
    EXPECT_EQ(s.error_message(), "aborted at " + std::to_string(n));
  }
  EXPECT_EQ(Injected(StreamBenchService::kServerStreamMethod, "ABORTED"), 3);
}

TEST_F(StreamBenchFailureTest, ClientStreamFailsAfterExactlyNRequests) {
  v1::Behavior behavior = FailAfter(8, "too much", 5);
  grpc::ClientContext context;
  v1::ClientStreamSummary summary;
  auto writer = stub_->ClientStream(&context, &summary);
  testing::WriteRequestsThenHalfClose(*writer, 20, behavior);
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "too much");
  EXPECT_EQ(MetricValue(server_->metrics(), "streambench_server_messages_total",
                        StreamBenchService::kClientStreamMethod, "direction", "received"),
            5);
}

TEST_F(StreamBenchFailureTest, BidiEchoAnswersNRequestsThenFails) {
  for (uint64_t n : {0, 4}) {
    v1::Behavior behavior = FailAfter(9, "precondition", n);
    grpc::ClientContext context;
    auto stream = stub_->Bidi(&context);
    testing::WriteRequestsThenHalfClose(*stream, 10, behavior);
    v1::Response response;
    uint64_t received = 0;
    while (stream->Read(&response)) {
      EXPECT_EQ(response.request_seq(), received);
      ++received;
    }
    grpc::Status s = stream->Finish();
    EXPECT_EQ(received, n);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
}

TEST_F(StreamBenchFailureTest, BidiIndependentFailsAfterNRequests) {
  v1::Behavior behavior = FailAfter(13, "internal", 3);
  behavior.set_bidi_mode(v1::Behavior::INDEPENDENT);
  behavior.set_response_interval_us(100'000);  // slow, so the failure comes from the reads
  behavior.set_response_count(100);
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  testing::WriteRequestsThenHalfClose(*stream, 10, behavior);
  v1::Response response;
  int responses = 0;
  while (stream->Read(&response) && responses < 1000) ++responses;
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_LT(responses, 100);
  EXPECT_EQ(MetricValue(server_->metrics(), "streambench_server_messages_total",
                        StreamBenchService::kBidiMethod, "direction", "received"),
            3);
}

// Runs `calls` unary calls asking for `failure`; returns how many failed with its code.
int CountFailures(v1::StreamBench::Stub& stub, const v1::FailureInjection& failure, int calls) {
  v1::Behavior behavior;
  *behavior.mutable_failure() = failure;
  int failed = 0;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext context;
    v1::Response response;
    grpc::Status s = stub.Unary(&context, MakeRequest(0, 0, behavior), &response);
    if (failure.code() != 0 && s.error_code() == static_cast<grpc::StatusCode>(failure.code())) {
      ++failed;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
  }
  return failed;
}

TEST_F(StreamBenchFailureTest, ProbabilityDecidesTheShareOfFailingCalls) {
  v1::FailureInjection failure;
  failure.set_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  failure.set_probability(1.0);
  EXPECT_EQ(CountFailures(*stub_, failure, 50), 50);
  failure.set_probability(0.0);  // "not given" with a code: every call (see FailurePlan)
  EXPECT_EQ(CountFailures(*stub_, failure, 50), 50);
  v1::FailureInjection none;  // code 0: never
  none.set_probability(1.0);
  EXPECT_EQ(CountFailures(*stub_, none, 50), 0);

  // p = 0.3 over 400 calls: mean 120, sd ~9.2; the band is over 4 sd wide on each side.
  failure.set_probability(0.3);
  const int failed = CountFailures(*stub_, failure, 400);
  EXPECT_GE(failed, 80);
  EXPECT_LE(failed, 160);
  EXPECT_EQ(Injected(StreamBenchService::kUnaryMethod, "UNAVAILABLE"), 100 + failed);
}

TEST_F(StreamBenchFailureTest, UnaryResponseDelayIsHonoured) {
  v1::Behavior behavior;
  behavior.set_response_delay_us(100'000);
  grpc::ClientContext context;
  v1::Response response;
  const auto start = Clock::now();
  ASSERT_TRUE(stub_->Unary(&context, MakeRequest(0, 0, behavior), &response).ok());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(100));
}

TEST_F(StreamBenchFailureTest, BidiEchoDelayAppliesToEachResponse) {
  v1::Behavior behavior;
  behavior.set_response_delay_us(30'000);
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  const auto start = Clock::now();
  for (uint64_t seq = 0; seq < 3; ++seq) {
    ASSERT_TRUE(stream->Write(MakeRequest(seq, 8, behavior)));
    v1::Response response;
    ASSERT_TRUE(stream->Read(&response));  // ping-pong: delays add up
  }
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(90));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(StreamBenchFailureTest, ResponseDelayBeyondDeadlineIsDeadlineExceeded) {
  v1::Behavior behavior;
  behavior.set_response_delay_us(5'000'000);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  v1::Response response;
  const auto start = Clock::now();
  grpc::Status s = stub_->Unary(&context, MakeRequest(0, 0, behavior), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));  // the server's delay is not waited
  // The server ends the call too (its alarm cancelled), rather than holding it for 5 s.
  EXPECT_TRUE(
      testing::WaitFor([&] { return server_->streambench_service().live_calls().count() == 0; },
                       std::chrono::seconds(3)));
  const double ended = MetricValue(server_->metrics(), "streambench_server_calls_total",
                                   StreamBenchService::kUnaryMethod, "code", "DEADLINE_EXCEEDED") +
                       MetricValue(server_->metrics(), "streambench_server_calls_total",
                                   StreamBenchService::kUnaryMethod, "code", "CANCELLED");
  EXPECT_EQ(ended, 1);
}

// The longest single Write of a client stream (or a bidi echo stream) of `messages` 64 KiB
// messages, against a server with a 64 KiB stream window that stalls its reads for `stall_us`
// after the first message.
Clock::duration LongestWrite(uint64_t stall_us, int messages, bool bidi) {
  ServerOptions options;
  options.transport.stream_window_bytes = 64 * 1024;
  options.transport.bdp_probe = false;
  auto server = testing::StartServer(options);
  if (server == nullptr) return {};
  TransportSettings client;
  client.bdp_probe = false;
  auto stub = testing::MakeStub(server->address(), client);
  v1::Behavior behavior;
  behavior.set_response_size_bytes(1);  // bidi: tiny echoes, so only the requests' window counts
  behavior.mutable_read_stall()->set_after_messages(1);
  behavior.mutable_read_stall()->set_duration_us(stall_us);
  grpc::ClientContext context;
  v1::ClientStreamSummary summary;
  std::unique_ptr<grpc::ClientWriter<v1::Request>> writer;
  std::unique_ptr<grpc::ClientReaderWriter<v1::Request, v1::Response>> stream;
  if (bidi) {
    stream = stub->Bidi(&context);
  } else {
    writer = stub->ClientStream(&context, &summary);
  }
  Clock::duration longest{};
  for (int seq = 0; seq < messages; ++seq) {
    const v1::Request request = MakeRequest(seq, 64 * 1024, behavior);
    const auto start = Clock::now();
    EXPECT_TRUE(bidi ? stream->Write(request) : writer->Write(request));
    longest = std::max(longest, Clock::now() - start);
  }
  if (bidi) {
    stream->WritesDone();
    v1::Response response;
    int echoes = 0;
    while (stream->Read(&response)) ++echoes;
    EXPECT_TRUE(stream->Finish().ok());
    EXPECT_EQ(echoes, messages);
  } else {
    writer->WritesDone();
    EXPECT_TRUE(writer->Finish().ok());
    EXPECT_EQ(summary.messages_received(), static_cast<uint64_t>(messages));
    EXPECT_TRUE(summary.all_valid());
  }
  return longest;
}

TEST(StreamBenchReadStallTest, ClientStreamStallBlocksTheClientsWrites) {
  constexpr int kMessages = 24;  // 1.5 MiB: far beyond the window and loopback buffering
  const auto unstalled = LongestWrite(0, kMessages, /*bidi=*/false);
  const auto stalled = LongestWrite(1'000'000, kMessages, /*bidi=*/false);
  // Backpressure: some write waited for most of the stall, and far longer than without it.
  EXPECT_GE(stalled, std::chrono::milliseconds(500));
  EXPECT_GT(stalled, 2 * unstalled);
}

TEST(StreamBenchReadStallTest, BidiStallBlocksTheClientsWrites) {
  constexpr int kMessages = 24;
  const auto unstalled = LongestWrite(0, kMessages, /*bidi=*/true);
  const auto stalled = LongestWrite(1'000'000, kMessages, /*bidi=*/true);
  EXPECT_GE(stalled, std::chrono::milliseconds(500));
  EXPECT_GT(stalled, 2 * unstalled);
}

}  // namespace
}  // namespace streambench
