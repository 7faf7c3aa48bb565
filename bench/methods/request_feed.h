// RequestFeed: the requests of a scenario's `request.feed`, a file with one proto3 JSON message
// per line, every line compiled against the request message when the feed is loaded (so a line
// that does not fit stops the run before anything is sent), then handed out line by line through
// one cursor shared by the whole run (`request.feed_order`: cycle, or once).
// Memory: a line without placeholders is kept only as its serialized bytes, all of them in one
// buffer (about the size of the messages on the wire, less than the file's JSON, plus 16 bytes of
// index per line); only a line with placeholders keeps a compiled MessageTemplate (a message
// object, and a payload buffer if it uses {{payload N}}). Feeds larger than kMaxFileBytes are
// refused when loaded.
// Thread-safety: the lines are immutable once loaded; Take() is lock-free and may be called from
// any thread; Render() from any thread, each with its own TemplateContext.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/methods/message_template.h"
#include "bench/scenario/scenario.h"

namespace streambench::methods {

// Why a feed did not load: the file's line (1-based; 0 when the file as a whole is at fault) and
// what is wrong there ("acme.chat.v1.Line has no field \"txt\" ...", with the field's path).
struct FeedError {
  int line = 0;
  std::string message;
};

class RequestFeed {
 public:
  static constexpr uint64_t kMaxFileBytes = 1ull << 30;  // 1 GiB

  // Reads `path` and compiles each non-blank line as a `type` message. The feed keeps `factory`
  // and `type`, which must outlive it. Nullptr with *error on the first line that does not fit,
  // a file that cannot be read, or a file with no message.
  static std::unique_ptr<RequestFeed> Load(const std::string& path,
                                           const google::protobuf::Descriptor& type,
                                           google::protobuf::DynamicMessageFactory& factory,
                                           scenario::FeedOrder order, FeedError* error);

  // The index of the next message to send: the cursor's next value, wrapped around in `cycle`
  // order; nullopt once a `once` feed has handed out every message (and from then on).
  std::optional<size_t> Take();
  // Whether a `once` feed has handed out every message (never for `cycle`).
  bool exhausted() const;
  // Messages handed out so far (`once`: at most size(); `cycle`: counting every wrap-around).
  uint64_t taken() const;

  // Message `index` (from Take) for `context`, serialized.
  void Render(size_t index, const TemplateContext& context, std::string* out) const;

  size_t size() const { return entries_.size(); }
  // Line of the file message `index` came from (1-based), for messages and tests.
  int line_of(size_t index) const { return entries_[index].line; }
  bool uses_random() const { return uses_random_; }
  size_t templated_messages() const { return templates_.size(); }

 private:
  struct Entry {
    uint64_t offset = 0;     // in serialized_ (no template)
    uint32_t size = 0;       // serialized bytes (no template)
    int32_t template_ = -1;  // index in templates_, or -1: the bytes above are the message
    int line = 0;
  };
  explicit RequestFeed(scenario::FeedOrder order) : order_(order) {}

  const scenario::FeedOrder order_;
  std::string serialized_;  // every template-free message, back to back
  std::vector<Entry> entries_;
  std::vector<MessageTemplate> templates_;
  bool uses_random_ = false;
  std::atomic<uint64_t> cursor_{0};  // messages taken so far (beyond size() in `once`: used up)
};

}  // namespace streambench::methods
