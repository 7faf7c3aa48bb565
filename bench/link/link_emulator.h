// LinkEmulator: a userspace emulated network link, as a TCP relay between the generator and a
// server (loopback has ~no delay and this kernel has no netem). It listens on 127.0.0.1:0; for
// each accepted connection it connects to the upstream and forwards bytes both ways, each
// direction through its own LinkDirection (one-way delay = rtt/2, bandwidth, jitter, bounded
// buffer). When a direction's buffer is full the relay stops reading from that sender, so the
// sender's socket buffers fill and its writes block: backpressure is honest. Half-close (FIN)
// and abortive close (RST) propagate to the other side. Scheduled faults (LinkSpec::faults,
// counted from Start) reset every open connection (cut), forward nothing for a while (stall) or
// lower both directions' bandwidth for a while; the loop's timer wakes at each fault's edges.
//
// One event-loop thread per emulator (epoll, non-blocking sockets, a timerfd for deliveries),
// not one per connection.
//
// What it does not emulate: TCP itself terminates at the relay, so the kernel's TCP congestion
// and receive windows run over loopback, not over the emulated delay; windows at the application
// level (HTTP/2 flow control, gRPC's BDP probe) do cross the emulated link and see its delay.
// The relay's own buffer (buffer_bytes) acts as the window between sender and link.
//
// Thread-safety: Start, port, address, stats and Stop may be called from any thread; Stop is
// idempotent and the destructor calls it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bench/link/link_spec.h"

namespace streambench::link {

class LinkEmulator {
 public:
  // Listens on 127.0.0.1:0 and relays every accepted connection to upstream_host:upstream_port
  // (a numeric IPv4/IPv6 address or a host name, resolved once here). nullptr with `*error` set
  // when the spec is invalid, the upstream cannot be resolved or the relay cannot listen.
  static std::unique_ptr<LinkEmulator> Start(const LinkSpec& spec, const std::string& upstream_host,
                                             int upstream_port, std::string* error);

  ~LinkEmulator();  // Stop()
  LinkEmulator(const LinkEmulator&) = delete;
  LinkEmulator& operator=(const LinkEmulator&) = delete;

  int port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT", what the generator dials
  const LinkSpec& spec() const { return spec_; }

  // Counters since Start. "up" is client -> upstream, "down" is upstream -> client.
  struct Stats {
    uint64_t connections = 0;                // accepted client connections
    uint64_t upstream_connect_failures = 0;  // accepted connections whose upstream connect failed
    uint64_t bytes_up = 0;                   // bytes delivered to the upstream
    uint64_t bytes_down = 0;                 // bytes delivered to clients
    // The most bytes one direction of one connection held at once (<= buffer_bytes).
    uint64_t max_queued_bytes_up = 0;
    uint64_t max_queued_bytes_down = 0;
    uint64_t open_connections = 0;  // relayed connections not yet torn down
  };
  Stats stats() const;

  // Closes the listener and every relayed connection (abortively: a stop is not a clean end of
  // the stream) and joins the event-loop thread. Idempotent.
  void Stop();

 private:
  class Loop;
  struct Counters {
    std::atomic<uint64_t> connections{0};
    std::atomic<uint64_t> upstream_connect_failures{0};
    std::atomic<uint64_t> bytes_up{0};
    std::atomic<uint64_t> bytes_down{0};
    std::atomic<uint64_t> max_queued_bytes_up{0};
    std::atomic<uint64_t> max_queued_bytes_down{0};
    std::atomic<uint64_t> open_connections{0};
  };

  LinkEmulator(const LinkSpec& spec);

  const LinkSpec spec_;
  int port_ = 0;
  Counters counters_;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
  std::mutex stop_mu_;
  bool stopped_ = false;
};

}  // namespace streambench::link
