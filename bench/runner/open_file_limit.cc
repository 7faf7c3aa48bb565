#include "bench/runner/open_file_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace streambench::runner {
namespace {

// The process's own descriptors besides the connections: stdio, each engine thread's epoll and
// eventfd, gRPC's internal pipes, the metrics listener, the result files.
constexpr uint64_t kReserveFiles = 64;

uint64_t RunOpenFiles(const scenario::Scenario& run) {
  const bool embedded_server = run.target.addresses.empty();
  return static_cast<uint64_t>(run.connections) * (embedded_server ? 2 : 1);
}

}  // namespace

OpenFileLimit RaiseOpenFileLimit() {
  OpenFileLimit limit;
  rlimit current{};
  if (::getrlimit(RLIMIT_NOFILE, &current) != 0) return limit;
  limit.soft_before = limit.soft = current.rlim_cur;
  limit.hard = current.rlim_max;
  if (current.rlim_cur < current.rlim_max) {
    rlimit raised = current;
    raised.rlim_cur = current.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit.soft = raised.rlim_cur;
  }
  return limit;
}

uint64_t OpenFilesNeeded(const scenario::ScenarioFile& file) {
  uint64_t needed = 0;
  for (const scenario::Scenario& run : file.runs) {
    needed = file.concurrent ? needed + RunOpenFiles(run) : std::max(needed, RunOpenFiles(run));
  }
  return needed + kReserveFiles;
}

bool FitsOpenFileLimit(const scenario::ScenarioFile& file, const OpenFileLimit& limit,
                       std::string* error) {
  const uint64_t needed = OpenFilesNeeded(file);
  if (needed <= limit.soft) return true;
  *error = file.path + ": needs about " + std::to_string(needed) +
           " open files (its connections, doubled against the embedded server, and " +
           std::to_string(kReserveFiles) + " for the process), but the limit is " +
           std::to_string(limit.soft) + " (hard limit " + std::to_string(limit.hard) +
           "); use fewer connections or raise the hard limit (ulimit -Hn)";
  return false;
}

}  // namespace streambench::runner
