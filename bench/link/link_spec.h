// LinkSpec: what an emulated network link looks like (delay, bandwidth, jitter, buffering), as
// plain data. The link emulator (bench/link/link_emulator.h) applies one LinkSpec to each
// direction of every relayed connection.
// Thread-safety: a plain value; const methods are safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace streambench::link {

// One scheduled fault, at `at_us` after the emulator started: exactly one of cut, stall,
// bandwidth.
struct LinkFault {
  int64_t at_us = 0;
  // Every connection open at that moment is reset, both ways (RST to the client and to the
  // upstream); new connections are relayed as before.
  bool cut = false;
  // No byte is forwarded either way for this long (the relay still reads until its buffers are
  // full, so senders then block).
  int64_t stall_us = 0;
  // Each direction's bandwidth drops to this for `for_us` (0: to the end), then comes back.
  uint64_t bandwidth_bits_per_s = 0;
  int64_t for_us = 0;
};

struct LinkSpec {
  // Round-trip propagation delay in microseconds; each direction gets rtt_us / 2 (the
  // serialization time of the bandwidth limit comes on top).
  int64_t rtt_us = 0;
  // Bandwidth of each direction in bits per second; 0 = unlimited (no serialization delay).
  uint64_t bandwidth_bits_per_s = 0;
  // Extra delay per chunk, uniformly random in [0, jitter_us] microseconds, per direction. Never
  // reorders bytes: a later chunk never leaves before an earlier one.
  int64_t jitter_us = 0;
  // At most this many bytes are held by each direction of each connection (in flight on the
  // emulated wire plus queued). When full, the relay stops reading from the sender, so TCP
  // backpressure reaches it. 0 = EffectiveBufferBytes()'s default.
  uint64_t buffer_bytes = 0;
  // SO_RCVBUF / SO_SNDBUF asked for on the relay's sockets, small so the kernel's buffering does
  // not hide the emulated queue (Linux doubles the value for its own bookkeeping). 0 = kernel
  // default (with autotuning, which can buffer megabytes).
  uint32_t socket_buffer_bytes = 65536;
  // Seed of the jitter's random numbers; each direction of each connection derives its own.
  uint64_t seed = 1;
  // Faults on a schedule (cut, stall, bandwidth collapse), in any order.
  std::vector<LinkFault> faults;

  // One-way delay of each direction in nanoseconds (rtt_us / 2).
  int64_t OneWayDelayNs() const { return rtt_us * 1000 / 2; }
  // buffer_bytes, or its default when 0: bandwidth x (one-way delay + jitter) + 64 KiB (what is
  // "on the wire" plus a 64 KiB queue). With unlimited bandwidth: 64 KiB without delay, 8 MiB + 64
  // KiB with a delay (so the delay, not the buffer, limits throughput up to 8 MiB per one-way
  // delay).
  uint64_t EffectiveBufferBytes() const;
  // "" if the spec is usable, else why not (e.g. "link rtt_us must be >= 0, got -5").
  std::string Validate() const;
  // One line for logs and reports, e.g. "rtt 40ms, 100Mbit/s, jitter 0us, buffer 564KiB".
  std::string Describe() const;
};

}  // namespace streambench::link
