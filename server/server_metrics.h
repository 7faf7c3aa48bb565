// ServerMetrics: the reference server's Prometheus metrics (streambench_server_*), with handles
// pre-resolved per method so the hot path is an atomic add, never a map lookup or a mutex.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <grpcpp/support/status.h>
#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>

#include "server/integrity_fault_kind.h"

namespace streambench {

class ServerMetrics {
 public:
  // Metrics for one method ("/streambench.v1.StreamBench/Bidi"), label `method`.
  class Method {
   public:
    virtual ~Method() = default;
    virtual void CallStarted() = 0;                        // +1 active stream, +1 started
    virtual void CallFinished(grpc::StatusCode code) = 0;  // -1 active, +1 calls_total{code}
    virtual void MessageReceived(uint64_t payload_bytes) = 0;
    virtual void MessageSent(uint64_t payload_bytes) = 0;
    virtual void FailureInjected(grpc::StatusCode code) = 0;
    // Time from starting a write to its completion (flow-control backpressure), nanoseconds.
    virtual void WriteCompleted(int64_t blocked_ns) = 0;
    // A received request whose payload did not match its checksum, or whose seq was not the
    // previous seq + 1; counted in streambench_server_integrity_errors_total{kind}.
    virtual void RequestChecksumError() = 0;
    virtual void RequestSequenceError() = 0;
    // A stream's send queue (bidi echoes waiting, app-level flow control's queue) holds `depth`
    // responses after one was queued; streambench_server_send_queue_depth_messages (histogram).
    virtual void SendQueueDepth(uint64_t /*depth*/) {}
    // Responses dropped by app-level flow control (policy DROP);
    // streambench_server_app_dropped_messages_total.
    virtual void AppMessagesDropped(uint64_t /*messages*/) {}
    // An integrity fault injected into a sent message (Behavior.integrity_faults);
    // streambench_server_injected_integrity_faults_total{kind}.
    virtual void IntegrityFaultInjected(IntegrityFault /*fault*/) {}
  };

  // Registers the families in `registry` (which must outlive this object).
  explicit ServerMetrics(std::shared_ptr<prometheus::Registry> registry);
  ~ServerMetrics();

  // The handle for `method` (full method name), created on first use. Services call this once per
  // method when constructed and keep the reference (valid for this object's life).
  Method& ForMethod(const std::string& method);

  std::shared_ptr<prometheus::Registry> registry() const;

  // A call refused before any service saw it, for lack of the right bearer token;
  // streambench_server_unauthenticated_calls_total.
  void CallUnauthenticated();
  double UnauthenticatedCalls() const;

  // Calls in progress over every method (the sum of streambench_server_active_streams).
  int64_t ActiveStreams() const;

  // Everything this object exports, to give prometheus::Exposer::RegisterCollectable: the
  // registry's families plus streambench_server_write_blocked_seconds (lock-free atomic buckets,
  // not a prometheus-cpp family) and process_cpu_seconds_total / process_resident_memory_bytes
  // (read from /proc/self at scrape time). Registering only registry() would miss those three.
  std::shared_ptr<prometheus::Collectable> collectable() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace streambench
