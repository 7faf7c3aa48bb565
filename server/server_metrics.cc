#include "server/server_metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>

#include "common/status_names.h"

namespace streambench {
namespace {

// A histogram recorded with relaxed atomic adds (no mutex on the hot path, unlike
// prometheus::Histogram::Observe) and read at scrape time. `bounds` are the buckets' upper bounds
// in the recorded unit (+Inf is implied); `exposed_per_unit` converts to the exposed unit.
template <size_t kBoundCount>
class AtomicHistogram {
 public:
  using Bounds = std::array<uint64_t, kBoundCount>;

  AtomicHistogram(const Bounds& bounds, double exposed_per_unit)
      : bounds_(bounds), exposed_per_unit_(exposed_per_unit) {}

  void Observe(uint64_t value) {
    size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  prometheus::ClientMetric::Histogram Snapshot() const {
    prometheus::ClientMetric::Histogram h;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      prometheus::ClientMetric::Bucket bucket;
      bucket.cumulative_count = cumulative;
      bucket.upper_bound = i < bounds_.size() ? static_cast<double>(bounds_[i]) * exposed_per_unit_
                                              : std::numeric_limits<double>::infinity();
      h.bucket.push_back(bucket);
    }
    // The count is the +Inf bucket, so the exposition is self-consistent even while writers race.
    h.sample_count = cumulative;
    h.sample_sum = static_cast<double>(sum_.load(std::memory_order_relaxed)) * exposed_per_unit_;
    return h;
  }

