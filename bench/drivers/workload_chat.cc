// chat driver: chat.rooms x chat.members_per_room members, each a bidi Chat stream, spread over
// the slots round robin (member g = room * K + k goes to slot g % slots), so few connections carry
// many members. One operation = one broadcast message (text; with chat.typing every 4th is a
// typing indicator) from the next member, round robin over all members.
//
// Joining: a member sends nothing but its join until it has seen its room complete (a `joined`
// message with members == K). The server broadcasts under the room's lock, so once a member has
// seen that, every later message of its reaches all K - 1 others: each receiver gets every
// sender's sequence from 0, and lost / duplicated / reordered are exact. Operations submitted
// before then wait in the member's queue (their latency counts from the intended time; the
// warm-up covers it).
//
// Ending: at the stop each member writes what is queued (operations of a member whose room never
// completed are dropped), and counts as done sending. A member leaves (a leave message, then the
// half-close) once every member of its room is done sending and it has received (or the server
// reported dropping) everything the others wrote; the server then ends the call with OK. With
// server_behavior.integrity_faults the server drops and duplicates on purpose, so a count cannot
// tell that: a member done sending writes an end marker (sending_done), which the server passes
// to the others behind everything it sent, and a member has everything once it has every other
// member's marker.
//
// Per receiver, one StreamIntegrity per sender of its room, allocated when the member is created
// (K x K x ~170 bytes per room), never per message. Server-dropped messages (slow receiver,
// reported in-stream as dropped_messages) are counted by Recorder::AddServerDropped and not as
// lost.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench/drivers/call_base.h"
#include "bench/drivers/stream_write_side.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/drivers/workload_drivers.h"
#include "bench/drivers/world_slot.h"
#include "bench/drivers/write_pump.h"
#include "bench/stats/integrity.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::drivers {
namespace {

using stats::Latency;
using streambench::v1::Workloads;

class Member;

const std::string kChatPath = MethodPath(Workloads::service_full_name(), "Chat");

// Text offsets vary per message over this many bytes, so a misplaced text is caught.
constexpr size_t kTextWindowBytes = 256;

// Per-run state: the members, what each wrote, who is done sending.
struct ChatWorld {
  ChatWorld(const scenario::Scenario& s, int64_t start_ns)
      : spec(s.chat),
        members_per_room(s.chat.members_per_room),
        run_tag(s.id_tag + std::to_string(start_ns)),
        written(static_cast<size_t>(s.chat.rooms) * s.chat.members_per_room),
        done_sending(written.size()),
        failed(written.size()),
        room_done(s.chat.rooms),
        room_failed(s.chat.rooms),
        rooms(s.chat.rooms) {
    // Printable ASCII: ChatText.text is a proto3 string, which must be valid UTF-8.
    std::mt19937_64 rng(s.seed);
    text.resize(static_cast<size_t>(spec.message_size_bytes) + kTextWindowBytes);
    for (char& c : text) c = static_cast<char>('a' + rng() % 26);
  }

  const scenario::ChatSpec spec;
  const uint32_t members_per_room;
  const std::string run_tag;  // makes room names unique to the run (a shared target server)
  std::string text;

  // Indexed by global member id g = room * K + k.
  std::vector<std::atomic<uint64_t>> written;   // broadcast messages whose write completed
  std::vector<std::atomic<bool>> done_sending;  // wrote all it will write (or ended)
  std::vector<std::atomic<bool>> failed;        // its stream ended badly: what it wrote may be lost
  // Indexed by room.
  std::vector<std::atomic<uint32_t>> room_done;    // members done sending
  std::vector<std::atomic<uint32_t>> room_failed;  // members failed

  std::mutex mu;  // guards the lists (filled while slots start; members leave them in OnDone)
  std::vector<Member*> members;
  std::vector<std::vector<Member*>> rooms;
  uint64_t next_member = 0;

  std::string RoomName(uint32_t room) const {
    return "chat-" + run_tag + "-" + std::to_string(room);
  }
  // The text of sender g's message `seq`.
  std::string_view Text(uint32_t g, uint64_t seq) const {
    const size_t offset = static_cast<size_t>((g * 131ull + seq * 17ull) % kTextWindowBytes);
    return std::string_view(text).substr(offset, static_cast<size_t>(spec.message_size_bytes));
  }
  bool IsTyping(uint64_t seq) const { return spec.typing && seq % 4 == 3; }

