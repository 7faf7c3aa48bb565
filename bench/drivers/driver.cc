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
  if (scenario.target.service != scenario::TargetService::kGrpcTestingBenchmark) return true;
  switch (scenario.mode) {
    case scenario::Mode::kUnary:
    case scenario::Mode::kBidi:
    case scenario::Mode::kClientStream:
      return true;
    case scenario::Mode::kServerStream:
      // StreamingFromServer streams until the client stops it: the client needs a count to stop
      // at, or a call would run until its deadline or the server's own cap.
      if (scenario.behavior.response_count == 0) {
        *error =
            "grpc.testing.BenchmarkService: server_stream needs server_behavior.response_count "
            "> 0 (each call reads that many responses, then cancels the stream)";
        return false;
      }
      return true;
    default:
      *error = std::string("grpc.testing.BenchmarkService: mode ") +
               scenario::ModeName(scenario.mode) +
               " is not supported (use unary, server_stream, client_stream or bidi)";
      return false;
  }
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
