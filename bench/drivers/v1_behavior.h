// Conversion of a scenario's server_behavior into the streambench.v1 Behavior message that the
// first request of every call or stream carries.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/scenario/scenario.h"
#include "bench/stats/integrity.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench::drivers {

// False with *error naming the key when the behaviour cannot be expressed (unknown status name).
// `fault_seed` (the scenario's `seed`) seeds the server's draws of probabilistic integrity faults.
bool BuildV1Behavior(const scenario::BehaviorSpec& spec, uint64_t fault_seed,
                     streambench::v1::Behavior* out, std::string* error);

// The scenario's integrity faults as the server reads them (Behavior.integrity_faults, and
// SubscribeRequest.integrity_faults for subscribe); `seed`: the scenario's `seed`.
void SetIntegrityFaults(const scenario::IntegrityFaultsSpec& spec, uint64_t seed,
                        streambench::v1::IntegrityFaults* out);

// A stream's integrity counts with the responses the server reported as dropped on purpose
// (Response.dropped_before, app-level flow control) taken out of `lost`: their sequence numbers
// are skipped by design, so they are counted as server_dropped instead.
stats::IntegrityCounts WithoutReportedDrops(stats::IntegrityCounts counts,
                                            uint64_t reported_dropped);

}  // namespace streambench::drivers
