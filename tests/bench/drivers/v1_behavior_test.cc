#include "bench/drivers/v1_behavior.h"

#include <gtest/gtest.h>

#include "common/status_names.h"

namespace streambench::drivers {
namespace {

TEST(V1BehaviorTest, CopiesEveryField) {
  scenario::BehaviorSpec spec;
  spec.response_size_bytes = 100;
  spec.response_count = 7;
  spec.response_interval_us = 5;
  spec.first_response_delay_us = 6;
  spec.response_delay_us = 8;
  spec.bidi_echo = false;
  spec.failure.code = "UNAVAILABLE";
  spec.failure.message = "boom";
  spec.failure.after_messages = 3;
  spec.read_stall.after_messages = 2;
  spec.read_stall.duration_us = 1000;
  streambench::v1::Behavior b;
  std::string error;
  ASSERT_TRUE(BuildV1Behavior(spec, 1, &b, &error)) << error;
  EXPECT_EQ(b.response_size_bytes(), 100u);
  EXPECT_EQ(b.response_count(), 7u);
  EXPECT_EQ(b.response_interval_us(), 5u);
  EXPECT_EQ(b.first_response_delay_us(), 6u);
  EXPECT_EQ(b.response_delay_us(), 8u);
  EXPECT_EQ(b.bidi_mode(), streambench::v1::Behavior::INDEPENDENT);
  EXPECT_EQ(b.failure().code(), 14);
  EXPECT_EQ(b.failure().message(), "boom");
  ASSERT_TRUE(b.failure().has_after_messages());
  EXPECT_EQ(b.failure().after_messages(), 3u);
  EXPECT_EQ(b.failure().probability(), 0.0);
  EXPECT_EQ(b.read_stall().after_messages(), 2u);
  EXPECT_EQ(b.read_stall().duration_us(), 1000u);
}

// BuildV1Behavior of a behaviour that only injects failures with status `code`.
bool BuildWithFailureCode(const char* code, streambench::v1::Behavior* b, std::string* error) {
  scenario::BehaviorSpec spec;
  spec.failure.code = code;
  return BuildV1Behavior(spec, 1, b, error);
}

TEST(V1BehaviorTest, CodeWithoutTriggerMeansEveryCall) {
  streambench::v1::Behavior b;
  std::string error;
  ASSERT_TRUE(BuildWithFailureCode("INTERNAL", &b, &error));
  EXPECT_EQ(b.failure().code(), 13);
  EXPECT_EQ(b.failure().probability(), 1.0);
}

TEST(V1BehaviorTest, NoFailureNoStallByDefault) {
  streambench::v1::Behavior b;
  std::string error;
  ASSERT_TRUE(BuildV1Behavior(scenario::BehaviorSpec{}, 1, &b, &error));
  EXPECT_FALSE(b.has_failure());
  EXPECT_FALSE(b.has_read_stall());
  EXPECT_EQ(b.bidi_mode(), streambench::v1::Behavior::ECHO);
}

TEST(V1BehaviorTest, IntegrityFaultsCarryTheirFormAndTheSeed) {
  scenario::BehaviorSpec spec;
  spec.integrity_faults.drop.every_nth = 5;
  spec.integrity_faults.corrupt.probability = 0.25;
  streambench::v1::Behavior b;
  std::string error;
  ASSERT_TRUE(BuildV1Behavior(spec, 42, &b, &error)) << error;
  ASSERT_TRUE(b.has_integrity_faults());
  const streambench::v1::IntegrityFaults& f = b.integrity_faults();
  EXPECT_EQ(f.drop().rate_case(), streambench::v1::FaultRate::kEveryNth);
  EXPECT_EQ(f.drop().every_nth(), 5u);
  EXPECT_EQ(f.corrupt().rate_case(), streambench::v1::FaultRate::kProbability);
  EXPECT_EQ(f.corrupt().probability(), 0.25);
  EXPECT_FALSE(f.has_duplicate());
  EXPECT_FALSE(f.has_reorder());
  EXPECT_EQ(f.seed(), 42u);

  ASSERT_TRUE(BuildV1Behavior(scenario::BehaviorSpec{}, 42, &b, &error));
  EXPECT_FALSE(b.has_integrity_faults()) << "no faults asked, none sent";
}

TEST(V1BehaviorTest, UnknownStatusIsAnError) {
  streambench::v1::Behavior b;
  std::string error;
  EXPECT_FALSE(BuildWithFailureCode("NOPE", &b, &error));
  EXPECT_NE(error.find("NOPE"), std::string::npos);
  EXPECT_EQ(StatusCodeFromName("OK"), 0);
  EXPECT_EQ(StatusCodeFromName("UNAUTHENTICATED"), 16);
}

}  // namespace
}  // namespace streambench::drivers
