// The engine contract (bench/engines/engine.h), held against every engine through the interface
// only: the reference server (streambench.v1 and grpc.testing.TestService) on an ephemeral
// loopback port, requests serialised with the generated protos, every call's callbacks checked
// by CheckedCall (order, threads, the driver's hold) as they happen. Adding an engine is one line
// in kEngines.
//
// Nothing here waits on the clock: each step waits for an event (bounded by kHungAfter only to
// fail a hung engine), and "nothing happened yet" is judged after a control call on the same
// channel has gone all the way round, never after a sleep.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/engines/engine.h"
#include "bench/engines/grpc/grpc_engine.h"
#include "bench/engines/h2/h2_engine.h"
#include "common/status_names.h"
#include "grpc/testing/messages.pb.h"
#include "server/streambench_service.h"
#include "streambench/v1/streambench.pb.h"
#include "tests/bench/engines/callback_ping_pong.h"
#include "tests/bench/engines/checked_call.h"
#include "tests/bench/engines/metadata_recording_server.h"
#include "tests/server/interop/interop_server_fixture.h"
#include "tests/server/refusing_port.h"

namespace streambench::engines {
namespace {

using testing::CallbackPingPong;
using testing::CheckedCall;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MetadataRecordingServer;

// The engines held to the contract: a name for the test names and a factory.
struct EngineCase {
  const char* name;
  std::function<std::unique_ptr<Engine>()> make;
};

const EngineCase kEngines[] = {
    {"grpc", [] { return grpc_engine::MakeGrpcEngine(); }},
    {"h2", [] { return h2::MakeH2Engine(h2::H2EngineOptions{}); }},
};

void PrintTo(const EngineCase& engine, std::ostream* out) { *out << engine.name; }

constexpr char kUnaryCall[] = "/grpc.testing.TestService/UnaryCall";
constexpr char kFullDuplexCall[] = "/grpc.testing.TestService/FullDuplexCall";

// "CANCELLED: why", for failure messages.
std::string Describe(const grpc::Status& status) {
  return std::string(StatusCodeName(status.error_code())) + ": " + status.error_message();
}

std::string SimpleRequestOf(int response_size_bytes) {
  grpc::testing::SimpleRequest request;
  request.set_response_size(response_size_bytes);
  return request.SerializeAsString();
}

// A FullDuplexCall request asking for one response of `size_bytes` after `interval_us`.
std::string DuplexRequestOf(int size_bytes, int interval_us = 0) {
  grpc::testing::StreamingOutputCallRequest request;
  auto* parameters = request.add_response_parameters();
  parameters->set_size(size_bytes);
  parameters->set_interval_us(interval_us);
  return request.SerializeAsString();
}

// A streambench.v1 request: sequence number `seq`, a checksummed payload, `behavior`.
std::string V1RequestOf(uint64_t seq, const v1::Behavior& behavior = {}) {
  return streambench::testing::MakeRequest(seq, 32, behavior).SerializeAsString();
}

class EngineContractTest : public streambench::testing::InteropServerTest,
                           public ::testing::WithParamInterface<EngineCase> {
 protected:
  void SetUp() override {
    InteropServerTest::SetUp();
    if (HasFatalFailure()) return;
    engine_ = GetParam().make();
    engine_channel_ = ChannelTo(server_->address());
  }

  std::shared_ptr<Channel> ChannelTo(const std::string& address) {
    ChannelOptions options;
    options.addresses = {address};
    options.index = next_channel_index_++;
    return engine_->MakeChannel(options);
  }

  // One call of `path` with `requests` written one after another (each after the previous
  // OnWriteDone), then WritesDone; returns once it closed.
  std::unique_ptr<CheckedCall> CallToEnd(Channel& channel, const std::string& path,
                                         const std::vector<std::string>& requests,
                                         const CallSpec& spec_base = {}) {
    auto call = std::make_unique<CheckedCall>();
    CallSpec spec = spec_base;
    spec.path = path;
    call->Start(channel, spec);
    for (size_t i = 0; i < requests.size(); ++i) {
      call->Write(requests[i]);
      EXPECT_TRUE(call->WaitForWriteDones(i + 1)) << "write " << i << " never completed";
    }
    call->WritesDone();
    EXPECT_TRUE(call->WaitForClose()) << path << " never closed";
    return call;
  }

  // A whole unary call on `channel` that must succeed: the control that proves the engine has
  // gone round its loop (or gRPC its completion queues) since the test's previous step.
  void ControlCallSucceeds(Channel& channel) {
    auto control = CallToEnd(channel, kUnaryCall, {SimpleRequestOf(8)});
    EXPECT_TRUE(control->status().ok()) << Describe(control->status());
    EXPECT_THAT(control->violations(), IsEmpty());
  }

  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Channel> engine_channel_;  // after engine_: destroyed before it
  int next_channel_index_ = 0;
};

TEST_P(EngineContractTest, UnaryIsOneWriteAndOneMessage) {
  auto call = CallToEnd(*engine_channel_, StreamBenchService::kUnaryMethod, {V1RequestOf(7)});
  ASSERT_TRUE(call->progress().closed);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  EXPECT_THAT(call->write_done_results(), ElementsAre(true));
  ASSERT_EQ(call->messages().size(), 1u);
  v1::Response response;
  ASSERT_TRUE(response.ParseFromString(call->messages()[0]));
  EXPECT_EQ(response.request_seq(), 7u);
  EXPECT_EQ(call->messages_at_reads_done(), 1u);
  EXPECT_THAT(call->violations(), IsEmpty());
  EXPECT_TRUE(engine_channel_->connected());
}

// A unary call as the drivers send it: one WriteLast on a call started single_request (the grpc
// engine then sends headers, message and half-close as one batch). Once on a fresh channel, whose
// connection the held-back headers must not delay, and once on the connected one.
TEST_P(EngineContractTest, UnaryAsOneWriteLastOnASingleRequestCall) {
  auto fresh = ChannelTo(server_->address());
  for (Channel* channel : {fresh.get(), engine_channel_.get()}) {
    CheckedCall call;
    CallSpec spec;
    spec.path = StreamBenchService::kUnaryMethod;
    spec.single_request = true;
    call.Start(*channel, spec);
    call.WriteLast(V1RequestOf(9));
    ASSERT_TRUE(call.WaitForClose());
    EXPECT_TRUE(call.status().ok()) << Describe(call.status());
    EXPECT_THAT(call.write_done_results(), ElementsAre(true));
    ASSERT_EQ(call.messages().size(), 1u);
    v1::Response response;
    ASSERT_TRUE(response.ParseFromString(call.messages()[0]));
    EXPECT_EQ(response.request_seq(), 9u);
    EXPECT_THAT(call.violations(), IsEmpty());
  }
}

// WriteLast on a stream that wrote before: the last message and the half-close, in order.
TEST_P(EngineContractTest, WriteLastEndsAClientStreamAfterEarlierWrites) {
  CheckedCall call;
  CallSpec spec;
  spec.path = StreamBenchService::kClientStreamMethod;
  call.Start(*engine_channel_, spec);
  call.Write(V1RequestOf(0));
  ASSERT_TRUE(call.WaitForWriteDones(1));
  call.WriteLast(V1RequestOf(1));
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_TRUE(call.status().ok()) << Describe(call.status());
  EXPECT_THAT(call.write_done_results(), ElementsAre(true, true));
  ASSERT_EQ(call.messages().size(), 1u);
  v1::ClientStreamSummary summary;
  ASSERT_TRUE(summary.ParseFromString(call.messages()[0]));
  EXPECT_EQ(summary.messages_received(), 2u);  // the last message came before the half-close
  EXPECT_TRUE(summary.all_valid());
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, ServerStreamDeliversEveryMessageInOrderThenReadsDoneThenOk) {
  constexpr uint64_t kCount = 50;
  v1::Behavior behavior;
  behavior.set_response_count(kCount);
  behavior.set_response_size_bytes(100);
  auto call = CallToEnd(*engine_channel_, StreamBenchService::kServerStreamMethod,
                        {V1RequestOf(0, behavior)});
  ASSERT_TRUE(call->progress().closed);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  const std::vector<std::string> messages = call->messages();
  ASSERT_EQ(messages.size(), kCount);
  for (uint64_t i = 0; i < kCount; ++i) {
    v1::Response response;
    ASSERT_TRUE(response.ParseFromString(messages[i]));
    EXPECT_EQ(response.seq(), i);
    EXPECT_TRUE(streambench::testing::PayloadValid(response, 100)) << "message " << i;
  }
  EXPECT_EQ(call->messages_at_reads_done(), kCount) << "OnReadsDone came before the last message";
  EXPECT_THAT(call->violations(), IsEmpty());
}

TEST_P(EngineContractTest, ClientStreamWritesOneAtATimeThenGetsTheSummary) {
  constexpr uint64_t kWrites = 5;
  std::vector<std::string> requests;
  for (uint64_t seq = 0; seq < kWrites; ++seq) requests.push_back(V1RequestOf(seq));
  // CallToEnd waits for each OnWriteDone before the next Write.
  auto call = CallToEnd(*engine_channel_, StreamBenchService::kClientStreamMethod, requests);
  ASSERT_TRUE(call->progress().closed);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  EXPECT_EQ(call->write_done_results(), std::vector<bool>(kWrites, true));
  ASSERT_EQ(call->messages().size(), 1u);
  v1::ClientStreamSummary summary;
  ASSERT_TRUE(summary.ParseFromString(call->messages()[0]));
  EXPECT_EQ(summary.messages_received(), kWrites);
  EXPECT_EQ(summary.payload_bytes_received(), kWrites * 32);
  EXPECT_TRUE(summary.all_valid()) << summary.sequence_errors() << " sequence errors, "
                                   << summary.checksum_errors() << " checksum errors";
  EXPECT_THAT(call->violations(), IsEmpty());
}

// The echo of request i is response i (v1 Bidi, ECHO mode).
void ExpectEchoedInOrder(const CheckedCall& call, size_t round_trips) {
  const std::vector<std::string> messages = call.messages();
  ASSERT_EQ(messages.size(), round_trips);
  for (size_t i = 0; i < round_trips; ++i) {
    v1::Response response;
    ASSERT_TRUE(response.ParseFromString(messages[i]));
    EXPECT_EQ(response.request_seq(), i) << "response " << i;
  }
}

TEST_P(EngineContractTest, EmptyMessagesAndAnEmptyStreamAreDelivered) {
  // An empty request and an empty response are still one message each.
  auto empty = CallToEnd(*engine_channel_, "/grpc.testing.TestService/EmptyCall", {""});
  ASSERT_TRUE(empty->progress().closed);
  EXPECT_TRUE(empty->status().ok()) << Describe(empty->status());
  EXPECT_THAT(empty->messages(), ElementsAre(""));
  EXPECT_THAT(empty->violations(), IsEmpty());
  // No write at all: WritesDone alone ends the client's side.
  auto stream = CallToEnd(*engine_channel_, kFullDuplexCall, {});
  ASSERT_TRUE(stream->progress().closed);
  EXPECT_TRUE(stream->status().ok()) << Describe(stream->status());
  EXPECT_THAT(stream->messages(), IsEmpty());
  EXPECT_THAT(stream->violations(), IsEmpty());
}

TEST_P(EngineContractTest, LargeMessagesCrossFlowControlWindowsBothWays) {
  constexpr int kBytes = 1'000'000;  // many times a default HTTP/2 window, under the server's cap
  grpc::testing::SimpleRequest request;
  request.set_response_size(kBytes);
  request.mutable_payload()->set_body(std::string(kBytes, '\x5a'));
  auto call = CallToEnd(*engine_channel_, kUnaryCall, {request.SerializeAsString()});
  ASSERT_TRUE(call->progress().closed);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  EXPECT_THAT(call->write_done_results(), ElementsAre(true));
  ASSERT_EQ(call->messages().size(), 1u);
  grpc::testing::SimpleResponse response;
  ASSERT_TRUE(response.ParseFromString(call->messages()[0]));
  EXPECT_EQ(response.payload().body().size(), static_cast<size_t>(kBytes));
  EXPECT_THAT(call->violations(), IsEmpty());
}

TEST_P(EngineContractTest, BidiPingPongFromInsideTheCallbacks) {
  constexpr size_t kRoundTrips = 100;
  CheckedCall call;
  auto ping_pong =
      CallbackPingPong::Attach(&call, kRoundTrips, [](size_t i) { return V1RequestOf(i); });
  CallSpec spec;
  spec.path = StreamBenchService::kBidiMethod;
  call.Start(*engine_channel_, spec);
  ping_pong->Begin();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_TRUE(call.status().ok()) << Describe(call.status());
  ExpectEchoedInOrder(call, kRoundTrips);
  EXPECT_EQ(call.write_done_results(), std::vector<bool>(kRoundTrips, true));
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, BidiPingPongFromAnotherThread) {
  constexpr size_t kRoundTrips = 100;
  CheckedCall call;
  CallSpec spec;
  spec.path = kFullDuplexCall;
  call.Start(*engine_channel_, spec);
  for (size_t i = 0; i < kRoundTrips; ++i) {
    // Response i is i+1 bytes: a response paired with the wrong request shows.
    call.Write(DuplexRequestOf(static_cast<int>(i + 1)));
    ASSERT_TRUE(call.WaitUntil([i](const testing::CallProgress& p) {
      return (p.messages > i && p.write_dones > i) || p.closed;
    })) << "round trip "
        << i;
    ASSERT_FALSE(call.progress().reads_done) << Describe(call.status());
  }
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_TRUE(call.status().ok()) << Describe(call.status());
  const std::vector<std::string> messages = call.messages();
  ASSERT_EQ(messages.size(), kRoundTrips);
  for (size_t i = 0; i < kRoundTrips; ++i) {
    grpc::testing::StreamingOutputCallResponse response;
    ASSERT_TRUE(response.ParseFromString(messages[i]));
    EXPECT_EQ(response.payload().body().size(), i + 1) << "response " << i;
  }
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, RequestMetadataArrivesWithBinaryValuesDecoded) {
  std::string error;
  auto recorder = MetadataRecordingServer::Start(&error);
  ASSERT_NE(recorder, nullptr) << error;
  std::shared_ptr<Channel> channel = ChannelTo(recorder->address());
  const std::string binary("\x00\x01\xfe\xff\x0a", 5);  // not valid as a plain header value
  const Metadata metadata = {{"x-grpc-test-echo-initial", "initial value"},
                             {"x-grpc-test-echo-trailing-bin", binary},
                             {"x-contract-twice", "first"},
                             {"x-contract-twice", "second"}};
  CallSpec spec;
  spec.metadata = &metadata;
  auto call = CallToEnd(*channel, "/contract.Recorder/Call", {"request"}, spec);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  EXPECT_THAT(call->violations(), IsEmpty());
  const std::vector<MetadataRecordingServer::RecordedMetadata> calls = recorder->calls();
  ASSERT_EQ(calls.size(), 1u);
  const MetadataRecordingServer::RecordedMetadata& got = calls[0];
  auto values = [&](const std::string& key) {
    std::vector<std::string> found;
    for (auto [it, end] = got.equal_range(key); it != end; ++it) found.push_back(it->second);
    return found;
  };
  EXPECT_THAT(values("x-grpc-test-echo-initial"), ElementsAre("initial value"));
  EXPECT_THAT(values("x-grpc-test-echo-trailing-bin"), ElementsAre(binary));
  EXPECT_THAT(values("x-contract-twice"), ElementsAre("first", "second"));

  // And the reference server takes the same metadata (it echoes the test keys).
  auto echoed = CallToEnd(*engine_channel_, kUnaryCall, {SimpleRequestOf(8)}, spec);
  EXPECT_TRUE(echoed->status().ok()) << Describe(echoed->status());
  EXPECT_THAT(echoed->violations(), IsEmpty());
}

// A server status in the middle of a bidi call whose client has not half-closed.
constexpr grpc::StatusCode kHeldCode = grpc::StatusCode::FAILED_PRECONDITION;
const char kHeldMessage[] = "server ended first:\t\n 100% \xe2\x9c\x93";  // escapes on the wire

std::string RequestEndingTheCall() {
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(10);
  request.mutable_response_status()->set_code(kHeldCode);
  request.mutable_response_status()->set_message(kHeldMessage);
  return request.SerializeAsString();
}

TEST_P(EngineContractTest, ServerEndsFirstGivesReadsDoneAndHoldsCloseUntilWritesDone) {
  CheckedCall call;
  CallSpec spec;
  spec.path = kFullDuplexCall;
  call.Start(*engine_channel_, spec);
  call.Write(RequestEndingTheCall());
  ASSERT_TRUE(call.WaitForReadsDone());
  EXPECT_EQ(call.messages_at_reads_done(), 1u);
  ASSERT_TRUE(call.WaitForWriteDones(1));
  // A whole call on the same channel has gone round since the server's status arrived: an
  // engine that did not hold would have closed by now.
  ControlCallSucceeds(*engine_channel_);
  EXPECT_FALSE(call.progress().closed) << "OnClose before WritesDone";
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), kHeldCode) << Describe(call.status());
  EXPECT_EQ(call.status().error_message(), kHeldMessage);
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, WriteAfterTheEndCompletesNotOkAndCloseStillWaits) {
  CheckedCall call;
  CallSpec spec;
  spec.path = kFullDuplexCall;
  call.Start(*engine_channel_, spec);
  call.Write(RequestEndingTheCall());
  ASSERT_TRUE(call.WaitForReadsDone());
  ASSERT_TRUE(call.WaitForWriteDones(1));
  call.Write(DuplexRequestOf(10));
  ASSERT_TRUE(call.WaitForWriteDones(2));
  EXPECT_THAT(call.write_done_results(), ElementsAre(true, false));
  ControlCallSucceeds(*engine_channel_);
  EXPECT_FALSE(call.progress().closed) << "OnClose before WritesDone";
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), kHeldCode) << Describe(call.status());
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, DriverHalfClosesFromInsideOnReadsDone) {
  // The callbacks drive the call as a driver does: the server ends it after the first response,
  // and the half-close comes from inside OnReadsDone.
  CheckedCall call;
  auto ping_pong = CallbackPingPong::Attach(
      &call, 100, [](size_t i) { return i == 0 ? RequestEndingTheCall() : DuplexRequestOf(10); });
  CallSpec spec;
  spec.path = kFullDuplexCall;
  call.Start(*engine_channel_, spec);
  ping_pong->Begin();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), kHeldCode) << Describe(call.status());
  EXPECT_EQ(call.status().error_message(), kHeldMessage);
  EXPECT_EQ(call.messages().size(), 1u);
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, CancelFromAnotherThreadMidStreamEndsCancelled) {
  // The server streams on its own until the client half-closes (v1 Bidi, INDEPENDENT).
  v1::Behavior behavior;
  behavior.set_bidi_mode(v1::Behavior::INDEPENDENT);
  behavior.set_response_count(0);
  behavior.set_response_interval_us(1000);
  CheckedCall call;
  CallSpec spec;
  spec.path = StreamBenchService::kBidiMethod;
  call.Start(*engine_channel_, spec);
  call.Write(V1RequestOf(0, behavior));
  ASSERT_TRUE(call.WaitForMessages(3));
  std::thread canceller([&call] { call.Cancel(); });
  canceller.join();
  ASSERT_TRUE(call.WaitForReadsDone());
  ControlCallSucceeds(*engine_channel_);
  EXPECT_FALSE(call.progress().closed) << "OnClose before WritesDone";
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED) << Describe(call.status());
  EXPECT_THAT(call.violations(), IsEmpty());
  // The cancellation reached the server, which ended its side.
  EXPECT_TRUE(WaitForNoActiveStreams(StreamBenchService::kBidiMethod));
}

