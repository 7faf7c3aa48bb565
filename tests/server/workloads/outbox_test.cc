// Outbox: first in, first out up to its bound; beyond it the newest message is dropped and counted.
#include "server/workloads/outbox.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace streambench::workloads {
namespace {

TEST(OutboxTest, TakesInOrderAndDropsTheNewestWhenFull) {
  Outbox<std::string> outbox(2);
  EXPECT_TRUE(outbox.empty());
  EXPECT_TRUE(outbox.Offer(std::make_shared<const std::string>("a")));
  EXPECT_TRUE(outbox.Offer(std::make_shared<const std::string>("b")));
  EXPECT_FALSE(outbox.Offer(std::make_shared<const std::string>("c")));
  EXPECT_EQ(outbox.dropped(), 1u);
  EXPECT_EQ(*outbox.Take(), "a");
  EXPECT_TRUE(outbox.Offer(std::make_shared<const std::string>("d")));  // room again
  EXPECT_EQ(*outbox.Take(), "b");
  EXPECT_EQ(*outbox.Take(), "d");
  EXPECT_TRUE(outbox.empty());
  EXPECT_EQ(outbox.dropped(), 1u);  // the count is kept for the stream's life
}

TEST(OutboxTest, SharesTheMessageRatherThanCopyingIt) {
  Outbox<std::string> outbox(1);
  auto message = std::make_shared<const std::string>("shared");
  ASSERT_TRUE(outbox.Offer(message));
  EXPECT_EQ(outbox.Take().get(), message.get());
}

}  // namespace
}  // namespace streambench::workloads
