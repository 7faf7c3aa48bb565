// Chat reactor of the Workloads service: a member of one room.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "server/integrity_faults.h"
#include "server/workloads/outbox.h"
#include "server/workloads/reactors.h"

namespace streambench::workloads {
namespace {

using SharedChatMessage = std::shared_ptr<const v1::ChatServerMessage>;

bool IsBroadcast(const v1::ChatServerMessage& message) {
  return message.has_text() || message.has_typing();
}

// How the integrity faults' outbox corrupts, duplicates and orders the broadcasts delivered to a
// member. They are shared with every other member, so a corrupted one is a copy. Each sender
// numbers its broadcasts, so a sender's are a sequence.
struct ChatFaultTraits {
  static void Corrupt(SharedChatMessage& message) {
    auto copy = std::make_shared<v1::ChatServerMessage>(*message);
    if (copy->has_typing()) {
      copy->mutable_typing()->set_typing(!copy->typing().typing());
    } else {
      // Flipping the lowest bit of an ASCII byte keeps it ASCII, so the text stays valid UTF-8
      // (a proto3 string that is not would fail the receiver's parse, not its check).
      std::string* text = copy->mutable_text()->mutable_text();
      if (!text->empty() && static_cast<unsigned char>((*text)[0]) < 0x80) {
        (*text)[0] ^= 1;
      } else {
        text->insert(0, "?");
      }
    }
    message = std::move(copy);
  }
  static void MarkDuplicate(SharedChatMessage&) {}
  static bool SameSequence(const SharedChatMessage& a, const SharedChatMessage& b) {
    return a->sender() == b->sender();
  }
};

// Reads one message at a time (so a sender's messages are broadcast in its order); writes one at a
// time from a bounded queue that the room fills. Leaving (a leave message, the half-close or a
// cancel) removes the member from the room; the call ends once what was queued has been written.
class ChatReactor final
    : public WorkloadReactor<ChatReactor,
                             grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>>,
      public ChatMember {
 public:
  ChatReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics, ChatRooms& rooms,
              std::atomic<uint64_t>& faulted_streams)
      : LifecycleReactor(metrics, live_calls), rooms_(rooms), faulted_streams_(faulted_streams) {
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    // Room calls happen without mu_ held (lock order: room, then member); only this thread
    // touches membership_ until the next StartRead.
    if (!ok || in_.kind_case() == v1::ChatClientMessage::kLeave) {
      LeaveRoom();
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
      if (faults_ && faults_->holding()) {
        faults_->Flush();  // the stream's end: a held message goes out in order
        if (!write_in_flight_ && !finished_) WriteNextLocked();
      }
      MaybeFinishLocked();
      return;
    }
    metrics_.MessageReceived(in_.ByteSizeLong());
    grpc::Status status;
    switch (in_.kind_case()) {
      case v1::ChatClientMessage::kJoin:
        if (membership_.room != nullptr) {
          status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "chat: already joined");
        } else {
          status = SetUpFaults(in_.join().integrity_faults());
          if (status.ok()) {
            status = rooms_.Join(in_.join().room(), in_.join().member(), this, &membership_);
          }
        }
        break;
      case v1::ChatClientMessage::kText:
      case v1::ChatClientMessage::kTyping:
      case v1::ChatClientMessage::kSendingDone:
        if (membership_.room == nullptr) {
          status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "chat: the first message must be a join");
        } else {
          rooms_.Broadcast(membership_, ToBroadcast(in_));
        }
        break;
      default:
        status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "chat: empty message");
        break;
    }
    if (!status.ok()) {
      LeaveRoom();
      std::lock_guard<std::mutex> lock(mu_);
      FinishLocked(status);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished_) StartRead(&in_);
  }

  void Deliver(const std::shared_ptr<const v1::ChatServerMessage>& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished_ && outbox_.Offer(message) && !write_in_flight_) WriteNextLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!WriteDoneLocked(ok) || finished_) return;
    if (!outbox_.empty() || (faults_ && !faults_->empty())) {
      WriteNextLocked();
    } else {
      MaybeFinishLocked();
    }
  }

 private:
  friend LifecycleReactor;  // calls BeforeDelete

  // The join's integrity faults, applied from the join's own `joined` on (before the room can
  // deliver anything). INVALID_ARGUMENT naming the field for a bad probability.
  grpc::Status SetUpFaults(const v1::IntegrityFaults& faults) {
    grpc::Status status = ValidateIntegrityFaults(faults, "chat: join.integrity_faults");
    if (!status.ok()) return status;
    if (IntegrityFaultsEnabled(faults)) {
      std::lock_guard<std::mutex> lock(mu_);
      faults_.emplace(faults, faulted_streams_.fetch_add(1) + 1, metrics_);
    }
    return grpc::Status::OK;
  }

  std::shared_ptr<const v1::ChatServerMessage> ToBroadcast(const v1::ChatClientMessage& in) const {
    auto out = std::make_shared<v1::ChatServerMessage>();
    out->set_room(membership_.room->name);
    out->set_sender(membership_.name);
    if (in.has_text()) {
      *out->mutable_text() = in.text();
    } else if (in.has_typing()) {
      *out->mutable_typing() = in.typing();
    } else {
      out->mutable_sending_done();
    }
    out->set_sender_seq(in.seq());
    out->set_send_time_ns(in.send_time_ns());
    out->set_intended_send_time_ns(in.intended_send_time_ns());
    return out;
  }

  void LeaveRoom() {
    if (membership_.room == nullptr) return;
    rooms_.Leave(membership_);
    membership_ = ChatRooms::Membership();
  }

  void BeforeDelete() { LeaveRoom(); }

  void MaybeFinishLocked() {
    if (closing_ && !write_in_flight_ && outbox_.empty() && (!faults_ || faults_->empty())) {
      FinishLocked(grpc::Status::OK);
    }
  }

  // With integrity faults, messages taken from the queue go through the faults' outbox (the
  // broadcasts as the stream's faulted messages, the others as they are) until it has one to
  // write; `out_` is the one in flight either way.
  void WriteNextLocked() {
    if (faults_) {
      while (faults_->empty() && !outbox_.empty()) {
        SharedChatMessage next = outbox_.Take();
        if (IsBroadcast(*next)) {
          faults_->Offer(std::move(next));
        } else {
          faults_->Pass(std::move(next));
        }
      }
      if (faults_->empty()) return;  // dropped, or held back for the next message
      out_ = *faults_->front();
      faults_->pop();
    } else {
      out_ = *outbox_.Take();
    }
    out_.set_dropped_messages(outbox_.dropped());
    metrics_.MessageSent(out_.ByteSizeLong());
    StartWriteLocked(&out_);
  }

  ChatRooms& rooms_;
  std::atomic<uint64_t>& faulted_streams_;
  ChatRooms::Membership membership_;  // owned by the read path (and OnDone, after it)
  v1::ChatClientMessage in_;
  v1::ChatServerMessage out_;
  Outbox<v1::ChatServerMessage> outbox_{kMaxQueuedChatMessages};
  // Set up by the join, before the room delivers anything; then under mu_.
  std::optional<FaultedOutbox<SharedChatMessage, ChatFaultTraits>> faults_;
  bool closing_ = false;
};

}  // namespace

grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>* NewChatReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, ChatRooms& rooms,
    std::atomic<uint64_t>& faulted_streams) {
  return new ChatReactor(live_calls, metrics, rooms, faulted_streams);
}

}  // namespace streambench::workloads
