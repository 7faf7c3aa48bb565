// The reference server under abuse, in process over loopback:
// - 10,000 concurrent bidi streams from one client (10 connections x 1000 streams) against
//   max_concurrent_streams 100 per connection: HTTP/2 holds the excess (or the server refuses it
//   cleanly), the server never has more than 10 x 100 calls, nothing crashes, memory stays bounded;
// - clients that vanish mid-stream (2000 streams cancelled, then every channel closed): the
//   server's live calls return to 0 and the process's resident memory returns near its baseline;
// - a message above the receive size limit gets RESOURCE_EXHAUSTED;
// - a request asking for more than the server's caps gets INVALID_ARGUMENT.
// Memory is read from /proc/self/status (VmRSS) for the whole process (client and server), after
// malloc_trim so that memory the allocator merely caches is not mistaken for a leak; bounds are
// generous. Every wait is bounded; the whole test takes well under 60 s.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/streambench_service.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using v1::Request;
using v1::Response;

constexpr int kConnections = 10;
constexpr int kStreamsPerConnection = 1000;
constexpr uint32_t kMaxConcurrentStreams = 100;
constexpr uint64_t kMaxReceiveBytes = 64 * 1024;

int64_t RssKiB() {
  malloc_trim(0);
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// A stub on a connection of its own: distinct channel arguments and a local subchannel pool, so
// gRPC does not put every stub on one shared TCP connection.
std::unique_ptr<v1::StreamBench::Stub> StubOnOwnConnection(const std::string& address, int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("streambench.abuse_test.connection", index);
  return v1::StreamBench::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

struct StreamCounts {
  std::atomic<int> echoed{0};  // streams whose first request came back (i.e. admitted)
  std::atomic<int> done{0};
  std::atomic<int> done_ok{0};
  std::atomic<int> done_cancelled{0};
  std::atomic<int> done_refused{0};  // UNAVAILABLE / RESOURCE_EXHAUSTED: refused cleanly
  std::atomic<int> done_other{0};
};

// One bidi stream that sends one request, reads its echo, then stays open until cancelled.
class HeldStream final : public grpc::ClientBidiReactor<Request, Response> {
 public:
  HeldStream(v1::StreamBench::Stub* stub, StreamCounts& counts, uint64_t seq) : counts_(counts) {
    request_ = testing::MakeRequest(seq, 64);
    stub->async()->Bidi(&context_, this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }
  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (ok) counts_.echoed.fetch_add(1);
  }
  void OnDone(const grpc::Status& status) override {
    switch (status.error_code()) {
      case grpc::StatusCode::OK:
        counts_.done_ok.fetch_add(1);
        break;
      case grpc::StatusCode::CANCELLED:
        counts_.done_cancelled.fetch_add(1);
        break;
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
        counts_.done_refused.fetch_add(1);
        break;
      default:
        counts_.done_other.fetch_add(1);
        std::cerr << "unexpected status " << status.error_code() << " " << status.error_message()
                  << "\n";
    }
    counts_.done.fetch_add(1);  // last: the owner may delete this once all are done
  }

 private:
  StreamCounts& counts_;
  grpc::ClientContext context_;
  Request request_;
  Response response_;
};

class AbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.transport.max_concurrent_streams = kMaxConcurrentStreams;
    options.transport.max_receive_message_bytes = kMaxReceiveBytes;
    options.caps.max_response_bytes = 1 << 20;
    options.caps.max_response_count = 1000;
    options.shutdown_grace_us = 0;
    server_ = testing::StartServer(options);
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<ReferenceServer> server_;
};

TEST_F(AbuseTest, TenThousandStreamsAreHeldAtTheLimitAndVanishingClientsLeakNothing) {
  // Baseline after one call, so gRPC's one-time setup is in it.
  {
    auto stub = testing::MakeStub(server_->address());
    grpc::ClientContext ctx;
    Response response;
    ASSERT_TRUE(stub->Unary(&ctx, testing::MakeRequest(0, 64), &response).ok());
  }
  ASSERT_TRUE(server_->streambench_service().live_calls().WaitUntilIdle(std::chrono::seconds(10)));
  const int64_t baseline_kib = RssKiB();

  StreamCounts counts;
  std::vector<std::unique_ptr<v1::StreamBench::Stub>> stubs;
  std::vector<std::unique_ptr<HeldStream>> streams;
  for (int c = 0; c < kConnections; ++c) {
    stubs.push_back(StubOnOwnConnection(server_->address(), c));
    for (int s = 0; s < kStreamsPerConnection; ++s) {
      streams.push_back(std::make_unique<HeldStream>(stubs.back().get(), counts,
                                                     static_cast<uint64_t>(streams.size())));
    }
  }
  const int max_admitted = kConnections * static_cast<int>(kMaxConcurrentStreams);
  // Every connection fills its 100 streams; the other 9,000 wait in HTTP/2 (or are refused).
  EXPECT_TRUE(testing::WaitFor(
      [&] { return counts.echoed.load() + counts.done_refused.load() >= max_admitted; },
      std::chrono::seconds(30)))
      << "echoed " << counts.echoed.load() << ", refused " << counts.done_refused.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // would-be excess shows up now
  const int64_t live_at_peak = server_->streambench_service().live_calls().count();
  const int64_t held_kib = RssKiB();
  std::cerr << "10000 streams: echoed " << counts.echoed.load() << ", server live calls "
            << live_at_peak << ", refused " << counts.done_refused.load() << ", RSS baseline "
            << baseline_kib / 1024 << " MiB, with streams " << held_kib / 1024 << " MiB\n";
  EXPECT_LE(counts.echoed.load(), max_admitted) << "never more than the limit per connection";
  EXPECT_LE(live_at_peak, max_admitted);
  EXPECT_EQ(counts.done_other.load(), 0) << "held or refused cleanly, nothing else";
  EXPECT_EQ(counts.done_ok.load(), 0);
  // Bounded: 10,000 streams (client and server side together) in well under 1 GiB.
  EXPECT_LT(held_kib - baseline_kib, 1024 * 1024);

  // 2000 clients vanish mid-stream (every stream of the first two connections).
  for (size_t i = 0; i < 2 * static_cast<size_t>(kStreamsPerConnection); ++i) streams[i]->Cancel();
  EXPECT_TRUE(
      testing::WaitFor([&] { return counts.done.load() >= 2000; }, std::chrono::seconds(20)));
  // The next queued streams take the freed places? No: those connections' streams are all gone,
  // so the server holds at most the other 8 connections' 800.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        return server_->streambench_service().live_calls().count() <= 8 * kMaxConcurrentStreams;
      },
      std::chrono::seconds(20)))
      << server_->streambench_service().live_calls().count();

  // Then every other client vanishes too: channels closed with streams still open.
  for (auto& s : streams) s->Cancel();
  EXPECT_TRUE(
      testing::WaitFor([&] { return counts.done.load() == static_cast<int>(streams.size()); },
                       std::chrono::seconds(30)))
      << counts.done.load();
  streams.clear();
  stubs.clear();
  EXPECT_TRUE(server_->streambench_service().live_calls().WaitUntilIdle(std::chrono::seconds(20)))
      << "server live calls " << server_->streambench_service().live_calls().count();
  EXPECT_EQ(server_->streambench_service().live_calls().count(), 0);
  // Still serving.
  {
    auto stub = testing::MakeStub(server_->address());
    grpc::ClientContext ctx;
    Response response;
    EXPECT_TRUE(stub->Unary(&ctx, testing::MakeRequest(1, 64), &response).ok());
  }

  // The memory comes back (connections close asynchronously: give it a moment). Under
  // AddressSanitizer freed memory sits in its quarantine and RSS cannot return: there this check
  // is reported as skipped (an expected skip of CI's sanitizer stage), and the sanitizer's leak
  // check at exit stands in for it.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "RSS check: AddressSanitizer keeps freed memory in its quarantine (every other "
                  "check of this test ran)";
