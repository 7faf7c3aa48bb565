#include "bench/runner/run_link.h"

#include <algorithm>

namespace streambench::runner {
namespace {

// Splits "host:port" / "[v6]:port". False for URIs and anything without a numeric port.
bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  if (address.find("://") != std::string::npos) return false;
  for (const char* scheme : {"dns:", "ipv4:", "ipv6:", "unix:"}) {
    if (address.rfind(scheme, 0) == 0) return false;
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  const std::string port_text = address.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *port = std::stoi(port_text);
  *host = address.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return *port >= 1 && *port <= 65535 && !host->empty();
}

}  // namespace

link::LinkSpec ToLinkSpec(const scenario::LinkSettings& settings) {
  link::LinkSpec spec;
  spec.rtt_us = settings.rtt_us;
  spec.bandwidth_bits_per_s = settings.bandwidth_bits_per_s;
  spec.jitter_us = settings.jitter_us;
  spec.buffer_bytes = settings.buffer_bytes;
  for (const scenario::LinkFaultSpec& f : settings.faults) {
    spec.faults.push_back({f.at_us, f.cut, f.stall_us, f.bandwidth_bits_per_s, f.for_us});
  }
  return spec;
}

bool RunLinks::Start(const scenario::LinkSettings& settings, std::vector<std::string>* addresses,
                     std::string* error) {
  const link::LinkSpec spec = ToLinkSpec(settings);
  for (std::string& address : *addresses) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(address, &host, &port)) {
      *error = "link: cannot relay `" + address +
               "`; an emulated link needs targets written as host:port";
      Stop();
      return false;
    }
    std::string why;
    auto emulator = link::LinkEmulator::Start(spec, host, port, &why);
    if (emulator == nullptr) {
      *error = "cannot start the emulated link to " + address + ": " + why;
      Stop();
      return false;
    }
    address = emulator->address();
    links_.push_back(std::move(emulator));
  }
  return true;
}

report::LinkResult RunLinks::Result() const {
  report::LinkResult out;
  if (links_.empty()) return out;
  const link::LinkSpec& spec = links_.front()->spec();
  out.enabled = true;
  out.rtt_us = spec.rtt_us;
  out.bandwidth_bits_per_s = spec.bandwidth_bits_per_s;
  out.jitter_us = spec.jitter_us;
  out.buffer_bytes = spec.EffectiveBufferBytes();
  out.description = spec.Describe();
  for (const auto& emulator : links_) {
    const link::LinkEmulator::Stats stats = emulator->stats();
    out.connections += stats.connections;
    out.bytes_up += stats.bytes_up;
    out.bytes_down += stats.bytes_down;
    out.max_queued_bytes_up = std::max(out.max_queued_bytes_up, stats.max_queued_bytes_up);
    out.max_queued_bytes_down = std::max(out.max_queued_bytes_down, stats.max_queued_bytes_down);
  }
  return out;
}

void RunLinks::Stop() {
  for (auto& emulator : links_) emulator->Stop();
}

}  // namespace streambench::runner
