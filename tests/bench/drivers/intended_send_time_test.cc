// Every driver measures latency from the intended send time, not from the actual send: the
// situation of an open-loop worker that fell behind its schedule. Each driver (every service and
// mode of the registry) runs against a loopback reference server with a real DriverContext, and
// every operation is submitted with an intended time kBehindNs in the past. The latencies the mode
// defines from the intended time must then all include kBehindNs; measured from the actual send
// (or from anything else that happened in this test, which waits at most 10 s for anything) they
// would be far below it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/drivers/driver_registry.h"
#include "bench/drivers/run_driver.h"
#include "bench/scenario/scenario_loader.h"
#include "bench/stats/recorder.h"
#include "common/clock.h"
#include "server/reference_server.h"
#include "tests/bench/drivers/driver_test_support.h"

namespace streambench::drivers {
namespace {

using stats::Latency;

// How far behind its schedule the worker is: every operation's intended time is this long before
// its submission. Longer than the test's longest wait, so no actual-send latency reaches it.
constexpr int64_t kBehindNs = 30'000'000'000;
constexpr uint64_t kOperations = 6;

// One driver: its scenario (one slot, open loop), what each operation sends and receives when it
// is done, and the latencies that the mode measures from the intended send time.
struct DriverCase {
  const char* name;
  std::string yaml;  // appended to kCommon
  uint64_t sent_per_operation;
  uint64_t received_per_operation;
  std::vector<Latency> from_intended;
};

// clang-format off
constexpr char kCommon[] = R"yaml(name: behind
connections: 1
streams_per_connection: 1
duration: 1s
)yaml";
// clang-format on
// The open-loop schedule of the modes whose rate is the load's (subscribe and chat give theirs).
constexpr char kOpenLoop[] = "load: {type: constant, rate: 100/s}\n";
// The reference server's own service as a named method with its descriptors by reflection.
constexpr char kAnyService[] = "service: streambench.v1.StreamBench\nproto: {reflection: true}\n";
constexpr char kSeqRequest[] = "request: {json: {seq: \"{{seq}}\"}}\n";

void PrintTo(const DriverCase& c, std::ostream* os) { *os << c.name; }

const std::vector<DriverCase>& Cases() {
  // Per design.md: unary = the call (also its message); server_stream = each message and the
  // first one, and the call; client_stream = each write's completion; bidi echo = request ->
  // echo; a transfer = the whole call (a download's first chunk too); subscribe and chat = send ->
  // delivery. Stream modes time the stream's call and first response from the stream's start,
  // and a client stream's final response from its half-close, so those are not listed.
  static const std::vector<DriverCase> kCases = {
      {"V1Unary",
       std::string(kOpenLoop) + "mode: unary\n",
       1,
       1,
       {Latency::kCall, Latency::kMessage}},
      {"V1ServerStream",
       std::string(kOpenLoop) + "mode: server_stream\nserver_behavior: {response_count: 3}\n",
       1,
       3,
       {Latency::kCall, Latency::kMessage, Latency::kFirstMessage}},
      {"V1ClientStream",
       std::string(kOpenLoop) + "mode: client_stream\n",
       1,
       0,
       {Latency::kMessage}},
      {"V1BidiEcho",
       std::string(kOpenLoop) + "mode: bidi\nserver_behavior: {bidi: echo}\n",
       1,
       1,
       {Latency::kMessage}},
      {"BenchmarkUnary",
       std::string(kOpenLoop) + "service: grpc.testing.BenchmarkService\nmode: unary\n",
       1,
       1,
       {Latency::kCall, Latency::kMessage}},
      {"BenchmarkServerStream",
       std::string(kOpenLoop) + "service: grpc.testing.BenchmarkService\nmode: server_stream\n"
                                "server_behavior: {response_count: 3}\n",
       1,
       3,
       {Latency::kCall, Latency::kMessage, Latency::kFirstMessage}},
      {"BenchmarkClientStream",
       std::string(kOpenLoop) + "service: grpc.testing.BenchmarkService\nmode: client_stream\n",
       1,
       0,
       {Latency::kMessage}},
      {"BenchmarkPingPong",
       std::string(kOpenLoop) + "service: grpc.testing.BenchmarkService\nmode: bidi\n",
       1,
       1,
       {Latency::kMessage}},
      // 4 chunks per file; an upload counts its chunks sent and its response received, a download
      // its request sent and its chunks received.
      {"Upload",
       std::string(kOpenLoop) + "mode: upload\nworkload: {file_size: 64KiB, chunk_size: 16KiB}\n",
       4,
       1,
       {Latency::kCall}},
      {"Download",
       std::string(kOpenLoop) + "mode: download\nworkload: {file_size: 64KiB, chunk_size: 16KiB}\n",
       1,
       4,
       {Latency::kCall, Latency::kFirstMessage}},
      // One publisher and one subscriber: each event is delivered once.
      {"Subscribe",
       "mode: subscribe\npubsub: {topics: 1, subscribers: 1, publishers: 1, "
       "publish_rate: 100/s, event_size: 32B}\n",
       1,
       1,
       {Latency::kMessage}},
      // One room of two: each message reaches the other member.
      {"Chat",
       "mode: chat\nchat: {rooms: 1, members_per_room: 2, message_rate: 100/s, "
       "message_size: 32B}\n",
       1,
       1,
       {Latency::kMessage}},
      // A named method of any service, its descriptors by reflection from the reference server
      // (which registers it): streambench.v1 driven as if it were a stranger's.
      {"AnyServiceUnary",
       std::string(kOpenLoop) + kAnyService + kSeqRequest + "method: Unary\nmode: unary\n",
       1,
       1,
       {Latency::kCall, Latency::kMessage}},
      {"AnyServiceServerStream",
       std::string(kOpenLoop) + kAnyService +
           "method: ServerStream\nmode: server_stream\n"
           "request: {json: {behavior: {response_count: 3}}}\n",
       1,
       3,
       {Latency::kCall, Latency::kMessage, Latency::kFirstMessage}},
      {"AnyServiceClientStream",
       std::string(kOpenLoop) + kAnyService + kSeqRequest +
           "method: ClientStream\nmode: client_stream\n",
       1,
       0,
       {Latency::kMessage}},
      {"AnyServiceBidi",
       std::string(kOpenLoop) + kAnyService + kSeqRequest +
           "method: Bidi\nmode: bidi\nresponse: {pairing: one_per_request}\n",
       1,
       1,
       {Latency::kMessage}},
  };
  return kCases;
}

using testing::LoadFirstRun;
using testing::WaitFor;

class IntendedSendTimeTest : public ::testing::TestWithParam<DriverCase> {};

TEST_P(IntendedSendTimeTest, LatencyIncludesHowFarBehindScheduleTheSendWas) {
  const DriverCase& c = GetParam();
  std::string error;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  std::unique_ptr<ReferenceServer> server = ReferenceServer::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;

  const scenario::Scenario scenario = LoadFirstRun(std::string(kCommon) + c.yaml);
  stats::RecorderRegistry registry;
  const Clock& clock = SteadyClock::Get();
  DriverContext dc(scenario, registry, clock);
  ASSERT_TRUE(dc.open_loop());
  std::unique_ptr<RunDriver> driver = MakeRunDriver(dc, &error);
  ASSERT_NE(driver, nullptr) << error;
  const testing::TestChannel test_channel =
      testing::MakeTestChannel(server->address(), scenario.engine);
  ASSERT_EQ(driver->Prepare(test_channel.prepare_channel, server->address(), &error),
            RunDriver::PrepareStatus::kReady)
      << error;
  std::unique_ptr<Slot> slot = driver->MakeSlot(0, test_channel.channel, &error);
  ASSERT_NE(slot, nullptr) << error;

  slot->Start();
  for (uint64_t i = 0; i < kOperations; ++i) slot->Submit(clock.NowNs() - kBehindNs);
  // Every operation done before the stop: a stream half-closes at the stop without writing what
  // is still queued.
  WaitFor("every operation", [&] {
    const stats::Counters counters = registry.TakeSnapshot(0).counters;
    return counters.messages_sent >= kOperations * c.sent_per_operation &&
           counters.messages_received >= kOperations * c.received_per_operation;
  });
  dc.SetStopping();
  slot->Stop();
  WaitFor("the calls to end", [&] { return dc.active_calls() == 0; });

  const stats::Snapshot snap = registry.TakeSnapshot(0);
  EXPECT_EQ(snap.counters.calls_by_code[0], snap.counters.calls_started) << "every call ends OK";
  EXPECT_EQ(snap.counters.integrity.Total(), 0u);
  EXPECT_EQ(dc.dropped_ops(), 0u);
  // The premise: the sends did start kBehindNs late.
  EXPECT_EQ(snap.Get(Latency::kScheduleLag).Count(), kOperations);
  EXPECT_GE(snap.Get(Latency::kScheduleLag).MinNs(), kBehindNs);
  for (Latency kind : c.from_intended) {
    SCOPED_TRACE(stats::LatencyName(kind));
    const auto& latency = snap.Get(kind);
    EXPECT_GE(latency.Count(), kOperations);
    // MinNs is exact (not bucketed): every sample includes the time the send was behind.
    EXPECT_GE(latency.MinNs(), kBehindNs)
        << "measured from the actual send, not the intended one: min " << latency.MinNs()
        << " ns, max " << latency.MaxNs() << " ns";
  }
  slot.reset();
  server->Shutdown();
}

// A driver added to the registry without a case here would go unproven.
TEST(IntendedSendTimeCoverageTest, EveryRegisteredDriverHasACase) {
  for (const DriverRegistration& registered : RegisteredDrivers()) {
    bool covered = false;
    for (const DriverCase& c : Cases()) {
      const scenario::Scenario s = LoadFirstRun(std::string(kCommon) + c.yaml);
      covered = covered || (s.target.service == registered.service && s.mode == registered.mode);
    }
    EXPECT_TRUE(covered) << "no case for mode " << scenario::ModeName(registered.mode)
                         << " of service #" << static_cast<int>(registered.service);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryDriver, IntendedSendTimeTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<DriverCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace streambench::drivers
