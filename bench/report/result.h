// Result: what a scenario run produced, the one model every output (console table, JSON, CSV,
// JUnit, comparison) and every judge reads. Its scalar figures are listed once, with name, unit,
// accessor, better direction and doc, in result_fields.h; the JSON schema is documented field by
// field in bench/report/README.md. The model knows nothing of scenarios (run_result_builder.h
// fills it from one), so the threshold grammar below the scenario loader can name its metrics.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/stats/compact_histogram.h"
#include "bench/stats/histogram.h"
#include "bench/stats/integrity.h"

namespace streambench::report {

// Percentiles of one latency histogram, in microseconds (JSON `latency_us.<name>`).
struct LatencySummary {
  uint64_t count = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0, min_us = 0;
};

// Which way a figure gets worse: a baseline comparison reads it in this direction.
enum class Better { kLower, kHigher };

// What only a baseline comparison says beside the common check fields.
struct BaselineFigures {
  Better better = Better::kLower;
  double ratio = 1;               // current / baseline; +infinity when only the baseline is 0
  double tolerance_fraction = 0;  // allowed relative worsening (0.1 = 10%)
  bool missing = false;           // the variant or the measurement is absent on one side
};

// One judged check, whoever judged it: a scenario expectation (JSON `runs[i].checks[j]`), a
// threshold (`gate.thresholds[j]`) or a baseline comparison (`gate.baseline[j]`).
struct Check {
  // Expectations: "status OK", "integrity errors"; thresholds: the expression as written;
  // baseline: the compared metric ("" when the variant itself is missing on one side).
  std::string name;
  std::string variant;  // the run judged (thresholds, baseline); "" for a run's own expectations
  std::string metric;   // the gate metric judged; "" when the check is not about one metric
  double measured = 0;  // in the metric's unit (latency in us, error_rate as a fraction)
  double limit = 0;     // same unit; for a baseline check, the baseline's value
  bool passed = true;
  // One line with the measured value and the limit, e.g. "UNAVAILABLE 12.1% not in [5%, 10%]",
  // "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)".
  std::string detail;
  std::optional<BaselineFigures> baseline;  // set for baseline checks only
};

// The emulated link a run went through (JSON `link`, written only when enabled): the spec and
// the relay's counters summed over its connections.
struct LinkResult {
  bool enabled = false;
  int64_t rtt_us = 0;
  uint64_t bandwidth_bits_per_s = 0;  // 0 = unlimited
  int64_t jitter_us = 0;
  uint64_t buffer_bytes = 0;         // effective per-direction buffer
  std::string description;           // e.g. "rtt 40ms, 100Mbit/s, jitter 0us, buffer 564KiB"
  uint64_t connections = 0;          // relayed TCP connections
  uint64_t bytes_up = 0;             // generator -> server, delivered (HTTP/2 framing included)
  uint64_t bytes_down = 0;           // server -> generator, delivered
  uint64_t max_queued_bytes_up = 0;  // the most one direction of one connection held
  uint64_t max_queued_bytes_down = 0;
};

// Depth of the generator's per-stream send queues (JSON `send_queue_depth`): at each enqueue,
// the operations waiting behind the write in flight, the new one included (1 = no backlog).
struct QueueDepthSummary {
  uint64_t samples = 0;  // enqueues measured
  double mean = 0;
  uint64_t p50 = 0, p99 = 0, max = 0;
};

// Messages per finished stream of a mode whose server sends on its own (JSON
// `messages_per_stream`, written only when such a stream finished): server_stream, bidi
// independent, subscriptions, downloads. Every finished stream counts, whatever its status, so a
// stream cut short shows as a short one. The statistics are over the streams that received at
// least one message; those that received none are counted apart.
struct StreamMessagesSummary {
  uint64_t streams = 0;                   // finished streams that received a message
  uint64_t streams_without_messages = 0;  // finished streams that received none
  double mean = 0;                        // messages per stream
  uint64_t min = 0, p50 = 0, p99 = 0, max = 0;
};

// A period of a run in which the target could not be reached (JSON `outages[i]`): calls failed
// with UNAVAILABLE while the channel was not connected, and no call started since succeeded.
// Found by drivers::OutageTracker.
struct Outage {
  double start_s = 0;         // since the measured phase began (negative: began during warm-up)
  double duration_s = 0;      // until the first success after it (or the end of the run)
  uint64_t failed_calls = 0;  // calls / streams failed by it (connection errors)
  bool recovered = true;      // false: still going on when the run ended
};

// The generator's own CPU use over the measured phase (JSON `generator`): when it is
// saturated, the figures may be the harness's limit rather than the target's.
struct GeneratorCpu {
  double cpu_seconds = 0;      // process CPU (user + system, every thread) in the measured phase
  double cpu_utilization = 0;  // cpu_seconds / (duration x cores), 0..1
  double busiest_thread_utilization = 0;  // the busiest thread's CPU / duration, 0..1
  int cores = 0;                          // cores the generator may run on; 0 = not measured
  bool includes_server = false;  // the embedded server ran in the same process (its CPU counts)
  // Open loop: the share of operations the workers handed over more than 1 ms after their
  // intended time (bench/runner/dispatch_lag.h); 0 closed loop.
  double dispatch_behind_fraction = 0;
  // Either utilization reached the threshold (90%), or most operations were handed over late
  // (dispatch_behind_fraction >= 50%): the workers could not keep their schedule.
  bool saturated = false;
};

// The server's HTTP/2 limit on concurrent streams per connection, when the run's
// streams_per_connection was above it (JSON `stream_limit`, written for such runs only), and what
// the run did about it (scenario `over_stream_limit`).
struct StreamLimitResult {
  uint64_t server_max_concurrent_streams = 0;  // SETTINGS_MAX_CONCURRENT_STREAMS; 0 = not binding
  std::string policy;                          // "queue" or "connect"
  uint64_t connections = 0;                    // connections the run used
  uint64_t streams_per_connection = 0;         // streams (or call slots) on each
  uint64_t waiting_streams = 0;  // streams beyond the limit, waiting for a free one (`queue`)
};

// A request feed sent `once` (scenario `request.feed_order: once`; JSON `feed`, written for such
// runs only): the run's finite work, and how far it got through it.
struct FeedResult {
  uint64_t lines = 0;            // messages in the feed; 0 = the run had no `once` feed
  uint64_t lines_sent = 0;       // of them, taken by a request (each at most once)
  bool exhausted = false;        // every line was sent: the measured phase ended there
  double exhausted_after_s = 0;  // from the start of the load to the last line's send; 0 if not
};

// One step of a capacity search (`load: {type: search}`; JSON `capacity.steps[i]`): an open-loop
// run at a constant rate, judged against the search's objective. The steps in order are the
// latency-throughput curve.
struct CapacityStep {
  double target_rate_per_s = 0;    // the rate the step asked for
  double achieved_rate_per_s = 0;  // what was sent: the target less the dropped operations
  double duration_s = 0;           // the step's measured phase
  double elapsed_s = 0;            // the step's wall time, prepare and drain included
  // The latency the objective reads first ("message", "call", ...; "" when none was recorded),
  // from the intended send time, in microseconds.
  std::string latency_kind;
  double p50_us = 0, p99_us = 0, p999_us = 0;
  double error_rate = 0;             // non-OK finished calls / finished calls
  bool sustained = false;            // every objective held and nothing was dropped
  bool generator_saturated = false;  // the generator's own CPU limit was reached
  std::string why;                   // the first objective that failed, or what else did
};

// What a capacity search found (JSON `capacity`, written for search runs only). The run's other
// figures are those of the step at `rate_per_s` (the highest sustained one), or of the last step
// when none was sustained.
struct CapacityResult {
  bool searched = false;            // the run was a search
  double rate_per_s = 0;            // the highest sustained rate; 0 = none was sustained
  double bracket_low_per_s = 0;     // = rate_per_s
  double bracket_high_per_s = 0;    // the lowest rate that failed; 0 = none failed
  std::string stop_reason;          // CapacityStopReason's name (bench/search)
  std::string objective;            // the objective as written, "; "-separated
  double search_s = 0;              // wall time of the whole search
  std::vector<CapacityStep> steps;  // in the order they ran
};

// One interval of the measured phase (JSON `runs[i].series[k]`): what happened in the second
// [t_s, t_s + duration_s) after the measured phase began. Shards started at the same instant
// (--start-at) have the same t_s for the same wall-clock second, so a merge adds intervals with
// equal t_s. Built from the once-a-second snapshots the controller already takes, so the hot path
// records nothing more for it.
struct IntervalPoint {
  int64_t t_s = 0;        // whole seconds since the measured phase began
  double duration_s = 0;  // actual interval length (the last one may be short)
  uint64_t messages_sent = 0, messages_received = 0;
  uint64_t calls_finished = 0;
  std::map<std::string, uint64_t> calls_by_code;  // status name -> count (only non-zero)
  // Each latency kind's samples in the interval, by stats::LatencyName ("message", "call", ...;
  // only the kinds with samples in it), lossless so that merged intervals give exact percentiles;
  // the JSON also carries their percentiles for readers that chart without merging.
  std::map<std::string, stats::CompactHistogram> latency;
};

// One run of one variant (JSON: an element of `runs`).
struct RunResult {
  std::string variant;
  std::string mode;          // scenario::ModeName
  std::string service;       // "streambench.v1" | "grpc.testing.BenchmarkService"
  std::string engine;        // what carried the calls: "grpc" | "h2" (scenario key `engine`)
  std::string target;        // address(es) driven, or "embedded 127.0.0.1:PORT"
  int repeat_index = 0;      // 0-based repetition of the variant (`repeat`)
  double duration_s = 0;     // measured phase length (after warm-up), actual
  bool interrupted = false;  // stopped early (signal, server gone)
  // --start-at: how much later than the requested instant the measured phase began (0 = on time
  // or not asked).
  double late_start_s = 0;
  // What made the run, for a reader of the results alone: the generator's version and its command
  // line as typed (arguments shell-quoted). "" in results written before these existed.
  std::string streambench_version;
  std::string command_line;

