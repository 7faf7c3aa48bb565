// LinkDirection, the link's scheduling core, on a FakeClock: delivery = arrival + serialization +
// one-way delay; back-to-back chunks spaced by size x 8 / bandwidth; jitter never reorders; the
// buffer bound stops intake; bytes come out intact and in order across ring wraps and growth.
#include "bench/link/link_direction.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::link {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kUs = 1'000;

std::string Bytes(size_t size, char first = 'a') {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(first + i % 23);
  return bytes;
}

// Takes every byte due now (across ring wraps) and returns it.
std::string DrainDue(LinkDirection& link) {
  std::string out;
  for (LinkDirection::Span span = link.Due(); span.size_bytes > 0; span = link.Due()) {
    out.append(span.data, span.size_bytes);
    link.Consume(span.size_bytes);
  }
  return out;
}

LinkDirection::Params MakeParams(int64_t delay_ns, uint64_t bits_per_s, uint64_t buffer_bytes,
                                 int64_t jitter_ns = 0) {
  LinkDirection::Params params;
  params.one_way_delay_ns = delay_ns;
  params.bandwidth_bits_per_s = bits_per_s;
  params.buffer_bytes = buffer_bytes;
  params.jitter_ns = jitter_ns;
  return params;
}

TEST(LinkDirectionTest, DeliveryIsArrivalPlusSerializationPlusDelay) {
  FakeClock clock(5 * kMs);
  // 8 Mbit/s: one byte takes exactly 1 us on the wire.
  LinkDirection link(MakeParams(10 * kMs, 8'000'000, 1 << 20), clock);
  const std::string payload = Bytes(1000);
  EXPECT_EQ(link.Push(payload.data(), payload.size()), 5 * kMs + 1000 * kUs + 10 * kMs);
  EXPECT_EQ(link.NextDeliveryNs(), 16 * kMs);
  EXPECT_EQ(link.held_bytes(), 1000u);
}

TEST(LinkDirectionTest, NothingIsDueBeforeTheDeliveryTime) {
  FakeClock clock(0);
  LinkDirection link(MakeParams(10 * kMs, 0, 1 << 20), clock);
  const std::string payload = Bytes(300);
  ASSERT_EQ(link.Push(payload.data(), payload.size()), 10 * kMs);
  clock.SetNs(10 * kMs - 1);
  EXPECT_EQ(link.Due().size_bytes, 0u);
  clock.SetNs(10 * kMs);
  EXPECT_EQ(DrainDue(link), payload);
  EXPECT_TRUE(link.empty());
  EXPECT_EQ(link.NextDeliveryNs(), -1);
  EXPECT_EQ(link.delivered_bytes(), 300u);
}

TEST(LinkDirectionTest, BackToBackChunksAreSpacedBySerializationTime) {
  FakeClock clock(0);
  // 80 Mbit/s: 1000 bytes take 100 us.
  LinkDirection link(MakeParams(2 * kMs, 80'000'000, 1 << 20), clock);
  const std::string payload = Bytes(1000);
  int64_t previous = -1;
  for (int i = 0; i < 5; ++i) {
    const int64_t delivery = link.Push(payload.data(), payload.size());
    EXPECT_EQ(delivery, (i + 1) * 100 * kUs + 2 * kMs) << "chunk " << i;
    if (previous >= 0) {
      EXPECT_EQ(delivery - previous, 100 * kUs);
    }
    previous = delivery;
  }
}

TEST(LinkDirectionTest, AnIdleLinkStartsSerializingAtArrival) {
  FakeClock clock(0);
  LinkDirection link(MakeParams(1 * kMs, 80'000'000, 1 << 20), clock);
  const std::string payload = Bytes(1000);
  EXPECT_EQ(link.Push(payload.data(), payload.size()), 100 * kUs + 1 * kMs);
  // The link was free again at 100 us; a chunk arriving at 50 ms is not delayed by the first.
  clock.SetNs(50 * kMs);
  EXPECT_EQ(link.Push(payload.data(), payload.size()), 50 * kMs + 100 * kUs + 1 * kMs);
  // One arriving while the link is busy waits for it.
  clock.SetNs(50 * kMs + 40 * kUs);
  EXPECT_EQ(link.Push(payload.data(), payload.size()), 50 * kMs + 200 * kUs + 1 * kMs);
}

TEST(LinkDirectionTest, LongTransfersDoNotDriftFromTheConfiguredRate) {
  FakeClock clock(0);
  // 3 Mbit/s: one byte is 2666.67 ns, not a whole number; 3000 one-byte chunks are exactly 8 ms.
  LinkDirection link(MakeParams(0, 3'000'000, 1 << 20), clock);
  int64_t last = 0;
  for (int i = 0; i < 3000; ++i) last = link.Push("x", 1);
  EXPECT_EQ(last, 8 * kMs);
}

TEST(LinkDirectionTest, JitterDelaysButNeverReorders) {
  FakeClock clock(0);
  LinkDirection::Params params = MakeParams(1 * kMs, 0, 1 << 20, /*jitter_ns=*/5 * kMs);
  params.seed = 42;
  LinkDirection link(params, clock);
  std::string sent;
  int64_t previous = -1;
  int64_t max_extra = 0;
  for (int i = 0; i < 1000; ++i) {
    clock.SetNs(i * 10 * kUs);
    const std::string chunk = Bytes(7, static_cast<char>('A' + i % 26));
    sent += chunk;
    const int64_t delivery = link.Push(chunk.data(), chunk.size());
    const int64_t extra = delivery - (clock.NowNs() + 1 * kMs);
    EXPECT_GE(extra, 0);
    if (previous >= 0) {
      EXPECT_GE(delivery, previous) << "chunk " << i << " would overtake the one before";
    }
    previous = delivery;
    max_extra = std::max(max_extra, extra);
  }
  // The jitter did act (chunks 10 us apart with up to 5 ms of jitter).
  EXPECT_GT(max_extra, 2 * kMs);
  clock.SetNs(previous);
  EXPECT_EQ(DrainDue(link), sent);
}

