#include "bench/report/result_fields.h"

#include <algorithm>

#include "bench/stats/recorder.h"

namespace streambench::report {
namespace {

constexpr Better kLower = Better::kLower;
constexpr Better kHigher = Better::kHigher;

bool IsTransferMode(const RunResult& run) { return run.mode == "upload" || run.mode == "download"; }
bool GeneratorMeasured(const RunResult& run) { return run.generator.cores > 0; }
bool LinkEnabled(const RunResult& run) { return run.link.enabled; }
// Only modes whose server sends on its own finish receiving streams.
bool StreamsReceived(const RunResult& run) {
  return run.messages_per_stream.streams + run.messages_per_stream.streams_without_messages > 0;
}
void EnableLink(RunResult* run) { run->link.enabled = true; }
bool HasOnceFeed(const RunResult& run) { return run.feed.lines > 0; }
bool StreamLimitBound(const RunResult& run) {
  return run.stream_limit.server_max_concurrent_streams > 0;
}
bool Searched(const RunResult& run) { return run.capacity.searched; }
void MarkSearched(RunResult* run) { run->capacity.searched = true; }

// A field that is not a gate metric.
RunField Plain(std::string json, std::string csv, MetricUnit unit, std::string doc,
               FieldRef (*ref)(RunResult&), bool required = false) {
  RunField f;
  f.json_path = std::move(json);
  f.csv_column = std::move(csv);
  f.unit = unit;
  f.doc = std::move(doc);
  f.ref = ref;
  f.required = required;
  return f;
}

// A field that is also a gate metric, named like its JSON path.
RunField Measured(std::string json, std::string csv, MetricUnit unit, Better better,
                  std::string doc, FieldRef (*ref)(RunResult&), bool required = false) {
  RunField f = Plain(json, std::move(csv), unit, std::move(doc), ref, required);
  f.metric = std::move(json);
  f.better = better;
  return f;
}

RunField Composed(std::string json, Composite composite, bool required) {
  RunField f;
  f.json_path = std::move(json);
  f.composite = composite;
  f.required = required;
  return f;
}

// Objects written only when they apply; reading one back marks it present.
struct Group {
  const char* prefix;  // the fields' JSON path prefix
  bool (*written)(const RunResult&);
  void (*on_present)(RunResult*);
};
constexpr Group kGroups[] = {
    {"transfers.", IsTransferMode, nullptr},
    {"generator.", GeneratorMeasured, nullptr},
    {"link.", LinkEnabled, EnableLink},
    {"messages_per_stream.", StreamsReceived, nullptr},
    {"feed.", HasOnceFeed, nullptr},
    {"capacity.", Searched, MarkSearched},
    {"stream_limit.", StreamLimitBound, nullptr},
};

// Written only when a sharded run's measured phase began after its --start-at instant.
RunField LateStart() {
  RunField f = Plain("late_start_s", "", MetricUnit::kSeconds,
                     "--start-at: seconds the measured phase began late",
                     [](RunResult& r) -> FieldRef { return &r.late_start_s; });
  f.written = [](const RunResult& r) { return r.late_start_s > 0; };
  return f;
}

// Written when known: results of older versions (and hand-made ones) have none.
RunField Provenance(std::string json, std::string doc, FieldRef (*ref)(RunResult&)) {
  RunField f = Plain(std::move(json), "", MetricUnit::kText, std::move(doc), ref);
  f.written = [](const RunResult& r) {
    return !r.streambench_version.empty() || !r.command_line.empty();
  };
  return f;
}

// Written only by a merge that could not recompute a summary from its shards' histograms.
RunField MergeApproximate() {
  RunField f = Plain("merge_approximate", "", MetricUnit::kText,
                     "merged summaries that are bounds, not exact (a shard had no histogram)",
                     [](RunResult& r) -> FieldRef { return &r.merge_approximate; });
  f.written = [](const RunResult& r) { return !r.merge_approximate.empty(); };
  return f;
}

std::vector<RunField> StoredFields() {
  using U = MetricUnit;
  // clang-format off
  return {
    Plain("variant", "variant", U::kText, "the variant's name", [](RunResult& r) -> FieldRef { return &r.variant; }, true),
    Plain("mode", "mode", U::kText, "the gRPC mode or workload", [](RunResult& r) -> FieldRef { return &r.mode; }, true),
    Plain("service", "service", U::kText, "the target service", [](RunResult& r) -> FieldRef { return &r.service; }),
    Plain("engine", "engine", U::kText, "what carried the calls: grpc or h2", [](RunResult& r) -> FieldRef { return &r.engine; }),
    Plain("target", "target", U::kText, "the address(es) driven", [](RunResult& r) -> FieldRef { return &r.target; }),
    Plain("repeat", "repeat", U::kCount, "0-based repetition", [](RunResult& r) -> FieldRef { return &r.repeat_index; }),
    Plain("duration_s", "duration_s", U::kSeconds, "measured phase length", [](RunResult& r) -> FieldRef { return &r.duration_s; }),
    Plain("interrupted", "interrupted", U::kText, "stopped early", [](RunResult& r) -> FieldRef { return &r.interrupted; }),
    LateStart(),
    Provenance("streambench_version", "the generator's version", [](RunResult& r) -> FieldRef { return &r.streambench_version; }),
    Provenance("command_line", "the generator's command line, arguments shell-quoted", [](RunResult& r) -> FieldRef { return &r.command_line; }),
    Plain("pass", "pass", U::kText, "every expectation held", [](RunResult& r) -> FieldRef { return &r.pass; }),
    Measured("messages.sent", "messages_sent", U::kCount, kHigher, "messages sent", [](RunResult& r) -> FieldRef { return &r.messages_sent; }, true),
    Measured("messages.received", "messages_received", U::kCount, kHigher, "messages received", [](RunResult& r) -> FieldRef { return &r.messages_received; }, true),
    Measured("bytes.sent", "bytes_sent", U::kCount, kHigher, "payload bytes sent", [](RunResult& r) -> FieldRef { return &r.bytes_sent; }),
    Measured("bytes.received", "bytes_received", U::kCount, kHigher, "payload bytes received", [](RunResult& r) -> FieldRef { return &r.bytes_received; }),
    Measured("calls.started", "calls_started", U::kCount, kHigher, "calls / streams started in the measured phase", [](RunResult& r) -> FieldRef { return &r.calls_started; }, true),
    Measured("calls.finished", "calls_finished", U::kCount, kHigher, "calls / streams finished in the measured phase", [](RunResult& r) -> FieldRef { return &r.calls_finished; }, true),
    Composed("calls.by_code", Composite::kCallsByCode, true),
    Measured("throughput.messages_per_s", "messages_per_s", U::kPerSecond, kHigher, "messages sent + received per second", [](RunResult& r) -> FieldRef { return &r.messages_per_s; }, true),
    Measured("throughput.messages_sent_per_s", "messages_sent_per_s", U::kPerSecond, kHigher, "messages sent per second", [](RunResult& r) -> FieldRef { return &r.messages_sent_per_s; }, true),
    Measured("throughput.messages_received_per_s", "messages_received_per_s", U::kPerSecond, kHigher, "messages received per second", [](RunResult& r) -> FieldRef { return &r.messages_received_per_s; }, true),
    Measured("throughput.bytes_sent_per_s", "bytes_sent_per_s", U::kPerSecond, kHigher, "payload bytes sent per second", [](RunResult& r) -> FieldRef { return &r.bytes_sent_per_s; }, true),
    Measured("throughput.bytes_received_per_s", "bytes_received_per_s", U::kPerSecond, kHigher, "payload bytes received per second", [](RunResult& r) -> FieldRef { return &r.bytes_received_per_s; }, true),
    Measured("throughput.calls_per_s", "calls_per_s", U::kPerSecond, kHigher, "finished calls per second", [](RunResult& r) -> FieldRef { return &r.calls_per_s; }, true),
    Measured("throughput.target_rate_per_s", "target_rate_per_s", U::kPerSecond, kHigher, "open loop: the scheduled mean rate; 0 closed loop", [](RunResult& r) -> FieldRef { return &r.target_rate_per_s; }, true),
    Plain("dropped_ops", "dropped_ops", U::kCount, "open-loop operations never sent (queue full)", [](RunResult& r) -> FieldRef { return &r.dropped_ops; }),
    Composed("outages", Composite::kOutages, false),
    Composed("latency_us", Composite::kLatency, true),
    Composed("histograms", Composite::kHistograms, false),
    Measured("integrity.lost", "integrity_lost", U::kCount, kLower, "messages never received", [](RunResult& r) -> FieldRef { return &r.integrity.lost; }),
    Measured("integrity.duplicated", "integrity_duplicated", U::kCount, kLower, "messages received more than once", [](RunResult& r) -> FieldRef { return &r.integrity.duplicated; }),
    Measured("integrity.reordered", "integrity_reordered", U::kCount, kLower, "messages received after a later one", [](RunResult& r) -> FieldRef { return &r.integrity.reordered; }),
    Measured("integrity.corrupted", "integrity_corrupted", U::kCount, kLower, "payload checksum mismatches; a named method's responses that did not parse", [](RunResult& r) -> FieldRef { return &r.integrity.corrupted; }),
    Measured("response_check_failures", "response_check_failures", U::kCount, kLower, "a named method's responses that failed response.expect.fields", [](RunResult& r) -> FieldRef { return &r.response_check_failures; }),
    Plain("stream_limit.server_max_concurrent_streams", "server_max_concurrent_streams", U::kCount, "the server's SETTINGS_MAX_CONCURRENT_STREAMS, when streams_per_connection was above it", [](RunResult& r) -> FieldRef { return &r.stream_limit.server_max_concurrent_streams; }),
    Plain("stream_limit.policy", "over_stream_limit", U::kText, "what the run did about it: queue or connect (over_stream_limit)", [](RunResult& r) -> FieldRef { return &r.stream_limit.policy; }),
    Plain("stream_limit.connections", "stream_limit_connections", U::kCount, "connections the run used", [](RunResult& r) -> FieldRef { return &r.stream_limit.connections; }),
    Plain("stream_limit.streams_per_connection", "stream_limit_streams_per_connection", U::kCount, "streams (or call slots) on each", [](RunResult& r) -> FieldRef { return &r.stream_limit.streams_per_connection; }),
    Measured("stream_limit.waiting_streams", "waiting_streams", U::kCount, kLower, "streams beyond the limit, waiting for a free one (queue)", [](RunResult& r) -> FieldRef { return &r.stream_limit.waiting_streams; }),
    Plain("feed.lines", "feed_lines", U::kCount, "request.feed_order once: messages in the feed", [](RunResult& r) -> FieldRef { return &r.feed.lines; }),
    Plain("feed.lines_sent", "feed_lines_sent", U::kCount, "of them, sent (each at most once)", [](RunResult& r) -> FieldRef { return &r.feed.lines_sent; }),
    Plain("feed.exhausted", "feed_exhausted", U::kText, "every line was sent; the measured phase ended there", [](RunResult& r) -> FieldRef { return &r.feed.exhausted; }),
    Plain("feed.exhausted_after_s", "feed_exhausted_after_s", U::kSeconds, "from the start of the load to the last line's send", [](RunResult& r) -> FieldRef { return &r.feed.exhausted_after_s; }),
    Plain("transfers.verified", "", U::kCount, "file transfers verified", [](RunResult& r) -> FieldRef { return &r.transfers_verified; }),
    Plain("transfers.failed", "", U::kCount, "file transfers that failed verification", [](RunResult& r) -> FieldRef { return &r.transfers_failed; }),
    Composed("checks", Composite::kChecks, false),
    Plain("generator.cpu_seconds", "generator_cpu_s", U::kSeconds, "generator CPU in the measured phase", [](RunResult& r) -> FieldRef { return &r.generator.cpu_seconds; }),
    Plain("generator.cpu_utilization", "generator_cpu_utilization", U::kFraction, "cpu_seconds / (duration x cores)", [](RunResult& r) -> FieldRef { return &r.generator.cpu_utilization; }),
    Plain("generator.busiest_thread_utilization", "generator_busiest_thread_utilization", U::kFraction, "the busiest thread's CPU / duration", [](RunResult& r) -> FieldRef { return &r.generator.busiest_thread_utilization; }),
    Plain("generator.cores", "generator_cores", U::kCount, "cores the generator may run on", [](RunResult& r) -> FieldRef { return &r.generator.cores; }),
    Plain("generator.includes_server", "generator_includes_server", U::kText, "the embedded server's CPU is included", [](RunResult& r) -> FieldRef { return &r.generator.includes_server; }),
    Plain("generator.dispatch_behind_fraction", "generator_dispatch_behind_fraction", U::kFraction, "open loop: operations handed over more than 1 ms late", [](RunResult& r) -> FieldRef { return &r.generator.dispatch_behind_fraction; }),
    Plain("generator.saturated", "generator_saturated", U::kText, "a utilization reached 90%, or half the operations were handed over late", [](RunResult& r) -> FieldRef { return &r.generator.saturated; }),
    Plain("send_queue_depth.samples", "", U::kCount, "enqueues measured", [](RunResult& r) -> FieldRef { return &r.send_queue_depth.samples; }),
    Plain("send_queue_depth.mean", "", U::kCount, "mean send-queue depth", [](RunResult& r) -> FieldRef { return &r.send_queue_depth.mean; }),
    Plain("send_queue_depth.p50", "", U::kCount, "median send-queue depth", [](RunResult& r) -> FieldRef { return &r.send_queue_depth.p50; }),
    Plain("send_queue_depth.p99", "", U::kCount, "99th percentile send-queue depth", [](RunResult& r) -> FieldRef { return &r.send_queue_depth.p99; }),
    Plain("send_queue_depth.max", "", U::kCount, "deepest send queue", [](RunResult& r) -> FieldRef { return &r.send_queue_depth.max; }),
    Measured("messages_per_stream.streams", "streams_received", U::kCount, kHigher, "finished receiving streams with a message", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.streams; }),
    Measured("messages_per_stream.streams_without_messages", "streams_without_messages", U::kCount, kLower, "finished receiving streams without a message", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.streams_without_messages; }),
    Measured("messages_per_stream.mean", "messages_per_stream_mean", U::kCount, kHigher, "mean messages per stream", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.mean; }),
    Measured("messages_per_stream.min", "messages_per_stream_min", U::kCount, kHigher, "fewest messages in a stream", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.min; }),
    Measured("messages_per_stream.p50", "messages_per_stream_p50", U::kCount, kHigher, "median messages per stream", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.p50; }),
    Measured("messages_per_stream.p99", "messages_per_stream_p99", U::kCount, kHigher, "99th percentile messages per stream", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.p99; }),
    Measured("messages_per_stream.max", "messages_per_stream_max", U::kCount, kHigher, "most messages in a stream", [](RunResult& r) -> FieldRef { return &r.messages_per_stream.max; }),
    Composed("count_histograms", Composite::kCountHistograms, false),
    MergeApproximate(),
    Plain("server_dropped_messages", "", U::kCount, "messages the server's flow control dropped", [](RunResult& r) -> FieldRef { return &r.server_dropped_messages; }),
    Composed("series", Composite::kSeries, false),
    Plain("link.rtt_us", "", U::kCount, "emulated round-trip time", [](RunResult& r) -> FieldRef { return &r.link.rtt_us; }),
    Plain("link.bandwidth_bits_per_s", "", U::kCount, "emulated bandwidth; 0 unlimited", [](RunResult& r) -> FieldRef { return &r.link.bandwidth_bits_per_s; }),
    Plain("link.jitter_us", "", U::kCount, "emulated jitter", [](RunResult& r) -> FieldRef { return &r.link.jitter_us; }),
    Plain("link.buffer_bytes", "", U::kCount, "effective per-direction buffer", [](RunResult& r) -> FieldRef { return &r.link.buffer_bytes; }),
    Plain("link.description", "", U::kText, "the link in words", [](RunResult& r) -> FieldRef { return &r.link.description; }),
    Plain("link.connections", "", U::kCount, "relayed TCP connections", [](RunResult& r) -> FieldRef { return &r.link.connections; }),
    Plain("link.bytes_up", "", U::kCount, "bytes delivered generator -> server", [](RunResult& r) -> FieldRef { return &r.link.bytes_up; }),
    Plain("link.bytes_down", "", U::kCount, "bytes delivered server -> generator", [](RunResult& r) -> FieldRef { return &r.link.bytes_down; }),
    Plain("link.max_queued_bytes_up", "", U::kCount, "most bytes one connection queued up", [](RunResult& r) -> FieldRef { return &r.link.max_queued_bytes_up; }),
    Plain("link.max_queued_bytes_down", "", U::kCount, "most bytes one connection queued down", [](RunResult& r) -> FieldRef { return &r.link.max_queued_bytes_down; }),
    Measured("capacity.rate_per_s", "capacity_rate_per_s", U::kPerSecond, kHigher, "capacity search: the highest rate that met the objective (0 = none)", [](RunResult& r) -> FieldRef { return &r.capacity.rate_per_s; }),
    Plain("capacity.bracket_low_per_s", "capacity_bracket_low_per_s", U::kPerSecond, "capacity search: the bracket's low end (sustained)", [](RunResult& r) -> FieldRef { return &r.capacity.bracket_low_per_s; }),
    Plain("capacity.bracket_high_per_s", "capacity_bracket_high_per_s", U::kPerSecond, "capacity search: the lowest rate that failed (0 = none)", [](RunResult& r) -> FieldRef { return &r.capacity.bracket_high_per_s; }),
    Plain("capacity.stop_reason", "capacity_stop_reason", U::kText, "capacity search: why it stopped", [](RunResult& r) -> FieldRef { return &r.capacity.stop_reason; }),
    Plain("capacity.objective", "capacity_objective", U::kText, "capacity search: the objective as written", [](RunResult& r) -> FieldRef { return &r.capacity.objective; }),
    Plain("capacity.search_s", "capacity_search_s", U::kSeconds, "capacity search: wall time of every step", [](RunResult& r) -> FieldRef { return &r.capacity.search_s; }),
    Composed("capacity.steps", Composite::kCapacitySteps, false),
  };
  // clang-format on
}

