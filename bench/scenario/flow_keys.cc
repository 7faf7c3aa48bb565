#include "bench/scenario/flow_keys.h"

#include "common/behavior_caps.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

bool ReadDuration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out,
                  Diagnostics* diag) {
  if (!n.IsScalar())
    return diag->Fail(n, key, "expected a duration like 40ms, got " + n.Describe());
  std::string error;
  if (!ParseDurationUs(n.scalar, out, &error)) return diag->Fail(n, key, error);
  if (*out > max_us) {
    return diag->Fail(n, key,
                      "must be at most " + FormatDurationUs(max_us) + " (got " + n.scalar + ")");
  }
  return true;
}

bool ReadLink(const YamlNode& node, LinkSettings* out, Diagnostics* diag) {
  if (!node.IsMap()) {
    return diag->Fail(
        node, "link",
        "expected a mapping like {rtt: 40ms, bandwidth: 100Mbit}, got " + node.Describe());
  }
  out->enabled = true;
  if (const YamlNode* n = node.Find("rtt")) {
    if (!ReadDuration(*n, "link.rtt", kMaxLinkRttUs, &out->rtt_us, diag)) return false;
  }
  if (const YamlNode* n = node.Find("jitter")) {
    if (!ReadDuration(*n, "link.jitter", kMaxLinkRttUs, &out->jitter_us, diag)) return false;
  }
  if (const YamlNode* n = node.Find("bandwidth")) {
    if (!n->IsScalar()) {
      return diag->Fail(*n, "link.bandwidth",
                        "expected a bandwidth like 100Mbit, got " + n->Describe());
    }
    std::string error;
    if (!ParseBandwidthBitsPerS(n->scalar, &out->bandwidth_bits_per_s, &error)) {
      return diag->Fail(*n, "link.bandwidth", error);
    }
  }
  if (const YamlNode* n = node.Find("buffer")) {
    if (!n->IsScalar()) {
      return diag->Fail(*n, "link.buffer", "expected a size like 1MiB, got " + n->Describe());
    }
    std::string error;
    if (!ParseSizeBytes(n->scalar, &out->buffer_bytes, &error)) {
      return diag->Fail(*n, "link.buffer", error);
    }
    if (out->buffer_bytes > kMaxLinkBufferBytes) {
      return diag->Fail(*n, "link.buffer", "must be at most 1GiB (got " + n->scalar + ")");
    }
    if (out->buffer_bytes > 0 && out->buffer_bytes < 1024) {
      return diag->Fail(*n, "link.buffer",
                        "must be 0 (automatic) or at least 1KiB (got " + n->scalar + ")");
    }
  }
  return true;
}

bool ReadAppFlowControl(const YamlNode& node, const Scenario& scenario, AppFlowControlSpec* out,
                        Diagnostics* diag) {
  const std::string p = "server_behavior.app_flow_control";
  if (!node.IsMap()) {
    return diag->Fail(node, p,
                      "expected a mapping like {queue: 64, policy: drop, producer_interval: "
                      "100us}, got " +
                          node.Describe());
  }
  const YamlNode* queue = node.Find("queue");
  if (queue == nullptr) {
    return diag->Fail(node, p + ".queue",
                      "required key `queue` is missing (the per-stream queue's capacity in "
                      "messages)");
  }
  const std::string range =
      "must be a whole number between 1 and " + std::to_string(kMaxAppFlowQueueMessages);
  if (!queue->IsScalar() || queue->scalar.empty() || queue->scalar.size() > 7 ||
      queue->scalar.find_first_not_of("0123456789") != std::string::npos) {
    return diag->Fail(*queue, p + ".queue", range + " (got " + queue->Describe() + ")");
  }
  const long value = std::stol(queue->scalar);
  if (value < 1 || value > static_cast<long>(kMaxAppFlowQueueMessages)) {
    return diag->Fail(*queue, p + ".queue", range + " (got " + queue->scalar + ")");
  }
  out->queue_capacity_messages = static_cast<uint32_t>(value);
  if (const YamlNode* policy = node.Find("policy")) {
    if (policy->IsScalar() && policy->scalar == "block") {
      out->policy = AppFlowControlSpec::Policy::kBlock;
    } else if (policy->IsScalar() && policy->scalar == "drop") {
      out->policy = AppFlowControlSpec::Policy::kDrop;
    } else {
      return diag->Fail(*policy, p + ".policy",
                        "expected block or drop, got " + policy->Describe());
    }
  }
  if (const YamlNode* interval = node.Find("producer_interval")) {
    if (!ReadDuration(*interval, p + ".producer_interval", BehaviorCaps{}.max_duration_us,
                      &out->producer_interval_us, diag)) {
      return false;
    }
  }
  // Only a server that produces a stream on its own has a producer to decouple from the writer.
  const bool independent = scenario.mode == Mode::kBidi && !scenario.behavior.bidi_echo;
  if (scenario.mode != Mode::kServerStream && !independent) {
    return diag->Fail(node, p,
                      "applies to mode server_stream, or bidi with server_behavior.bidi: "
                      "independent (mode is " +
                          std::string(ModeName(scenario.mode)) + ")");
  }
  if (scenario.target.service != TargetService::kStreambenchV1) {
    return diag->Fail(node, p, "needs service streambench.v1");
  }
  if (scenario.behavior.response_interval_us > 0) {
    return diag->Fail(node, p,
                      "replaces server_behavior.response_interval (the producer paces the "
                      "stream); use producer_interval");
  }
  return true;
}

}  // namespace

bool ReadFlowControlKeys(const YamlNode& root, Scenario* out, Diagnostics* diag) {
  if (const YamlNode* link = root.Find("link"); link != nullptr && !link->IsNull()) {
    if (!ReadLink(*link, &out->link, diag)) return false;
  }
  if (const YamlNode* behavior = root.Find("server_behavior");
      behavior != nullptr && behavior->IsMap()) {
    if (const YamlNode* afc = behavior->Find("app_flow_control");
        afc != nullptr && !afc->IsNull()) {
      if (!ReadAppFlowControl(*afc, *out, &out->behavior.app_flow_control, diag)) return false;
    }
  }
  return true;
}

}  // namespace streambench::scenario
