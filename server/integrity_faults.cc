#include "server/integrity_faults.h"

#include <cstdio>
#include <string>

#include "common/split_mix.h"

namespace streambench {
namespace {

const v1::FaultRate& RateOf(const v1::IntegrityFaults& faults, int kind) {
  switch (static_cast<IntegrityFault>(kind)) {
    case IntegrityFault::kDrop:
      return faults.drop();
    case IntegrityFault::kDuplicate:
      return faults.duplicate();
    case IntegrityFault::kReorder:
      return faults.reorder();
    default:
      return faults.corrupt();
  }
}

}  // namespace

grpc::Status ValidateIntegrityFaults(const v1::IntegrityFaults& faults, const std::string& field) {
  for (int kind = 0; kind < kIntegrityFaultKinds; ++kind) {
    const v1::FaultRate& rate = RateOf(faults, kind);
    if (rate.rate_case() != v1::FaultRate::kProbability) continue;
    const double p = rate.probability();
    if (!(p >= 0.0 && p <= 1.0)) {  // also refuses NaN
      char value[32];
      std::snprintf(value, sizeof(value), "%g", p);
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          field + "." + IntegrityFaultName(static_cast<IntegrityFault>(kind)) +
                              ".probability=" + value + " must be in [0,1]");
    }
  }
  return grpc::Status::OK;
}

bool IntegrityFaultsEnabled(const v1::IntegrityFaults& faults) {
  for (int kind = 0; kind < kIntegrityFaultKinds; ++kind) {
    const v1::FaultRate& rate = RateOf(faults, kind);
    if (rate.every_nth() > 0 || rate.probability() > 0) return true;
  }
  return false;
}

IntegrityFaultPlan::IntegrityFaultPlan(const v1::IntegrityFaults& faults, uint64_t stream_number)
    : rng_(SplitMix64(faults.seed() ^ SplitMix64(stream_number))) {
  for (int kind = 0; kind < kIntegrityFaultKinds; ++kind) {
    const v1::FaultRate& rate = RateOf(faults, kind);
    rates_[kind] = Rate{rate.every_nth(), rate.probability()};
  }
}

IntegrityFault IntegrityFaultPlan::Decide(uint64_t n) {
  IntegrityFault fault = IntegrityFault::kNone;
  for (int kind = 0; kind < kIntegrityFaultKinds; ++kind) {
    const Rate& rate = rates_[kind];
    bool hit = rate.every_nth > 0 && n % rate.every_nth == 0;
    if (rate.probability > 0) {
      hit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate.probability;
    }
    if (hit && fault == IntegrityFault::kNone) fault = static_cast<IntegrityFault>(kind);
  }
  return fault;
}

}  // namespace streambench
