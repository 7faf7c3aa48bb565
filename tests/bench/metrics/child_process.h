// Test support: an external binary (prometheus, prometheus-pushgateway) run as a child process
// for the length of a test, its output in a log file, stopped (SIGTERM, then SIGKILL) when the
// object goes away, and a bounded wait for it to answer HTTP.
// Thread-safety: not thread-safe; owned by one test.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace streambench::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (an absolute path) with argv; stdout and stderr go to log_path. False with
  // *error when it cannot be started.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path, std::string* error);
  // Polls GET http://127.0.0.1:port{path} until it answers 200, the child exits, or timeout_ms
  // passes. False with *error (including the log's tail) otherwise.
  bool WaitForHttpOk(int port, const std::string& path, int timeout_ms, std::string* error);
  // Waits up to timeout_ms for the child to exit on its own and reaps it: its exit code, or 128 +
  // the signal that ended it; -1 if it is still running (it is left running) or was never started.
  int WaitForExit(int timeout_ms);
  // Stops the child (SIGTERM, up to 5 s, then SIGKILL) and reaps it. Idempotent.
  void Stop();
  // The last `max_bytes` of the log (for failure messages).
  std::string LogTail(size_t max_bytes = 2000) const;
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// True when `path` exists and is executable.
bool IsExecutable(const std::string& path);

// A fresh directory under $TMPDIR (or /tmp), removed recursively by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace streambench::testing
