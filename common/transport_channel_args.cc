#include "common/transport_channel_args.h"

#include <grpc/grpc.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>

#include <climits>

namespace streambench {
namespace {

// gRPC channel arguments are ints; a larger request means "as large as possible".
int ClampToInt(uint64_t value) {
  return value > static_cast<uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(value);
}

// Milliseconds for GRPC_ARG_KEEPALIVE_*: rounded up so a sub-millisecond setting is not 0
// (which gRPC would read as "disabled" or "immediately").
int UsToMs(int64_t us) {
  if (us <= 0) return 0;
  const int64_t ms = (us + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// The settings both sides map to plain integer channel arguments. `set` is
// ServerBuilder::AddChannelArgument or ChannelArguments::SetInt.
template <typename SetInt>
void ApplyCommon(const TransportSettings& s, SetInt set) {
  if (s.bdp_probe) set(GRPC_ARG_HTTP2_BDP_PROBE, *s.bdp_probe ? 1 : 0);
  if (s.stream_window_bytes) {
    set(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, ClampToInt(*s.stream_window_bytes));
  }
  if (s.max_frame_size_bytes)
    set(GRPC_ARG_HTTP2_MAX_FRAME_SIZE, ClampToInt(*s.max_frame_size_bytes));
  if (s.write_buffer_bytes)
    set(GRPC_ARG_HTTP2_WRITE_BUFFER_SIZE, ClampToInt(*s.write_buffer_bytes));
  if (s.keepalive_time_us) set(GRPC_ARG_KEEPALIVE_TIME_MS, UsToMs(*s.keepalive_time_us));
  if (s.keepalive_timeout_us) set(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, UsToMs(*s.keepalive_timeout_us));
}

}  // namespace

void ApplyToServerBuilder(const TransportSettings& settings, grpc::ServerBuilder& builder) {
  ApplyCommon(settings,
              [&builder](const char* name, int value) { builder.AddChannelArgument(name, value); });
  if (settings.max_concurrent_streams) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               ClampToInt(*settings.max_concurrent_streams));
  }
  if (settings.max_connection_age_us) {
    // The server sends GOAWAY when a connection reaches this age, so clients reconnect (what a
    // load balancer's connection recycling looks like to them).
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               UsToMs(*settings.max_connection_age_us));
  }
  if (settings.max_send_message_bytes) {
    builder.SetMaxSendMessageSize(ClampToInt(*settings.max_send_message_bytes));
  }
  if (settings.max_receive_message_bytes) {
    builder.SetMaxReceiveMessageSize(ClampToInt(*settings.max_receive_message_bytes));
  }
  // A load-testing server must not punish clients whose keepalive pings are more frequent than
  // gRPC's server default tolerates (5 minutes, then GOAWAY "too_many_pings"): whatever keepalive
  // a scenario gives its clients is accepted, with or without calls in flight.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
}

void ApplyToChannelArguments(const TransportSettings& settings, grpc::ChannelArguments& args) {
  ApplyCommon(settings, [&args](const char* name, int value) { args.SetInt(name, value); });
  // max_concurrent_streams is a server setting (SETTINGS_MAX_CONCURRENT_STREAMS it advertises);
  // a client channel has no equivalent, so it is ignored here.
  if (settings.max_send_message_bytes) {
    args.SetMaxSendMessageSize(ClampToInt(*settings.max_send_message_bytes));
  }
  if (settings.max_receive_message_bytes) {
    args.SetMaxReceiveMessageSize(ClampToInt(*settings.max_receive_message_bytes));
  }
  if (settings.keepalive_time_us) {
    // Without these a client stops pinging after two pings without data, so an idle connection
    // would not be kept alive as the setting asks.
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS,
                UsToMs(*settings.keepalive_time_us));
  }
}

}  // namespace streambench
