// The reader of `server_behavior.integrity_faults` (section_readers.h): each kind `every N` or a
// probability, in the modes where the server sends messages the kind can hit.
#include <cctype>
#include <string>

#include "bench/scenario/section_readers.h"
#include "common/units.h"

namespace streambench::scenario {
namespace {

constexpr char kSection[] = "server_behavior.integrity_faults";
constexpr char kExpected[] =
    "expected `every N` (N a whole number ≥ 1) or a probability like 0.01 or 1%";

// `every N` or a fraction.
bool ReadFaultRate(const YamlNode& node, const std::string& key, Diagnostics* diag,
                   FaultRateSpec* out) {
  if (!node.IsScalar())
    return diag->Fail(node, key, std::string(kExpected) + ", got " + node.Describe());
  const std::string& text = node.scalar;
  const std::string every = "every ";
  if (text.compare(0, every.size(), every) == 0) {
    const std::string digits = text.substr(every.size());
    bool all_digits = !digits.empty() && digits.size() <= 13;
    for (char c : digits) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    const uint64_t n = all_digits ? std::stoull(digits) : 0;
    if (n < 1 || n > kMaxMessageCount) {
      return diag->Fail(node, key,
                        std::string(kExpected) + " (N at most 10^12), got `" + text + "`");
    }
    out->every_nth = n;
    return true;
  }
  std::string error;
  if (!ParseFraction(text, &out->probability, &error)) {
    return diag->Fail(node, key, std::string(kExpected) + ", got `" + text + "`");
  }
  return true;
}

}  // namespace

bool ReadIntegrityFaults(const YamlNode& node, const YamlNode& root, ValueReader& r,
                         Scenario* out) {
  if (node.IsNull()) return true;
  const std::string p = kSection;
  if (!node.IsMap()) {
    return r.diag()->Fail(
        node, p,
        "expected a mapping like {drop: every 100, corrupt: 0.01}, got " + node.Describe());
  }
  IntegrityFaultsSpec& faults = out->behavior.integrity_faults;
  struct Kind {
    const char* name;
    FaultRateSpec* rate;
    bool stream_only;  // needs a stream of responses (not unary's one response)
  };
  const Kind kinds[] = {{"drop", &faults.drop, true},
                        {"duplicate", &faults.duplicate, true},
                        {"reorder", &faults.reorder, true},
                        {"corrupt", &faults.corrupt, false}};
  // Download, subscribe and chat take server_behavior for its integrity faults only.
  const YamlNode* behavior = NodeAt(root, "server_behavior");
  if (IsFaultedWorkloadMode(out->mode) && behavior != nullptr && behavior->IsMap()) {
    for (const YamlMapEntry& entry : behavior->entries) {
      if (entry.key == "integrity_faults") continue;
      return r.diag()->Fail(entry.value, "server_behavior." + entry.key,
                            std::string("does not apply to ") + ModeName(out->mode) +
                                " (only server_behavior.integrity_faults does)");
    }
  }
  for (const Kind& kind : kinds) {
    const YamlNode* value = node.Find(kind.name);
    if (value == nullptr) continue;
    const std::string key = p + "." + kind.name;
    if (!ReadFaultRate(*value, key, r.diag(), kind.rate)) return false;
    if (out->target.service != TargetService::kStreambenchV1) {
      return r.diag()->Fail(*value, key, "needs service streambench.v1");
    }
    if (out->mode == Mode::kClientStream) {
      return r.diag()->Fail(*value, key,
                            "does not apply to client_stream: the server's one response (the "
                            "summary) carries no sequence number or checksum");
    }
    if (IsWorkloadMode(out->mode) && !IsFaultedWorkloadMode(out->mode)) {
      return r.diag()->Fail(*value, key,
                            std::string("does not apply to ") + ModeName(out->mode) +
                                " (of the workloads, only download, subscribe and chat)");
    }
    if (kind.stream_only && out->mode == Mode::kUnary) {
      return r.diag()->Fail(*value, key,
                            "does not apply to unary (one response per call); only `corrupt` "
                            "does");
    }
  }
  return true;
}

}  // namespace streambench::scenario
