#include "bench/gate/exit_code.h"

#include <gtest/gtest.h>

namespace streambench::gate {
namespace {

Verdict Completed(bool checks_passed, bool outputs_written) {
  Verdict v;
  v.checks_passed = checks_passed;
  v.outputs_written = outputs_written;
  return v;
}

TEST(ExitCodeTest, PassFailedChecksAndUnwrittenOutputs) {
  EXPECT_EQ(ExitCode(Completed(true, true)), kExitPass);
  EXPECT_EQ(ExitCode(Completed(false, true)), kExitChecksFailed);
  EXPECT_EQ(ExitCode(Completed(true, false)), kExitChecksFailed);
}

TEST(ExitCodeTest, RunsThatCouldNotBeCarriedOutWinOverFailedChecks) {
  Verdict bad = Completed(false, false);
  bad.run_end = RunEnd::kBadInput;
  EXPECT_EQ(ExitCode(bad), kExitBadInput);
  Verdict unreachable = Completed(false, true);
  unreachable.run_end = RunEnd::kCouldNotRun;
  EXPECT_EQ(ExitCode(unreachable), kExitCouldNotRun);
}

TEST(ExitCodeTest, AnInterruptedRunExitsWithTheSignal) {
  Verdict v = Completed(true, true);
  v.stop_signal = 2;  // SIGINT
  EXPECT_EQ(ExitCode(v), 130);
  v.stop_signal = 15;  // SIGTERM, whatever the checks said
  v.checks_passed = false;
  v.run_end = RunEnd::kCouldNotRun;
  EXPECT_EQ(ExitCode(v), 143);
}

TEST(ExitCodeTest, TheDocumentedNumbers) {
  EXPECT_EQ(kExitPass, 0);
  EXPECT_EQ(kExitChecksFailed, 1);
  EXPECT_EQ(kExitBadInput, 2);
  EXPECT_EQ(kExitCouldNotRun, 3);
  EXPECT_EQ(kExitSignalBase, 128);
}

}  // namespace
}  // namespace streambench::gate