std::vector<RunField> BuildRunFields() {
  std::vector<RunField> fields = StoredFields();
  for (RunField& field : fields) {
    for (const Group& group : kGroups) {
      if (field.json_path.rfind(group.prefix, 0) != 0) continue;
      field.written = group.written;
      field.on_present = group.on_present;
    }
  }
  return fields;
}

std::vector<LatencyStat> BuildLatencyStats() {
  using U = MetricUnit;
  // clang-format off
  return {
    {"p50", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.p50_us; }, "median"},
    {"p90", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.p90_us; }, "90th percentile"},
    {"p99", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.p99_us; }, "99th percentile"},
    {"p999", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.p999_us; }, "99.9th percentile"},
    {"max", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.max_us; }, "largest"},
    {"mean", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.mean_us; }, "mean"},
    {"min", U::kLatencyUs, [](LatencySummary& s) -> FieldRef { return &s.min_us; }, "smallest"},
    {"count", U::kCount, [](LatencySummary& s) -> FieldRef { return &s.count; }, "samples"},
  };
  // clang-format on
}

std::vector<CapacityStepField> BuildCapacityStepFields() {
  using U = MetricUnit;
  using S = CapacityStep;
  // clang-format off
  return {
    {"target_rate_per_s", U::kPerSecond, [](S& s) -> FieldRef { return &s.target_rate_per_s; }, "the rate the step asked for"},
    {"achieved_rate_per_s", U::kPerSecond, [](S& s) -> FieldRef { return &s.achieved_rate_per_s; }, "the rate sent: the target less dropped operations"},
    {"latency_kind", U::kText, [](S& s) -> FieldRef { return &s.latency_kind; }, "the latency below: the objective's first kind, else message or call"},
    {"p50_us", U::kLatencyUs, [](S& s) -> FieldRef { return &s.p50_us; }, "median latency from the intended send"},
    {"p99_us", U::kLatencyUs, [](S& s) -> FieldRef { return &s.p99_us; }, "99th percentile latency"},
    {"p999_us", U::kLatencyUs, [](S& s) -> FieldRef { return &s.p999_us; }, "99.9th percentile latency"},
    {"error_rate", U::kFraction, [](S& s) -> FieldRef { return &s.error_rate; }, "non-OK finished calls / finished calls"},
    {"sustained", U::kText, [](S& s) -> FieldRef { return &s.sustained; }, "the objective held and nothing was dropped"},
    {"generator_saturated", U::kText, [](S& s) -> FieldRef { return &s.generator_saturated; }, "the generator's CPU was saturated"},
    {"why", U::kText, [](S& s) -> FieldRef { return &s.why; }, "what failed first; empty when sustained"},
    {"duration_s", U::kSeconds, [](S& s) -> FieldRef { return &s.duration_s; }, "the step's measured phase"},
    {"elapsed_s", U::kSeconds, [](S& s) -> FieldRef { return &s.elapsed_s; }, "the step's wall time, prepare and drain included"},
  };
  // clang-format on
}

