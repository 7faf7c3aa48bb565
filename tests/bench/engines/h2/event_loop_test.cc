// The event loop flushes only the connections that asked for it: what a connection does to ask
// (Connection::RequestFlush through its flush list) and what the loop makes of it, against a
// scripted HTTP/2 server on a loopback port. A request that went unasked would never leave, so
// these calls would hang rather than end.
#include "bench/engines/h2/event_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/engines/h2/connection.h"
#include "tests/bench/engines/h2/h2_test_support.h"
#include "tests/bench/engines/h2/scripted_h2_server.h"

namespace streambench::engines::h2 {
namespace {

constexpr auto kNoDeadline = std::chrono::steady_clock::time_point::max();

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server_.target().empty()); }

  std::unique_ptr<Connection> Connect() {
    std::string error;
    auto connection = Connection::Connect(server_.target(), ConnectionSettings{}, &error);
    EXPECT_NE(connection, nullptr) << error;
    return connection;
  }

  ScriptedH2Server server_;
};

TEST_F(EventLoopTest, AConnectionAsksOnceUntilItIsFlushed) {
  // Before the connection: it outlives the connection, whose end closes the call still open.
  Recorder recorder;
  std::unique_ptr<Connection> connection = Connect();
  ASSERT_NE(connection, nullptr);
  std::vector<size_t> requests;
  connection->set_flush_list(&requests, 7);
  EXPECT_TRUE(requests.empty()) << "being given a list is no request";

  const StreamHandle call = connection->StartCall("/timeout", {}, kNoDeadline, &recorder);
  ASSERT_TRUE(call.valid());
  EXPECT_EQ(requests, std::vector<size_t>{7});
  connection->Write(call, "a");
  connection->Write(call, "b");
  EXPECT_EQ(requests, std::vector<size_t>{7}) << "asked already; not again before the flush";

  ASSERT_TRUE(connection->Flush());
  connection->WritesDone(call);
  EXPECT_EQ(requests, (std::vector<size_t>{7, 7})) << "after a flush, the next frame asks again";

  connection->set_flush_list(nullptr, 0);
  connection->Cancel(call);
  EXPECT_EQ(requests.size(), 2u) << "a connection taken off its loop asks nothing";
}

TEST_F(EventLoopTest, WhatAConnectionQueuedBeforeItWasAddedLeavesAtTheFirstPass) {
  Recorder recorder;  // outlives the connection, as in every test here
  std::unique_ptr<Connection> connection = Connect();
  ASSERT_NE(connection, nullptr);
  // The call is queued while no loop watches the connection: nothing asked for its flush then.
  const StreamHandle call = connection->StartCall("/timeout", {}, kNoDeadline, &recorder);
  connection->Write(call, "");
  connection->WritesDone(call);
  EventLoop loop;
  loop.Add(connection.get());
  EXPECT_TRUE(WaitForEnd(loop, recorder)) << "the request never left";
  EXPECT_EQ(recorder.status.code, kOk) << recorder.status.message;
  loop.Remove(connection.get());
}

TEST_F(EventLoopTest, CallsStartedFromAPostedTaskLeaveWithoutAnyOtherEvent) {
  Recorder recorder;
  std::unique_ptr<Connection> connection = Connect();
  ASSERT_NE(connection, nullptr);
  EventLoop loop;
  loop.Add(connection.get());
  // Let the connection settle: SETTINGS exchanged, nothing left to send or to read.
  ASSERT_TRUE(loop.RunUntil([&] { return !connection->connecting() && !connection->wants_write(); },
                            std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  // A call started from another thread's task: the only news of it is the connection's own
  // request, so the pass must flush it though no socket event came.
  loop.Post([&] {
    const StreamHandle call = connection->StartCall("/timeout", {}, kNoDeadline, &recorder);
    connection->Write(call, "");
    connection->WritesDone(call);
  });
  EXPECT_TRUE(WaitForEnd(loop, recorder)) << "the request never left";
  EXPECT_EQ(recorder.status.code, kOk) << recorder.status.message;
  loop.Remove(connection.get());
}

}  // namespace
}  // namespace streambench::engines::h2
