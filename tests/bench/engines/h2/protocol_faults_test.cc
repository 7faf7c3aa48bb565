// The nghttp2 engine against what gRPC servers send only on faults or through proxies (a scripted
// HTTP/2 server, scripted_h2_server.h): RST_STREAM codes, HTTP statuses without grpc-status,
// GOAWAY and percent-encoded grpc-message, each mapped to the status a gRPC client reports
// (gRPC's PROTOCOL-HTTP2 and statuscodes docs).
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "bench/engines/h2/connection.h"
#include "bench/engines/h2/event_loop.h"
#include "tests/bench/engines/h2/h2_test_support.h"
#include "tests/bench/engines/h2/scripted_h2_server.h"

namespace streambench::engines::h2 {
namespace {

using Clock = std::chrono::steady_clock;

class H2ProtocolFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(server_.target().empty());
    std::string error;
    connection_ = Connection::Connect(server_.target(), ConnectionSettings{}, &error);
    ASSERT_NE(connection_, nullptr) << error;
    loop_.Add(connection_.get());
  }
  void TearDown() override {
    if (connection_) loop_.Remove(connection_.get());
  }

  std::unique_ptr<Recorder> Call(const std::string& path) {
    return CallToEnd(*connection_, loop_, path, {""});
  }

  ScriptedH2Server server_;
  std::unique_ptr<Connection> connection_;
  EventLoop loop_;
};

TEST_F(H2ProtocolFaultsTest, RstStreamCodesMapToGrpcStatuses) {
  const std::pair<uint32_t, int> cases[] = {
      {0x0, kInternal},           // NO_ERROR before any response
      {0x1, kInternal},           // PROTOCOL_ERROR
      {0x2, kInternal},           // INTERNAL_ERROR
      {0x3, kInternal},           // FLOW_CONTROL_ERROR
      {0x7, kUnavailable},        // REFUSED_STREAM
      {0x8, kCancelled},          // CANCEL
      {0xb, kResourceExhausted},  // ENHANCE_YOUR_CALM
      {0xc, kPermissionDenied},   // INADEQUATE_SECURITY
  };
  for (const auto& [h2_code, grpc_code] : cases) {
    SCOPED_TRACE(h2_code);
    auto r = Call("/rst/" + std::to_string(h2_code));
    ASSERT_TRUE(r->closed);
    EXPECT_EQ(r->status.code, grpc_code) << r->status.message;
    EXPECT_NE(r->status.message.find("reset by the server"), std::string::npos)
        << r->status.message;
  }
  // The connection outlives its streams' resets.
  EXPECT_TRUE(connection_->accepting_streams());
}

TEST_F(H2ProtocolFaultsTest, HttpStatusWithoutGrpcStatusMapsLikeGrpc) {
  const std::pair<int, int> cases[] = {
      {400, kInternal},    {401, kUnauthenticated}, {403, kPermissionDenied}, {404, kUnimplemented},
      {429, kUnavailable}, {503, kUnavailable},     {500, kUnknown}};
  for (const auto& [http_status, grpc_code] : cases) {
    SCOPED_TRACE(http_status);
    auto r = Call("/http/" + std::to_string(http_status));
    ASSERT_TRUE(r->closed);
    EXPECT_EQ(r->status.code, grpc_code) << r->status.message;
  }
}

TEST_F(H2ProtocolFaultsTest, GrpcMessageIsPercentDecodedKeepingMalformedEscapes) {
  auto r = Call("/message");
  ASSERT_TRUE(r->closed);
  EXPECT_EQ(r->status.code, kUnknown);
  EXPECT_EQ(r->status.message, kScriptedGrpcMessageDecoded);
}

// A server that ends the call (trailers with END_STREAM) before this side half-closed and sends
// no RST_STREAM after them (nghttp2's servers, grpc-go's): the call is over with that status.
TEST_F(H2ProtocolFaultsTest, StatusBeforeTheHalfCloseEndsTheCallWithoutAServerReset) {
  Recorder r;
  const StreamHandle id =
      connection_->StartCall("/message", {}, Clock::now() + std::chrono::seconds(20), &r);
  ASSERT_TRUE(id.valid());
  connection_->Write(id, "never half-closed");
  ASSERT_TRUE(WaitForEnd(loop_, r));
  EXPECT_EQ(r.status.code, kUnknown) << r.status.message;  // not DEADLINE_EXCEEDED
  EXPECT_EQ(r.status.message, kScriptedGrpcMessageDecoded);
  EXPECT_EQ(connection_->open_streams(), 0u);
}

// The deadline reaches the server as grpc-timeout: the remaining time, never less, in gRPC's
// format (at most 8 digits and a unit); no deadline, no header.
TEST_F(H2ProtocolFaultsTest, DeadlineTravelsAsGrpcTimeout) {
  Recorder with_deadline;
  const auto start = Clock::now();
  ASSERT_TRUE(
      connection_->StartCall("/timeout", {}, start + std::chrono::seconds(3), &with_deadline)
          .valid());
  ASSERT_TRUE(WaitForEnd(loop_, with_deadline));
  ASSERT_EQ(with_deadline.status.code, kOk) << with_deadline.status.message;
  const std::string& header = with_deadline.status.message;
  ASSERT_GE(header.size(), 2u);
  ASSERT_LE(header.size(), 9u) << header;
  EXPECT_EQ(header.back(), 'u') << header;  // 3 s in microseconds is the finest that fits
  const int64_t value_us = std::stoll(header.substr(0, header.size() - 1));
  EXPECT_LE(value_us, 3'000'000);
  // Not shorter than what was left when the request was sent (after `start`).
  EXPECT_GE(value_us, std::chrono::duration_cast<std::chrono::microseconds>(
                          start + std::chrono::seconds(3) - Clock::now())
                          .count());

  Recorder none;
  ASSERT_TRUE(connection_->StartCall("/timeout", {}, Clock::time_point::max(), &none).valid());
  ASSERT_TRUE(WaitForEnd(loop_, none));
  EXPECT_EQ(none.status.message, "none");
}

// GOAWAY: streams at or below its last stream id finish; later ones end UNAVAILABLE (never
// processed), and the connection takes no new stream.
TEST_F(H2ProtocolFaultsTest, GoawayEndsLaterStreamsUnavailableAndStopsNewOnes) {
  Recorder first, second, trigger;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  ASSERT_TRUE(connection_->StartCall("/hold", {}, deadline, &first).valid());
  ASSERT_TRUE(connection_->StartCall("/hold", {}, deadline, &second).valid());
  ASSERT_TRUE(connection_->StartCall("/goaway", {}, deadline, &trigger).valid());
  ASSERT_TRUE(
      loop_.RunUntil([&] { return first.closed && second.closed && trigger.closed; }, deadline));
  EXPECT_EQ(first.status.code, kOk) << first.status.message;
  EXPECT_EQ(second.status.code, kUnavailable) << second.status.message;
  EXPECT_EQ(trigger.status.code, kUnavailable) << trigger.status.message;

  EXPECT_FALSE(connection_->accepting_streams());
  Recorder after;
  EXPECT_FALSE(connection_->StartCall("/message", {}, deadline, &after).valid());
  EXPECT_TRUE(after.closed);
  EXPECT_EQ(after.status.code, kUnavailable) << after.status.message;
}

}  // namespace
}  // namespace streambench::engines::h2
