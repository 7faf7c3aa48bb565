// IntegrityFaultPlan and FaultedOutbox without a server: which messages each kind hits, the order
// the outbox releases them in, and what it counts.
#include "server/integrity_faults.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <vector>

#include "common/crc32c.h"

namespace streambench {
namespace {

v1::IntegrityFaults EveryNth(uint64_t drop, uint64_t duplicate, uint64_t reorder,
                             uint64_t corrupt) {
  v1::IntegrityFaults faults;
  if (drop > 0) faults.mutable_drop()->set_every_nth(drop);
  if (duplicate > 0) faults.mutable_duplicate()->set_every_nth(duplicate);
  if (reorder > 0) faults.mutable_reorder()->set_every_nth(reorder);
  if (corrupt > 0) faults.mutable_corrupt()->set_every_nth(corrupt);
  return faults;
}

v1::Response Message(uint64_t seq) {
  v1::Response response;
  response.set_seq(seq);
  response.set_payload("abc");
  response.set_payload_crc32c(Crc32c("abc"));
  response.set_dropped_before(7);
  return response;
}

class FaultedOutboxTest : public ::testing::Test {
 protected:
  // Offers messages 0..count-1, then flushes; returns what went out, in order.
  std::vector<v1::Response> Run(const v1::IntegrityFaults& faults, uint64_t count) {
    FaultedOutbox<v1::Response, ResponseFaultTraits> outbox(faults, 1, method_);
    std::vector<v1::Response> out;
    for (uint64_t seq = 0; seq < count; ++seq) {
      outbox.Offer(Message(seq));
      for (; !outbox.empty(); outbox.pop()) out.push_back(outbox.front());
    }
    outbox.Flush();
    for (; !outbox.empty(); outbox.pop()) out.push_back(outbox.front());
    return out;
  }

  ServerMetrics metrics_{std::make_shared<prometheus::Registry>()};
  ServerMetrics::Method& method_ = metrics_.ForMethod("/m/S");
};

std::vector<uint64_t> Seqs(const std::vector<v1::Response>& messages) {
  std::vector<uint64_t> seqs;
  for (const v1::Response& m : messages) seqs.push_back(m.seq());
  return seqs;
}

TEST_F(FaultedOutboxTest, EachKindDoesWhatTheProtoSays) {
  // Messages counted from 1 (seq + 1): drop 3 and 6, duplicate 4 and 8, hold back 5 (6 is
  // dropped, so it goes out after 7), corrupt 7.
  const std::vector<v1::Response> out = Run(EveryNth(3, 4, 5, 7), 8);
  EXPECT_EQ(Seqs(out), (std::vector<uint64_t>{0, 1, 3, 3, 6, 4, 7, 7}));
  EXPECT_EQ(out[2].dropped_before(), 7u);
  EXPECT_EQ(out[3].dropped_before(), 0u) << "the copy does not report drops twice";
  EXPECT_NE(Crc32c(out[4].payload()), out[4].payload_crc32c()) << "message 7 corrupted";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i != 4) {
      EXPECT_EQ(Crc32c(out[i].payload()), out[i].payload_crc32c()) << i;
    }
  }
}

TEST_F(FaultedOutboxTest, FirstKindWinsAndALastHeldMessageGoesOutInOrder) {
  // Every message is both dropped and corrupted: drop wins, nothing goes out.
  EXPECT_TRUE(Run(EveryNth(1, 0, 0, 1), 5).empty());
  // Reorder every 2 in 5 messages: 2 after 3, 4 after 5; none held at once.
  EXPECT_EQ(Seqs(Run(EveryNth(0, 0, 2, 0), 5)), (std::vector<uint64_t>{0, 2, 1, 4, 3}));
  // Reorder every 3 in 3 messages: the last has no successor and goes out in order, uncounted.
  FaultedOutbox<v1::Response, ResponseFaultTraits> outbox(EveryNth(0, 0, 3, 0), 1, method_);
  for (uint64_t seq = 0; seq < 3; ++seq) outbox.Offer(Message(seq));
  EXPECT_TRUE(outbox.holding());
  outbox.Flush();
  EXPECT_EQ(outbox.injected(IntegrityFault::kReorder), 0u);
}

