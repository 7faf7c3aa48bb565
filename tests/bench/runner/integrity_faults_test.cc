// Integrity fault injection end to end: the real generator (RunController) against a real
// reference server on an ephemeral loopback port whose requests ask for
// server_behavior.integrity_faults. Every-Nth faults are deterministic per stream, so each test
// knows how many faults of each kind every stream carries, and checks that the client counted
// exactly those, and that the server's streambench_server_injected_integrity_faults_total agrees.
// Runs are short (1 s, no warm-up), so every message is accounted for after the drain.
#include "server/integrity_faults.h"

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <string>

#include "bench/runner/run_controller.h"
#include "bench/stats/integrity.h"
#include "server/reference_server.h"
#include "server/streambench_service.h"
#include "server/workloads/workloads_service.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

// In a stream of 20 messages, counted from 1: drop 5, 10, 15, 20 (the last one too: the client
// knows 20 are owed); duplicate 6, 12, 18; hold back 7 (sent after 8) and 14 (15 is dropped, so
// after 16); corrupt 11. No message is hit twice, so every stream of 20 carries exactly these.
constexpr char kFaults[] =
    "integrity_faults: {drop: every 5, duplicate: every 6, reorder: every 7, corrupt: every 11}";
constexpr uint64_t kMessages = 20;
constexpr uint64_t kDropped = 4, kDuplicated = 3, kReordered = 2, kCorrupted = 1;
constexpr uint64_t kReceivedPerStream = kMessages - kDropped + kDuplicated;

// The faults kFaults puts in one stream of `messages` messages (one sequence), counted from 1:
// the first of every 5th (drop), 6th (duplicate), 7th (reorder), 11th (corrupt) that divides n
// (30 is dropped, not duplicated); a 7th is held back only when nothing is held (else it goes out
// as it is), and counted reordered when a message is sent behind it; one still held at the end
// goes out in order, uncounted.
stats::IntegrityCounts FaultsInStream(uint64_t messages) {
  stats::IntegrityCounts counts;
  bool holding = false;
  for (uint64_t n = 1; n <= messages; ++n) {
    if (n % 5 == 0) {
      ++counts.lost;
      continue;  // not sent: a held message waits for the next one sent
    }
    if (n % 6 == 0) {
      ++counts.duplicated;
    } else if (n % 7 == 0) {
      if (!holding) {
        holding = true;
        continue;
      }
    } else if (n % 11 == 0) {
      ++counts.corrupted;
    }
    if (holding) {  // sent: the held one goes out behind it
      holding = false;
      ++counts.reordered;
    }
  }
  return counts;
}

class IntegrityFaultsTest : public testing::RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    std::string error;
    server_ = ReferenceServer::Start(ServerOptions{}, &error);
    ASSERT_NE(server_, nullptr) << error;
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // kShortRun against this test's server.
  std::string Base() const {
    return std::string(testing::kShortRun) + "target: " + server_->address() + "\n";
  }

  // streambench_server_injected_integrity_faults_total{method, kind} (-1 when absent).
  double Injected(const std::string& method, const std::string& kind) {
    for (const prometheus::MetricFamily& family : server_->metrics().collectable()->Collect()) {
      if (family.name != "streambench_server_injected_integrity_faults_total") continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        bool method_matches = false, kind_matches = false;
        for (const prometheus::ClientMetric::Label& label : metric.label) {
          method_matches = method_matches || (label.name == "method" && label.value == method);
          kind_matches = kind_matches || (label.name == "kind" && label.value == kind);
        }
        if (method_matches && kind_matches) return metric.counter.value;
      }
    }
    return -1;
  }

  // The client's counts equal what the server says it injected into `method`.
  void ExpectServerAgrees(const report::RunResult& r, const std::string& method) {
    EXPECT_EQ(Injected(method, "drop"), static_cast<double>(r.integrity.lost));
    EXPECT_EQ(Injected(method, "duplicate"), static_cast<double>(r.integrity.duplicated));
    EXPECT_EQ(Injected(method, "reorder"), static_cast<double>(r.integrity.reordered));
    EXPECT_EQ(Injected(method, "corrupt"), static_cast<double>(r.integrity.corrupted));
  }

  // `streams` whole streams of kMessages, each with the faults of kFaults.
  static void ExpectWholeStreams(const report::RunResult& r, uint64_t streams) {
    EXPECT_EQ(r.integrity.lost, streams * kDropped);
    EXPECT_EQ(r.integrity.duplicated, streams * kDuplicated);
    EXPECT_EQ(r.integrity.reordered, streams * kReordered);
    EXPECT_EQ(r.integrity.corrupted, streams * kCorrupted);
  }

  // Every call ended OK, and the run passed: injected faults are allowed.
  static void ExpectAllOkAndPassed(const report::RunResult& r) {
    EXPECT_GT(Code(r, "OK"), 0u);
    EXPECT_EQ(Code(r, "OK"), r.calls_finished);
    EXPECT_TRUE(r.pass);
  }

  std::unique_ptr<ReferenceServer> server_;
};