TEST(LinkDirectionTest, SameSeedSameJitter) {
  FakeClock clock(0);
  LinkDirection::Params params = MakeParams(0, 0, 1 << 20, 3 * kMs);
  params.seed = 7;
  LinkDirection a(params, clock);
  LinkDirection b(params, clock);
  params.seed = 8;
  LinkDirection c(params, clock);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    clock.SetNs(i * 10 * kMs);  // far apart, so no chunk is held back by the one before
    const int64_t da = a.Push("x", 1);
    EXPECT_EQ(da, b.Push("x", 1));
    differs = differs || da != c.Push("x", 1);
  }
  EXPECT_TRUE(differs);
}

TEST(LinkDirectionTest, AFullBufferTakesNothingMoreUntilBytesAreDelivered) {
  FakeClock clock(0);
  LinkDirection link(MakeParams(1 * kMs, 0, 4096), clock);
  const std::string payload = Bytes(3000);
  EXPECT_EQ(link.WritableBytes(), 4096u);
  link.Push(payload.data(), payload.size());
  EXPECT_EQ(link.WritableBytes(), 1096u);
  // Only what fits is taken.
  link.Push(payload.data(), payload.size());
  EXPECT_EQ(link.held_bytes(), 4096u);
  EXPECT_EQ(link.WritableBytes(), 0u);
  EXPECT_EQ(link.Push(payload.data(), payload.size()), -1);
  EXPECT_EQ(link.pushed_bytes(), 4096u);
  // Due bytes the receiver has not taken still count against the buffer.
  clock.SetNs(5 * kMs);
  EXPECT_EQ(link.WritableBytes(), 0u);
  const LinkDirection::Span due = link.Due();
  ASSERT_EQ(due.size_bytes, 4096u);
  link.Consume(1000);
  EXPECT_EQ(link.WritableBytes(), 1000u);
  EXPECT_EQ(link.max_held_bytes(), 4096u);
  EXPECT_LE(link.capacity_bytes(), 4096u);
}

TEST(LinkDirectionTest, PartialConsumeKeepsTheRestInOrder) {
  FakeClock clock(0);
  LinkDirection link(MakeParams(0, 0, 1 << 16), clock);
  const std::string payload = Bytes(1000);
  link.Push(payload.data(), payload.size());
  link.Consume(300);
  EXPECT_EQ(link.held_bytes(), 700u);
  EXPECT_EQ(link.NextDeliveryNs(), 0);
  EXPECT_EQ(DrainDue(link), payload.substr(300));
}

TEST(LinkDirectionTest, BytesSurviveRingWrapsAndGrowthInOrder) {
  FakeClock clock(0);
  // 100 KiB bound: the ring starts at 16 KiB and grows while holding wrapped bytes.
  LinkDirection link(MakeParams(1 * kMs, 0, 100 * 1024), clock);
  std::string sent;
  std::string received;
  uint64_t counter = 0;
  for (int round = 0; round < 200; ++round) {
    clock.AdvanceNs(100 * kUs);
    const size_t size = std::min<uint64_t>(1 + (counter * 7919) % 9000, link.WritableBytes());
    ++counter;
    if (size > 0) {
      std::string chunk(size, '\0');
      for (size_t i = 0; i < size; ++i) chunk[i] = static_cast<char>((sent.size() + i) * 31 % 251);
      link.Push(chunk.data(), chunk.size());
      sent += chunk;
    }
    // Take only part of what is due now and then, so bytes pile up and wrap.
    if (round % 3 == 0) {
      const LinkDirection::Span due = link.Due();
      const size_t take = due.size_bytes / 2;
      received.append(due.data, take);
      link.Consume(take);
    }
    ASSERT_LE(link.held_bytes(), 100u * 1024);
  }
  EXPECT_GT(link.capacity_bytes(), 16u * 1024);  // it grew
  EXPECT_LE(link.capacity_bytes(), 100u * 1024);
  clock.AdvanceNs(10 * kMs);
  received += DrainDue(link);
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent) << "bytes were reordered or corrupted";
}

// A bandwidth change re-times what is queued from the moment it changes: a collapse delays it, a
// recovery frees it (a queue built at 8 kbit/s would otherwise take seconds after the link is
// fast again).
TEST(LinkDirectionTest, ABandwidthChangeRetimesTheQueuedBytes) {
  FakeClock clock(0);
  // 8 Mbit/s: one byte takes 1 us.
  LinkDirection link(MakeParams(0, 8'000'000, 1 << 20), clock);
  const std::string payload = Bytes(1000);
  ASSERT_EQ(link.Push(payload.data(), payload.size()), 1000 * kUs);
  link.SetBandwidth(8'000);  // one byte takes 1 ms
  EXPECT_EQ(link.NextDeliveryNs(), 1000 * kMs);
  ASSERT_EQ(link.Push(payload.data(), payload.size()), 2000 * kMs) << "queued behind the first";
  clock.SetNs(500 * kMs);
  link.SetBandwidth(8'000'000);  // back: both chunks from now at 1 us a byte
  EXPECT_EQ(link.NextDeliveryNs(), 500 * kMs + 1000 * kUs);
  clock.SetNs(500 * kMs + 2000 * kUs);
  EXPECT_EQ(DrainDue(link), payload + payload);
}

}  // namespace
}  // namespace streambench::link