  // Member g is done sending (counted once per member); `ok` = false when its stream ended badly
  // (at most once per member, from its OnDone), so what it wrote may not all have gone out.
  void MarkDoneSending(uint32_t g, bool ok) {
    const uint32_t room = g / members_per_room;
    if (!ok && !failed[g].exchange(true)) room_failed[room].fetch_add(1);
    if (!done_sending[g].exchange(true)) room_done[room].fetch_add(1);
  }
  bool RoomDone(uint32_t room) const { return room_done[room].load() >= members_per_room; }
  // Asks every member of `room` whether it can leave now.
  void CheckLeave(uint32_t room);
  void Remove(Member* m, uint32_t room);
};

// What one member receives from the others of its room (its read path): every broadcast checked
// and timed, and per sender the integrity of its sequence (K StreamIntegrity allocated with the
// member, never per message).
// Thread-safety: OnBroadcast and SetServerDropped from the member's reads (one at a time);
// HasEverythingFromOthers from any thread; Finish from OnDone, after the last read.
class ChatInbox {
 public:
  ChatInbox(const ChatWorld& world, uint32_t room, uint32_t k)
      : world_(world),
        room_(room),
        k_(k),
        integrity_(world.members_per_room),
        end_marker_(world.members_per_room) {}

  // A text / typing message `in` of room `room_name` (the member's), arrived at the DriverContext
  // clock's `now_ns`.
  void OnBroadcast(const v1::ChatServerMessage& in, const std::string& room_name, int64_t now_ns,
                   stats::Recorder& rec) {
    const uint32_t k = SenderIndex(in.sender());
    if (k >= world_.members_per_room || k == k_ || in.room() != room_name) {
      stats::IntegrityCounts counts;
      counts.corrupted = 1;  // a message no member of this room sent
      rec.AddIntegrity(counts);
      return;
    }
    const uint32_t sender = room_ * world_.members_per_room + k;
    const uint64_t seq = in.sender_seq();
    bool intact;
    if (in.has_typing()) {
      intact = world_.IsTyping(seq) && in.typing().typing();
    } else {
      intact = !world_.IsTyping(seq) && in.text().text() == world_.Text(sender, seq);
    }
    rec.RecordLatencyNs(Latency::kMessage, now_ns - in.intended_send_time_ns());
    rec.AddReceived(1, in.has_text() ? in.text().text().size() : 0);
    integrity_[k].OnMessage(seq, intact);
    received_.fetch_add(1, std::memory_order_acq_rel);
  }

  // A member's end marker (sending_done): the server sent it behind everything that member sent.
  void OnSendingDone(const v1::ChatServerMessage& in) {
    const uint32_t k = SenderIndex(in.sender());
    if (k >= world_.members_per_room || k == k_ || end_marker_[k]) return;
    end_marker_[k] = true;
    senders_done_.fetch_add(1, std::memory_order_acq_rel);
  }
  // Every other member's end marker has arrived (integrity faults: counts cannot tell).
  bool HasEveryEndMarker() const {
    return senders_done_.load(std::memory_order_acquire) + 1 >= world_.members_per_room;
  }

  // The server's latest count of messages it dropped for this (slow) member.
  void SetServerDropped(uint64_t dropped) { dropped_.store(dropped); }

  // Everything the others of the room wrote has arrived, or the server reported dropping it.
  bool HasEverythingFromOthers() const {
    uint64_t expected = 0;
    const uint32_t first = room_ * world_.members_per_room;
    for (uint32_t k = 0; k < world_.members_per_room; ++k) {
      if (k != k_) expected += world_.written[first + k].load();
    }
    return received_.load(std::memory_order_acquire) + dropped_.load() >= expected;
  }

  // From OnDone: the integrity of what arrived. Each sender's count is known only when the member
  // left cleanly (`left_cleanly`) and that sender finished sending without failing.
  void Finish(bool left_cleanly, stats::Recorder& rec) {
    stats::IntegrityCounts total;
    const uint32_t first = room_ * world_.members_per_room;
    for (uint32_t k = 0; k < world_.members_per_room; ++k) {
      if (k == k_) continue;
      const uint32_t sender = first + k;
      if (left_cleanly && world_.done_sending[sender].load() && !world_.failed[sender].load()) {
        integrity_[k].Finish(world_.written[sender].load());
      } else {
        integrity_[k].FinishUnknownCount();
      }
      total += integrity_[k].counts();
    }
    // What the server dropped for this slow member shows up as gaps; it is reported, not lost.
    const uint64_t dropped = dropped_.load();
    total.lost -= std::min(total.lost, dropped);
    rec.AddServerDropped(dropped);
    rec.AddIntegrity(total);
  }