TEST_F(IntegrityFaultsTest, ServerStreamCountsExactlyTheInjectedFaults) {
  const report::RunResult r = MustRun(Base() +
                                      "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
                                      "server_behavior: {response_count: 20, " +
                                      kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  EXPECT_EQ(r.messages_received, r.calls_finished * kReceivedPerStream);
  ExpectWholeStreams(r, r.calls_finished);
  ExpectServerAgrees(r, StreamBenchService::kServerStreamMethod);
  EXPECT_EQ(r.server_dropped_messages, 0u) << "injected drops are lost, not server_dropped";
}

TEST_F(IntegrityFaultsTest, BidiIndependentCountsExactlyTheInjectedFaults) {
  const report::RunResult r =
      MustRun(Base() +
              "mode: bidi\nload: {type: closed, outstanding: 1}\nstream: {messages: 5}\n"
              "server_behavior: {bidi: independent, response_count: 20, " +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  // A stream replaced just as the run stopped may half-close before its first request and get
  // nothing (see RunControllerTest); every other stream got its 20 with their faults.
  EXPECT_EQ(r.messages_received % kReceivedPerStream, 0u) << r.messages_received;
  const uint64_t streams = r.messages_received / kReceivedPerStream;
  EXPECT_GT(streams, 4u);
  ExpectWholeStreams(r, streams);
  ExpectServerAgrees(r, StreamBenchService::kBidiMethod);
}

TEST_F(IntegrityFaultsTest, BidiEchoCountsExactlyTheInjectedFaults) {
  // Open loop: a dropped echo would cost a closed loop its credit.
  const report::RunResult r =
      MustRun(Base() +
              "mode: bidi\nload: {type: constant, rate: 400/s}\nstream: {messages: 20}\n"
              "server_behavior: {bidi: echo, " +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  // Streams of 20 echoes, except each slot's last, cut short by the stop (4 slots): those carry
  // the faults of their first messages only (7 is not counted when 8 never came).
  const uint64_t whole_streams = r.messages_sent / kMessages;
  EXPECT_GE(r.integrity.lost, (whole_streams - 4) * kDropped);
  EXPECT_LE(r.integrity.lost, whole_streams * kDropped + 4 * (kDropped - 1));
  EXPECT_GE(r.integrity.duplicated, (whole_streams - 4) * kDuplicated);
  EXPECT_GE(r.integrity.reordered, (whole_streams - 4) * kReordered);
  EXPECT_GE(r.integrity.corrupted, (whole_streams - 4) * kCorrupted);
  EXPECT_EQ(r.messages_received, r.messages_sent - r.integrity.lost + r.integrity.duplicated);
  ExpectServerAgrees(r, StreamBenchService::kBidiMethod);
}

// Probabilities: the count is random, but every fault the server injected is one the client saw,
// whatever faults meet on neighbouring messages.
TEST_F(IntegrityFaultsTest, ProbabilisticFaultsAreAllSeen) {
  const report::RunResult r =
      MustRun(Base() +
              "mode: server_stream\nload: {type: closed, outstanding: 1}\nseed: 7\n"
              "server_behavior: {response_count: 50, integrity_faults: {drop: 5%, duplicate: 5%, "
              "reorder: 5%, corrupt: 5%}}\n");
  ExpectAllOkAndPassed(r);
  EXPECT_GT(r.integrity.lost, 0u);
  EXPECT_GT(r.integrity.duplicated, 0u);
  EXPECT_GT(r.integrity.reordered, 0u);
  EXPECT_GT(r.integrity.corrupted, 0u);
  ExpectServerAgrees(r, StreamBenchService::kServerStreamMethod);
  EXPECT_EQ(r.messages_received, r.calls_finished * 50 - r.integrity.lost + r.integrity.duplicated);
}

TEST_F(IntegrityFaultsTest, UnaryCorruptsEveryNthCall) {
  const report::RunResult r = MustRun(Base() +
                                      "mode: unary\nload: {type: closed, outstanding: 2}\n"
                                      "server_behavior: {integrity_faults: {corrupt: every 3}}\n");
  ExpectAllOkAndPassed(r);
  EXPECT_GT(r.calls_finished, 10u);
  EXPECT_EQ(r.integrity.corrupted, r.calls_finished / 3);
  EXPECT_EQ(r.integrity.lost + r.integrity.duplicated + r.integrity.reordered, 0u);
  ExpectServerAgrees(r, StreamBenchService::kUnaryMethod);
}

// The subscribe workload: every subscriber's stream of events carries the faults. One publisher
// and one event type, so the events are one sequence and a held event is always behind a later
// one of its own sequence (reorders across publishers or types are not visible, nor counted);
// with 100 ms heartbeats, so a publisher stalled by the loaded machine would show if a held event
// went out where a heartbeat would.
TEST_F(IntegrityFaultsTest, SubscribeCountsExactlyTheInjectedFaults) {
  const report::RunResult r =
      MustRun("name: t\nwarmup: 0s\nduration: 1s\ntarget: " + server_->address() +
              "\nmode: subscribe\nconnections: 1\nstreams_per_connection: 1\n"
              "pubsub: {topics: 1, subscribers: 3, publishers: 1, publish_rate: 300/s, "
              "event_types: [created], event_size: 64B, heartbeat: 100ms}\n"
              "server_behavior: {" +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  constexpr uint64_t kSubscribers = 3;
  const uint64_t events = r.messages_sent;  // published, each delivered to every subscriber
  ASSERT_GT(events, 100u);
  // Each subscriber's stream is the same `events` long, so each carries the same faults.
  const stats::IntegrityCounts model = FaultsInStream(events);
  EXPECT_EQ(r.integrity.lost, kSubscribers * model.lost);
  EXPECT_EQ(r.integrity.duplicated, kSubscribers * model.duplicated);
  // A held event waits for the next one however long the publisher stalls (no heartbeat goes out
  // meanwhile); only the last goes out without one, when the publisher's stream ends.
  EXPECT_EQ(r.integrity.reordered, kSubscribers * model.reordered);
  EXPECT_EQ(r.integrity.corrupted, kSubscribers * model.corrupted);
  EXPECT_EQ(r.messages_received, kSubscribers * (events - model.lost + model.duplicated));
  ExpectServerAgrees(r, WorkloadsService::kSubscribeMethod);
}

// Chat: the faults hit the broadcasts delivered to each member. Two members, so each receives one
// sequence (the other's), and every held message is behind a later one of its own sender unless
// it is the last (which goes out, in order, before the sender's end marker): the counts are
// exact. Typing indicators (every 4th message of a member) are among those corrupted (n = 44).
TEST_F(IntegrityFaultsTest, ChatCountsExactlyTheInjectedFaults) {
  const report::RunResult r =
      MustRun("name: t\nwarmup: 0s\nduration: 1s\ntarget: " + server_->address() +
              "\nmode: chat\nconnections: 1\nstreams_per_connection: 1\n"
              "chat: {rooms: 1, members_per_room: 2, message_rate: 300/s, typing: true, "
              "message_size: 32B}\n"
              "server_behavior: {" +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  EXPECT_EQ(r.calls_finished, 2u) << "both members left cleanly";
  // The members take the operations in turn: one sent half of them rounded up, the other the
  // rest, and each is the other's only sender.
  const uint64_t sent = r.messages_sent;
  ASSERT_GT(sent, 2 * 44u);
  stats::IntegrityCounts model = FaultsInStream((sent + 1) / 2);
  model += FaultsInStream(sent / 2);
  EXPECT_EQ(r.integrity.lost, model.lost);
  EXPECT_EQ(r.integrity.duplicated, model.duplicated);
  EXPECT_EQ(r.integrity.reordered, model.reordered);
  EXPECT_EQ(r.integrity.corrupted, model.corrupted);
  EXPECT_EQ(r.messages_received, sent - model.lost + model.duplicated);
  EXPECT_EQ(r.server_dropped_messages, 0u);
  ExpectServerAgrees(r, WorkloadsService::kChatMethod);
}

// Three members: each receives the other two's messages interleaved, n counting both, so the
// drops, duplicates and corruptions follow from how many each received. A held message goes out
// behind the next message of either sender and counts as reordered only behind one of its own
// sender: that depends on the interleaving, so the model bounds it, and the server agrees.
TEST_F(IntegrityFaultsTest, ChatWithSeveralSendersCountsWhatTheServerInjected) {
  const report::RunResult r =
      MustRun("name: t\nwarmup: 0s\nduration: 1s\ntarget: " + server_->address() +
              "\nmode: chat\nconnections: 1\nstreams_per_connection: 2\n"
              "chat: {rooms: 1, members_per_room: 3, message_rate: 300/s, message_size: 32B}\n"
              "server_behavior: {" +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  EXPECT_EQ(r.calls_finished, 3u);
  // The members take the operations in turn: `sent % 3` of them sent one more than the others.
  const uint64_t sent = r.messages_sent;
  ASSERT_GT(sent, 3 * 44u);
  stats::IntegrityCounts model;
  for (uint64_t member = 0; member < 3; ++member) {
    const uint64_t own = sent / 3 + (member < sent % 3 ? 1 : 0);
    model += FaultsInStream(sent - own);
  }
  EXPECT_EQ(r.integrity.lost, model.lost);
  EXPECT_EQ(r.integrity.duplicated, model.duplicated);
  EXPECT_LE(r.integrity.reordered, model.reordered);
  EXPECT_EQ(r.integrity.corrupted, model.corrupted);
  EXPECT_EQ(r.messages_received, 2 * sent - model.lost + model.duplicated);
  ExpectServerAgrees(r, WorkloadsService::kChatMethod);
}

// Download: n counts a file's chunks, 20 here (20 KiB in 1 KiB chunks), so every file carries the
// faults of a stream of 20, its last chunk dropped. The client verifies whole files (offsets,
// bytes, SHA-256): each counts one failed transfer and one corrupted, whatever it carries.
TEST_F(IntegrityFaultsTest, DownloadFailsEveryFaultedFile) {
  const report::RunResult r =
      MustRun("name: t\nwarmup: 0s\nduration: 1s\ntarget: " + server_->address() +
              "\nmode: download\nconnections: 1\nstreams_per_connection: 2\n"
              "load: {type: closed, outstanding: 1}\nworkload: {file_size: 20KiB, chunk_size: "
              "1KiB}\nserver_behavior: {" +
              kFaults + "}\n");
  ExpectAllOkAndPassed(r);
  const uint64_t files = r.calls_finished;
  EXPECT_GT(files, 4u);
  EXPECT_EQ(r.transfers_failed, files);
  EXPECT_EQ(r.transfers_verified, 0u);
  EXPECT_EQ(r.integrity.corrupted, files);
  EXPECT_EQ(r.integrity.lost + r.integrity.duplicated + r.integrity.reordered, 0u);
  EXPECT_EQ(r.messages_received, files * kReceivedPerStream);
  const std::string method = WorkloadsService::kDownloadMethod;
  EXPECT_EQ(Injected(method, "drop"), static_cast<double>(files * kDropped));
  EXPECT_EQ(Injected(method, "duplicate"), static_cast<double>(files * kDuplicated));
  EXPECT_EQ(Injected(method, "reorder"), static_cast<double>(files * kReordered));
  EXPECT_EQ(Injected(method, "corrupt"), static_cast<double>(files * kCorrupted));
}

// With probabilities some files get faults and some none: exactly the files the server faulted
// fail. One slot in a closed loop of one, so the downloads reach the server one after another and
// are its faulted streams 1, 2, ...: the server's own plan, replayed here per file, says which.
TEST_F(IntegrityFaultsTest, DownloadFailsExactlyTheFilesTheServerFaulted) {
  const report::RunResult r =
      MustRun("name: t\nwarmup: 0s\nduration: 1s\nseed: 7\ntarget: " + server_->address() +
              "\nmode: download\nconnections: 1\nstreams_per_connection: 1\n"
              "load: {type: closed, outstanding: 1}\nworkload: {file_size: 20KiB, chunk_size: "
              "1KiB}\nserver_behavior: {integrity_faults: {drop: 2%, corrupt: 2%}}\n");
  ExpectAllOkAndPassed(r);
  v1::IntegrityFaults faults;
  faults.mutable_drop()->set_probability(0.02);
  faults.mutable_corrupt()->set_probability(0.02);
  faults.set_seed(7);
  uint64_t faulted_files = 0, drops = 0, corrupts = 0;
  for (uint64_t file = 1; file <= r.calls_finished; ++file) {
    IntegrityFaultPlan plan(faults, file);
    bool faulted = false;
    for (uint64_t n = 1; n <= kMessages; ++n) {
      const IntegrityFault fault = plan.Decide(n);
      drops += fault == IntegrityFault::kDrop;
      corrupts += fault == IntegrityFault::kCorrupt;
      faulted = faulted || fault != IntegrityFault::kNone;
    }
    faulted_files += faulted;
  }
  EXPECT_GT(faulted_files, 0u);
  EXPECT_LT(faulted_files, r.calls_finished);
  EXPECT_EQ(r.transfers_failed, faulted_files);
  EXPECT_EQ(r.transfers_verified, r.calls_finished - faulted_files);
  EXPECT_EQ(r.integrity.corrupted, faulted_files);
  EXPECT_EQ(Injected(WorkloadsService::kDownloadMethod, "drop"), static_cast<double>(drops));
  EXPECT_EQ(Injected(WorkloadsService::kDownloadMethod, "corrupt"), static_cast<double>(corrupts));
}

// With app-level flow control dropping on purpose as well, its drops stay server_dropped (reported
// in dropped_before) and only the injected ones are lost.
TEST_F(IntegrityFaultsTest, InjectedDropsStayApartFromFlowControlDrops) {
  const report::RunResult r = MustRun(
      Base() +
      "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
      "server_behavior: {response_count: 500, response_size: 16KiB, app_flow_control: {queue: 2, "
      "policy: drop, producer_interval: 2us}, integrity_faults: {drop: every 2}}\n");
  ExpectAllOkAndPassed(r);
  // A response every 2 us outruns a writer of 16 KiB messages: flow control drops many; the
  // writer still takes a few per call (the producer's alarm fires in batches).
  EXPECT_GT(r.server_dropped_messages, 0u);
  EXPECT_GT(r.integrity.lost, 0u);
  EXPECT_EQ(r.integrity.duplicated + r.integrity.reordered + r.integrity.corrupted, 0u);
  ExpectServerAgrees(r, StreamBenchService::kServerStreamMethod);
  // Every response was produced, and went out, was dropped by flow control, or by a fault.
  EXPECT_EQ(r.messages_received + r.server_dropped_messages + r.integrity.lost,
            r.calls_finished * 500);
}

}  // namespace
}  // namespace streambench::runner
