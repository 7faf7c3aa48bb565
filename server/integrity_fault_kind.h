// The kinds of integrity fault the reference server injects (Behavior.integrity_faults), with
// the names its metrics and messages use. Kept apart from the injector so the metrics header
// needs no protobuf.
// Thread-safety: constants and pure functions.
#pragma once

namespace streambench {

// In the order the injector gives them precedence when several would hit one message.
enum class IntegrityFault { kDrop = 0, kDuplicate = 1, kReorder = 2, kCorrupt = 3, kNone = 4 };
inline constexpr int kIntegrityFaultKinds = 4;  // kDrop..kCorrupt

// "drop", "duplicate", "reorder", "corrupt" (the `kind` label); "none" for kNone.
inline const char* IntegrityFaultName(IntegrityFault fault) {
  switch (fault) {
    case IntegrityFault::kDrop:
      return "drop";
    case IntegrityFault::kDuplicate:
      return "duplicate";
    case IntegrityFault::kReorder:
      return "reorder";
    case IntegrityFault::kCorrupt:
      return "corrupt";
    case IntegrityFault::kNone:
      break;
  }
  return "none";
}

}  // namespace streambench