 private:
  // "m<k>" -> k; anything else -> out of range.
  uint32_t SenderIndex(const std::string& name) const {
    if (name.size() < 2 || name.size() > 10 || name[0] != 'm') return UINT32_MAX;
    uint64_t k = 0;
    for (size_t i = 1; i < name.size(); ++i) {
      if (name[i] < '0' || name[i] > '9') return UINT32_MAX;
      k = k * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return k < world_.members_per_room ? static_cast<uint32_t>(k) : UINT32_MAX;
  }

  const ChatWorld& world_;
  const uint32_t room_;
  const uint32_t k_;                               // the member's index in the room
  std::vector<stats::StreamIntegrity> integrity_;  // per sender index in the room
  std::atomic<uint64_t> received_{0};              // broadcasts received
  std::atomic<uint64_t> dropped_{0};               // the server's latest dropped_messages
  std::vector<bool> end_marker_;                   // per sender index: its end marker came
  std::atomic<uint32_t> senders_done_{0};          // end markers that came
};

// A chat member: one bidi Chat stream on the shared write side. Its writes (the join, broadcast
// messages, the leave, then the half-close) go one at a time through its WritePump: operations
// queue there, and whoever holds the pump token starts the next write; StreamWriteSide accounts
// for each broadcast write. Queued operations are held back (not work) until the room is
// complete.
class Member final : public CallBase, private WritePump<Member> {
 public:
  Member(DriverContext& dc, CallList& list, engines::Channel& channel,
         std::shared_ptr<ChatWorld> world, uint32_t g)
      : CallBase(dc, list),
        WritePump<Member>(Slot::kMaxQueuedOps),
        world_(std::move(world)),
        g_(g),
        room_(g / world_->members_per_room),
        k_(g % world_->members_per_room),
        room_name_(world_->RoomName(room_)),
        inbox_(*world_, room_, k_),
        write_(/*write_is_message=*/false) {
    dc_.registry().ForCurrentThread().AddCallStarted();
    // The engine holds the call open until the write side closes (the half-close, a failed
    // write, or the end of the read side), so OnDone never races a write started from Submit.
    StartRpc(channel, kChatPath);
    // The join, under the pump token held since construction; its OnWriteDone releases it.
    v1::ChatJoin* join = out_.mutable_join();
    join->set_room(room_name_);
    join->set_member("m" + std::to_string(k_));
    if (faults_asked()) {
      SetIntegrityFaults(dc_.scenario().behavior.integrity_faults, dc_.scenario().seed,
                         join->mutable_integrity_faults());
    }
    StartWriteOf(v1::ChatClientMessage::kJoin);
  }

  uint32_t id() const { return g_; }
  uint32_t room() const { return room_; }

  // An operation intended at `intended_ns`, from a slot's Submit (world->mu held, so one producer
  // at a time).
  void Submit(int64_t intended_ns) {
    if (closing_.load() || done_.load() || !queue().Push(intended_ns)) {
      dc_.AddDropped();
      return;
    }
    if (writing_.load(std::memory_order_relaxed)) {
      dc_.registry().ForCurrentThread().RecordSendQueueDepth(queue().Size());
    }
    Kick();
  }

  // At the stop (world->mu held, so it must not call the world's locked functions). True when
  // the member became done sending now: the caller marks it after releasing world->mu.
  bool Close() {
    closing_.store(true);
    Kick();
    return became_done_.exchange(false);
  }

  // Leaves if the room is done sending and everything the others wrote has arrived.
  void MaybeLeave() {
    if (done_.load() || leave_.load() || !sending_done_.load() || !world_->RoomDone(room_)) return;
    const bool arrived =
        faults_asked() ? inbox_.HasEveryEndMarker() : inbox_.HasEverythingFromOthers();
    if (world_->room_failed[room_].load() == 0 && !arrived) return;
    if (leave_.exchange(true)) return;
    Kick();
  }

