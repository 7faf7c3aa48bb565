#include "bench/scenario/workload_keys.h"

#include <algorithm>

#include "common/units.h"

namespace streambench::scenario {
namespace {

bool Size(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint64_t* out,
          Diagnostics* diag) {
  std::string error;
  if (!n.IsScalar()) return diag->Fail(n, key, "expected a size like 64KiB, got " + n.Describe());
  if (!ParseSizeBytes(n.scalar, out, &error)) return diag->Fail(n, key, error);
  if (*out < min || *out > max) {
    return diag->Fail(n, key,
                      "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          " bytes (got " + n.scalar + ")");
  }
  return true;
}

bool Count(const YamlNode& n, const std::string& key, uint32_t min, uint32_t max, uint32_t* out,
           Diagnostics* diag) {
  const std::string range =
      "must be a whole number between " + std::to_string(min) + " and " + std::to_string(max);
  if (!n.IsScalar() || n.scalar.empty() || n.scalar.size() > 9 ||
      !std::all_of(n.scalar.begin(), n.scalar.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return diag->Fail(n, key, range + " (got " + n.Describe() + ")");
  }
  const uint64_t v = std::stoull(n.scalar);
  if (v < min || v > max) return diag->Fail(n, key, range + " (got " + n.scalar + ")");
  *out = static_cast<uint32_t>(v);
  return true;
}

bool Bool(const YamlNode& n, const std::string& key, bool* out, Diagnostics* diag) {
  if (n.IsScalar() && (n.scalar == "true" || n.scalar == "false")) {
    *out = n.scalar == "true";
    return true;
  }
  return diag->Fail(n, key, "expected true or false, got " + n.Describe());
}

bool Names(const YamlNode& n, const std::string& key, std::vector<std::string>* out,
           Diagnostics* diag) {
  if (!n.IsSequence()) return diag->Fail(n, key, "expected a list of names, got " + n.Describe());
  out->clear();
  for (size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = n.items[i];
    const std::string k = key + "[" + std::to_string(i) + "]";
    if (!item.IsScalar() || item.scalar.empty() || item.scalar.size() > 64) {
      return diag->Fail(item, k, "expected a name of 1..64 characters, got " + item.Describe());
    }
    out->push_back(item.scalar);
  }
  return true;
}

// `publish_rate` / `message_rate`: a constant-rate load, unless `load` is given.
bool Rate(const YamlNode& root, const YamlNode* rate, const std::string& key, Scenario* out,
          Diagnostics* diag) {
  if (rate != nullptr) {
    if (root.Find("load") != nullptr) {
      return diag->Fail(*rate, key, "give either `" + key + "` or a `load` section, not both");
    }
    std::string error;
    if (!rate->IsScalar() || !ParseRatePerS(rate->scalar, &out->load.rate_per_s, &error)) {
      return diag->Fail(*rate, key, error.empty() ? "expected a rate like 1000/s" : error);
    }
    if (out->load.rate_per_s <= 0) return diag->Fail(*rate, key, "must be > 0");
    out->load.model = LoadModel::kConstant;
  }
  if (out->load.model == LoadModel::kClosed) {
    return diag->Fail(rate != nullptr ? *rate : root, key,
                      std::string("mode ") + ModeName(out->mode) + " is open loop: set `" + key +
                          "` (e.g. 1000/s) or an open-loop `load`");
  }
  return true;
}

bool ReadTransfer(const YamlNode& node, Scenario* out, Diagnostics* diag) {
  TransferSpec& t = out->transfer;
  if (const YamlNode* n = node.Find("file_size")) {
    if (!Size(*n, "workload.file_size", 0, kMaxTransferFileBytes, &t.file_size_bytes, diag)) {
      return false;
    }
  }
  if (const YamlNode* n = node.Find("chunk_size")) {
    if (!Size(*n, "workload.chunk_size", 1, kMaxTransferChunkBytes, &t.chunk_size_bytes, diag)) {
      return false;
    }
  }
  if (const YamlNode* n = node.Find("inject_corruption")) {
    if (!Bool(*n, "workload.inject_corruption", &t.inject_corruption, diag)) return false;
    if (t.inject_corruption && out->mode != Mode::kDownload) {
      return diag->Fail(*n, "workload.inject_corruption", "applies to mode download only");
    }
    if (t.inject_corruption && t.file_size_bytes == 0) {
      return diag->Fail(*n, "workload.inject_corruption", "needs file_size > 0");
    }
  }
  return true;
}

bool ReadPubSub(const YamlNode& root, const YamlNode& node, Scenario* out, Diagnostics* diag) {
  PubSubSpec& p = out->pubsub;
  if (const YamlNode* n = node.Find("topics")) {
    if (!Count(*n, "pubsub.topics", 1, kMaxTopics, &p.topics, diag)) return false;
  }
  if (const YamlNode* n = node.Find("subscribers")) {
    if (!Count(*n, "pubsub.subscribers", 1, kMaxFanOutStreams, &p.subscribers, diag)) return false;
  }
  if (const YamlNode* n = node.Find("publishers")) {
    if (!Count(*n, "pubsub.publishers", 1, kMaxTopics, &p.publishers, diag)) return false;
  }
  if (const YamlNode* n = node.Find("event_types")) {
    if (!Names(*n, "pubsub.event_types", &p.event_types, diag)) return false;
    if (p.event_types.empty()) return diag->Fail(*n, "pubsub.event_types", "must not be empty");
  }
  if (const YamlNode* n = node.Find("filter")) {
    if (!Names(*n, "pubsub.filter", &p.filter, diag)) return false;
    for (const std::string& f : p.filter) {
      if (std::find(p.event_types.begin(), p.event_types.end(), f) == p.event_types.end()) {
        return diag->Fail(*n, "pubsub.filter",
                          "`" + f + "` is not one of pubsub.event_types, so no event would match");
      }
    }
  }
  if (const YamlNode* n = node.Find("event_size")) {
    if (!Size(*n, "pubsub.event_size", 0, kMaxEventBytes, &p.event_size_bytes, diag)) return false;
  }
  if (const YamlNode* n = node.Find("heartbeat")) {
    std::string error;
    if (!n->IsScalar() || !ParseDurationUs(n->scalar, &p.heartbeat_interval_us, &error)) {
      return diag->Fail(*n, "pubsub.heartbeat", error.empty() ? "expected a duration" : error);
    }
    if (p.heartbeat_interval_us < 1000 || p.heartbeat_interval_us > 60'000'000) {
      return diag->Fail(*n, "pubsub.heartbeat", "must be between 1ms and 60s");
    }
  }
  return Rate(root, node.Find("publish_rate"), "pubsub.publish_rate", out, diag);
}

bool ReadChat(const YamlNode& root, const YamlNode& node, Scenario* out, Diagnostics* diag) {
  ChatSpec& c = out->chat;
  if (const YamlNode* n = node.Find("rooms")) {
    if (!Count(*n, "chat.rooms", 1, kMaxTopics, &c.rooms, diag)) return false;
  }
  if (const YamlNode* n = node.Find("members_per_room")) {
    if (!Count(*n, "chat.members_per_room", 2, 1000, &c.members_per_room, diag)) return false;
  }
  if (static_cast<uint64_t>(c.rooms) * c.members_per_room > kMaxFanOutStreams) {
    return diag->Fail(
        node, "chat",
        "rooms x members_per_room must be at most " + std::to_string(kMaxFanOutStreams));
  }
  if (const YamlNode* n = node.Find("typing")) {
    if (!Bool(*n, "chat.typing", &c.typing, diag)) return false;
  }
  if (const YamlNode* n = node.Find("message_size")) {
    if (!Size(*n, "chat.message_size", 0, kMaxEventBytes, &c.message_size_bytes, diag)) {
      return false;
    }
  }
  return Rate(root, node.Find("message_rate"), "chat.message_rate", out, diag);
}

}  // namespace

bool ReadWorkloadKeys(const YamlNode& root, Scenario* out, Diagnostics* diag) {
  struct KeyMode {
    const char* key;
    bool (*applies)(Mode);
    const char* where;
  };
  static const KeyMode kKeys[] = {
      {"workload", [](Mode m) { return m == Mode::kUpload || m == Mode::kDownload; },
       "upload and download"},
      {"pubsub", [](Mode m) { return m == Mode::kSubscribe; }, "subscribe"},
      {"chat", [](Mode m) { return m == Mode::kChat; }, "chat"},
      {"server_behavior", [](Mode m) { return !IsWorkloadMode(m); },
       "unary, server_stream, client_stream and bidi"},
      {"request", [](Mode m) { return !IsWorkloadMode(m); },
       "unary, server_stream, client_stream and bidi"},
  };
  for (const KeyMode& k : kKeys) {
    const YamlNode* n = root.Find(k.key);
    if (n != nullptr && !k.applies(out->mode)) {
      return diag->Fail(
          *n, k.key,
          std::string("applies to ") + k.where + " only (mode is " + ModeName(out->mode) + ")");
    }
  }
  if (IsWorkloadMode(out->mode) && out->target.service != TargetService::kStreambenchV1) {
    // At the `service` line, so the author sees which of the two to change.
    const YamlNode* service = root.Find("service");
    return diag->Fail(service != nullptr ? *service : root, "service",
                      std::string("mode ") + ModeName(out->mode) + " needs service streambench.v1");
  }
  static const YamlNode kEmpty;
  auto section = [&](const char* key) {
    const YamlNode* n = root.Find(key);
    return n != nullptr && n->IsMap() ? n : &kEmpty;
  };
  switch (out->mode) {
    case Mode::kUpload:
    case Mode::kDownload:
      return ReadTransfer(*section("workload"), out, diag);
    case Mode::kSubscribe:
      return ReadPubSub(root, *section("pubsub"), out, diag);
    case Mode::kChat:
      return ReadChat(root, *section("chat"), out, diag);
    default:
      return true;
  }
}

}  // namespace streambench::scenario
