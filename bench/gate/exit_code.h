// The process's exit status, decided once from everything that can end an invocation: whether
// the runs could be carried out, whether every check held, whether every output was written,
// and whether a stop signal cut the run short.
// Thread-safety: pure functions and constants.
#pragma once

namespace streambench::gate {

inline constexpr int kExitPass = 0;          // every check held
inline constexpr int kExitChecksFailed = 1;  // an expectation, threshold or baseline check failed
inline constexpr int kExitBadInput = 2;      // bad input or usage
inline constexpr int kExitCouldNotRun = 3;   // target unreachable, port taken
inline constexpr int kExitSignalBase = 128;  // + the stop signal: an interrupted run

// How the runs of an invocation ended.
enum class RunEnd { kCompleted, kBadInput, kCouldNotRun };

struct Verdict {
  RunEnd run_end = RunEnd::kCompleted;
  bool checks_passed = true;    // every run's expectations and every gate check
  bool outputs_written = true;  // --out, --csv, --junit
  int stop_signal = 0;          // the signal that interrupted the run; 0 = not interrupted
};

// 128 + the signal when interrupted (its checks judged a partial measurement, so neither "pass"
// nor "regression" would be true; a shell reports a job ended by that signal the same way);
// else 2 or 3 when the runs could not all be carried out; else 1 when a check failed or an
// output could not be written; else 0.
int ExitCode(const Verdict& verdict);

}  // namespace streambench::gate
