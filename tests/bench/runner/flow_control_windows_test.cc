// Flow-control windows over an emulated link: with BDP probing off, a connection carries at most
// its window per round trip, so over a 40 ms link a 64 KiB window carries about 1.6 MB/s, while
// BDP probing grows the window until the 100 Mbit/s link (12.5 MB/s) is the limit. Runs the two
// variants (3 s each) through RunScenarioFile with the embedded server, the link and the
// comparison, and checks the ordering bandwidth x delay predicts, with generous factors (ratios,
// not machine-speed timings).
//
// Two gRPC 1.51 facts (measured, see scenarios/flow_control_windows.yaml) shape the scenario:
// - The receiver opens a stream's window far enough to take the whole message it is reading, so
//   messages must be smaller than the window (8 KiB here) or the "64 KiB window" is really the
//   message size (a 256 KiB message gave ~4.7 MB/s whatever the window).
// - With BDP probing off, the connection-level window stays at 64 KiB (plus the message being
//   read) whatever GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES says: a BDP-off 8 MiB stream window is
//   as slow as 64 KiB (both ~2.5 MB/s with 16 KiB messages). The fast variant is BDP probing.
#include <gtest/gtest.h>

#include <iostream>

#include "bench/report/comparison.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::runner {
namespace {

constexpr char kScenario[] = R"(name: windows-over-link
mode: server_stream
connections: 1
streams_per_connection: 1
load: {type: closed, outstanding: 1}
request: {payload_size: 16B}
server_behavior: {response_size: 8KiB, response_count: 100000}
link: {rtt: 40ms, bandwidth: 100Mbit}
warmup: 1s
duration: 3s
expect: {statuses: {OK: any, CANCELLED: any}}
variants:
  - name: window-64KiB
    set:
      transport: {bdp_probe: false, stream_window: 64KiB}
      server_transport: {bdp_probe: false, stream_window: 64KiB}
  - name: bdp-probe-8MiB
    set:
      transport: {bdp_probe: true, stream_window: 8MiB}
      server_transport: {bdp_probe: true, stream_window: 8MiB}
)";

TEST(FlowControlWindowsTest, ThroughputOrderingMatchesBandwidthTimesDelay) {
  ResetStopSignals();
  scenario::ScenarioFile file;
  scenario::LoadError error;
  ASSERT_TRUE(scenario::LoadScenarioString(kScenario, "windows.yaml", {}, &file, &error))
      << error.ToString();
  RunOptions options;
  options.log_out = &std::cerr;
  options.drain_timeout = std::chrono::milliseconds(200);  // a long call is cancelled, not awaited
  const ScenarioOutcome outcome = RunScenarioFile(file, options);
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  ASSERT_EQ(outcome.result.runs.size(), 2u);
  for (const report::RunResult& run : outcome.result.runs) {
    EXPECT_TRUE(run.link.enabled);
    EXPECT_EQ(run.link.rtt_us, 40'000);
    EXPECT_GT(run.link.bytes_down, run.bytes_received) << "framing on top of the payload";
    EXPECT_EQ(run.integrity.Total(), 0u) << run.variant;
  }
  const report::RunResult& small = outcome.result.runs[0];
  const report::RunResult& large = outcome.result.runs[1];
  ASSERT_EQ(small.variant, "window-64KiB");
  const double window_over_rtt = 65536.0 / 0.040;  // 1.64 MB/s
  const double link_bytes_per_s = 100e6 / 8;       // 12.5 MB/s
  std::cerr << "64KiB: " << small.bytes_received_per_s
            << " B/s, BDP probe: " << large.bytes_received_per_s
            << " B/s, window/RTT: " << window_over_rtt << "\n";
  // The small window carries about window/RTT (between a quarter and twice that: HTTP/2 and gRPC
  // add framing and window updates, and the message being read adds up to 8 KiB to the window).
  EXPECT_GT(small.bytes_received_per_s, window_over_rtt / 4);
  EXPECT_LT(small.bytes_received_per_s, window_over_rtt * 2);
  // BDP probing grows the window towards bandwidth x delay: several times faster (the link's
  // 12.5 MB/s is ~7.6x window/RTT), and never above the link (plus the 200 ms drain's share).
  EXPECT_GT(large.bytes_received_per_s, 3 * small.bytes_received_per_s);
  EXPECT_LT(large.bytes_received_per_s, link_bytes_per_s * 1.2);

  // The comparison table puts them side by side with the ratio to the baseline (the first).
  ASSERT_EQ(outcome.result.comparison.size(), 2u);
  EXPECT_EQ(outcome.result.comparison[0].variant, "window-64KiB");
  EXPECT_DOUBLE_EQ(outcome.result.comparison[0].bytes_per_s_ratio, 1.0);
  EXPECT_GT(outcome.result.comparison[1].bytes_per_s_ratio, 3.0);
}

}  // namespace
}  // namespace streambench::runner
