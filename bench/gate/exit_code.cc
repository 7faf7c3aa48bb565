#include "bench/gate/exit_code.h"

namespace streambench::gate {

int ExitCode(const Verdict& verdict) {
  if (verdict.stop_signal != 0) return kExitSignalBase + verdict.stop_signal;
  switch (verdict.run_end) {
    case RunEnd::kBadInput:
      return kExitBadInput;
    case RunEnd::kCouldNotRun:
      return kExitCouldNotRun;
    case RunEnd::kCompleted:
      break;
  }
  return verdict.checks_passed && verdict.outputs_written ? kExitPass : kExitChecksFailed;
}

}  // namespace streambench::gate
