#include "bench/runner/variant_order.h"

namespace streambench::runner {

std::vector<PlannedRun> InterleavedOrder(size_t variant_count, uint32_t repeat) {
  std::vector<PlannedRun> order;
  const uint32_t rounds = repeat == 0 ? 1 : repeat;
  order.reserve(variant_count * rounds);
  for (uint32_t r = 0; r < rounds; ++r) {
    for (size_t v = 0; v < variant_count; ++v) order.push_back(PlannedRun{v, static_cast<int>(r)});
  }
  return order;
}

bool CheckServerSettingsAgainstExternalTarget(const scenario::ScenarioFile& file,
                                              std::string* error) {
  if (file.runs.empty()) return true;
  const std::string first = file.runs[0].server_transport.Describe();
  for (const scenario::Scenario& run : file.runs) {
    if (run.target.addresses.empty()) continue;  // embedded server: anything may vary
    const std::string settings = run.server_transport.Describe();
    if (settings == first) continue;
    *error = "variant `" + run.variant + "` changes server_transport (" +
             (settings.empty() ? std::string("defaults") : settings) + " vs " +
             (first.empty() ? std::string("defaults") : first) + ") but the target is external (" +
             run.target.addresses[0] +
             "); only client-side settings (transport, load, streams, message sizes, link) may "
             "vary against an external target";
    return false;
  }
  return true;
}

}  // namespace streambench::runner
