#include "bench/methods/request_feed.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

namespace streambench::methods {

namespace pb = google::protobuf;
using nlohmann::json;

namespace {

bool Blank(const std::string& line) {
  for (char c : line) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<RequestFeed> RequestFeed::Load(const std::string& path, const pb::Descriptor& type,
                                               pb::DynamicMessageFactory& factory,
                                               scenario::FeedOrder order, FeedError* error) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    *error = {0, "cannot read the file"};
    return nullptr;
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes) {
    *error = {0, "is " + std::to_string(info.st_size) + " bytes; a feed is at most " +
                     std::to_string(kMaxFileBytes) + " bytes"};
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = {0, "cannot read the file"};
    return nullptr;
  }
  std::unique_ptr<RequestFeed> feed(new RequestFeed(order));
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Blank(line)) continue;
    json value;
    try {
      value = json::parse(line);
    } catch (const json::parse_error& e) {
      // nlohmann's text starts with "[json.exception.parse_error.101] parse error at ...".
      const std::string what = e.what();
      const size_t at = what.find("] ");
      *error = {number, "not JSON: " + (at == std::string::npos ? what : what.substr(at + 2))};
      return nullptr;
    }
    TemplateError why;
    std::optional<MessageTemplate> compiled = MessageTemplate::Compile(type, value, factory, &why);
    if (!compiled) {
      const std::string where = why.PathText();
      *error = {number, (where.empty() ? "" : where + ": ") + why.message};
      return nullptr;
    }
    Entry entry;
    entry.line = number;
    if (compiled->has_placeholders()) {
      feed->uses_random_ |= compiled->uses_random();
      entry.template_ = static_cast<int32_t>(feed->templates_.size());
      feed->templates_.push_back(std::move(*compiled));
    } else {
      // Kept as bytes only: the template (a message object) goes.
      std::string bytes;
      compiled->Render({}, &bytes);
      entry.offset = feed->serialized_.size();
      entry.size = static_cast<uint32_t>(bytes.size());
      feed->serialized_ += bytes;
    }
    feed->entries_.push_back(entry);
  }
  if (in.bad()) {
    *error = {number, "reading the file failed"};
    return nullptr;
  }
  if (feed->entries_.empty()) {
    *error = {0, "has no message (one proto3 JSON message per line)"};
    return nullptr;
  }
  feed->serialized_.shrink_to_fit();
  feed->entries_.shrink_to_fit();
  return feed;
}

std::optional<size_t> RequestFeed::Take() {
  const uint64_t n = entries_.size();
  if (order_ == scenario::FeedOrder::kOnce) {
    // A load first: once used up, the cursor stays where it is (no wrap after 2^64 takes).
    if (cursor_.load(std::memory_order_relaxed) >= n) return std::nullopt;
    const uint64_t taken = cursor_.fetch_add(1, std::memory_order_relaxed);
    if (taken >= n) return std::nullopt;
    return static_cast<size_t>(taken);
  }
  return static_cast<size_t>(cursor_.fetch_add(1, std::memory_order_relaxed) % n);
}

bool RequestFeed::exhausted() const {
  return order_ == scenario::FeedOrder::kOnce &&
         cursor_.load(std::memory_order_relaxed) >= entries_.size();
}

uint64_t RequestFeed::taken() const {
  const uint64_t cursor = cursor_.load(std::memory_order_relaxed);
  // A `once` cursor moves past the end by the takes that found nothing.
  return order_ == scenario::FeedOrder::kOnce ? std::min<uint64_t>(cursor, entries_.size())
                                              : cursor;
}

void RequestFeed::Render(size_t index, const TemplateContext& context, std::string* out) const {
  const Entry& entry = entries_[index];
  if (entry.template_ >= 0) {
    templates_[static_cast<size_t>(entry.template_)].Render(context, out);
  } else {
    out->assign(serialized_, entry.offset, entry.size);
  }
}

}  // namespace streambench::methods
