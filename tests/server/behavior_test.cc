#include "server/behavior.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

namespace streambench {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kNoSendLimit = UINT64_MAX;

grpc::Status Validate(const std::function<void(v1::Behavior&)>& edit,
                      uint64_t max_send = kNoSendLimit) {
  v1::Behavior behavior;
  edit(behavior);
  return ValidateBehavior(behavior, BehaviorCaps{}, max_send);
}

TEST(ValidateBehaviorTest, DefaultAndReasonableBehavioursAreAccepted) {
  EXPECT_TRUE(Validate([](v1::Behavior&) {}).ok());
  EXPECT_TRUE(Validate([](v1::Behavior& b) {
                b.set_response_size_bytes(16u << 20);  // exactly the cap
                b.set_response_count(1000);
                b.set_response_interval_us(1000);
                b.set_first_response_delay_us(5000);
                b.set_response_delay_us(100);
                b.set_bidi_mode(v1::Behavior::INDEPENDENT);
                b.mutable_failure()->set_code(14);
                b.mutable_failure()->set_probability(1.0);
                b.mutable_read_stall()->set_duration_us(1'000'000);
              }).ok());
}

TEST(ValidateBehaviorTest, ResponseSizeAboveCapNamesFieldCapAndFlag) {
  grpc::Status s = Validate([](v1::Behavior& b) { b.set_response_size_bytes(32u << 20); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      s.error_message(),
      "behavior.response_size_bytes=33554432 exceeds the cap 16777216 (--max-response-bytes)");
}

TEST(ValidateBehaviorTest, ResponseSizeAboveMaxSendMessageIsRefused) {
  grpc::Status s = Validate([](v1::Behavior& b) { b.set_response_size_bytes(4096); }, 4096);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.response_size_bytes=4096"));
  EXPECT_THAT(s.error_message(), HasSubstr("--max-send-message"));
  EXPECT_TRUE(Validate([](v1::Behavior& b) { b.set_response_size_bytes(1024); }, 4096).ok());
}

TEST(ValidateBehaviorTest, EachFieldBeyondItsCapIsNamed) {
  struct Case {
    const char* field;
    std::function<void(v1::Behavior&)> edit;
  };
  const uint64_t too_long_us = 3'600'000'001;  // default cap is 1 h
  const Case cases[] = {
      {"behavior.response_count=", [](v1::Behavior& b) { b.set_response_count(10'000'001); }},
      {"behavior.response_interval_us=",
       [&](v1::Behavior& b) { b.set_response_interval_us(too_long_us); }},
      {"behavior.first_response_delay_us=",
       [&](v1::Behavior& b) { b.set_first_response_delay_us(too_long_us); }},
      {"behavior.response_delay_us=",
       [&](v1::Behavior& b) { b.set_response_delay_us(too_long_us); }},
      {"behavior.read_stall.duration_us=",
       [&](v1::Behavior& b) { b.mutable_read_stall()->set_duration_us(too_long_us); }},
      // A "negative" size sent by a careless client arrives as a huge unsigned value.
      {"behavior.response_delay_us=",
       [](v1::Behavior& b) { b.set_response_delay_us(static_cast<uint64_t>(-1)); }},
  };
  for (const Case& c : cases) {
    grpc::Status s = Validate(c.edit);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field));
    EXPECT_THAT(s.error_message(), HasSubstr("exceeds the cap"));
  }
}

TEST(ValidateBehaviorTest, TotalStreamDurationIsCapped) {
  // 2 million responses every 2 ms = 4000 s > 1 h, although each value alone is fine.
  grpc::Status s = Validate([](v1::Behavior& b) {
    b.set_response_count(2'000'000);
    b.set_response_interval_us(2000);
  });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.response_count*response_interval_us"));
  EXPECT_THAT(s.error_message(), HasSubstr("--max-duration"));
  // Near the limit without overflow: huge count with interval 1 us is within the count cap check.
  EXPECT_TRUE(Validate([](v1::Behavior& b) {
                b.set_response_count(1'000'000);
                b.set_response_interval_us(3600);
              }).ok());
}

TEST(ValidateBehaviorTest, FailureFieldsAreChecked) {
  grpc::Status s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_probability(1.5); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "behavior.failure.probability=1.5 must be in [0,1]");

  s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_probability(-0.1); });
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.failure.probability"));
  s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_probability(std::nan("")); });
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.failure.probability"));

  s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_code(99); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.failure.code=99 is not a gRPC status code"));
  s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_code(-3); });
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.failure.code=-3"));

  s = Validate([](v1::Behavior& b) { b.mutable_failure()->set_message(std::string(5000, 'x')); });
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.failure.message"));
}

TEST(ValidateBehaviorTest, UnknownBidiModeIsRefused) {
  grpc::Status s =
      Validate([](v1::Behavior& b) { b.set_bidi_mode(static_cast<v1::Behavior::BidiMode>(7)); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("behavior.bidi_mode=7"));
}

TEST(ValidateBehaviorTest, SmallerCapsApply) {
  BehaviorCaps caps;
  caps.max_response_bytes = 100;
  caps.max_response_count = 5;
  caps.max_duration_us = 1000;
  v1::Behavior b;
  b.set_response_size_bytes(101);
  EXPECT_THAT(ValidateBehavior(b, caps, kNoSendLimit).error_message(),
              HasSubstr("exceeds the cap 100"));
  b.set_response_size_bytes(100);
  b.set_response_count(6);
  EXPECT_THAT(ValidateBehavior(b, caps, kNoSendLimit).error_message(),
              HasSubstr("--max-response-count"));
  b.set_response_count(5);
  b.set_response_interval_us(300);  // 5 * 300 us > 1000 us
  EXPECT_THAT(ValidateBehavior(b, caps, kNoSendLimit).error_message(), HasSubstr("--max-duration"));
  b.set_response_interval_us(200);
  EXPECT_TRUE(ValidateBehavior(b, caps, kNoSendLimit).ok());
}

}  // namespace
}  // namespace streambench
