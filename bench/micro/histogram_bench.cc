// LogLinearHistogram: recording (the per-message cost) and the snapshot-side operations.
#include <benchmark/benchmark.h>

#include "bench/micro/bench_data.h"
#include "bench/stats/histogram.h"

namespace streambench::stats {
namespace {

void BM_HistogramRecord(benchmark::State& state) {
  const auto& samples = micro::LatencySamplesNs();
  const size_t mask = samples.size() - 1;
  LogLinearHistogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.Record(samples[i++ & mask]);
  }
  benchmark::DoNotOptimize(h.Count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

// The same value every time: the best case (one hot bucket, predictable branches).
void BM_HistogramRecordSameValue(benchmark::State& state) {
  LogLinearHistogram h;
  int64_t v = 123'456;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    h.Record(v);
  }
  benchmark::DoNotOptimize(h.Count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecordSameValue);

LogLinearHistogram FilledHistogram() {
  LogLinearHistogram h;
  for (int64_t v : micro::LatencySamplesNs()) h.Record(v);
  return h;
}

// Merging one recorder's histogram into a snapshot (done per thread per snapshot).
void BM_HistogramMerge(benchmark::State& state) {
  const LogLinearHistogram source = FilledHistogram();
  LogLinearHistogram dest;
  for (auto _ : state) {
    dest.Merge(source);
  }
  benchmark::DoNotOptimize(dest.Count());
  state.SetItemsProcessed(state.iterations());
  state.counters["buckets"] = LogLinearHistogram::BucketCount();
}
BENCHMARK(BM_HistogramMerge);

void BM_HistogramCopy(benchmark::State& state) {
  const LogLinearHistogram source = FilledHistogram();
  for (auto _ : state) {
    LogLinearHistogram copy(source);
    benchmark::DoNotOptimize(copy.Count());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramCopy);

void BM_HistogramValueAtPercentile(benchmark::State& state) {
  const LogLinearHistogram h = FilledHistogram();
  const double percentile = static_cast<double>(state.range(0)) / 10.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.ValueAtPercentileNs(percentile));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramValueAtPercentile)->Arg(500)->Arg(990)->Arg(999);

}  // namespace
}  // namespace streambench::stats
