// Drivers of the realistic workloads (streambench.v1.Workloads): upload and download
// (one call per file, verified by SHA-256 and, for downloads, byte by byte), subscribe (N
// subscriber streams, M publisher streams) and chat (rooms x members bidi streams). Callback API
// throughout; what they record:
//   upload / download: bytes sent / received, kCall = the whole transfer, kMessage = each chunk
//     (upload: write start -> completion; download: since the previous chunk), kFirstMessage =
//     first download chunk; Counters::transfers_verified / transfers_failed; a failed
//     verification also counts as a corrupted message (so the run fails).
//   subscribe / chat: kMessage = publish (send) -> delivery for every receiver, measured from the
//     sender's intended time; messages_received = deliveries; lost / duplicated / reordered per
//     (sender, receiver) from the senders' sequence numbers, and at the end against what every
//     sender sent.
// Fan-out modes share per-run state between slots (a "world", made and owned by the run's driver);
// subscribers, publishers and chat members are spread over the slots round robin, so few
// connections can carry many of them. The factories are registered in driver_registry.cc.
// Thread-safety: as Slot (driver.h).
#pragma once

#include "bench/scenario/scenario.h"

namespace streambench::drivers {

// Slots in the run (connections x streams_per_connection).
inline int SlotCount(const scenario::Scenario& s) {
  return static_cast<int>(s.connections * s.streams_per_connection);
}

}  // namespace streambench::drivers