double RefNumber(const FieldRef& ref) {
  return std::visit(
      [](auto* p) -> double {
        using T = std::remove_cv_t<std::remove_pointer_t<decltype(p)>>;
        if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
          return 0;
        } else {
          return static_cast<double>(*p);
        }
      },
      ref);
}

uint64_t CallsWithCode(const RunResult& run, const std::string& code) {
  auto it = run.calls_by_code.find(code);
  return it == run.calls_by_code.end() ? 0 : it->second;
}

std::vector<Metric> BuildMetrics() {
  std::vector<Metric> metrics;
  for (const RunField& field : RunFields()) {
    if (field.metric.empty()) continue;
    const RunField* f = &field;  // the table outlives every metric
    metrics.push_back({f->metric, f->unit, f->better, f->doc,
                       [f](const RunResult& run) { return FieldNumber(*f, run); }});
  }
  for (const std::string& kind : LatencyKinds()) {
    for (const LatencyStat& stat : LatencyStats()) {
      const LatencyStat* s = &stat;
      const bool count = stat.name == "count";
      metrics.push_back({kind + "_latency." + stat.name, stat.unit,
                         count ? Better::kHigher : Better::kLower, kind + " latency, " + stat.doc,
                         [kind, s](const RunResult& run) -> double {
                           // A kind the run did not record reads 0.
                           auto it = run.latency_us.find(kind);
                           if (it == run.latency_us.end()) return 0;
                           LatencySummary summary = it->second;
                           return RefNumber(s->ref(summary));
                         }});
    }
  }
  for (int code = 0; code < stats::kStatusCodeCount; ++code) {
    const std::string name = StatusCodeName(code);
    metrics.push_back(
        {"calls." + name, MetricUnit::kCount, name == "OK" ? Better::kHigher : Better::kLower,
         "finished calls with status " + name,
         [name](const RunResult& run) { return static_cast<double>(CallsWithCode(run, name)); }});
  }
  metrics.push_back({"error_rate", MetricUnit::kFraction, Better::kLower,
                     "non-OK finished calls / finished calls (0 without finished calls)",
                     [](const RunResult& run) -> double {
                       if (run.calls_finished == 0) return 0;
                       const uint64_t ok = CallsWithCode(run, "OK");
                       const uint64_t errors =
                           run.calls_finished > ok ? run.calls_finished - ok : 0;
                       return static_cast<double>(errors) / static_cast<double>(run.calls_finished);
                     }});
  metrics.push_back({"integrity_errors", MetricUnit::kCount, Better::kLower,
                     "lost + duplicated + reordered + corrupted", [](const RunResult& run) {
                       return static_cast<double>(run.integrity.Total());
                     }});
  std::sort(metrics.begin(), metrics.end(),
            [](const Metric& a, const Metric& b) { return a.name < b.name; });
  return metrics;
}

}  // namespace

