// StreamLayout: how a run's streams are spread over connections, given the server's HTTP/2 limit
// on concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS, probed before the run)
// and the scenario's `over_stream_limit`. The slots stay the same (connections x
// streams_per_connection of the scenario, in order); only which connection carries each changes.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

struct StreamLayout {
  uint32_t connections = 1;
  uint32_t streams_per_connection = 1;
  // What the results say about the limit; server_max_concurrent_streams 0 = it did not bind.
  report::StreamLimitResult limit;
};

// The layout of `run` under a server limit of `server_max_streams` per connection (nullopt = not
// known: the scenario's layout). `connect` keeps the number of streams exactly: it takes the
// largest divisor of the total at or below the limit as the streams per connection, so a total
// of 20 under a limit of 8 runs as 4 connections of 5.
StreamLayout PlanStreamLayout(const scenario::Scenario& run,
                              std::optional<uint32_t> server_max_streams);

}  // namespace streambench::runner
