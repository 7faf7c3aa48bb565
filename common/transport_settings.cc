#include "common/transport_settings.h"

#include <sstream>

namespace streambench {
namespace {

std::string FormatDuration(int64_t us) {
  if (us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

}  // namespace

std::string TransportSettings::Describe() const {
  std::ostringstream out;
  const char* sep = "";
  auto field = [&](const char* name, const std::string& value) {
    out << sep << name << '=' << value;
    sep = " ";
  };
  if (bdp_probe) field("bdp_probe", *bdp_probe ? "true" : "false");
  if (stream_window_bytes) field("stream_window", std::to_string(*stream_window_bytes));
  if (max_frame_size_bytes) field("max_frame_size", std::to_string(*max_frame_size_bytes));
  if (write_buffer_bytes) field("write_buffer", std::to_string(*write_buffer_bytes));
  if (max_concurrent_streams) {
    field("max_concurrent_streams", std::to_string(*max_concurrent_streams));
  }
  if (max_send_message_bytes) field("max_send_message", std::to_string(*max_send_message_bytes));
  if (max_receive_message_bytes) {
    field("max_receive_message", std::to_string(*max_receive_message_bytes));
  }
  if (keepalive_time_us) field("keepalive_time", FormatDuration(*keepalive_time_us));
  if (keepalive_timeout_us) field("keepalive_timeout", FormatDuration(*keepalive_timeout_us));
  if (max_connection_age_us) field("max_connection_age", FormatDuration(*max_connection_age_us));
  const std::string text = out.str();
  return text.empty() ? "defaults" : text;
}

}  // namespace streambench
