#include "bench/drivers/workload_drivers.h"

#include <map>
#include <mutex>
#include <utility>

namespace streambench::drivers {

std::unique_ptr<Slot> MakeWorkloadSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                       int index, std::string* error) {
  switch (dc.scenario().mode) {
    case scenario::Mode::kUpload:
    case scenario::Mode::kDownload:
      return MakeTransferSlot(dc, std::move(channel), index);
    case scenario::Mode::kSubscribe:
      return MakePubSubSlot(dc, std::move(channel), index);
    case scenario::Mode::kChat:
      return MakeChatSlot(dc, std::move(channel), index);
    default:
      *error =
          std::string("mode ") + scenario::ModeName(dc.scenario().mode) + " is not a workload mode";
      return nullptr;
  }
}

std::shared_ptr<void> RunSharedState(DriverContext& dc,
                                     const std::function<std::shared_ptr<void>()>& make) {
  // Keyed by the run's context and registry: a run whose calls outlived it leaks both (see the run
  // controller), so their addresses are never reused while its state may still be alive; otherwise
  // the state dies with the run's slots and the weak pointer expires.
  static std::mutex mu;
  static auto* states = new std::map<std::pair<const void*, const void*>, std::weak_ptr<void>>();
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = states->begin(); it != states->end();) {
    it = it->second.expired() ? states->erase(it) : std::next(it);
  }
  const auto key =
      std::make_pair(static_cast<const void*>(&dc), static_cast<const void*>(&dc.registry()));
  if (auto existing = (*states)[key].lock()) return existing;
  std::shared_ptr<void> created = make();
  (*states)[key] = created;
  return created;
}

}  // namespace streambench::drivers
