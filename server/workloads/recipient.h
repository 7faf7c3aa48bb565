// Recipient: where the topic hub or a chat room hands a message to one subscriber or member (its
// reactor). The message is shared by every recipient, never copied per recipient.
// Thread-safety: Deliver is called with the hub's or room's lock held, from any thread; it must
// not block or call back into the hub or room.
#pragma once

#include <memory>

namespace streambench::workloads {

template <typename Message>
class Recipient {
 public:
  virtual ~Recipient() = default;
  virtual void Deliver(const std::shared_ptr<const Message>& message) = 0;
};

}  // namespace streambench::workloads