TEST_P(EngineContractTest, CancelRightAfterStartThenWriteCompletesNotOk) {
  CheckedCall call;
  CallSpec spec;
  spec.path = kFullDuplexCall;
  call.Start(*engine_channel_, spec);
  call.Cancel();
  call.Write(DuplexRequestOf(10));
  ASSERT_TRUE(call.WaitForWriteDones(1));
  EXPECT_THAT(call.write_done_results(), ElementsAre(false));
  ASSERT_TRUE(call.WaitForReadsDone());
  ControlCallSucceeds(*engine_channel_);
  EXPECT_FALSE(call.progress().closed) << "OnClose before WritesDone";
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED) << Describe(call.status());
  EXPECT_TRUE(call.messages().empty());
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, CancelWithAWriteBlockedByFlowControlFailsTheWriteFirst) {
  // A server of its own whose stream window stays small (no BDP probing), so a large write
  // blocks for as long as the server does not read.
  ServerOptions options = server_->options();
  options.port = 0;
  options.transport.bdp_probe = false;
  options.transport.stream_window_bytes = 65536;
  std::string error;
  std::unique_ptr<ReferenceServer> stalling = ReferenceServer::Start(options, &error);
  ASSERT_NE(stalling, nullptr) << error;
  std::shared_ptr<Channel> channel = ChannelTo(stalling->address());

  v1::Behavior behavior;  // echo the first request, then stop reading for 30 s
  behavior.mutable_read_stall()->set_after_messages(1);
  behavior.mutable_read_stall()->set_duration_us(30'000'000);
  CheckedCall call;
  CallSpec spec;
  spec.path = StreamBenchService::kBidiMethod;
  call.Start(*channel, spec);
  call.Write(V1RequestOf(0, behavior));
  ASSERT_TRUE(call.WaitForMessages(1));
  ASSERT_TRUE(call.WaitForWriteDones(1));
  call.Write(streambench::testing::MakeRequest(1, 1 << 20).SerializeAsString());
  // A whole call on the same channel went round, and the megabyte is still not out.
  ControlCallSucceeds(*channel);
  ASSERT_EQ(call.progress().write_dones, 1u) << "the large write was not blocked: no test";
  std::thread canceller([&call] { call.Cancel(); });
  canceller.join();
  ASSERT_TRUE(call.WaitForWriteDones(2));
  EXPECT_THAT(call.write_done_results(), ElementsAre(true, false));
  ASSERT_TRUE(call.WaitForReadsDone());
  EXPECT_FALSE(call.progress().closed) << "OnClose before WritesDone";
  call.WritesDone();
  ASSERT_TRUE(call.WaitForClose());
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED) << Describe(call.status());
  EXPECT_THAT(call.violations(), IsEmpty());
}

