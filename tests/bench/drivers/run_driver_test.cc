// One driver per run: two runs of a fan-out workload at once against one loopback reference
// server, each with its own DriverContext and RunDriver, keep their worlds (chat members and
// rooms, publishers and subscribers, what each sent) apart: each run's counts are exactly its
// own, with nothing lost, duplicated or crossed over.
#include "bench/drivers/run_driver.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/drivers/driver_registry.h"
#include "bench/scenario/scenario_loader.h"
#include "bench/stats/recorder.h"
#include "common/clock.h"
#include "server/reference_server.h"
#include "tests/bench/drivers/driver_test_support.h"

namespace streambench::drivers {
namespace {

// A fan-out workload over 2 slots: its scenario, its streams, and how many receivers every
// message sent reaches.
struct Workload {
  const char* name;
  const char* yaml;
  uint64_t streams;
  uint64_t receivers_per_message;
};
// 2 rooms x 3 members: each message reaches the 2 other members of its room.
constexpr Workload kChat = {"Chat", R"(name: chat
mode: chat
connections: 2
streams_per_connection: 1
chat: {rooms: 2, members_per_room: 3, message_rate: 100/s, message_size: 32B}
duration: 1s
)",
                            6, 2};
// 1 topic, 1 publisher, 2 subscribers: each event reaches both subscribers.
constexpr Workload kPubSub = {"PubSub", R"(name: pubsub
mode: subscribe
connections: 2
streams_per_connection: 1
pubsub: {topics: 1, subscribers: 2, publishers: 1, publish_rate: 100/s, event_size: 32B}
duration: 1s
)",
                              3, 2};

using testing::LoadFirstRun;
using testing::WaitFor;

// One run: its scenario, recorders, context, driver and slots.
struct TestRun {
  TestRun(const Workload& workload, const std::shared_ptr<engines::Channel>& channel)
      : scenario(LoadFirstRun(workload.yaml)), dc(scenario, registry, SteadyClock::Get()) {
    std::string error;
    driver = MakeRunDriver(dc, &error);
    EXPECT_NE(driver, nullptr) << error;
    if (driver == nullptr) return;
    for (int i = 0; i < 2; ++i) {
      slots.push_back(driver->MakeSlot(i, channel, &error));
      EXPECT_NE(slots.back(), nullptr) << error;
    }
  }
  stats::Snapshot Snapshot() const { return registry.TakeSnapshot(0); }
  void Submit(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) slots[i % slots.size()]->Submit(dc.clock().NowNs());
  }
  void Stop() {
    dc.SetStopping();
    for (auto& slot : slots) slot->Stop();
  }

  scenario::Scenario scenario;
  stats::RecorderRegistry registry;
  DriverContext dc;
  std::unique_ptr<RunDriver> driver;
  std::vector<std::unique_ptr<Slot>> slots;
};

class RunDriverTest : public ::testing::TestWithParam<Workload> {};

TEST_P(RunDriverTest, TwoRunsAtOnceDoNotShareState) {
  const Workload& workload = GetParam();
  std::string error;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  std::unique_ptr<ReferenceServer> server = ReferenceServer::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;
  const testing::TestChannel test_channel =
      testing::MakeTestChannel(server->address(), streambench::testing::TestEngineKind());

  TestRun a(workload, test_channel.channel), b(workload, test_channel.channel);
  ASSERT_EQ(a.slots.size(), 2u);
  ASSERT_EQ(b.slots.size(), 2u);
  for (auto& slot : a.slots) slot->Start();
  for (auto& slot : b.slots) slot->Start();
  // Different counts, so a message of one run delivered in the other would show.
  constexpr uint64_t kSentA = 30, kSentB = 12;
  const uint64_t fan_out = workload.receivers_per_message;
  a.Submit(kSentA);
  b.Submit(kSentB);
  // A chat member's operations wait until its room is complete; stop once all were delivered.
  WaitFor("run a's deliveries",
          [&] { return a.Snapshot().counters.messages_received >= kSentA * fan_out; });
  WaitFor("run b's deliveries",
          [&] { return b.Snapshot().counters.messages_received >= kSentB * fan_out; });
  a.Stop();
  b.Stop();
  WaitFor("both runs to drain",
          [&] { return a.dc.active_calls() == 0 && b.dc.active_calls() == 0; });

  for (const TestRun* run : {&a, &b}) {
    const uint64_t sent = run == &a ? kSentA : kSentB;
    SCOPED_TRACE(run == &a ? "run a" : "run b");
    const stats::Snapshot snap = run->Snapshot();
    EXPECT_EQ(snap.counters.messages_sent, sent);
    EXPECT_EQ(snap.counters.messages_received, sent * fan_out);
    EXPECT_EQ(snap.counters.calls_started, workload.streams);
    EXPECT_EQ(snap.counters.calls_by_code[0], workload.streams) << "every stream ends OK";
    EXPECT_EQ(snap.counters.integrity.Total(), 0u);
    EXPECT_EQ(run->dc.dropped_ops(), 0u);
  }
  server->Shutdown();
}

INSTANTIATE_TEST_SUITE_P(FanOutWorkloads, RunDriverTest, ::testing::Values(kChat, kPubSub),
                         [](const ::testing::TestParamInfo<Workload>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace streambench::drivers
