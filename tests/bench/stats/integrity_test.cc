#include "bench/stats/integrity.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace streambench::stats {
namespace {

constexpr uint64_t kWindow = StreamIntegrity::window_size();

TEST(StreamIntegrityTest, InOrderHasNoErrors) {
  StreamIntegrity s;
  for (uint64_t i = 0; i < 10'000; ++i) EXPECT_TRUE(s.OnMessage(i, true));
  s.Finish(10'000);
  EXPECT_EQ(s.received(), 10'000u);
  EXPECT_EQ(s.counts().Total(), 0u);
}

TEST(StreamIntegrityTest, GapsAreLost) {
  StreamIntegrity s;
  for (uint64_t i : {0, 1, 2, 5, 6, 9}) EXPECT_TRUE(s.OnMessage(i, true));
  s.Finish(10);  // 3, 4, 7, 8 never came
  EXPECT_EQ(s.counts().lost, 4u);
  EXPECT_EQ(s.counts().duplicated + s.counts().reordered + s.counts().corrupted, 0u);
}

TEST(StreamIntegrityTest, MissingTailIsLostOnlyWithExpectedCount) {
  StreamIntegrity known;
  StreamIntegrity unknown;
  for (uint64_t i = 0; i < 5; ++i) {
    known.OnMessage(i, true);
    unknown.OnMessage(i, true);
  }
  known.Finish(8);
  unknown.FinishUnknownCount();
  EXPECT_EQ(known.counts().lost, 3u);
  EXPECT_EQ(unknown.counts().lost, 0u);
}

TEST(StreamIntegrityTest, UnknownCountCountsGapsBelowHighest) {
  StreamIntegrity s;
  s.OnMessage(0, true);
  s.OnMessage(3, true);
  s.FinishUnknownCount();
  EXPECT_EQ(s.counts().lost, 2u);
}

TEST(StreamIntegrityTest, NothingReceivedIsAllLost) {
  StreamIntegrity s;
  s.Finish(7);
  EXPECT_EQ(s.counts().lost, 7u);
}

TEST(StreamIntegrityTest, FinishCountsOnce) {
  StreamIntegrity s;
  s.OnMessage(0, true);
  s.Finish(3);
  s.Finish(3);
  s.FinishUnknownCount();
  EXPECT_EQ(s.counts().lost, 2u);
}

TEST(StreamIntegrityTest, DuplicatesAreCountedAndNotLost) {
  StreamIntegrity s;
  EXPECT_TRUE(s.OnMessage(0, true));
  EXPECT_TRUE(s.OnMessage(1, true));
  EXPECT_FALSE(s.OnMessage(1, true));  // immediate repeat
  EXPECT_TRUE(s.OnMessage(2, true));
  EXPECT_FALSE(s.OnMessage(0, true));  // older repeat
  s.Finish(3);
  EXPECT_EQ(s.counts().duplicated, 2u);
  EXPECT_EQ(s.counts().lost, 0u);
  EXPECT_EQ(s.counts().reordered, 0u);
  EXPECT_EQ(s.received(), 5u);
}

TEST(StreamIntegrityTest, LateMessagesAreReorderedNotLost) {
  StreamIntegrity s;
  EXPECT_TRUE(s.OnMessage(0, true));
  EXPECT_TRUE(s.OnMessage(2, true));
  EXPECT_TRUE(s.OnMessage(3, true));
  EXPECT_FALSE(s.OnMessage(1, true));  // late
  EXPECT_FALSE(s.OnMessage(1, true));  // and then repeated: a duplicate
  EXPECT_TRUE(s.OnMessage(4, true));
  s.Finish(5);
  EXPECT_EQ(s.counts().reordered, 1u);
  EXPECT_EQ(s.counts().duplicated, 1u);
  EXPECT_EQ(s.counts().lost, 0u);
}

TEST(StreamIntegrityTest, CorruptionIsCountedAndTheMessageStillArrived) {
  StreamIntegrity s;
  EXPECT_TRUE(s.OnMessage(0, true));
  EXPECT_FALSE(s.OnMessage(1, false));
  EXPECT_TRUE(s.OnMessage(2, true));
  s.Finish(3);
  EXPECT_EQ(s.counts().corrupted, 1u);
  EXPECT_EQ(s.counts().lost, 0u);
  EXPECT_EQ(s.counts().Total(), 1u);
}

TEST(StreamIntegrityTest, LateMessageAtTheWindowEdgeIsReordered) {
  StreamIntegrity s;
  s.OnMessage(0, true);
  for (uint64_t i = 2; i <= kWindow; ++i) s.OnMessage(i, true);  // 1 missing; next = kWindow+1
  EXPECT_FALSE(s.OnMessage(1, true));  // exactly kWindow below next_expected: still tracked
  s.Finish(kWindow + 1);
  EXPECT_EQ(s.counts().reordered, 1u);
  EXPECT_EQ(s.counts().duplicated, 0u);
  EXPECT_EQ(s.counts().lost, 0u);
}

TEST(StreamIntegrityTest, BeyondTheWindowCountsAsDuplicatedAndStaysLost) {
  StreamIntegrity s;
  s.OnMessage(0, true);
  for (uint64_t i = 2; i <= kWindow + 1; ++i) s.OnMessage(i, true);  // next = kWindow+2
  EXPECT_FALSE(s.OnMessage(1, true));  // kWindow+1 below: cannot tell, counted as duplicated
  s.Finish(kWindow + 2);
  EXPECT_EQ(s.counts().duplicated, 1u);
  EXPECT_EQ(s.counts().lost, 1u);
  EXPECT_EQ(s.counts().reordered, 0u);
}

TEST(StreamIntegrityTest, WindowBitsAreReusedCorrectlyAfterWrapping) {
  // After many windows in order, a repeat of a recent seq is a duplicate, and a seq that was
  // skipped one window ago (whose bit position was used before) is recognised as late.
  StreamIntegrity s;
  for (uint64_t i = 0; i < 5 * kWindow; ++i) s.OnMessage(i, true);
  EXPECT_FALSE(s.OnMessage(5 * kWindow - 3, true));
  EXPECT_EQ(s.counts().duplicated, 1u);
  EXPECT_TRUE(s.OnMessage(5 * kWindow + 1, true));  // skips 5*kWindow
  EXPECT_FALSE(s.OnMessage(5 * kWindow, true));     // late, not a duplicate of 4*kWindow
  s.Finish(5 * kWindow + 2);
  EXPECT_EQ(s.counts().reordered, 1u);
  EXPECT_EQ(s.counts().duplicated, 1u);
  EXPECT_EQ(s.counts().lost, 0u);
}

TEST(StreamIntegrityTest, HugeGapClearsTheWholeWindow) {
  StreamIntegrity s;
  for (uint64_t i = 0; i < kWindow; ++i) s.OnMessage(i, true);
  EXPECT_TRUE(s.OnMessage(10 * kWindow, true));
  // kWindow*10 - 1 is inside the window and never arrived: late, not duplicate, though its bit
  // position was set by an in-order seq before the gap.
  EXPECT_FALSE(s.OnMessage(10 * kWindow - 1, true));
  EXPECT_EQ(s.counts().reordered, 1u);
  EXPECT_EQ(s.counts().duplicated, 0u);
  s.FinishUnknownCount();
  EXPECT_EQ(s.counts().lost, 10 * kWindow - kWindow - 1);
}

TEST(IntegrityCountsTest, SumsFieldwise) {
  IntegrityCounts a{1, 2, 3, 4};
  a += IntegrityCounts{10, 20, 30, 40};
  EXPECT_EQ(a.lost, 11u);
  EXPECT_EQ(a.duplicated, 22u);
  EXPECT_EQ(a.reordered, 33u);
  EXPECT_EQ(a.corrupted, 44u);
  EXPECT_EQ(a.Total(), 110u);
}

}  // namespace
}  // namespace streambench::stats
