// LiveCalls: the count of a service's live reactors, and the wait for none.
#include "server/live_calls.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace streambench {
namespace {

TEST(LiveCallsTest, CountsCreatedMinusDeleted) {
  LiveCalls calls;
  EXPECT_EQ(calls.count(), 0);
  calls.Created();
  calls.Created();
  EXPECT_EQ(calls.count(), 2);
  calls.Deleted();
  EXPECT_EQ(calls.count(), 1);
  calls.Deleted();
  EXPECT_EQ(calls.count(), 0);
}

TEST(LiveCallsTest, WaitUntilIdleReturnsAtOnceWhenIdleAndTimesOutWhenNot) {
  LiveCalls calls;
  EXPECT_TRUE(calls.WaitUntilIdle(std::chrono::milliseconds(0)));
  calls.Created();
  EXPECT_FALSE(calls.WaitUntilIdle(std::chrono::milliseconds(1)));
  calls.Deleted();
  EXPECT_TRUE(calls.WaitUntilIdle(std::chrono::milliseconds(0)));
}

TEST(LiveCallsTest, WaitUntilIdleWakesWhenTheLastCallIsDeletedOnAnotherThread) {
  LiveCalls calls;
  calls.Created();
  std::thread reactor([&calls] { calls.Deleted(); });
  // Bounded: the wait returns as soon as the other thread deletes the call.
  EXPECT_TRUE(calls.WaitUntilIdle(std::chrono::seconds(10)));
  reactor.join();
  EXPECT_EQ(calls.count(), 0);
}

}  // namespace
}  // namespace streambench
