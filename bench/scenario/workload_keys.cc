// The readers and rules of the realistic workloads' keys (section_readers.h): `workload`
// (upload, download), `pubsub` (subscribe) and `chat`.
#include <algorithm>

#include "bench/scenario/section_readers.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

// `publish_rate` / `message_rate`: a constant-rate load, unless `load` is given.
bool ReadConstantRate(const YamlNode& node, const YamlNode& root, const std::string& key,
                      Diagnostics* diag, Scenario* out) {
  if (root.Find("load") != nullptr) {
    return diag->Fail(node, key, "give either `" + key + "` or a `load` section, not both");
  }
  std::string error;
  if (!node.IsScalar() || !ParseRatePerS(node.scalar, &out->load.rate_per_s, &error)) {
    return diag->Fail(node, key, error.empty() ? "expected a rate like 1000/s" : error);
  }
  if (out->load.rate_per_s <= 0) return diag->Fail(node, key, "must be > 0");
  out->load.model = LoadModel::kConstant;
  return true;
}

// Subscribe and chat are open loop: their rate key, or an open-loop `load`.
bool CheckOpenLoop(const YamlNode& root, const Scenario& s, const std::string& key,
                   Diagnostics* diag) {
  if (s.load.model != LoadModel::kClosed) return true;
  const YamlNode* rate = NodeAt(root, key);
  return diag->Fail(rate != nullptr ? *rate : root, key,
                    std::string("mode ") + ModeName(s.mode) + " is open loop: set `" + key +
                        "` (e.g. 1000/s) or an open-loop `load`");
}

}  // namespace

bool ReadPublishRate(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  return ReadConstantRate(node, root, "pubsub.publish_rate", r.diag(), out);
}

bool ReadMessageRate(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  return ReadConstantRate(node, root, "chat.message_rate", r.diag(), out);
}

bool ReadEventTypes(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (!r.Names(node, "pubsub.event_types", &out->pubsub.event_types)) return false;
  if (out->pubsub.event_types.empty()) {
    return r.diag()->Fail(node, "pubsub.event_types", "must not be empty");
  }
  return true;
}

bool ReadEventFilter(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  PubSubSpec& p = out->pubsub;
  if (!r.Names(node, "pubsub.filter", &p.filter)) return false;
  for (const std::string& f : p.filter) {
    if (std::find(p.event_types.begin(), p.event_types.end(), f) == p.event_types.end()) {
      return r.diag()->Fail(
          node, "pubsub.filter",
          "`" + f + "` is not one of pubsub.event_types, so no event would match");
    }
  }
  return true;
}

bool ReadHeartbeat(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  int64_t& us = out->pubsub.heartbeat_interval_us;
  std::string error;
  if (!node.IsScalar() || !ParseDurationUs(node.scalar, &us, &error)) {
    return r.diag()->Fail(node, "pubsub.heartbeat", error.empty() ? "expected a duration" : error);
  }
  if (us < 1000 || us > 60'000'000) {
    return r.diag()->Fail(node, "pubsub.heartbeat", "must be between 1ms and 60s");
  }
  return true;
}

bool CheckWorkloadKeys(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  if (IsWorkloadMode(s.mode) && s.target.service != TargetService::kStreambenchV1) {
    // At the `service` line, so the author sees which of the two to change.
    const YamlNode* service = root.Find("service");
    return diag->Fail(service != nullptr ? *service : root, "service",
                      std::string("mode ") + ModeName(s.mode) + " needs service streambench.v1");
  }
  if (const YamlNode* n = NodeAt(root, "workload.inject_corruption");
      n != nullptr && s.transfer.inject_corruption) {
    if (s.mode != Mode::kDownload) {
      return diag->Fail(*n, "workload.inject_corruption", "applies to mode download only");
    }
    if (s.transfer.file_size_bytes == 0) {
      return diag->Fail(*n, "workload.inject_corruption", "needs file_size > 0");
    }
  }
  switch (s.mode) {
    case Mode::kSubscribe:
      return CheckOpenLoop(root, s, "pubsub.publish_rate", diag);
    case Mode::kChat:
      if (static_cast<uint64_t>(s.chat.rooms) * s.chat.members_per_room > kMaxFanOutStreams) {
        const YamlNode* chat = root.Find("chat");
        return diag->Fail(
            chat != nullptr ? *chat : root, "chat",
            "rooms x members_per_room must be at most " + std::to_string(kMaxFanOutStreams));
      }
      return CheckOpenLoop(root, s, "chat.message_rate", diag);
    default:
      return true;
  }
}

}  // namespace streambench::scenario