  uint64_t messages_sent = 0, messages_received = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;  // payload bytes
  uint64_t calls_started = 0, calls_finished = 0;
  std::map<std::string, uint64_t> calls_by_code;  // status name -> count (only non-zero)

  double messages_sent_per_s = 0, messages_received_per_s = 0;
  double messages_per_s = 0;  // sent + received, per second
  double bytes_sent_per_s = 0, bytes_received_per_s = 0;
  double calls_per_s = 0;        // finished calls per second
  double target_rate_per_s = 0;  // open loop: the scheduled rate (mean); 0 for closed loop
  // Open loop: operations the schedule asked for that were never sent because their stream's
  // queue (or call slot's in-flight limit) was full, i.e. the target could not keep up. They
  // are in no latency; a non-zero count means the achieved rate fell short of the target.
  uint64_t dropped_ops = 0;
  // Periods without a reachable target, oldest first (empty when the target never went away).
  std::vector<Outage> outages;

  // Latencies by stats::LatencyName ("message", "call", "first_message", "final_response",
  // "write_blocked", "schedule_lag", "message_gap", "first_write_to_response"); only kinds with
  // count > 0 are present.
  std::map<std::string, LatencySummary> latency_us;
  // The same latencies' histograms, lossless (JSON `histograms.<kind>`), for an exact merge of
  // shards' results (bench/report/merge.h).
  std::map<std::string, stats::CompactHistogram> latency_histograms;
  // Send-queue depth and messages per stream as histograms of counts, lossless (JSON
  // `count_histograms.<name>`, names kSendQueueDepthHistogram and kMessagesPerStreamHistogram),
  // so a merge recomputes `send_queue_depth` and `messages_per_stream` exactly; only non-empty
  // ones are present.
  std::map<std::string, stats::CompactHistogram> count_histograms;
  // A merged result only (JSON `merge_approximate`, written when not empty): the summaries a
  // shard's file had no count histogram for (files written before they existed), comma-separated
  // ("send_queue_depth", "messages_per_stream"). Those keep the largest shard's percentiles and
  // maximum and the sample-weighted mean: a bound, not the percentile of all samples.
  std::string merge_approximate;
  // Per-second intervals of the measured phase, oldest first (JSON `series`).
  std::vector<IntervalPoint> series;

