// Integrity fault injection (Behavior.integrity_faults, see proto/streambench/v1/streambench.proto
// for what each fault does): IntegrityFaultPlan decides which fault, if any, each message of a
// stream gets; FaultedOutbox applies the decisions to the stream's outgoing messages (dropping,
// duplicating, holding one back, corrupting) and counts each fault it injected in the server's
// metrics, so the server's count is what a client should detect. Plain logic without gRPC calls
// or clocks, so it is unit tested directly; the reactors write whatever the outbox holds.
// Thread-safety: not thread-safe; one per stream, used under the owning reactor's mutex.
// ValidateIntegrityFaults and IntegrityFaultsEnabled are pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "server/integrity_fault_kind.h"
#include "server/server_metrics.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench {

// INVALID_ARGUMENT naming the field (`field`.<kind>.probability: the request's path to the
// faults) when a probability is outside [0, 1] (or NaN).
grpc::Status ValidateIntegrityFaults(const v1::IntegrityFaults& faults,
                                     const std::string& field = "behavior.integrity_faults");

// True when any kind is asked for (every_nth > 0 or probability > 0).
bool IntegrityFaultsEnabled(const v1::IntegrityFaults& faults);

class IntegrityFaultPlan {
 public:
  // `stream_number`: the stream's number on the server, mixed with faults.seed() into the seed of
  // the RNG that probabilities draw from, so streams differ but a run is reproducible.
  IntegrityFaultPlan(const v1::IntegrityFaults& faults, uint64_t stream_number);

  // The fault for message `n` (counted from 1): the first kind, in IntegrityFault order, whose
  // every_nth divides n or whose probability draw hits; kNone otherwise. Every kind with a
  // probability draws once per call, whichever wins, so the draws do not depend on the others.
  IntegrityFault Decide(uint64_t n);
  // Decide for the stream's next message.
  IntegrityFault Next() { return Decide(++messages_); }

 private:
  struct Rate {
    uint64_t every_nth = 0;
    double probability = 0;
  };
  std::array<Rate, kIntegrityFaultKinds> rates_;
  std::mt19937_64 rng_;
  uint64_t messages_ = 0;
};

// Flips one bit of `payload` (the first byte's lowest), or of `crc32c` when the payload is empty,
// so the pair no longer matches. Shared by the message types' outbox traits.
template <typename Message>
void CorruptPayloadOrChecksum(Message& message) {
  if (!message.payload().empty()) {
    (*message.mutable_payload())[0] ^= 1;
  } else {
    message.set_payload_crc32c(message.payload_crc32c() ^ 1u);
  }
}

// How the outbox corrupts and duplicates a streambench.v1 Response.
struct ResponseFaultTraits {
  static void Corrupt(v1::Response& response) { CorruptPayloadOrChecksum(response); }
  // The copy must not report the flow-control drops a second time.
  static void MarkDuplicate(v1::Response& copy) { copy.set_dropped_before(0); }
  // A stream's responses are one sequence: a held one sent later is always out of order.
  static bool SameSequence(const v1::Response&, const v1::Response&) { return true; }
};

// A stream's outgoing messages after the faults: Offer each message in order, write front() and
// pop() it when written, Flush() when nothing more will be offered. `Traits` provides
// Corrupt(Message&), MarkDuplicate(Message&) (for the second copy) and SameSequence(a, b) (a
// reorder is injected, and counted, only when the held message goes out behind one of its own
// sequence; behind another sequence's message it is in order, as far as any receiver can tell).
template <typename Message, typename Traits>
class FaultedOutbox {
 public:
  FaultedOutbox(const v1::IntegrityFaults& faults, uint64_t stream_number,
                ServerMetrics::Method& metrics)
      : plan_(faults, stream_number), metrics_(metrics) {}

  // Queues `message` (the stream's next) as its fault says, and a held one behind it. Returns
  // the fault applied to `message` (kReorder: it is held back). `may_drop` false: a drop is not
  // applied (nor counted), for a message that must arrive.
  IntegrityFault Offer(Message message, bool may_drop = true) {
    IntegrityFault fault = plan_.Next();
    if (fault == IntegrityFault::kReorder && held_) fault = IntegrityFault::kNone;  // one at once
    if (fault == IntegrityFault::kDrop && !may_drop) fault = IntegrityFault::kNone;
    const size_t offered_at = ready_.size();  // where `message` goes when it is queued
    switch (fault) {
      case IntegrityFault::kDrop:
        Injected(fault);
        return fault;  // a held message waits for the next one actually sent
      case IntegrityFault::kReorder:
        held_ = std::move(message);  // counted when it goes out behind another
        return fault;
      case IntegrityFault::kDuplicate: {
        Message copy = message;
        Traits::MarkDuplicate(copy);
        ready_.push_back(std::move(message));
        ready_.push_back(std::move(copy));
        Injected(fault);
        break;
      }
      case IntegrityFault::kCorrupt:
        Traits::Corrupt(message);
        ready_.push_back(std::move(message));
        Injected(fault);
        break;
      case IntegrityFault::kNone:
        ready_.push_back(std::move(message));
        break;
    }
    if (held_) {
      const bool reordered = Traits::SameSequence(*held_, ready_[offered_at]);
      ready_.push_back(std::move(*held_));
      held_.reset();
      if (reordered) Injected(IntegrityFault::kReorder);
    }
    return fault;
  }

  // Queues `message` as it is, outside the stream's faulted messages (n does not count it): one
  // the receiver must get intact and in place, such as a chat room's joined, left or
  // sending_done. A held message goes out first, in order (uncounted): none is held past it.
  void Pass(Message message) {
    Flush();
    ready_.push_back(std::move(message));
  }

  // The end of the stream: a held message goes out in order (no successor, so no reorder).
  void Flush() {
    if (!held_) return;
    ready_.push_back(std::move(*held_));
    held_.reset();
  }

  bool empty() const { return ready_.empty(); }
  Message& front() { return ready_.front(); }
  void pop() { ready_.pop_front(); }
  bool holding() const { return held_.has_value(); }
  // The held message; requires holding().
  const Message& held() const { return *held_; }
  // Faults injected so far, by kind.
  uint64_t injected(IntegrityFault fault) const { return injected_[static_cast<int>(fault)]; }

 private:
  void Injected(IntegrityFault fault) {
    ++injected_[static_cast<int>(fault)];
    metrics_.IntegrityFaultInjected(fault);
  }

  IntegrityFaultPlan plan_;
  ServerMetrics::Method& metrics_;
  std::deque<Message> ready_;
  std::optional<Message> held_;
  std::array<uint64_t, kIntegrityFaultKinds> injected_{};
};

}  // namespace streambench