  void OnWriteDone(bool ok) override {
    writing_.store(false, std::memory_order_relaxed);
    if (!ok || read_done_.load()) {
      // The call is ending; OnDone accounts for it. The token stays held: nothing more is written.
      CloseWriteSide();
      return;
    }
    if (write_kind_ == v1::ChatClientMessage::kText ||
        write_kind_ == v1::ChatClientMessage::kTyping) {
      write_.Acked(dc_);
      world_->written[g_].fetch_add(1, std::memory_order_acq_rel);
    }
    Release();
    AnnounceIfDoneSending();
  }

  // The server ended the call (or it was cancelled): no more writes. OnDone follows once the
  // write side closed.
  void OnReadsDone() override {
    read_done_.store(true);
    Kick();
  }

  void OnMessage(std::string_view message) override {
    if (!Parse(message, &in_)) return;
    inbox_.SetServerDropped(in_.dropped_messages());
    switch (in_.kind_case()) {
      case v1::ChatServerMessage::kJoined:
        if (in_.joined().members() >= world_->members_per_room && in_.room() == room_name_) {
          ready_.store(true);
          Kick();
          AnnounceIfDoneSending();
        }
        break;
      case v1::ChatServerMessage::kText:
      case v1::ChatServerMessage::kTyping:
        inbox_.OnBroadcast(in_, room_name_, dc_.clock().NowNs(), dc_.registry().ForCurrentThread());
        break;
      case v1::ChatServerMessage::kSendingDone:
        inbox_.OnSendingDone(in_);
        break;
      default:
        break;  // left
    }
    if (dc_.stopping()) MaybeLeave();
  }

  void OnDone(const grpc::Status& status) override {
    done_.store(true);
    const bool left_cleanly = leave_.load() && status.ok();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddCallFinished(status.error_code());
    inbox_.Finish(left_cleanly, rec);
    world_->MarkDoneSending(g_, status.ok());
    world_->Remove(this, room_);
    world_->CheckLeave(room_);
    Finished();
  }

 private:
  friend class WritePump<Member>;

  // Token held: the next write (a queued operation once the room is complete; at the stop, the
  // leave and then the half-close), or the end of the write side once the read side ended. The
  // token stays held after the half-close and the end: nothing more is written.
  bool WorkLocked() {
    if (read_done_.load()) {
      CloseWriteSide();
      return true;
    }
    out_.Clear();
    int64_t intended_ns;
    if (ready_.load() && queue().Pop(&intended_ns)) {
      const int64_t now = dc_.clock().NowNs();
      const uint64_t seq = write_.started();
      out_.set_seq(seq);
      out_.set_send_time_ns(now);
      out_.set_intended_send_time_ns(intended_ns);
      size_t bytes = 0;
      if (world_->IsTyping(seq)) {
        out_.mutable_typing()->set_typing(true);
      } else {
        const std::string_view text = world_->Text(g_, seq);
        out_.mutable_text()->set_text(text.data(), text.size());
        bytes = text.size();
      }
      write_.Started(dc_, intended_ns, now, bytes);
      StartWriteOf(world_->IsTyping(seq) ? v1::ChatClientMessage::kTyping
                                         : v1::ChatClientMessage::kText);
      return true;
    }
    if (!closing_.load()) return false;
    if (!sending_done_.load()) {
      // Everything queued is written, or the room never completed: its operations are not sent.
      while (queue().Pop(&intended_ns)) dc_.AddDropped();
      sending_done_.store(true);
      became_done_.store(true);
      if (faults_asked()) {  // the end marker, behind everything this member sent
        out_.mutable_sending_done();
        StartWriteOf(v1::ChatClientMessage::kSendingDone);
        return true;
      }
    }
    if (!leave_.load()) return false;
    if (!leave_sent_) {
      leave_sent_ = true;
      out_.mutable_leave();
      StartWriteOf(v1::ChatClientMessage::kLeave);
    } else {
      CloseWriteSide();
    }
    return true;
  }
  // Exactly when WorkLocked() would start something: operations wait (are not work) until the
  // room is complete; after the leave is written, the half-close is.
  bool HasWork() const {
    return read_done_.load() || (ready_.load() && !queue().Empty()) ||
           (closing_.load() && !sending_done_.load()) || leave_.load();
  }

