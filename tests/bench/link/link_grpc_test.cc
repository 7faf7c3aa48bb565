// A gRPC call through the link emulator to a ReferenceServer: HTTP/2 works through the relay,
// and a unary call over a 20 ms RTT link takes at least 20 ms (a direct call, the control, takes
// far less).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "bench/link/link_emulator.h"
#include "common/crc32c.h"
#include "server/reference_server.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::link {
namespace {

v1::Request MakeRequest(size_t payload_bytes) {
  v1::Request request;
  request.set_seq(0);
  request.set_payload(std::string(payload_bytes, 'p'));
  request.set_payload_crc32c(Crc32c(request.payload()));
  return request;
}

TEST(LinkGrpcTest, UnaryCallThroughA20MsLinkTakesAtLeastTheRtt) {
  std::string error;
  auto server = ReferenceServer::Start(ServerOptions{}, &error);
  ASSERT_NE(server, nullptr) << error;
  LinkSpec spec;
  spec.rtt_us = 20'000;
  auto link = LinkEmulator::Start(spec, "127.0.0.1", server->port(), &error);
  ASSERT_NE(link, nullptr) << error;

  auto channel = grpc::CreateChannel(link->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  auto stub = v1::StreamBench::NewStub(channel);

  std::chrono::steady_clock::duration fastest_relayed = std::chrono::hours(1);
  for (size_t payload_bytes : {0, 1000}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::Response response;
    const auto start = std::chrono::steady_clock::now();
    const grpc::Status status = stub->Unary(&context, MakeRequest(payload_bytes), &response);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(elapsed, std::chrono::milliseconds(20)) << "payload " << payload_bytes;
    EXPECT_EQ(response.request_seq(), 0u);
    fastest_relayed = std::min(fastest_relayed, elapsed);
  }

  // The control: the same call without the relay is much quicker, so the time is the link's.
  auto direct_channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto direct = v1::StreamBench::NewStub(direct_channel);
  std::chrono::steady_clock::duration fastest_direct = std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::Response response;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(direct->Unary(&context, MakeRequest(0), &response).ok());
    fastest_direct = std::min(fastest_direct, std::chrono::steady_clock::now() - start);
  }
  EXPECT_LT(fastest_direct, fastest_relayed / 2);
  const LinkEmulator::Stats stats = link->stats();
  EXPECT_EQ(stats.connections, 1u);
  EXPECT_GT(stats.bytes_up, 1000u);
  EXPECT_GT(stats.bytes_down, 0u);
}

}  // namespace
}  // namespace streambench::link
