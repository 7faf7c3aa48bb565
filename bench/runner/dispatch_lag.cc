#include "bench/runner/dispatch_lag.h"

#include <algorithm>

namespace streambench::runner {

void DispatchLag::Add(const DispatchLag& other) {
  dispatched += other.dispatched;
  behind += other.behind;
  max_late_ns = std::max(max_late_ns, other.max_late_ns);
}

double DispatchLag::BehindFraction() const {
  return dispatched == 0 ? 0 : static_cast<double>(behind) / static_cast<double>(dispatched);
}

void ApplyDispatchLag(const DispatchLag& lag, report::GeneratorCpu* generator) {
  generator->dispatch_behind_fraction = lag.BehindFraction();
  if (generator->dispatch_behind_fraction >= kSaturatedBehindFraction) generator->saturated = true;
}

}  // namespace streambench::runner
