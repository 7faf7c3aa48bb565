#include "common/transport_settings.h"

#include <grpc/grpc.h>
#include <grpcpp/support/channel_arguments.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/transport_channel_args.h"

namespace streambench {
namespace {

// The integer arguments a ChannelArguments holds, by name.
std::map<std::string, int> IntArgs(const grpc::ChannelArguments& args) {
  grpc_channel_args c = args.c_channel_args();
  std::map<std::string, int> out;
  for (size_t i = 0; i < c.num_args; ++i) {
    if (c.args[i].type == GRPC_ARG_INTEGER) out[c.args[i].key] = c.args[i].value.integer;
  }
  return out;
}

TEST(TransportSettingsTest, DescribeListsOnlySetFields) {
  TransportSettings s;
  EXPECT_EQ(s.Describe(), "defaults");
  s.bdp_probe = false;
  s.stream_window_bytes = 65536;
  s.keepalive_time_us = 10'000'000;
  s.keepalive_timeout_us = 250'000;
  EXPECT_EQ(s.Describe(),
            "bdp_probe=false stream_window=65536 keepalive_time=10s "
            "keepalive_timeout=250ms");
}

TEST(TransportSettingsTest, UnsetLeavesChannelArgumentsEmpty) {
  grpc::ChannelArguments args;
  ApplyToChannelArguments(TransportSettings{}, args);
  EXPECT_TRUE(IntArgs(args).empty());
}

TEST(TransportSettingsTest, ChannelArgumentsCarryEverySetField) {
  TransportSettings s;
  s.bdp_probe = false;
  s.stream_window_bytes = 1 << 20;
  s.max_frame_size_bytes = 32768;
  s.write_buffer_bytes = 4ull << 30;  // beyond int: clamped, not wrapped
  s.max_send_message_bytes = 8 << 20;
  s.max_receive_message_bytes = 2 << 20;
  s.keepalive_time_us = 10'000'000;
  s.keepalive_timeout_us = 1500;  // rounds up to 2 ms rather than down
  grpc::ChannelArguments args;
  ApplyToChannelArguments(s, args);
  std::map<std::string, int> got = IntArgs(args);
  EXPECT_EQ(got[GRPC_ARG_HTTP2_BDP_PROBE], 0);
  EXPECT_EQ(got[GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES], 1 << 20);
  EXPECT_EQ(got[GRPC_ARG_HTTP2_MAX_FRAME_SIZE], 32768);
  EXPECT_EQ(got[GRPC_ARG_HTTP2_WRITE_BUFFER_SIZE], INT32_MAX);
  EXPECT_EQ(got[GRPC_ARG_MAX_SEND_MESSAGE_LENGTH], 8 << 20);
  EXPECT_EQ(got[GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH], 2 << 20);
  EXPECT_EQ(got[GRPC_ARG_KEEPALIVE_TIME_MS], 10'000);
  EXPECT_EQ(got[GRPC_ARG_KEEPALIVE_TIMEOUT_MS], 2);
  EXPECT_EQ(got[GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS], 1);
  // Without this gRPC would space the keepalive pings by its 5 minute default.
  EXPECT_EQ(got[GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS], 10'000);
}

}  // namespace
}  // namespace streambench
