// ReconnectingSlot: the base of the slots whose calls or streams back off after a connection
// failure (CallSlot, StreamSlot): the run's context, the slot's calls in flight, and its
// SlotReconnect on the channel those calls go over (so a failed call can be told apart as a
// connection failure: reconnect backoff, outages).
// Internal to the drivers module.
// Thread-safety: as Slot (driver.h).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver.h"
#include "bench/drivers/slot_reconnect.h"

namespace streambench::drivers {

class ReconnectingSlot : public Slot {
 public:
  void CancelAll() override {
    reconnect_.CancelPending();
    calls_.CancelAll();
  }

  // --- for the slot's calls ---
  DriverContext& dc() { return dc_; }
  CallList& calls() { return calls_; }
  engines::Channel& channel() { return *channel_; }

 protected:
  ReconnectingSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel)
      : dc_(dc), reconnect_(dc, reinterpret_cast<uintptr_t>(this)) {
    reconnect_.AttachChannel(channel);
    channel_ = std::move(channel);
  }

  DriverContext& dc_;
  CallList calls_;
  SlotReconnect reconnect_;
  std::shared_ptr<engines::Channel> channel_;  // the slot's calls go over it
};

}  // namespace streambench::drivers