  stats::IntegrityCounts integrity;
  // File transfers (modes upload, download; JSON `transfers`, written for those modes only):
  // transfers whose SHA-256 (and, for downloads, every byte and offset) the client verified, and
  // those that failed verification (also counted as corrupted in `integrity`).
  uint64_t transfers_verified = 0;
  uint64_t transfers_failed = 0;
  std::vector<Check> checks;  // the scenario's expectations
  bool pass = true;           // every check passed

  // Flow control. Backpressure: the send-queue depth; write-blocked time is
  // latency_us.write_blocked.
  QueueDepthSummary send_queue_depth;
  StreamMessagesSummary messages_per_stream;
  // Messages the server's application-level flow control dropped (policy drop) and reported in
  // the stream (Response.dropped_before); not counted as lost.
  uint64_t server_dropped_messages = 0;
  // A named method's responses that failed `response.expect.fields` (fail the run, like
  // integrity errors).
  uint64_t response_check_failures = 0;
  FeedResult feed;                 // a request feed sent `once`
  StreamLimitResult stream_limit;  // the server's stream limit, when it bound
  LinkResult link;                 // the emulated link, when the scenario has `link`
  GeneratorCpu generator;          // the generator's own CPU use in the measured phase
  CapacityResult capacity;         // a capacity search's outcome (searched = false otherwise)
};

// A figure over a variant's repetitions: median, min and max.
struct Spread {
  double median = 0, min = 0, max = 0;
};

// One variant in the comparison table (JSON `comparison[i]`), from its repetitions. Ratios are
// this variant's median / the first (baseline) variant's median; 0 when the baseline's is 0.
struct ComparisonRow {
  std::string variant;
  int repeats = 0;              // runs of this variant included
  Spread messages_per_s;        // sent + received
  Spread bytes_per_s;           // payload bytes sent + received
  Spread message_p50_us;        // latency_us.message.p50
  Spread message_p99_us;        // latency_us.message.p99
  Spread write_blocked_p99_us;  // latency_us.write_blocked.p99
  Spread send_queue_depth_max;  // send_queue_depth.max
  Spread server_dropped_messages;
  double messages_per_s_ratio = 0;
  double bytes_per_s_ratio = 0;
  double message_p50_ratio = 0;
  double message_p99_ratio = 0;
};

// The regression gate's verdict (JSON `gate`, present only when evaluated): thresholds from
// the scenario and --threshold, and the --baseline comparison.
struct GateResult {
  bool evaluated = false;     // thresholds or a baseline were given
  std::string baseline_path;  // --baseline FILE; empty without one
  std::vector<Check> thresholds;
  std::vector<Check> baseline;  // each with `baseline` figures set
  bool pass = true;             // every threshold and baseline check passed
};

// Which part of a sharded run a result is (JSON `shard`): written when the run was started with
// --shard I/N, or by a merge (then `merged` lists the shard indices it holds and `missing` those
// it lacks; index is -1).
struct ShardInfo {
  bool sharded = false;
  int index = 0;  // 0-based; -1 in a merged result
  int count = 1;
  std::string start_at;      // --start-at as given (RFC 3339); "" = started at once
  double late_start_s = 0;   // how much later than start_at the measured phase began (0 = on time)
  std::vector<int> merged;   // merged results: the shard indices merged
  std::vector<int> missing;  // merged results: the shard indices absent (--allow-missing)
};

struct ScenarioResult {
  std::string scenario;     // scenario name
  std::string source_path;  // scenario file
  std::string started_at;   // ISO 8601 UTC
  std::vector<RunResult> runs;
  bool pass = true;          // every run passed
  bool interrupted = false;  // any run interrupted
  // The runs went at the same time against one server (`concurrent: true`): a mixed workload whose
  // runs competed with each other, so there is no comparison table.
  bool concurrent = false;
  ShardInfo shard;  // set for sharded and merged runs
  GateResult gate;  // the regression gate (not part of `pass`; the CLI combines them)
  // Variants side by side (bench/report/comparison.h); filled when a file has more than one
  // variant or repeat > 1, empty otherwise.
  std::vector<ComparisonRow> comparison;
};

// Builds the summary of one histogram (ns -> us).
LatencySummary Summarize(const stats::LogLinearHistogram& histogram);

// The keys of RunResult::count_histograms.
inline constexpr char kSendQueueDepthHistogram[] = "send_queue_depth";
inline constexpr char kMessagesPerStreamHistogram[] = "messages_per_stream";

// The summaries of histograms of counts (the histogram's "ns" are depths or messages). The
// per-stream summary's `streams_without_messages` is not in the histogram and is left as it is.
QueueDepthSummary SummarizeQueueDepth(const stats::LogLinearHistogram& depth);
void SummarizeMessagesPerStream(const stats::LogLinearHistogram& per_stream,
                                StreamMessagesSummary* summary);

// Sets `result->pass` (every run passed) and `result->interrupted` (any run interrupted) from
// its runs. A result without runs does not pass.
void FinalizeScenarioResult(ScenarioResult* result);

}  // namespace streambench::report
