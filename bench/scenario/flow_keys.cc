// The readers of the flow-control keys (section_readers.h): `link` (the emulated network link)
// and `server_behavior.app_flow_control` (application-level flow control in the server).
#include "bench/scenario/section_readers.h"
#include "common/behavior_caps.h"
#include "common/units.h"

namespace streambench::scenario {

bool ServerProducesStream(const Scenario& s) {
  return s.mode == Mode::kServerStream || (s.mode == Mode::kBidi && !s.behavior.bidi_echo);
}

bool ReadLink(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (node.IsNull()) return true;
  if (!node.IsMap()) {
    return r.diag()->Fail(
        node, "link",
        "expected a mapping like {rtt: 40ms, bandwidth: 100Mbit}, got " + node.Describe());
  }
  LinkSettings& link = out->link;
  link.enabled = true;
  if (const YamlNode* n = node.Find("rtt")) {
    if (!r.Duration(*n, "link.rtt", kMaxLinkRttUs, &link.rtt_us, "40ms")) return false;
  }
  if (const YamlNode* n = node.Find("jitter")) {
    if (!r.Duration(*n, "link.jitter", kMaxLinkRttUs, &link.jitter_us, "40ms")) return false;
  }
  if (const YamlNode* n = node.Find("bandwidth")) {
    if (!r.Bandwidth(*n, "link.bandwidth", &link.bandwidth_bits_per_s)) return false;
  }
  if (const YamlNode* n = node.Find("buffer")) {
    if (!n->IsScalar()) {
      return r.diag()->Fail(*n, "link.buffer", "expected a size like 1MiB, got " + n->Describe());
    }
    std::string error;
    if (!ParseSizeBytes(n->scalar, &link.buffer_bytes, &error)) {
      return r.diag()->Fail(*n, "link.buffer", error);
    }
    if (link.buffer_bytes > kMaxLinkBufferBytes) {
      return r.diag()->Fail(*n, "link.buffer", "must be at most 1GiB (got " + n->scalar + ")");
    }
    if (link.buffer_bytes > 0 && link.buffer_bytes < 1024) {
      return r.diag()->Fail(*n, "link.buffer",
                            "must be 0 (automatic) or at least 1KiB (got " + n->scalar + ")");
    }
  }
  return true;
}

bool ReadAppFlowControl(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (node.IsNull()) return true;
  AppFlowControlSpec& afc = out->behavior.app_flow_control;
  const std::string p = "server_behavior.app_flow_control";
  if (!node.IsMap()) {
    return r.diag()->Fail(node, p,
                          "expected a mapping like {queue: 64, policy: drop, producer_interval: "
                          "100us}, got " +
                              node.Describe());
  }
  const YamlNode* queue = node.Find("queue");
  if (queue == nullptr) {
    return r.diag()->Fail(node, p + ".queue",
                          "required key `queue` is missing (the per-stream queue's capacity in "
                          "messages)");
  }
  // Seven digits: the longest count below the cap; longer text is quoted as written.
  if (!r.Count(*queue, p + ".queue", 1, kMaxAppFlowQueueMessages, &afc.queue_capacity_messages,
               7)) {
    return false;
  }
  if (const YamlNode* policy = node.Find("policy")) {
    if (policy->IsScalar() && policy->scalar == "block") {
      afc.policy = AppFlowControlSpec::Policy::kBlock;
    } else if (policy->IsScalar() && policy->scalar == "drop") {
      afc.policy = AppFlowControlSpec::Policy::kDrop;
    } else {
      return r.diag()->Fail(*policy, p + ".policy",
                            "expected block or drop, got " + policy->Describe());
    }
  }
  if (const YamlNode* interval = node.Find("producer_interval")) {
    if (!r.Duration(*interval, p + ".producer_interval", BehaviorCaps{}.max_duration_us,
                    &afc.producer_interval_us, "40ms")) {
      return false;
    }
  }
  if (!ServerProducesStream(*out)) {
    return r.diag()->Fail(node, p,
                          "applies to mode server_stream, or bidi with server_behavior.bidi: "
                          "independent (mode is " +
                              std::string(ModeName(out->mode)) + ")");
  }
  if (out->target.service != TargetService::kStreambenchV1) {
    return r.diag()->Fail(node, p, "needs service streambench.v1");
  }
  if (out->behavior.response_interval_us > 0) {
    return r.diag()->Fail(node, p,
                          "replaces server_behavior.response_interval (the producer paces the "
                          "stream); use producer_interval");
  }
  return true;
}

}  // namespace streambench::scenario
