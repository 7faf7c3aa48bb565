#include "bench/report/merge.h"

#include <algorithm>
#include <map>

#include "bench/report/comparison.h"

namespace streambench::report {
namespace {

// The identity of a run inside its file: shards of one run list the same runs in the same order.
std::string RunKey(const RunResult& run) {
  return run.variant + " (" + run.mode + ", repeat " + std::to_string(run.repeat_index) + ")";
}

bool CheckSameRun(const MergeInput& first, const MergeInput& other, std::string* error) {
  const ScenarioResult& a = first.result;
  const ScenarioResult& b = other.result;
  auto fail = [&](const std::string& what) {
    *error = other.path + ": " + what + " (" + first.path + " differs)";
    return false;
  };
  if (a.scenario != b.scenario) {
    return fail("scenario '" + b.scenario + "' is not '" + a.scenario + "'");
  }
  if (a.shard.count != b.shard.count) {
    return fail("a shard of " + std::to_string(b.shard.count) + ", not of " +
                std::to_string(a.shard.count));
  }
  if (a.runs.size() != b.runs.size()) {
    return fail(std::to_string(b.runs.size()) + " runs, not " + std::to_string(a.runs.size()));
  }
  for (size_t k = 0; k < a.runs.size(); ++k) {
    if (RunKey(a.runs[k]) != RunKey(b.runs[k])) {
      return fail("run " + std::to_string(k) + " is " + RunKey(b.runs[k]) + ", not " +
                  RunKey(a.runs[k]));
    }
  }
  return true;
}

void AddCodes(const std::map<std::string, uint64_t>& from, std::map<std::string, uint64_t>* to) {
  for (const auto& [code, count] : from) (*to)[code] += count;
}

// Weighted mean of two means.
double Weighted(double mean_a, uint64_t n_a, double mean_b, uint64_t n_b) {
  const uint64_t n = n_a + n_b;
  return n == 0 ? 0
                : (mean_a * static_cast<double>(n_a) + mean_b * static_cast<double>(n_b)) /
                      static_cast<double>(n);
}

void MergeSeries(const std::vector<IntervalPoint>& from, std::vector<IntervalPoint>* into) {
  std::map<int64_t, IntervalPoint> by_t;
  for (IntervalPoint& p : *into) by_t[p.t_s] = std::move(p);
  for (const IntervalPoint& p : from) {
    auto [it, added] = by_t.try_emplace(p.t_s, p);
    if (added) continue;
    IntervalPoint& m = it->second;
    m.duration_s = std::max(m.duration_s, p.duration_s);
    m.messages_sent += p.messages_sent;
    m.messages_received += p.messages_received;
    m.calls_finished += p.calls_finished;
    AddCodes(p.calls_by_code, &m.calls_by_code);
    for (const auto& [kind, histogram] : p.latency) {
      m.latency[kind] = stats::MergeCompact(m.latency[kind], histogram);
    }
  }
  into->clear();
  for (auto& [t, p] : by_t) into->push_back(std::move(p));
}

bool MarkedApproximate(const RunResult& m, const std::string& name) {
  return m.merge_approximate.find(name) != std::string::npos;
}

// Adds shard run `b`'s histogram of counts `name` (of `samples` samples) into `m`'s. A shard with
// samples but no histogram (a file written before they existed) leaves the merged summary a
// bound, and the merged run says so.
void AddCountHistogram(const RunResult& b, const std::string& name, uint64_t samples,
                       RunResult* m) {
  if (samples == 0) return;
  const auto it = b.count_histograms.find(name);
  if (it == b.count_histograms.end()) {
    if (!MarkedApproximate(*m, name)) {
      m->merge_approximate += (m->merge_approximate.empty() ? "" : ", ") + name;
    }
    return;
  }
  m->count_histograms[name] = stats::MergeCompact(m->count_histograms[name], it->second);
}

// Adds shard run `b` (shard `index`) into the merged run `m`.
void AddRun(const RunResult& b, int index, RunResult* m) {
  m->duration_s = std::max(m->duration_s, b.duration_s);
  m->interrupted = m->interrupted || b.interrupted;
  m->late_start_s = std::max(m->late_start_s, b.late_start_s);
  m->messages_sent += b.messages_sent;
  m->messages_received += b.messages_received;
  m->bytes_sent += b.bytes_sent;
  m->bytes_received += b.bytes_received;
  m->calls_started += b.calls_started;
  m->calls_finished += b.calls_finished;
  AddCodes(b.calls_by_code, &m->calls_by_code);
  // The shards ran side by side: the whole run's rates are the sums of theirs.
  m->messages_sent_per_s += b.messages_sent_per_s;
  m->messages_received_per_s += b.messages_received_per_s;
  m->messages_per_s += b.messages_per_s;
  m->bytes_sent_per_s += b.bytes_sent_per_s;
  m->bytes_received_per_s += b.bytes_received_per_s;
  m->calls_per_s += b.calls_per_s;
  m->target_rate_per_s += b.target_rate_per_s;
  m->dropped_ops += b.dropped_ops;
  m->outages.insert(m->outages.end(), b.outages.begin(), b.outages.end());
  for (const auto& [kind, h] : b.latency_histograms) {
    m->latency_histograms[kind] = stats::MergeCompact(m->latency_histograms[kind], h);
  }
  m->integrity.lost += b.integrity.lost;
  m->integrity.duplicated += b.integrity.duplicated;
  m->integrity.reordered += b.integrity.reordered;
  m->integrity.corrupted += b.integrity.corrupted;
  m->transfers_verified += b.transfers_verified;
  m->transfers_failed += b.transfers_failed;
  for (Check check : b.checks) {
    check.name = "shard " + std::to_string(index) + ": " + check.name;
    m->checks.push_back(std::move(check));
  }
  m->pass = m->pass && b.pass;
  AddCountHistogram(b, kSendQueueDepthHistogram, b.send_queue_depth.samples, m);
  AddCountHistogram(b, kMessagesPerStreamHistogram, b.messages_per_stream.streams, m);
  // The bounds, used when a shard has no histogram; otherwise FinishRun recomputes both
  // summaries from the merged histograms.
  QueueDepthSummary& q = m->send_queue_depth;
  q.mean = Weighted(q.mean, q.samples, b.send_queue_depth.mean, b.send_queue_depth.samples);
  q.samples += b.send_queue_depth.samples;
  q.p50 = std::max(q.p50, b.send_queue_depth.p50);
  q.p99 = std::max(q.p99, b.send_queue_depth.p99);
  q.max = std::max(q.max, b.send_queue_depth.max);
  StreamMessagesSummary& s = m->messages_per_stream;
  const StreamMessagesSummary& bs = b.messages_per_stream;
  if (bs.streams > 0) s.min = s.streams == 0 ? bs.min : std::min(s.min, bs.min);
  s.mean = Weighted(s.mean, s.streams, bs.mean, bs.streams);
  s.streams += bs.streams;
  s.streams_without_messages += bs.streams_without_messages;
  s.p50 = std::max(s.p50, bs.p50);
  s.p99 = std::max(s.p99, bs.p99);
  s.max = std::max(s.max, bs.max);
  m->server_dropped_messages += b.server_dropped_messages;
  m->response_check_failures += b.response_check_failures;
  LinkResult& l = m->link;
  l.connections += b.link.connections;
  l.bytes_up += b.link.bytes_up;
  l.bytes_down += b.link.bytes_down;
  l.max_queued_bytes_up = std::max(l.max_queued_bytes_up, b.link.max_queued_bytes_up);
  l.max_queued_bytes_down = std::max(l.max_queued_bytes_down, b.link.max_queued_bytes_down);
  GeneratorCpu& g = m->generator;
  g.cpu_seconds += b.generator.cpu_seconds;
  g.cores += b.generator.cores;
  g.busiest_thread_utilization =
      std::max(g.busiest_thread_utilization, b.generator.busiest_thread_utilization);
  g.includes_server = g.includes_server || b.generator.includes_server;
  g.dispatch_behind_fraction =
      std::max(g.dispatch_behind_fraction, b.generator.dispatch_behind_fraction);
  g.saturated = g.saturated || b.generator.saturated;
  MergeSeries(b.series, &m->series);
}

// The merged run's summaries from its merged histograms, and the CPU share over all cores.
void FinishRun(RunResult* m) {
  m->latency_us.clear();
  for (const auto& [kind, compact] : m->latency_histograms) {
    stats::LogLinearHistogram h;
    std::string unused;  // every input was checked when it was read
    stats::ExpandInto(compact, &h, &unused);
    if (h.Count() > 0) m->latency_us[kind] = Summarize(h);
  }
  for (const char* name : {kSendQueueDepthHistogram, kMessagesPerStreamHistogram}) {
    const auto it = m->count_histograms.find(name);
    if (it == m->count_histograms.end()) continue;
    if (MarkedApproximate(*m, name)) {
      m->count_histograms.erase(it);  // some shards' samples only: not the run's histogram
      continue;
    }
    stats::LogLinearHistogram h;
    std::string unused;  // every input was checked when it was read
    stats::ExpandInto(it->second, &h, &unused);
    if (std::string(name) == kSendQueueDepthHistogram) {
      m->send_queue_depth = SummarizeQueueDepth(h);
    } else {
      SummarizeMessagesPerStream(h, &m->messages_per_stream);
    }
  }
  GeneratorCpu& g = m->generator;
  if (g.cores > 0 && m->duration_s > 0) {
    g.cpu_utilization = g.cpu_seconds / (m->duration_s * g.cores);
  }
  std::sort(m->outages.begin(), m->outages.end(),
            [](const Outage& a, const Outage& b) { return a.start_s < b.start_s; });
}

}  // namespace

bool ShardMerger::Add(MergeInput in, std::string* error) {
  const ShardInfo& s = in.result.shard;
  if (!s.sharded || s.index < 0) {
    *error = in.path + ": not the result of one shard (run it with --shard I/N)";
    return false;
  }
  if (started_ && !CheckSameRun(first_, in, error)) return false;
  for (const RunResult& run : in.result.runs) {
    for (const auto& [kind, summary] : run.latency_us) {
      if (summary.count != 0 && run.latency_histograms.count(kind) == 0) {
        *error = in.path + ": run " + RunKey(run) + " has no histogram of " + kind +
                 " latency (written by a streambench without histograms in its results); "
                 "it cannot be merged exactly";
        return false;
      }
    }
  }
  auto [it, added] = paths_.emplace(s.index, in.path);
  if (!added) {
    *error = in.path + ": shard " + std::to_string(s.index) + " overlaps " + it->second;
    return false;
  }
  const ScenarioResult& r = in.result;
  if (!started_) {
    started_ = true;
    first_.path = in.path;
    first_.result.scenario = r.scenario;
    first_.result.shard = r.shard;
    merged_.scenario = r.scenario;
    merged_.source_path = r.source_path;
    merged_.started_at = r.started_at;
    merged_.concurrent = r.concurrent;
    merged_.shard.sharded = true;
    merged_.shard.index = -1;
    merged_.shard.count = r.shard.count;
    merged_.shard.start_at = r.shard.start_at;
    for (const RunResult& run : r.runs) {
      RunResult id;  // what CheckSameRun compares
      id.variant = run.variant;
      id.mode = run.mode;
      id.repeat_index = run.repeat_index;
      first_.result.runs.push_back(id);
      RunResult m = id;
      m.service = run.service;
      m.engine = run.engine;
      m.target = run.target;
      m.link.enabled = run.link.enabled;
      m.link.rtt_us = run.link.rtt_us;
      m.link.bandwidth_bits_per_s = run.link.bandwidth_bits_per_s;
      m.link.jitter_us = run.link.jitter_us;
      m.link.buffer_bytes = run.link.buffer_bytes;
      m.link.description = run.link.description;
      merged_.runs.push_back(std::move(m));
    }
  }
  merged_.started_at = std::min(merged_.started_at, r.started_at);
  merged_.shard.late_start_s = std::max(merged_.shard.late_start_s, r.shard.late_start_s);
  for (size_t k = 0; k < merged_.runs.size(); ++k) AddRun(r.runs[k], s.index, &merged_.runs[k]);
  return true;
}

bool ShardMerger::Finish(bool allow_missing, ScenarioResult* out, std::string* error) {
  if (!started_) {
    *error = "no results to merge";
    return false;
  }
  ScenarioResult merged = merged_;
  const int count = merged.shard.count;
  for (int i = 0; i < count; ++i) {
    if (paths_.count(i) == 0) {
      merged.shard.missing.push_back(i);
    } else {
      merged.shard.merged.push_back(i);
    }
  }
  if (!merged.shard.missing.empty() && !allow_missing) {
    std::string list;
    for (int i : merged.shard.missing) list += (list.empty() ? "" : ", ") + std::to_string(i);
    *error = "missing shard" + std::string(merged.shard.missing.size() > 1 ? "s " : " ") + list +
             " of " + std::to_string(count) + " (--allow-missing merges what is there)";
    return false;
  }
  for (RunResult& m : merged.runs) FinishRun(&m);
  FinalizeScenarioResult(&merged);
  // A merge with shards missing is not the whole run: it never passes.
  if (!merged.shard.missing.empty()) merged.pass = false;
  if (!merged.concurrent && WantsComparison(merged.runs)) {
    merged.comparison = BuildComparison(merged.runs);
  }
  *out = std::move(merged);
  return true;
}

bool MergeShardResults(const std::vector<MergeInput>& shards, bool allow_missing,
                       ScenarioResult* out, std::string* error) {
  ShardMerger merger;
  for (const MergeInput& shard : shards) {
    if (!merger.Add(shard, error)) return false;
  }
  return merger.Finish(allow_missing, out, error);
}

}  // namespace streambench::report