 private:
  const Bounds& bounds_;
  const double exposed_per_unit_;
  std::array<std::atomic<uint64_t>, kBoundCount + 1> counts_{};
  std::atomic<uint64_t> sum_{0};
};

// Upper bounds of streambench_server_write_blocked_seconds, in nanoseconds: 1-2.5-5 per decade
// from 1 us to 5 s, then 10 s (and +Inf).
constexpr std::array<uint64_t, 22> kWriteBlockedBoundsNs = {
    1'000,         2'500,         5'000,         10'000,        25'000,      50'000,
    100'000,       250'000,       500'000,       1'000'000,     2'500'000,   5'000'000,
    10'000'000,    25'000'000,    50'000'000,    100'000'000,   250'000'000, 500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
constexpr double kSecondsPerNs = 1e-9;
using WriteBlockedHistogram = AtomicHistogram<kWriteBlockedBoundsNs.size()>;

// Upper bounds of streambench_server_send_queue_depth_messages: powers of two to 65536 (+Inf).
constexpr std::array<uint64_t, 17> kQueueDepthBounds = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
using DepthHistogram = AtomicHistogram<kQueueDepthBounds.size()>;

class MethodMetrics final : public ServerMetrics::Method {
 public:
  MethodMetrics(const std::string& method, prometheus::Family<prometheus::Counter>& started,
                prometheus::Family<prometheus::Counter>& calls,
                prometheus::Family<prometheus::Counter>& messages,
                prometheus::Family<prometheus::Counter>& bytes,
                prometheus::Family<prometheus::Gauge>& active,
                prometheus::Family<prometheus::Counter>& injected,
                prometheus::Family<prometheus::Counter>& integrity,
                prometheus::Family<prometheus::Counter>& faults)
      : method_(method),
        injected_family_(injected),
        started_(started.Add({{"method", method}})),
        active_(active.Add({{"method", method}})),
        received_(messages.Add({{"method", method}, {"direction", "received"}})),
        sent_(messages.Add({{"method", method}, {"direction", "sent"}})),
        received_bytes_(bytes.Add({{"method", method}, {"direction", "received"}})),
        sent_bytes_(bytes.Add({{"method", method}, {"direction", "sent"}})),
        checksum_errors_(integrity.Add({{"method", method}, {"kind", "checksum"}})),
        sequence_errors_(integrity.Add({{"method", method}, {"kind", "sequence"}})) {
    // Every code exists from the start, so finishing a call is one increment and a scrape shows
    // explicit zeros rather than missing series.
    for (int code = 0; code < kStatusCodeCount; ++code) {
      calls_[code] = &calls.Add({{"method", method}, {"code", StatusCodeName(code)}});
    }
    for (int kind = 0; kind < kIntegrityFaultKinds; ++kind) {
      faults_[kind] = &faults.Add(
          {{"method", method}, {"kind", IntegrityFaultName(static_cast<IntegrityFault>(kind))}});
    }
  }

  void CallStarted() override {
    started_.Increment();
    active_.Increment();
  }
  void CallFinished(grpc::StatusCode code) override {
    active_.Decrement();
    calls_[Index(code)]->Increment();
  }
  void MessageReceived(uint64_t payload_bytes) override {
    received_.Increment();
    received_bytes_.Increment(static_cast<double>(payload_bytes));
  }
  void MessageSent(uint64_t payload_bytes) override {
    sent_.Increment();
    sent_bytes_.Increment(static_cast<double>(payload_bytes));
  }
  void FailureInjected(grpc::StatusCode code) override {
    // Created on first use: most methods never inject most codes, and an injected failure is rare
    // next to messages, so a lock here is not on the per-message path.
    const int i = Index(code);
    prometheus::Counter* counter = injected_[i].load(std::memory_order_acquire);
    if (counter == nullptr) {
      std::lock_guard<std::mutex> lock(injected_mu_);
      counter = injected_[i].load(std::memory_order_relaxed);
      if (counter == nullptr) {
        counter = &injected_family_.Add({{"method", method_}, {"code", StatusCodeName(i)}});
        injected_[i].store(counter, std::memory_order_release);
      }
    }
    counter->Increment();
  }
  void WriteCompleted(int64_t blocked_ns) override {
    write_blocked_.Observe(blocked_ns > 0 ? static_cast<uint64_t>(blocked_ns) : 0);
  }
  void RequestChecksumError() override { checksum_errors_.Increment(); }
  void RequestSequenceError() override { sequence_errors_.Increment(); }
  void IntegrityFaultInjected(IntegrityFault fault) override {
    const int kind = static_cast<int>(fault);
    if (kind >= 0 && kind < kIntegrityFaultKinds) faults_[kind]->Increment();
  }
  void SendQueueDepth(uint64_t depth) override { send_queue_depth_.Observe(depth); }
  void AppMessagesDropped(uint64_t messages) override {
    app_dropped_.fetch_add(messages, std::memory_order_relaxed);
  }

  const std::string& method() const { return method_; }
  int64_t active() const { return static_cast<int64_t>(active_.Value()); }
  const WriteBlockedHistogram& write_blocked() const { return write_blocked_; }
  const DepthHistogram& send_queue_depth() const { return send_queue_depth_; }
  uint64_t app_dropped() const { return app_dropped_.load(std::memory_order_relaxed); }

 private:
  static int Index(grpc::StatusCode code) { return StatusCodeOrUnknown(static_cast<int>(code)); }

  const std::string method_;
  prometheus::Family<prometheus::Counter>& injected_family_;
  prometheus::Counter& started_;
  prometheus::Gauge& active_;
  prometheus::Counter& received_;
  prometheus::Counter& sent_;
  prometheus::Counter& received_bytes_;
  prometheus::Counter& sent_bytes_;
  prometheus::Counter& checksum_errors_;
  prometheus::Counter& sequence_errors_;
  std::array<prometheus::Counter*, kStatusCodeCount> calls_{};
  std::array<prometheus::Counter*, kIntegrityFaultKinds> faults_{};
  std::array<std::atomic<prometheus::Counter*>, kStatusCodeCount> injected_{};
  std::mutex injected_mu_;
  WriteBlockedHistogram write_blocked_{kWriteBlockedBoundsNs, kSecondsPerNs};
  DepthHistogram send_queue_depth_{kQueueDepthBounds, 1};
  std::atomic<uint64_t> app_dropped_{0};
};

// State shared between ServerMetrics and its Collectable (which an Exposer may hold briefly
// beyond the ServerMetrics' life through a weak_ptr lock during a scrape).
struct Shared {
  std::mutex mu;  // guards `methods` (insertion only; entries are never removed)
  std::map<std::string, std::unique_ptr<MethodMetrics>> methods;
};

double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ProcessResidentBytes() {
  // /proc/self/statm: size resident shared text lib data dt, in pages.
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size_pages = 0, resident_pages = 0;
  const int n = std::fscanf(f, "%lu %lu", &size_pages, &resident_pages);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<double>(resident_pages) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// A family of one unlabelled counter or gauge (the process metrics) holding `value`.
prometheus::MetricFamily UnlabelledFamily(const char* name, const char* help,
                                          prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  family.metric.emplace_back();
  if (type == prometheus::MetricType::Counter) {
    family.metric.back().counter.value = value;
  } else {
    family.metric.back().gauge.value = value;
  }
  return family;
}

// Exposes the registry's families plus what prometheus-cpp families cannot hold without a mutex
// per observation (the write-blocked histogram) and the process metrics read at scrape time.
class Collector final : public prometheus::Collectable {
 public:
  Collector(std::shared_ptr<prometheus::Registry> registry, std::shared_ptr<Shared> shared)
      : registry_(std::move(registry)), shared_(std::move(shared)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families = registry_->Collect();

    prometheus::MetricFamily blocked;
    blocked.name = "streambench_server_write_blocked_seconds";
    blocked.help =
        "Time from starting a write to its completion (HTTP/2 flow-control backpressure)";
    blocked.type = prometheus::MetricType::Histogram;
    prometheus::MetricFamily depth;
    depth.name = "streambench_server_send_queue_depth_messages";
    depth.help = "Responses waiting in a stream's send queue after one was queued";
    depth.type = prometheus::MetricType::Histogram;
    prometheus::MetricFamily dropped;
    dropped.name = "streambench_server_app_dropped_messages_total";
    dropped.help = "Responses dropped by application-level flow control (policy drop)";
    dropped.type = prometheus::MetricType::Counter;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      for (const auto& [name, method] : shared_->methods) {
        prometheus::ClientMetric metric;
        metric.label.push_back({"method", name});
        metric.histogram = method->write_blocked().Snapshot();
        blocked.metric.push_back(std::move(metric));
        prometheus::ClientMetric depth_metric;
        depth_metric.label.push_back({"method", name});
        depth_metric.histogram = method->send_queue_depth().Snapshot();
        depth.metric.push_back(std::move(depth_metric));
        prometheus::ClientMetric dropped_metric;
        dropped_metric.label.push_back({"method", name});
        dropped_metric.counter.value = static_cast<double>(method->app_dropped());
        dropped.metric.push_back(std::move(dropped_metric));
      }
    }
    families.push_back(std::move(blocked));
    families.push_back(std::move(depth));
    families.push_back(std::move(dropped));

    families.push_back(UnlabelledFamily("process_cpu_seconds_total",
                                        "Total user and system CPU time spent in seconds",
                                        prometheus::MetricType::Counter, ProcessCpuSeconds()));
    families.push_back(UnlabelledFamily("process_resident_memory_bytes",
                                        "Resident memory size in bytes",
                                        prometheus::MetricType::Gauge, ProcessResidentBytes()));
    return families;
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Shared> shared_;
};

// Registers the counter family `name` (labels are added per method later).
prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry,
                                                       const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

struct ServerMetrics::Impl {
  explicit Impl(std::shared_ptr<prometheus::Registry> reg)
      : registry(std::move(reg)),
        started(CounterFamily(*registry, "streambench_server_calls_started_total",
                              "Calls started, by method")),
        calls(CounterFamily(*registry, "streambench_server_calls_total",
                            "Calls finished, by method and status code")),
        messages(CounterFamily(*registry, "streambench_server_messages_total",
                               "Messages by method and direction (received, sent)")),
        bytes(CounterFamily(*registry, "streambench_server_payload_bytes_total",
                            "Payload bytes by method and direction (received, sent)")),
        active(prometheus::BuildGauge()
                   .Name("streambench_server_active_streams")
                   .Help("Calls in progress, by method")
                   .Register(*registry)),
        injected(CounterFamily(*registry, "streambench_server_injected_failures_total",
                               "Failures injected at a request's behaviour, by method and code")),
        integrity(
            CounterFamily(*registry, "streambench_server_integrity_errors_total",
                          "Received requests with a bad checksum or sequence number, by kind")),
        faults(CounterFamily(*registry, "streambench_server_injected_integrity_faults_total",
                             "Integrity faults injected into sent messages at a request's "
                             "behaviour, by method and kind (drop, duplicate, reorder, corrupt)")),
        unauthenticated(
            CounterFamily(*registry, "streambench_server_unauthenticated_calls_total",
                          "Calls refused with UNAUTHENTICATED: no or the wrong bearer token "
                          "(--require-token)")
                .Add({})),
        shared(std::make_shared<Shared>()),
        collector(std::make_shared<Collector>(registry, shared)) {}

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& calls;
  prometheus::Family<prometheus::Counter>& messages;
  prometheus::Family<prometheus::Counter>& bytes;
  prometheus::Family<prometheus::Gauge>& active;
  prometheus::Family<prometheus::Counter>& injected;
  prometheus::Family<prometheus::Counter>& integrity;
  prometheus::Family<prometheus::Counter>& faults;
  prometheus::Counter& unauthenticated;
  std::shared_ptr<Shared> shared;
  std::shared_ptr<Collector> collector;
};

ServerMetrics::ServerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : impl_(std::make_unique<Impl>(std::move(registry))) {}

ServerMetrics::~ServerMetrics() = default;

ServerMetrics::Method& ServerMetrics::ForMethod(const std::string& method) {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  auto& slot = impl_->shared->methods[method];
  if (!slot) {
    slot = std::make_unique<MethodMetrics>(method, impl_->started, impl_->calls, impl_->messages,
                                           impl_->bytes, impl_->active, impl_->injected,
                                           impl_->integrity, impl_->faults);
  }
  return *slot;
}

std::shared_ptr<prometheus::Registry> ServerMetrics::registry() const { return impl_->registry; }

void ServerMetrics::CallUnauthenticated() { impl_->unauthenticated.Increment(); }

double ServerMetrics::UnauthenticatedCalls() const { return impl_->unauthenticated.Value(); }

int64_t ServerMetrics::ActiveStreams() const {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  int64_t total = 0;
  for (const auto& [name, method] : impl_->shared->methods) total += method->active();
  return total;
}

std::shared_ptr<prometheus::Collectable> ServerMetrics::collectable() const {
  return impl_->collector;
}

}  // namespace streambench
