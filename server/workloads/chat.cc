// Chat reactor of the Workloads service: a member of one room.
#include <string>

#include "server/workloads/outbox.h"
#include "server/workloads/reactors.h"

namespace streambench::workloads {
namespace {

// Reads one message at a time (so a sender's messages are broadcast in its order); writes one at a
// time from a bounded queue that the room fills. Leaving (a leave message, the half-close or a
// cancel) removes the member from the room; the call ends once what was queued has been written.
class ChatReactor final
    : public WorkloadReactor<ChatReactor,
                             grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>>,
      public ChatMember {
 public:
  ChatReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics, ChatRooms& rooms)
      : LifecycleReactor(metrics, live_calls), rooms_(rooms) {
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    // Room calls happen without mu_ held (lock order: room, then member); only this thread
    // touches membership_ until the next StartRead.
    if (!ok || in_.kind_case() == v1::ChatClientMessage::kLeave) {
      LeaveRoom();
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
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
          status = rooms_.Join(in_.join().room(), in_.join().member(), this, &membership_);
        }
        break;
      case v1::ChatClientMessage::kText:
      case v1::ChatClientMessage::kTyping:
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
    if (!outbox_.empty()) {
      WriteNextLocked();
    } else {
      MaybeFinishLocked();
    }
  }

 private:
  friend LifecycleReactor;  // calls BeforeDelete

  std::shared_ptr<const v1::ChatServerMessage> ToBroadcast(const v1::ChatClientMessage& in) const {
    auto out = std::make_shared<v1::ChatServerMessage>();
    out->set_room(membership_.room->name);
    out->set_sender(membership_.name);
    if (in.has_text()) {
      *out->mutable_text() = in.text();
    } else {
      *out->mutable_typing() = in.typing();
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
    if (closing_ && !write_in_flight_ && outbox_.empty()) FinishLocked(grpc::Status::OK);
  }

  void WriteNextLocked() {
    out_ = *outbox_.Take();
    out_.set_dropped_messages(outbox_.dropped());
    metrics_.MessageSent(out_.ByteSizeLong());
    StartWriteLocked(&out_);
  }

  ChatRooms& rooms_;
  ChatRooms::Membership membership_;  // owned by the read path (and OnDone, after it)
  v1::ChatClientMessage in_;
  v1::ChatServerMessage out_;
  Outbox<v1::ChatServerMessage> outbox_{kMaxQueuedChatMessages};
  bool closing_ = false;
};

}  // namespace

grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>* NewChatReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, ChatRooms& rooms) {
  return new ChatReactor(live_calls, metrics, rooms);
}

}  // namespace streambench::workloads
