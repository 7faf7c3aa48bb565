#include "server/failure_plan.h"

#include <gtest/gtest.h>

namespace streambench {
namespace {

v1::FailureInjection Failure(int code, double probability) {
  v1::FailureInjection f;
  f.set_code(code);
  f.set_message("injected");
  f.set_probability(probability);
  return f;
}

TEST(FailurePlanTest, CodeZeroNeverFails) {
  EXPECT_FALSE(PlanFailure(Failure(0, 1.0)).active);
  EXPECT_FALSE(PlanFailure(Failure(0, 0.0)).active);
}

TEST(FailurePlanTest, ProbabilityZeroMeansEveryCallAndOneToo) {
  for (double p : {0.0, 1.0}) {
    for (int i = 0; i < 100; ++i) {
      FailurePlan plan = PlanFailure(Failure(14, p));
      ASSERT_TRUE(plan.active);
      EXPECT_EQ(plan.code, grpc::StatusCode::UNAVAILABLE);
      EXPECT_EQ(plan.message, "injected");
      EXPECT_TRUE(plan.FiresAt(0));  // no after_messages: at the start
    }
  }
}

TEST(FailurePlanTest, MidProbabilityComparesTheDraw) {
  EXPECT_TRUE(PlanFailure(Failure(13, 0.25), 0.10).active);
  EXPECT_FALSE(PlanFailure(Failure(13, 0.25), 0.25).active);
  EXPECT_FALSE(PlanFailure(Failure(13, 0.25), 0.90).active);
  // Real draws: a wide binomial band (mean 2500, sd ~43 over 10000 draws).
  int failed = 0;
  for (int i = 0; i < 10000; ++i) failed += PlanFailure(Failure(13, 0.25)).active ? 1 : 0;
  EXPECT_GT(failed, 2200);
  EXPECT_LT(failed, 2800);
}

TEST(FailurePlanTest, AfterMessagesDelaysTheFailure) {
  v1::FailureInjection f = Failure(10, 1.0);
  f.set_after_messages(3);
  FailurePlan plan = PlanFailure(f);
  EXPECT_FALSE(plan.FiresAt(0));
  EXPECT_FALSE(plan.FiresAt(2));
  EXPECT_TRUE(plan.FiresAt(3));
  EXPECT_EQ(plan.status().error_code(), grpc::StatusCode::ABORTED);
  f.set_after_messages(0);  // set to 0: before the first message
  EXPECT_TRUE(PlanFailure(f).FiresAt(0));
}

}  // namespace
}  // namespace streambench