TEST_P(EngineContractTest, CancelAfterCloseDoesNothing) {
  auto call = CallToEnd(*engine_channel_, kUnaryCall, {SimpleRequestOf(8)});
  ASSERT_TRUE(call->progress().closed);
  ASSERT_TRUE(call->status().ok()) << Describe(call->status());
  std::shared_ptr<Call> held = call->call();  // the driver's reference, as for a late Cancel
  // With the observer alive, a late Cancel must not call it again.
  call->Cancel();
  ControlCallSucceeds(*engine_channel_);
  EXPECT_THAT(call->violations(), IsEmpty());
  EXPECT_EQ(call->progress().messages, 1u);
  EXPECT_TRUE(call->status().ok()) << Describe(call->status());
  // The observer may be gone from OnClose on: a Cancel from another thread must touch neither it
  // nor freed call state (AddressSanitizer builds catch either).
  call.reset();
  std::thread canceller([&held] { held->Cancel(); });
  canceller.join();
  held->Cancel();
  held.reset();
  ControlCallSucceeds(*engine_channel_);
}

TEST_P(EngineContractTest, DeadlineOnASleepingServerEndsDeadlineExceeded) {
  CallSpec spec;
  spec.timeout_us = 100'000;
  // The server would answer after 30 s.
  auto call = CallToEnd(*engine_channel_, kFullDuplexCall, {DuplexRequestOf(1, 30'000'000)}, spec);
  ASSERT_TRUE(call->progress().closed);
  EXPECT_EQ(call->status().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << Describe(call->status());
  EXPECT_TRUE(call->messages().empty());
  EXPECT_THAT(call->violations(), IsEmpty());
}

TEST_P(EngineContractTest, UnimplementedMethodAndServiceEndUnimplemented) {
  for (const char* path : {"/grpc.testing.TestService/UnimplementedCall",
                           "/grpc.testing.UnimplementedService/UnimplementedCall"}) {
    auto call = CallToEnd(*engine_channel_, path, {""});
    ASSERT_TRUE(call->progress().closed);
    EXPECT_EQ(call->status().error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << path << ": " << Describe(call->status());
    EXPECT_TRUE(call->messages().empty());
    EXPECT_THAT(call->violations(), IsEmpty()) << path;
  }
}

TEST_P(EngineContractTest, RefusedPortEndsUnavailableAndIsNotConnected) {
  streambench::testing::RefusingPort refusing;
  ASSERT_TRUE(refusing.ok());
  std::shared_ptr<Channel> channel = ChannelTo(refusing.target());
  auto call = CallToEnd(*channel, kUnaryCall, {SimpleRequestOf(8)});
  ASSERT_TRUE(call->progress().closed);
  EXPECT_EQ(call->status().error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(call->status());
  EXPECT_THAT(call->write_done_results(), ElementsAre(false));
  EXPECT_THAT(call->violations(), IsEmpty());
  EXPECT_FALSE(channel->connected());
  std::string why;
  // Returns false when the deadline passes; how long it waits is the engine's business.
  EXPECT_FALSE(channel->WaitForConnected(
      std::chrono::system_clock::now() + std::chrono::milliseconds(300), &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(channel->connected());
}

TEST_P(EngineContractTest, SameChannelReconnectsToARestartedServer) {
  ControlCallSucceeds(*engine_channel_);
  ServerOptions options = server_->options();
  options.port = server_->port();
  server_->Shutdown();
  server_.reset();
  // While the server is gone a call fails for lack of a connection.
  auto during = CallToEnd(*engine_channel_, kUnaryCall, {SimpleRequestOf(8)});
  EXPECT_EQ(during->status().error_code(), grpc::StatusCode::UNAVAILABLE)
      << Describe(during->status());
  EXPECT_FALSE(engine_channel_->connected());
  EXPECT_THAT(during->violations(), IsEmpty());

  std::string error;
  server_ = ReferenceServer::Start(options, &error);
  ASSERT_NE(server_, nullptr) << error;
  std::string why;
  ASSERT_TRUE(engine_channel_->WaitForConnected(
      std::chrono::system_clock::now() + testing::kHungAfter, &why))
      << why;
  EXPECT_TRUE(engine_channel_->connected());
  ControlCallSucceeds(*engine_channel_);
}

TEST_P(EngineContractTest, ManyPingPongsOnManyChannelsAllSucceed) {
  constexpr int kChannels = 8;
  constexpr int kStreamsPerChannel = 16;
  constexpr size_t kRoundTrips = 50;
  std::vector<std::shared_ptr<Channel>> channels;
  for (int c = 0; c < kChannels; ++c) channels.push_back(ChannelTo(server_->address()));
  std::vector<std::unique_ptr<CheckedCall>> calls;
  CallSpec spec;
  spec.path = StreamBenchService::kBidiMethod;
  for (int c = 0; c < kChannels; ++c) {
    for (int s = 0; s < kStreamsPerChannel; ++s) {
      calls.push_back(std::make_unique<CheckedCall>());
      auto ping_pong = CallbackPingPong::Attach(calls.back().get(), kRoundTrips,
                                                [](size_t i) { return V1RequestOf(i); });
      calls.back()->Start(*channels[static_cast<size_t>(c)], spec);
      ping_pong->Begin();
    }
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    ASSERT_TRUE(calls[i]->WaitForClose()) << "stream " << i;
    EXPECT_TRUE(calls[i]->status().ok()) << "stream " << i << ": " << Describe(calls[i]->status());
    ExpectEchoedInOrder(*calls[i], kRoundTrips);
    EXPECT_THAT(calls[i]->violations(), IsEmpty()) << "stream " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineContractTest, ::testing::ValuesIn(kEngines),
                         [](const ::testing::TestParamInfo<EngineCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace streambench::engines
