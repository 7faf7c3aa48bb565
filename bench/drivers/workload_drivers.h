// Drivers of the realistic workloads (streambench.v1.Workloads, issue 9): upload and download
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
// Fan-out modes share per-run state between slots (a "world"); subscribers, publishers and chat
// members are spread over the slots round robin, so few connections can carry many of them.
// Thread-safety: as Slot (driver.h).
#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>

#include "bench/drivers/driver.h"

namespace streambench::drivers {

std::unique_ptr<Slot> MakeWorkloadSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                       int index, std::string* error);

// Internal to the drivers module: one per workload file.
std::unique_ptr<Slot> MakeTransferSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                       int index);
std::unique_ptr<Slot> MakePubSubSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                     int index);
std::unique_ptr<Slot> MakeChatSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                   int index);

// The per-run object of type T shared by the slots of `dc`'s run, created by `make` on first use.
// Kept alive by the returned pointers (slots and their calls hold them).
std::shared_ptr<void> RunSharedState(DriverContext& dc,
                                     const std::function<std::shared_ptr<void>()>& make);
template <typename T>
std::shared_ptr<T> RunShared(DriverContext& dc, const std::function<std::shared_ptr<T>()>& make) {
  return std::static_pointer_cast<T>(RunSharedState(dc, [&] { return make(); }));
}

// Slots in the run (connections x streams_per_connection).
inline int SlotCount(const scenario::Scenario& s) {
  return static_cast<int>(s.connections * s.streams_per_connection);
}

}  // namespace streambench::drivers
