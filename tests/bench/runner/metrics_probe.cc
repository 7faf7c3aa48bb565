#include "tests/bench/runner/metrics_probe.h"

#include <regex>
#include <thread>

#include "bench/metrics/snapshot_collector.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"

namespace streambench::testing {

int MetricsPortIn(const std::string& text) {
  static const std::regex kLine("metrics on 127\\.0\\.0\\.1:(\\d+)\n");
  std::smatch m;
  return std::regex_search(text, m, kLine) ? std::stoi(m[1]) : 0;
}

std::optional<uint64_t> ScrapeMessagesSent(int port) {
  const HttpResponse response = HttpGet(port, "/metrics", 2000);
  if (response.status != 200) return std::nullopt;
  const std::vector<Sample> sent = Find(ParsePrometheusText(response.body),
                                        metrics::names::kMessagesTotal, {{"direction", "sent"}});
  if (sent.empty()) return std::nullopt;
  double total = 0;
  for (const Sample& s : sent) total += s.value;
  return static_cast<uint64_t>(total);
}

bool WaitForMessagesSent(int port, const std::function<bool(uint64_t sent)>& ready,
                         const std::function<bool()>& still_running,
                         std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up && still_running()) {
    const std::optional<uint64_t> sent = ScrapeMessagesSent(port);
    if (sent && ready(*sent)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace streambench::testing
