#include "bench/stats/recorder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace streambench::stats {
namespace {

TEST(LatencyNameTest, NamesEveryKind) {
  std::set<std::string> names;
  for (int i = 0; i < static_cast<int>(Latency::kCount); ++i) {
    names.insert(LatencyName(static_cast<Latency>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(Latency::kCount));
  EXPECT_STREQ(LatencyName(Latency::kMessage), "message");
  EXPECT_STREQ(LatencyName(Latency::kCall), "call");
  EXPECT_STREQ(LatencyName(Latency::kScheduleLag), "schedule_lag");
}

TEST(RecorderTest, MergeIntoAddsEverything) {
  RecorderRegistry registry;
  Recorder& r = registry.ForCurrentThread();
  r.RecordLatencyNs(Latency::kMessage, 1000);
  r.RecordLatencyNs(Latency::kMessage, 3000);
  r.RecordLatencyNs(Latency::kCall, 50'000);
  r.AddSent(3, 300);
  r.AddReceived(2, 200);
  r.AddCallStarted();
  r.AddCallStarted();
  r.AddCallFinished(0);
  r.AddCallFinished(14);
  r.AddCallFinished(99);  // out of range -> UNKNOWN
  r.AddCallFinished(-1);  // out of range -> UNKNOWN
  r.AddIntegrity(IntegrityCounts{1, 2, 3, 4});

  const Snapshot s = registry.TakeSnapshot(12345);
  EXPECT_EQ(s.taken_at_ns, 12345);
  EXPECT_EQ(s.Get(Latency::kMessage).Count(), 2u);
  EXPECT_EQ(s.Get(Latency::kMessage).MaxNs(), 3000);
  EXPECT_EQ(s.Get(Latency::kCall).Count(), 1u);
  EXPECT_EQ(s.Get(Latency::kScheduleLag).Count(), 0u);
  EXPECT_EQ(s.counters.messages_sent, 3u);
  EXPECT_EQ(s.counters.bytes_sent, 300u);
  EXPECT_EQ(s.counters.messages_received, 2u);
  EXPECT_EQ(s.counters.bytes_received, 200u);
  EXPECT_EQ(s.counters.calls_started, 2u);
  EXPECT_EQ(s.counters.calls_by_code[0], 1u);
  EXPECT_EQ(s.counters.calls_by_code[14], 1u);
  EXPECT_EQ(s.counters.calls_by_code[2], 2u);
  EXPECT_EQ(s.counters.CallsFinished(), 4u);
  EXPECT_EQ(s.counters.integrity.lost, 1u);
  EXPECT_EQ(s.counters.integrity.duplicated, 2u);
  EXPECT_EQ(s.counters.integrity.reordered, 3u);
  EXPECT_EQ(s.counters.integrity.corrupted, 4u);
  EXPECT_EQ(s.counters.integrity.Total(), 10u);
}

TEST(RecorderRegistryTest, TakeSnapshotIntoReplacesWhatTheSnapshotHeld) {
  RecorderRegistry registry;
  Recorder& r = registry.ForCurrentThread();
  r.RecordLatencyNs(Latency::kMessage, 1000);
  r.AddSent(1, 64);
  r.RecordSendQueueDepth(3);
  Snapshot reused = registry.TakeSnapshot(1);
  reused.latency[static_cast<int>(Latency::kCall)].Record(777);  // stale content to be replaced

  r.RecordLatencyNs(Latency::kMessage, 5000);
  r.AddSent(2, 128);
  registry.TakeSnapshotInto(2, &reused);
  const Snapshot fresh = registry.TakeSnapshot(2);
  EXPECT_EQ(reused.taken_at_ns, 2);
  EXPECT_EQ(reused.counters.messages_sent, 3u);
  EXPECT_EQ(reused.counters.bytes_sent, 192u);
  EXPECT_EQ(reused.counters.messages_sent, fresh.counters.messages_sent);
  EXPECT_EQ(reused.Get(Latency::kMessage).Count(), 2u);
  EXPECT_EQ(reused.Get(Latency::kMessage).MaxNs(), fresh.Get(Latency::kMessage).MaxNs());
  EXPECT_EQ(reused.Get(Latency::kCall).Count(), 0u) << "nothing left of the old content";
  EXPECT_EQ(reused.send_queue_depth.Count(), 1u);
}

TEST(RecorderRegistryTest, SameThreadGetsSameRecorder) {
  RecorderRegistry registry;
  Recorder* a = &registry.ForCurrentThread();
  Recorder* b = &registry.ForCurrentThread();
  EXPECT_EQ(a, b);
  EXPECT_EQ(registry.RecorderCount(), 1u);
}

TEST(RecorderRegistryTest, ThreadsGetTheirOwnRecordersAndSnapshotIsExact) {
  RecorderRegistry registry;
  constexpr int kThreads = 8;
  constexpr int kRecords = 20'000;
  std::vector<std::thread> threads;
  std::atomic<int> started{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      started.fetch_add(1);
      for (int i = 0; i < kRecords; ++i) {
        Recorder& r = registry.ForCurrentThread();
        r.RecordLatencyNs(Latency::kMessage, 1000 + t);
        r.AddSent(1, 64);
        if (i % 100 == 0) r.AddCallFinished(0);
      }
    });
  }
  // Snapshots while the threads record never see more than the final totals and never go back.
  uint64_t last = 0;
  for (int i = 0; i < 50; ++i) {
    const Snapshot s = registry.TakeSnapshot(i);
    const uint64_t count = s.Get(Latency::kMessage).Count();
    EXPECT_GE(count, last);
    EXPECT_LE(count, static_cast<uint64_t>(kThreads) * kRecords);
    last = count;
  }
  for (auto& th : threads) th.join();
  const Snapshot s = registry.TakeSnapshot(0);
  EXPECT_EQ(registry.RecorderCount(), static_cast<size_t>(kThreads));
  EXPECT_EQ(s.Get(Latency::kMessage).Count(), static_cast<uint64_t>(kThreads) * kRecords);
  EXPECT_EQ(s.Get(Latency::kMessage).MinNs(), 1000);
  EXPECT_EQ(s.Get(Latency::kMessage).MaxNs(), 1000 + kThreads - 1);
  EXPECT_EQ(s.counters.messages_sent, static_cast<uint64_t>(kThreads) * kRecords);
  EXPECT_EQ(s.counters.bytes_sent, static_cast<uint64_t>(kThreads) * kRecords * 64);
  EXPECT_EQ(s.counters.calls_by_code[0], static_cast<uint64_t>(kThreads) * (kRecords / 100));
}

TEST(RecorderRegistryTest, NewRegistryIsNotConfusedWithAnOldOne) {
  // Many registries created and destroyed in turn (likely reusing the same address): each must
  // start empty and get its own recorder, never the cached pointer of a destroyed one.
  for (int round = 0; round < 20; ++round) {
    auto registry = std::make_unique<RecorderRegistry>();
    const Snapshot empty = registry->TakeSnapshot(0);
    EXPECT_EQ(empty.counters.messages_sent, 0u);
    EXPECT_EQ(registry->RecorderCount(), 0u);
    registry->ForCurrentThread().AddSent(1, 10);
    EXPECT_EQ(registry->RecorderCount(), 1u);
    EXPECT_EQ(registry->TakeSnapshot(0).counters.messages_sent, 1u);
  }
}

TEST(RecorderRegistryTest, AlternatingBetweenRegistriesKeepsOneRecorderEach) {
  RecorderRegistry a, b, c, d, e;
  RecorderRegistry* all[] = {&a, &b, &c, &d, &e};  // more than the thread-local cache holds
  for (int i = 0; i < 100; ++i) {
    for (RecorderRegistry* r : all) r->ForCurrentThread().AddSent(1, 1);
  }
  for (RecorderRegistry* r : all) {
    EXPECT_EQ(r->RecorderCount(), 1u);
    EXPECT_EQ(r->TakeSnapshot(0).counters.messages_sent, 100u);
  }
}

TEST(SnapshotTest, SubtractGivesTheInterval) {
  RecorderRegistry registry;
  Recorder& r = registry.ForCurrentThread();
  r.RecordLatencyNs(Latency::kMessage, 1'000);
  r.AddSent(10, 1000);
  r.AddReceived(9, 900);
  r.AddCallStarted();
  r.AddCallFinished(4);
  r.AddIntegrity(IntegrityCounts{1, 0, 0, 0});
  const Snapshot warmup = registry.TakeSnapshot(100);

  r.RecordLatencyNs(Latency::kMessage, 5'000);
  r.RecordLatencyNs(Latency::kMessage, 6'000);
  r.AddSent(5, 500);
  r.AddCallFinished(4);
  r.AddCallFinished(0);
  r.AddIntegrity(IntegrityCounts{0, 2, 0, 0});
  Snapshot measured = registry.TakeSnapshot(200);
  measured.Subtract(warmup);

  EXPECT_EQ(measured.taken_at_ns, 200);
  EXPECT_EQ(measured.Get(Latency::kMessage).Count(), 2u);
  EXPECT_EQ(measured.Get(Latency::kMessage).MaxNs(), 6'000);
  EXPECT_GE(measured.Get(Latency::kMessage).MinNs(), 4'970);  // bucket-bounded, not 1'000
  EXPECT_EQ(measured.Get(Latency::kMessage).SumNs(), 11'000u);
  EXPECT_EQ(measured.counters.messages_sent, 5u);
  EXPECT_EQ(measured.counters.bytes_sent, 500u);
  EXPECT_EQ(measured.counters.messages_received, 0u);
  EXPECT_EQ(measured.counters.calls_started, 0u);
  EXPECT_EQ(measured.counters.calls_by_code[4], 1u);
  EXPECT_EQ(measured.counters.calls_by_code[0], 1u);
  EXPECT_EQ(measured.counters.CallsFinished(), 2u);
  EXPECT_EQ(measured.counters.integrity.lost, 0u);
  EXPECT_EQ(measured.counters.integrity.duplicated, 2u);
}

}  // namespace
}  // namespace streambench::stats
