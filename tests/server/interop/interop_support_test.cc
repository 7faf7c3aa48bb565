// Unit tests of the interop services' shared checks: which requests are refused, and that the
// refusal names the field.
#include "server/interop/interop_support.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::interop {
namespace {

using grpc::StatusCode;

BehaviorCaps SmallCaps() {
  BehaviorCaps caps;
  caps.max_response_bytes = 100;
  caps.max_response_count = 3;
  caps.max_duration_us = 1000;
  return caps;
}

TEST(InteropSupportTest, ResponseSizeWithinCapsIsAccepted) {
  EXPECT_TRUE(CheckResponseSize("response_size", 0, SmallCaps()).ok());
  EXPECT_TRUE(CheckResponseSize("response_size", 100, SmallCaps()).ok());
}

TEST(InteropSupportTest, ResponseSizeNegativeOrAboveCapNamesTheField) {
  for (int64_t size : {int64_t{-1}, int64_t{101}}) {
    grpc::Status status = CheckResponseSize("response_size", size, SmallCaps());
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("response_size ", 0), 0u) << status.error_message();
  }
}

TEST(InteropSupportTest, ResponseParametersCheckEveryEntryCountAndTotalInterval) {
  google::protobuf::RepeatedPtrField<grpc::testing::ResponseParameters> parameters;
  parameters.Add()->set_interval_us(400);
  parameters.Add()->set_interval_us(400);
  EXPECT_TRUE(CheckResponseParameters(parameters, SmallCaps()).ok());

  parameters.Mutable(1)->set_size(101);
  grpc::Status status = CheckResponseParameters(parameters, SmallCaps());
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("response_parameters[1].size"), std::string::npos);

  parameters.Mutable(1)->set_size(1);
  parameters.Mutable(0)->set_interval_us(-1);
  status = CheckResponseParameters(parameters, SmallCaps());
  EXPECT_NE(status.error_message().find("response_parameters[0].interval_us"), std::string::npos);

  // Each interval within the cap, their sum above it.
  parameters.Mutable(0)->set_interval_us(700);
  status = CheckResponseParameters(parameters, SmallCaps());
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("add up to 1100 us"), std::string::npos)
      << status.error_message();

  parameters.Mutable(0)->set_interval_us(0);
  parameters.Add();
  parameters.Add();
  status = CheckResponseParameters(parameters, SmallCaps());
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("4 responses"), std::string::npos);
}

TEST(InteropSupportTest, EchoStatusKeepsCodeAndMessageBytes) {
  grpc::testing::EchoStatus echo;
  EXPECT_FALSE(WantsEchoedStatus(echo));
  EXPECT_TRUE(EchoedStatus(echo).ok());
  echo.set_code(2);
  echo.set_message("\t\nunicode \xE2\x98\xBA\r\n");
  EXPECT_TRUE(WantsEchoedStatus(echo));
  EXPECT_TRUE(CheckEchoStatus(echo).ok());
  grpc::Status status = EchoedStatus(echo);
  EXPECT_EQ(status.error_code(), StatusCode::UNKNOWN);
  EXPECT_EQ(status.error_message(), echo.message());
}

TEST(InteropSupportTest, EchoStatusOutsideGrpcCodesIsRefused) {
  grpc::testing::EchoStatus echo;
  echo.set_code(17);
  EXPECT_EQ(CheckEchoStatus(echo).error_code(), StatusCode::INVALID_ARGUMENT);
  echo.set_code(-1);
  EXPECT_EQ(CheckEchoStatus(echo).error_code(), StatusCode::INVALID_ARGUMENT);
  echo.set_code(16);
  EXPECT_TRUE(CheckEchoStatus(echo).ok());
}

TEST(InteropSupportTest, ZeroPayloadHasSizeAndType) {
  grpc::testing::Payload payload;
  payload.set_body("old");
  FillZeroPayload(5, &payload);
  EXPECT_EQ(payload.type(), grpc::testing::COMPRESSABLE);
  EXPECT_EQ(payload.body(), std::string(5, '\0'));
  FillZeroPayload(0, &payload);
  EXPECT_TRUE(payload.body().empty());
}

}  // namespace
}  // namespace streambench::interop
