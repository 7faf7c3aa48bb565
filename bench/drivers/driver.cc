#include "bench/drivers/driver.h"

#include <algorithm>

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

}  // namespace streambench::drivers