#else
  int64_t after_kib = RssKiB();
  const int64_t limit_kib = std::max<int64_t>(50 * 1024, baseline_kib / 5);
  testing::WaitFor(
      [&] {
        after_kib = RssKiB();
        return after_kib - baseline_kib <= limit_kib;
      },
      std::chrono::seconds(10));
  std::cerr << "after the clients vanished: RSS " << after_kib / 1024 << " MiB (baseline "
            << baseline_kib / 1024 << " MiB, peak " << held_kib / 1024 << " MiB)\n";
  EXPECT_LE(after_kib - baseline_kib, limit_kib);
#endif
}

TEST_F(AbuseTest, MessageAboveTheReceiveLimitIsResourceExhausted) {
  auto stub = testing::MakeStub(server_->address());
  {
    grpc::ClientContext ctx;
    Response response;
    const grpc::Status status =
        stub->Unary(&ctx, testing::MakeRequest(0, kMaxReceiveBytes + 1024), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  }
  {
    // On a stream: the first message fits, the second does not.
    grpc::ClientContext ctx;
    auto stream = stub->Bidi(&ctx);
    Response response;
    ASSERT_TRUE(stream->Write(testing::MakeRequest(0, 1024)));
    ASSERT_TRUE(stream->Read(&response));
    stream->Write(testing::MakeRequest(1, 4 * kMaxReceiveBytes));
    stream->WritesDone();
    const grpc::Status status = testing::DrainAndFinish(*stream, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  }
  // Just under the limit is fine.
  grpc::ClientContext ctx;
  Response response;
  EXPECT_TRUE(stub->Unary(&ctx, testing::MakeRequest(0, kMaxReceiveBytes - 1024), &response).ok());
}

TEST_F(AbuseTest, RequestsAboveTheCapsAreInvalidArgument) {
  auto stub = testing::MakeStub(server_->address());
  v1::Behavior big_response;
  big_response.set_response_size_bytes(2 << 20);  // cap: 1 MiB
  v1::Behavior many_responses;
  many_responses.set_response_count(1'000'000);  // cap: 1000
  v1::Behavior long_delay;
  long_delay.set_response_delay_us(7'200'000'000);  // cap: 1 h
  for (const v1::Behavior& behavior : {big_response, many_responses, long_delay}) {
    SCOPED_TRACE(behavior.ShortDebugString());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = stub->ServerStream(&ctx, testing::MakeRequest(0, 64, behavior));
    Response response;
    int received = 0;
    while (reader->Read(&response)) ++received;
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(received, 0) << "refused up front, nothing streamed";
  }
  EXPECT_TRUE(server_->streambench_service().live_calls().WaitUntilIdle(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace streambench
