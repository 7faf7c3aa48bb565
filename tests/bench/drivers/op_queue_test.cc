#include "bench/drivers/op_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace streambench::drivers {
namespace {

TEST(OpQueueTest, FifoAndBounded) {
  OpQueue q(3);  // rounded up to 4
  EXPECT_EQ(q.capacity(), 4u);
  EXPECT_TRUE(q.Empty());
  for (int64_t v = 10; v < 14; ++v) EXPECT_TRUE(q.Push(v));
  EXPECT_FALSE(q.Push(99)) << "a full queue rejects instead of growing";
  EXPECT_EQ(q.Size(), 4u);
  int64_t out = 0;
  for (int64_t v = 10; v < 14; ++v) {
    ASSERT_TRUE(q.Pop(&out));
    EXPECT_EQ(out, v);
  }
  EXPECT_FALSE(q.Pop(&out));
  EXPECT_TRUE(q.Push(5));  // wraps around
  ASSERT_TRUE(q.Pop(&out));
  EXPECT_EQ(out, 5);
}

// Storage comes in chunks: a backlog over many chunks keeps its order and its bound, and the
// queue keeps working as it drains and fills again across chunk boundaries.
TEST(OpQueueTest, BacklogAcrossChunksKeepsOrderAndBound) {
  OpQueue q(100);  // rounded up to 128: eight chunks
  EXPECT_EQ(q.capacity(), 128u);
  int64_t next_in = 0, next_out = 0, out = 0;
  for (int round = 0; round < 5; ++round) {
    while (q.Push(next_in)) ++next_in;
    EXPECT_EQ(q.Size(), 128u) << "round " << round;
    // Drain part of it (not on a chunk boundary), then fill again.
    for (int i = 0; i < 37 + round * 20; ++i) {
      ASSERT_TRUE(q.Pop(&out));
      ASSERT_EQ(out, next_out++);
    }
  }
  while (q.Pop(&out)) ASSERT_EQ(out, next_out++);
  EXPECT_EQ(next_out, next_in);
  EXPECT_TRUE(q.Empty());
}

TEST(OpQueueTest, ConcurrentProducerConsumerKeepsOrderAndValues) {
  OpQueue q(64);  // four chunks: the two sides cross chunk boundaries all the time
  constexpr int64_t kCount = 200000;
  std::thread producer([&] {
    for (int64_t v = 0; v < kCount;) {
      if (q.Push(v)) ++v;
    }
  });
  int64_t expected = 0;
  int64_t value;
  while (expected < kCount) {
    if (q.Pop(&value)) {
      ASSERT_EQ(value, expected);
      ++expected;
    }
  }
  producer.join();
  EXPECT_TRUE(q.Empty());
}

}  // namespace
}  // namespace streambench::drivers
