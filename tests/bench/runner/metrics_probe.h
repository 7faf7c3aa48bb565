// Test support: what a running generator has done so far, read from outside through its
// --metrics-port endpoint, so a test can act once a run is demonstrably under way (its messages
// counted) instead of after a fixed sleep that a loaded machine can outlast. The port comes from
// the generator's `metrics on HOST:PORT` line (with --metrics-port 0). The counters are fed once a
// second on the run's progress tick, so a change between two scrapes is a whole tick's work.
// Thread-safety: stateless free functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace streambench::testing {

// The port of the first `metrics on 127.0.0.1:PORT` line in `text`; 0 when there is none yet.
int MetricsPortIn(const std::string& text);

// Messages the generator has counted as sent so far (streambench_client_messages_total with
// direction="sent", summed over its runs) in one scrape; nullopt when the scrape failed or no run
// has reported yet.
std::optional<uint64_t> ScrapeMessagesSent(int port);

// Scrapes every 20 ms until `ready(sent)` holds (true), or `still_running()` turns false or
// `timeout` passes (false). The timeout only ends a hung test.
bool WaitForMessagesSent(int port, const std::function<bool(uint64_t sent)>& ready,
                         const std::function<bool()>& still_running,
                         std::chrono::milliseconds timeout);

}  // namespace streambench::testing
