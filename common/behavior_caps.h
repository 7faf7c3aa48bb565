// BehaviorCaps: the most one request may ask the reference server for. Requests beyond a cap get
// INVALID_ARGUMENT naming the field, so a stray scenario cannot make the server allocate or wait
// without bound. Set from `streambench-server` flags (--max-response-bytes, ...).
// Thread-safety: plain values.
#pragma once

#include <cstdint>

namespace streambench {

struct BehaviorCaps {
  uint64_t max_response_bytes = 16ull << 20;  // one response payload, bytes
  uint64_t max_response_count = 10'000'000;   // responses in one stream
  int64_t max_duration_us = 3'600'000'000;    // any single delay, interval or stall, and
                                              // response_count * response_interval
};

}  // namespace streambench