  // Outside world->mu, after the pump ran: if this member just became done sending, tells the
  // world and lets its room leave. Exactly one caller sees the change.
  void AnnounceIfDoneSending() {
    if (!became_done_.exchange(false)) return;
    world_->MarkDoneSending(g_, true);
    world_->CheckLeave(room_);
  }

  bool faults_asked() const { return dc_.scenario().behavior.integrity_faults.Any(); }

  // Token held: the half-close, once. OnDone may run on another thread from here on.
  void CloseWriteSide() {
    if (write_closed_) return;
    write_closed_ = true;
    StartWritesDone();
  }

  void StartWriteOf(v1::ChatClientMessage::KindCase kind) {
    write_kind_ = kind;
    writing_.store(true, std::memory_order_relaxed);
    StartWrite(out_);
  }

  std::shared_ptr<ChatWorld> world_;
  const uint32_t g_;     // global member id
  const uint32_t room_;  // g_ / K
  const uint32_t k_;     // index in the room: the member's name is "m<k_>"
  const std::string room_name_;

  // Read path.
  v1::ChatServerMessage in_;
  ChatInbox inbox_;

  // Set from any thread, then Kick(): what the write side acts on.
  std::atomic<bool> ready_{false};      // the room is complete: queued operations may go
  std::atomic<bool> closing_{false};    // the run stopped: write what is queued, then done
  std::atomic<bool> leave_{false};      // everything arrived: leave, then half-close
  std::atomic<bool> read_done_{false};  // the read side ended: no more writes
  std::atomic<bool> done_{false};       // OnDone ran
  // Set under the pump token, read anywhere.
  std::atomic<bool> sending_done_{false};  // wrote all it will write
  std::atomic<bool> became_done_{false};   // sending_done_ set, not yet announced
  std::atomic<bool> writing_{false};       // a write is in flight (for the send-queue depth)

  // Under the pump token (or in the completion of the write that holds it).
  v1::ChatClientMessage out_;
  v1::ChatClientMessage::KindCase write_kind_ = v1::ChatClientMessage::KIND_NOT_SET;
  StreamWriteSide write_;  // broadcast writes: their count is the next message's sequence
  bool leave_sent_ = false;
  bool write_closed_ = false;
};

void ChatWorld::CheckLeave(uint32_t room) {
  if (!RoomDone(room)) return;
  std::lock_guard<std::mutex> lock(mu);
  for (Member* m : rooms[room]) m->MaybeLeave();
}

void ChatWorld::Remove(Member* m, uint32_t room) {
  std::lock_guard<std::mutex> lock(mu);
  members.erase(std::remove(members.begin(), members.end(), m), members.end());
  rooms[room].erase(std::remove(rooms[room].begin(), rooms[room].end(), m), rooms[room].end());
}

class ChatSlot final : public WorldSlot<ChatWorld> {
 public:
  using WorldSlot::WorldSlot;

  void Start() override {
    const uint32_t slots = static_cast<uint32_t>(SlotCount(dc_.scenario()));
    const uint32_t total = static_cast<uint32_t>(world_->written.size());
    std::lock_guard<std::mutex> lock(world_->mu);
    for (uint32_t g = static_cast<uint32_t>(index_); g < total; g += slots) {
      Member* m = new Member(dc_, calls_, *channel_, world_, g);
      world_->members.push_back(m);
      world_->rooms[m->room()].push_back(m);
    }
  }
  // Any slot takes any operation: the world hands it to the next member.
  void Submit(int64_t intended_ns) override {
    std::lock_guard<std::mutex> lock(world_->mu);
    if (world_->members.empty()) return;
    world_->members[world_->next_member++ % world_->members.size()]->Submit(intended_ns);
  }
  // Slot 0 closes every member (once); each is done sending when its queue is written.
  void Stop() override {
    if (index_ != 0) return;
    std::vector<uint32_t> done;  // members that became done sending
    {
      std::lock_guard<std::mutex> lock(world_->mu);
      for (Member* m : world_->members) {
        if (m->Close()) done.push_back(m->id());
      }
    }
    // Outside world->mu: marking and CheckLeave take it.
    for (uint32_t g : done) world_->MarkDoneSending(g, true);
    for (uint32_t room = 0; room < world_->spec.rooms; ++room) world_->CheckLeave(room);
  }
};

}  // namespace

std::unique_ptr<RunDriver> MakeChatDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeWorldDriver<ChatSlot, ChatWorld>(dc);
}

}  // namespace streambench::drivers
