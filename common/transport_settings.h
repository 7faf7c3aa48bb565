// TransportSettings: the HTTP/2 and gRPC knobs a server or a client channel can be given, as plain
// data. The reference server takes them from flags, the generator from a scenario (`transport`,
// `server_transport`); both apply them through common/transport_channel_args.h, so one set of
// names means the same thing on both sides. Every field is optional: unset keeps gRPC's default.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace streambench {

struct TransportSettings {
  std::optional<bool> bdp_probe;                      // GRPC_ARG_HTTP2_BDP_PROBE
  std::optional<uint64_t> stream_window_bytes;        // GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES
  std::optional<uint64_t> max_frame_size_bytes;       // GRPC_ARG_HTTP2_MAX_FRAME_SIZE
  std::optional<uint64_t> write_buffer_bytes;         // GRPC_ARG_HTTP2_WRITE_BUFFER_SIZE
  std::optional<uint32_t> max_concurrent_streams;     // GRPC_ARG_MAX_CONCURRENT_STREAMS (server)
  std::optional<uint64_t> max_send_message_bytes;     // GRPC_ARG_MAX_SEND_MESSAGE_LENGTH
  std::optional<uint64_t> max_receive_message_bytes;  // GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH
  std::optional<int64_t> keepalive_time_us;           // GRPC_ARG_KEEPALIVE_TIME_MS
  std::optional<int64_t> keepalive_timeout_us;        // GRPC_ARG_KEEPALIVE_TIMEOUT_MS
  std::optional<int64_t> max_connection_age_us;       // GRPC_ARG_MAX_CONNECTION_AGE_MS (server)

  // "bdp_probe=false stream_window=65536 ..." listing the set fields (for logs and reports).
  std::string Describe() const;

  // Field by field.
  bool operator==(const TransportSettings& o) const {
    return bdp_probe == o.bdp_probe && stream_window_bytes == o.stream_window_bytes &&
           max_frame_size_bytes == o.max_frame_size_bytes &&
           write_buffer_bytes == o.write_buffer_bytes &&
           max_concurrent_streams == o.max_concurrent_streams &&
           max_send_message_bytes == o.max_send_message_bytes &&
           max_receive_message_bytes == o.max_receive_message_bytes &&
           keepalive_time_us == o.keepalive_time_us &&
           keepalive_timeout_us == o.keepalive_timeout_us &&
           max_connection_age_us == o.max_connection_age_us;
  }
  bool operator!=(const TransportSettings& o) const { return !(*this == o); }
};

}  // namespace streambench
