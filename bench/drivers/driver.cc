#include "bench/drivers/driver.h"

#include "bench/drivers/v1_drivers.h"
#include "bench/drivers/workload_drivers.h"

namespace streambench::drivers {
namespace {

// The payload source must serve the largest request of the distribution.
size_t MaxPayloadBytes(const scenario::Scenario& s) {
  return static_cast<size_t>(std::max<uint64_t>(1, s.request_size.MaxBytes()));
}

}  // namespace

DriverContext::DriverContext(const scenario::Scenario& scenario, stats::RecorderRegistry& registry,
                             const Clock& clock)
    : scenario_(scenario),
      registry_(registry),
      clock_(clock),
      payload_(MaxPayloadBytes(scenario), scenario.seed),
      sizes_(scenario.request_size, scenario.seed),
      outages_(clock) {}

bool IsSupported(const scenario::Scenario& scenario, std::string* error) {
  if (scenario.target.service == scenario::TargetService::kGrpcTestingBenchmark &&
      scenario.mode != scenario::Mode::kUnary && scenario.mode != scenario::Mode::kBidi) {
    *error = std::string("grpc.testing.BenchmarkService: mode ") +
             scenario::ModeName(scenario.mode) + " is not supported (use unary or bidi)";
    return false;
  }
  return true;
}

std::unique_ptr<Slot> MakeSlot(DriverContext& context, std::shared_ptr<grpc::Channel> channel,
                               int index, std::string* error) {
  if (scenario::IsWorkloadMode(context.scenario().mode)) {
    return MakeWorkloadSlot(context, std::move(channel), index, error);
  }
  std::unique_ptr<Slot> slot =
      context.scenario().target.service == scenario::TargetService::kGrpcTestingBenchmark
          ? MakeBenchmarkServiceSlot(context, channel, index, error)
          : MakeV1Slot(context, channel, index, error);
  if (slot != nullptr) slot->AttachChannel(std::move(channel));
  return slot;
}

}  // namespace streambench::drivers
