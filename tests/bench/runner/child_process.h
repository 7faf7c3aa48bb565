// Test support for the reliability tests: child processes (the streambench and streambench-server
// binaries) with their stdout piped back, a free loopback port, and reading a process's CPU time
// and resident memory from /proc.
// Thread-safety: a ChildProcess is used from one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace streambench::testing {

class ChildProcess {
 public:
  // Starts `binary` with `args`; stdout is piped to us, stderr goes to `stderr_path` (or
  // /dev/null when empty). pid() <= 0 when it could not start.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::string& stderr_path = "");
  ~ChildProcess();  // SIGKILLs and reaps the child if it is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The next line of its stdout (without the newline); "" on EOF or after `timeout`.
  std::string ReadLine(std::chrono::milliseconds timeout);
  void Signal(int signo);
  // True while the child has not exited (it is reaped here if it has; Wait then reports how).
  bool Running();
  // Waits up to `timeout` for the child to exit: its exit code, 128 + the signal that killed it,
  // or -1 if it was still running (then it is SIGKILLed and reaped).
  int Wait(std::chrono::milliseconds timeout);

 private:
  // The exit code, or 128 + the signal, from a waitpid status.
  static int ExitCodeOf(int status);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;
  bool reaped_ = false;
  int exit_code_ = -1;  // once reaped
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreeLoopbackPort();
// CPU time (user + system) this process has used, in seconds.
double SelfCpuSeconds();
// CPU time (user + system) of process `pid` from /proc/PID/stat, in seconds; -1 on error.
double ProcessCpuSeconds(pid_t pid);
// True when process `pid` has a handler installed for `signo` (SigCgt in /proc/PID/status): a
// signal sent from then on is handled rather than killing it.
bool ProcessCatchesSignal(pid_t pid, int signo);
// VmRSS of process `pid` (0 = this process) from /proc/PID/status, in KiB; -1 on error.
int64_t VmRssKiB(pid_t pid = 0);

}  // namespace streambench::testing
