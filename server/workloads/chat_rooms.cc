#include "server/workloads/chat_rooms.h"

namespace streambench::workloads {
namespace {

std::shared_ptr<const v1::ChatServerMessage> SystemMessage(const std::string& room,
                                                           const std::string& member, bool joined,
                                                           size_t members) {
  auto message = std::make_shared<v1::ChatServerMessage>();
  message->set_room(room);
  message->set_sender(member);
  if (joined) {
    message->mutable_joined()->set_members(static_cast<uint32_t>(members));
  } else {
    message->mutable_left()->set_members(static_cast<uint32_t>(members));
  }
  return message;
}

}  // namespace

grpc::Status ChatRooms::Join(const std::string& room_name, const std::string& name,
                             ChatMember* member, Membership* out) {
  if (room_name.empty() || room_name.size() > kMaxNameBytes || name.empty() ||
      name.size() > kMaxNameBytes) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        "join: room and member must be 1.." + std::to_string(kMaxNameBytes) + " bytes");
  }
  // Joins and leaves hold the map lock throughout, so a room cannot be erased while someone joins
  // it; broadcasts take only the room's lock.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rooms_.find(room_name);
  if (it == rooms_.end()) {
    if (rooms_.size() >= kMaxRooms) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "the server has " + std::to_string(kMaxRooms) + " rooms already");
    }
    auto room = std::make_shared<Room>();
    room->name = room_name;
    it = rooms_.emplace(room_name, std::move(room)).first;
  }
  Room& room = *it->second;
  std::lock_guard<std::mutex> room_lock(room.mu);
  if (room.members.count(name) > 0) {
    return grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                        "member `" + name + "` is already in room `" + room_name + "`");
  }
  if (room.members.size() >= kMaxMembersPerRoom) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "room `" + room_name + "` is full");
  }
  room.members.emplace(name, member);
  const auto joined = SystemMessage(room_name, name, true, room.members.size());
  for (const auto& [other_name, other] : room.members) other->Deliver(joined);
  out->room = it->second;
  out->name = name;
  out->member = member;
  return grpc::Status::OK;
}

void ChatRooms::Leave(const Membership& membership) {
  if (membership.room == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  Room& room = *membership.room;
  std::lock_guard<std::mutex> room_lock(room.mu);
  auto it = room.members.find(membership.name);
  if (it == room.members.end() || it->second != membership.member) return;
  room.members.erase(it);
  if (room.members.empty()) {
    auto found = rooms_.find(room.name);
    if (found != rooms_.end() && found->second == membership.room) rooms_.erase(found);
    return;
  }
  const auto left = SystemMessage(room.name, membership.name, false, room.members.size());
  for (const auto& [other_name, other] : room.members) other->Deliver(left);
}

void ChatRooms::Broadcast(const Membership& sender,
                          const std::shared_ptr<const v1::ChatServerMessage>& message) {
  if (sender.room == nullptr) return;
  std::lock_guard<std::mutex> room_lock(sender.room->mu);
  for (const auto& [name, member] : sender.room->members) {
    if (member != sender.member) member->Deliver(message);
  }
}

size_t ChatRooms::room_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rooms_.size();
}

size_t ChatRooms::member_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t total = 0;
  for (const auto& [name, room] : rooms_) {
    std::lock_guard<std::mutex> room_lock(room->mu);
    total += room->members.size();
  }
  return total;
}

}  // namespace streambench::workloads
