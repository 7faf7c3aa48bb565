#include "bench/runner/stream_layout.h"

namespace streambench::runner {

StreamLayout PlanStreamLayout(const scenario::Scenario& run,
                              std::optional<uint32_t> server_max_streams) {
  StreamLayout layout;
  layout.connections = run.connections;
  layout.streams_per_connection = run.streams_per_connection;
  if (!server_max_streams || *server_max_streams == 0 ||
      run.streams_per_connection <= *server_max_streams) {
    return layout;
  }
  const uint32_t limit = *server_max_streams;
  report::StreamLimitResult& result = layout.limit;
  result.server_max_concurrent_streams = limit;
  result.policy = scenario::OverStreamLimitName(run.over_stream_limit);
  if (run.over_stream_limit == scenario::OverStreamLimit::kConnect) {
    const uint64_t total = static_cast<uint64_t>(run.connections) * run.streams_per_connection;
    uint32_t per_connection = limit;
    while (total % per_connection != 0) --per_connection;
    layout.streams_per_connection = per_connection;
    layout.connections = static_cast<uint32_t>(total / per_connection);
  } else {
    result.waiting_streams =
        static_cast<uint64_t>(run.connections) * (run.streams_per_connection - limit);
  }
  result.connections = layout.connections;
  result.streams_per_connection = layout.streams_per_connection;
  return layout;
}

}  // namespace streambench::runner
