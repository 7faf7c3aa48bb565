// Slots for the streambench.v1 StreamBench service (every mode) and gRPC's standard
// grpc.testing.BenchmarkService (unary, bidi ping-pong). Internal to the drivers module; callers
// use MakeSlot (driver.h).
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "bench/drivers/driver.h"

namespace streambench::drivers {

std::unique_ptr<Slot> MakeV1Slot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                 int index, std::string* error);
std::unique_ptr<Slot> MakeBenchmarkServiceSlot(DriverContext& dc,
                                               std::shared_ptr<grpc::Channel> channel, int index,
                                               std::string* error);

}  // namespace streambench::drivers
