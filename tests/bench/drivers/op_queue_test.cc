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

TEST(OpQueueTest, ConcurrentProducerConsumerKeepsOrderAndValues) {
  OpQueue q(64);
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