const std::vector<RunField>& RunFields() {
  static const std::vector<RunField>* fields = new std::vector<RunField>(BuildRunFields());
  return *fields;
}

double FieldNumber(const RunField& field, const RunResult& run) {
  if (field.ref == nullptr) return 0;
  // The accessor hands out a mutable pointer (the reader writes through it); reading through it
  // here changes nothing.
  return RefNumber(field.ref(const_cast<RunResult&>(run)));
}

const std::vector<LatencyStat>& LatencyStats() {
  static const std::vector<LatencyStat>* stats = new std::vector<LatencyStat>(BuildLatencyStats());
  return *stats;
}

const std::vector<CapacityStepField>& CapacityStepFields() {
  static const std::vector<CapacityStepField>* fields =
      new std::vector<CapacityStepField>(BuildCapacityStepFields());
  return *fields;
}

const std::vector<std::string>& LatencyKinds() {
  static const std::vector<std::string>* kinds = [] {
    auto* k = new std::vector<std::string>;
    for (stats::Latency kind : stats::kLatencyKinds) k->push_back(stats::LatencyName(kind));
    return k;
  }();
  return *kinds;
}

const std::vector<Metric>& Metrics() {
  static const std::vector<Metric>* metrics = new std::vector<Metric>(BuildMetrics());
  return *metrics;
}

const Metric* FindMetric(const std::string& name) {
  const std::vector<Metric>& metrics = Metrics();
  auto it = std::lower_bound(metrics.begin(), metrics.end(), name,
                             [](const Metric& m, const std::string& n) { return m.name < n; });
  return it != metrics.end() && it->name == name ? &*it : nullptr;
}

}  // namespace streambench::report
