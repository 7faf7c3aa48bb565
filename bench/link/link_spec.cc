#include "bench/link/link_spec.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace streambench::link {
namespace {

constexpr uint64_t kQueueBytes = 64 * 1024;
// With unlimited bandwidth the wire holds whatever the sender manages in one delay; this caps
// it (and the memory of one direction) at a size no loopback benchmark of ours comes close to.
constexpr uint64_t kUnlimitedBandwidthWireBytes = 8 * 1024 * 1024;

// "40ms", "250us", "1.5ms": durations in the unit a reader expects.
std::string FormatUs(int64_t us) {
  std::ostringstream out;
  if (us != 0 && us % 1000 == 0) {
    out << us / 1000 << "ms";
  } else if (us >= 1000) {
    out << static_cast<double>(us) / 1000.0 << "ms";
  } else {
    out << us << "us";
  }
  return out.str();
}

std::string FormatBitsPerS(uint64_t bits_per_s) {
  std::ostringstream out;
  if (bits_per_s == 0) {
    out << "unlimited";
  } else if (bits_per_s % 1'000'000'000 == 0) {
    out << bits_per_s / 1'000'000'000 << "Gbit/s";
  } else if (bits_per_s >= 1'000'000) {
    out << static_cast<double>(bits_per_s) / 1e6 << "Mbit/s";
  } else if (bits_per_s >= 1000) {
    out << static_cast<double>(bits_per_s) / 1e3 << "kbit/s";
  } else {
    out << bits_per_s << "bit/s";
  }
  return out.str();
}

std::string FormatBytes(uint64_t bytes) {
  std::ostringstream out;
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
    out << bytes / (1024 * 1024) << "MiB";
  } else if (bytes >= 1024 * 1024) {
    out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1024.0 * 1024.0)
        << "MiB";
  } else if (bytes >= 1024 && bytes % 1024 == 0) {
    out << bytes / 1024 << "KiB";
  } else if (bytes >= 1024) {
    out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1024.0 << "KiB";
  } else {
    out << bytes << "B";
  }
  return out.str();
}

}  // namespace

uint64_t LinkSpec::EffectiveBufferBytes() const {
  if (buffer_bytes != 0) return buffer_bytes;
  const int64_t delay_ns = OneWayDelayNs() + (jitter_us > 0 ? jitter_us * 1000 : 0);
  if (bandwidth_bits_per_s == 0) {
    return delay_ns > 0 ? kUnlimitedBandwidthWireBytes + kQueueBytes : kQueueBytes;
  }
  // bytes = bits/s * ns / 8e9, in floating point: the product overflows 64 bits at Gbit/s x s.
  const double wire_bytes = static_cast<double>(bandwidth_bits_per_s) *
                            static_cast<double>(delay_ns > 0 ? delay_ns : 0) / 8e9;
  constexpr double kMaxWireBytes = 4.0 * 1024 * 1024 * 1024;  // 4 GiB, like buffer_bytes
  return static_cast<uint64_t>(std::min(wire_bytes, kMaxWireBytes) + 0.5) + kQueueBytes;
}

std::string LinkSpec::Validate() const {
  std::ostringstream out;
  if (rtt_us < 0) {
    out << "link rtt_us must be >= 0, got " << rtt_us;
  } else if (rtt_us > 60'000'000) {
    out << "link rtt_us must be <= 60000000 (60 s), got " << rtt_us;
  } else if (jitter_us < 0) {
    out << "link jitter_us must be >= 0, got " << jitter_us;
  } else if (jitter_us > 60'000'000) {
    out << "link jitter_us must be <= 60000000 (60 s), got " << jitter_us;
  } else if (buffer_bytes != 0 && buffer_bytes < 1024) {
    out << "link buffer_bytes must be 0 (default) or >= 1024, got " << buffer_bytes;
  } else if (buffer_bytes > (uint64_t{1} << 32)) {
    out << "link buffer_bytes must be <= 4 GiB, got " << buffer_bytes;
  } else if (socket_buffer_bytes > (1u << 30)) {
    out << "link socket_buffer_bytes must be <= 1 GiB, got " << socket_buffer_bytes;
  }
  for (size_t i = 0; i < faults.size() && out.str().empty(); ++i) {
    const LinkFault& f = faults[i];
    const int kinds =
        (f.cut ? 1 : 0) + (f.stall_us > 0 ? 1 : 0) + (f.bandwidth_bits_per_s > 0 ? 1 : 0);
    if (f.at_us < 0 || f.stall_us < 0 || f.for_us < 0) {
      out << "link fault " << i << ": times must be >= 0";
    } else if (kinds != 1) {
      out << "link fault " << i << ": needs exactly one of cut, stall, bandwidth";
    }
  }
  return out.str();
}

std::string LinkSpec::Describe() const {
  std::ostringstream out;
  out << "rtt " << FormatUs(rtt_us) << ", " << FormatBitsPerS(bandwidth_bits_per_s) << ", jitter "
      << FormatUs(jitter_us) << ", buffer " << FormatBytes(EffectiveBufferBytes());
  if (buffer_bytes == 0) out << " (default)";
  if (!faults.empty()) out << ", " << faults.size() << " scheduled faults";
  return out.str();
}

}  // namespace streambench::link
