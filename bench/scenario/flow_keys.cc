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
  const YamlNode* faults = node.Find("faults");
  if (faults == nullptr) return true;
  if (!faults->IsSequence()) {
    return r.diag()->Fail(*faults, "link.faults",
                          "expected a list like [{at: 2s, cut: true}, {at: 3s, stall: 1s}], got " +
                              faults->Describe());
  }
  for (size_t i = 0; i < faults->items.size(); ++i) {
    const YamlNode& item = faults->items[i];
    const std::string path = "link.faults[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      return r.diag()->Fail(
          item, path,
          "expected a mapping with `at` and one of cut, stall, bandwidth, got " + item.Describe());
    }
    LinkFaultSpec fault;
    const YamlNode* at = RequiredKey(item, "link.faults[].at", r, path + ".at");
    if (at == nullptr || !r.Duration(*at, path + ".at", kMaxDurationUs, &fault.at_us, "2s")) {
      return false;
    }
    int kinds = 0;
    if (const YamlNode* n = item.Find("cut")) {
      if (!r.Bool(*n, path + ".cut", true, &fault.cut)) return false;
      if (!fault.cut) return r.diag()->Fail(*n, path + ".cut", "only `cut: true` means a fault");
      ++kinds;
    }
    if (const YamlNode* n = item.Find("stall")) {
      if (!r.PositiveDuration(*n, path + ".stall", kMaxDurationUs, &fault.stall_us)) return false;
      ++kinds;
    }
    if (const YamlNode* n = item.Find("bandwidth")) {
      if (!r.Bandwidth(*n, path + ".bandwidth", &fault.bandwidth_bits_per_s)) return false;
      if (fault.bandwidth_bits_per_s == 0) {
        return r.diag()->Fail(*n, path + ".bandwidth", "must be a bandwidth > 0, like 10kbit");
      }
      ++kinds;
    }
    if (const YamlNode* n = item.Find("for")) {
      if (fault.bandwidth_bits_per_s == 0) {
        return r.diag()->Fail(*n, path + ".for", "applies only to a `bandwidth` fault");
      }
      if (!r.PositiveDuration(*n, path + ".for", kMaxDurationUs, &fault.for_us)) return false;
    }
    if (kinds != 1) {
      return r.diag()->Fail(item, path,
                            "needs exactly one of `cut: true`, `stall: DURATION`, "
                            "`bandwidth: BANDWIDTH`");
    }
    link.faults.push_back(fault);
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
