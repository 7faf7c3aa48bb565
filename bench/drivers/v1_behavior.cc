#include "bench/drivers/v1_behavior.h"

#include <algorithm>

#include "common/status_names.h"

namespace streambench::drivers {

namespace {

void SetFaultRate(const scenario::FaultRateSpec& spec, streambench::v1::FaultRate* out) {
  if (spec.every_nth > 0) {
    out->set_every_nth(spec.every_nth);
  } else {
    out->set_probability(spec.probability);
  }
}

}  // namespace

bool BuildV1Behavior(const scenario::BehaviorSpec& spec, uint64_t fault_seed,
                     streambench::v1::Behavior* out, std::string* error) {
  out->Clear();
  out->set_response_size_bytes(static_cast<uint32_t>(spec.response_size_bytes));
  out->set_response_count(spec.response_count);
  out->set_response_interval_us(static_cast<uint64_t>(spec.response_interval_us));
  out->set_first_response_delay_us(static_cast<uint64_t>(spec.first_response_delay_us));
  out->set_response_delay_us(static_cast<uint64_t>(spec.response_delay_us));
  out->set_bidi_mode(spec.bidi_echo ? streambench::v1::Behavior::ECHO
                                    : streambench::v1::Behavior::INDEPENDENT);
  if (!spec.failure.code.empty()) {
    const int code = StatusCodeFromName(spec.failure.code);
    if (code <= 0) {
      *error =
          "server_behavior.failure.code: unknown or non-error status '" + spec.failure.code + "'";
      return false;
    }
    auto* failure = out->mutable_failure();
    failure->set_code(code);
    failure->set_message(spec.failure.message);
    if (spec.failure.after_messages) failure->set_after_messages(*spec.failure.after_messages);
    // The scenario's "probability 0 with a code and no after_messages" means every call; say so
    // explicitly rather than rely on the server reading 0 that way.
    const bool every_call = spec.failure.probability <= 0 && !spec.failure.after_messages;
    failure->set_probability(every_call ? 1.0 : spec.failure.probability);
  }
  if (spec.read_stall.duration_us > 0) {
    auto* stall = out->mutable_read_stall();
    stall->set_after_messages(spec.read_stall.after_messages);
    stall->set_duration_us(static_cast<uint64_t>(spec.read_stall.duration_us));
  }
  const scenario::AppFlowControlSpec& afc = spec.app_flow_control;
  if (afc.queue_capacity_messages > 0) {
    auto* flow = out->mutable_app_flow_control();
    flow->set_queue_capacity_messages(afc.queue_capacity_messages);
    flow->set_policy(afc.policy == scenario::AppFlowControlSpec::Policy::kDrop
                         ? streambench::v1::AppFlowControl::DROP
                         : streambench::v1::AppFlowControl::BLOCK);
    flow->set_producer_interval_us(static_cast<uint64_t>(afc.producer_interval_us));
  }
  if (spec.integrity_faults.Any()) {
    SetIntegrityFaults(spec.integrity_faults, fault_seed, out->mutable_integrity_faults());
  }
  return true;
}

void SetIntegrityFaults(const scenario::IntegrityFaultsSpec& spec, uint64_t seed,
                        streambench::v1::IntegrityFaults* out) {
  out->Clear();
  if (spec.drop.On()) SetFaultRate(spec.drop, out->mutable_drop());
  if (spec.duplicate.On()) SetFaultRate(spec.duplicate, out->mutable_duplicate());
  if (spec.reorder.On()) SetFaultRate(spec.reorder, out->mutable_reorder());
  if (spec.corrupt.On()) SetFaultRate(spec.corrupt, out->mutable_corrupt());
  out->set_seed(seed);
}

stats::IntegrityCounts WithoutReportedDrops(stats::IntegrityCounts counts,
                                            uint64_t reported_dropped) {
  counts.lost -= std::min(counts.lost, reported_dropped);
  return counts;
}

}  // namespace streambench::drivers
