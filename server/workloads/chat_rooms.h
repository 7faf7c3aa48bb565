// ChatRooms: the rooms of the Workloads service's Chat. A room exists while it has members: the
// first join creates it, the last leave erases it, so nothing stays behind once everyone is gone.
// Broadcasts of one room are handed to its members while holding the room's lock, so every member
// sees the room's messages in one order (in particular each sender's messages in send order).
// Thread-safety: thread-safe. Members are called with the room's lock held and must not call back.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/workloads/recipient.h"
#include "streambench/v1/workloads.pb.h"

namespace streambench::workloads {

// A member's outgoing side (the Chat reactor).
using ChatMember = Recipient<v1::ChatServerMessage>;

class ChatRooms {
 public:
  static constexpr size_t kMaxRooms = 10000;
  static constexpr size_t kMaxMembersPerRoom = 10000;
  static constexpr size_t kMaxNameBytes = 256;

  struct Room;
  struct Membership {
    std::shared_ptr<Room> room;
    std::string name;
    ChatMember* member = nullptr;
  };

  // Adds `member` named `name` to `room`; everyone in the room (the joiner too, as its
  // acknowledgement) gets a `joined` message. INVALID_ARGUMENT for empty or long names,
  // ALREADY_EXISTS for a name taken in the room, RESOURCE_EXHAUSTED past the limits.
  grpc::Status Join(const std::string& room, const std::string& name, ChatMember* member,
                    Membership* out);
  // Removes the member (the others get `left`); erases the room when it was the last. After it
  // returns the member is never called again.
  void Leave(const Membership& membership);
  // Hands `message` to every member of the room except the sender.
  void Broadcast(const Membership& sender,
                 const std::shared_ptr<const v1::ChatServerMessage>& message);

  size_t room_count() const;
  size_t member_count() const;  // over every room

 private:
  mutable std::mutex mu_;  // guards rooms_ (not the rooms' contents)
  std::map<std::string, std::shared_ptr<Room>> rooms_;
};

struct ChatRooms::Room {
  std::mutex mu;
  std::string name;
  std::map<std::string, ChatMember*> members;  // by member name
};

}  // namespace streambench::workloads