TEST_F(FaultedOutboxTest, APassedMessageIsNotCountedAndReleasesAHeldOneFirst) {
  // Reorder every 2: message 2 (seq 1) is held; the passed one (seq 100) is not message 3, so it
  // neither gets a fault nor releases the held one as a reorder: seq 1 goes out first, in order.
  FaultedOutbox<v1::Response, ResponseFaultTraits> outbox(EveryNth(0, 0, 2, 0), 1, method_);
  outbox.Offer(Message(0));
  outbox.Offer(Message(1));
  EXPECT_TRUE(outbox.holding());
  outbox.Pass(Message(100));
  EXPECT_FALSE(outbox.holding());
  outbox.Offer(Message(2));  // message 3: no fault
  outbox.Offer(Message(3));  // message 4: held
  outbox.Flush();
  std::vector<v1::Response> out;
  for (; !outbox.empty(); outbox.pop()) out.push_back(outbox.front());
  EXPECT_EQ(Seqs(out), (std::vector<uint64_t>{0, 1, 100, 2, 3}));
  EXPECT_EQ(outbox.injected(IntegrityFault::kReorder), 0u);
}

TEST_F(FaultedOutboxTest, CountsWhatItInjected) {
  FaultedOutbox<v1::Response, ResponseFaultTraits> outbox(EveryNth(5, 6, 7, 11), 1, method_);
  for (uint64_t seq = 0; seq < 20; ++seq) outbox.Offer(Message(seq));
  EXPECT_EQ(outbox.injected(IntegrityFault::kDrop), 4u);
  EXPECT_EQ(outbox.injected(IntegrityFault::kDuplicate), 3u);
  EXPECT_EQ(outbox.injected(IntegrityFault::kReorder), 2u);
  EXPECT_EQ(outbox.injected(IntegrityFault::kCorrupt), 1u);
  EXPECT_FALSE(outbox.Offer(Message(20), /*may_drop=*/true) == IntegrityFault::kDrop)
      << "21 is not a multiple of 5";
}

TEST(IntegrityFaultPlanTest, ProbabilitiesAreSeededAndNearTheirRate) {
  v1::IntegrityFaults faults;
  faults.mutable_corrupt()->set_probability(0.1);
  faults.set_seed(7);
  IntegrityFaultPlan a(faults, 3), b(faults, 3), c(faults, 4);
  int hits = 0, same_as_b = 0, same_as_c = 0;
  constexpr int kMessages = 10000;
  for (int n = 1; n <= kMessages; ++n) {
    const IntegrityFault fa = a.Next();
    hits += fa == IntegrityFault::kCorrupt;
    same_as_b += fa == b.Next();
    same_as_c += fa == c.Next();
  }
  EXPECT_EQ(same_as_b, kMessages) << "same seed and stream: same decisions";
  EXPECT_LT(same_as_c, kMessages) << "another stream draws differently";
  // Binomial(10000, 0.1): mean 1000, standard deviation 30; six of them.
  EXPECT_NEAR(hits, 1000, 180);
}

TEST(IntegrityFaultPlanTest, ValidationAndEnabled) {
  v1::IntegrityFaults faults;
  EXPECT_FALSE(IntegrityFaultsEnabled(faults));
  faults.mutable_reorder()->set_probability(1.5);
  const grpc::Status status = ValidateIntegrityFaults(faults);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("behavior.integrity_faults.reorder.probability=1.5"),
            std::string::npos)
      << status.error_message();
  faults.mutable_reorder()->set_every_nth(2);
  EXPECT_TRUE(ValidateIntegrityFaults(faults).ok());
  EXPECT_TRUE(IntegrityFaultsEnabled(faults));
}

}  // namespace
}  // namespace streambench
