#include "bench/runner/signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace streambench::runner {
namespace {

std::atomic<int> g_stop_signals{0};
std::atomic<int> g_last_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free int");

extern "C" void OnStopSignal(int signo) {
  g_last_signal.store(signo, std::memory_order_relaxed);
  if (g_stop_signals.fetch_add(1, std::memory_order_relaxed) + 1 >= 3) _exit(128 + signo);
}

}  // namespace

void InstallStopSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int StopSignalCount() { return g_stop_signals.load(std::memory_order_relaxed); }

void ResetStopSignals() {
  g_stop_signals.store(0, std::memory_order_relaxed);
  g_last_signal.store(0, std::memory_order_relaxed);
}

void RequestStop() {
  g_last_signal.store(SIGINT, std::memory_order_relaxed);
  g_stop_signals.fetch_add(1, std::memory_order_relaxed);
}

int LastStopSignal() { return g_last_signal.load(std::memory_order_relaxed); }

}  // namespace streambench::runner
