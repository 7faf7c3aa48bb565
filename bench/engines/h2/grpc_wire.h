// The gRPC protocol's pieces that ride on HTTP/2 (gRPC's PROTOCOL-HTTP2): length-prefixed
// messages, the grpc-timeout header, percent-encoded grpc-message, and the statuses a gRPC client
// reports when a call ends without grpc-status (an HTTP error, RST_STREAM, a lost connection).
// Thread-safety: free functions are pure; a MessageDeframer belongs to one stream.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace streambench::engines::h2 {

// gRPC status codes as numbers (the wire's grpc-status values).
enum GrpcCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kDeadlineExceeded = 4,
  kResourceExhausted = 8,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kPermissionDenied = 7,
  kUnauthenticated = 16,
};

constexpr size_t kMessagePrefixBytes = 5;  // compressed flag (1) + big-endian length (4)

// Appends `message` with its 5-byte prefix (uncompressed) to `out`.
void AppendFramedMessage(std::string_view message, std::string* out);

// Splits a stream's DATA bytes back into messages, however the bytes were cut into frames.
class MessageDeframer {
 public:
  // `max_message_bytes`: a longer message is an error (RESOURCE_EXHAUSTED, as gRPC reports it).
  explicit MessageDeframer(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Feeds `bytes`; calls on_message(std::string_view) for each complete message (the view is
  // valid during the call). False on an error (compressed message, too large), with `error`.
  template <typename OnMessage>
  bool Feed(std::string_view bytes, OnMessage&& on_message, std::string* error);

  // True when no partial message is pending (a stream that ends otherwise was cut short).
  bool idle() const { return buffer_.empty(); }
  // Forgets any partial message, for a new stream (a pooled stream's deframer is reused); the
  // buffer keeps its capacity up to `keep_bytes`, so a big message's buffer is not kept idle.
  void Reset(size_t max_message_bytes, size_t keep_bytes) {
    max_message_bytes_ = max_message_bytes;
    if (buffer_.capacity() > keep_bytes) {
      std::string().swap(buffer_);
    } else {
      buffer_.clear();
    }
  }

 private:
  // The length of the complete message at the start of `bytes`, or -1 when incomplete; -2 on an
  // error (set in `error`: a compressed message, or one over the limit).
  int64_t CompleteLength(std::string_view bytes, std::string* error) const;

  size_t max_message_bytes_;
  std::string buffer_;  // bytes of the message being assembled (prefix included)
};

// "grpc-timeout" for a remaining time: the largest unit that keeps it within gRPC's 8 digits,
// rounded up so the server never sees a shorter deadline than the client's ("250m", "3S").
std::string GrpcTimeoutHeader(std::chrono::nanoseconds remaining);

// grpc-message is percent-encoded on the wire; this decodes %XX and leaves malformed escapes as
// they are (as gRPC's own clients do).
std::string PercentDecode(std::string_view text);

// Metadata keys ending in "-bin" carry bytes, base64-encoded on the wire (PROTOCOL-HTTP2).
bool IsBinaryHeader(std::string_view key);
// Standard base64 without padding, as gRPC emits it.
std::string Base64Encode(std::string_view bytes);
// Decodes standard base64, padded or not (gRPC accepts both). False on a character or length
// that is not base64.
bool Base64Decode(std::string_view text, std::string* bytes);
// Response headers that are the protocol's own rather than the application's metadata (pseudo
// headers, content-type, grpc-status, grpc-message, grpc-encoding, grpc-accept-encoding): gRPC
// clients do not hand these to the application.
bool IsReservedResponseHeader(std::string_view key);

// The status of a response whose HTTP status is not 200 and that has no grpc-status.
int StatusFromHttpStatus(int http_status);
// The status of a stream reset by the peer with an HTTP/2 error code.
int StatusFromRstStream(uint32_t h2_error_code);

template <typename OnMessage>
bool MessageDeframer::Feed(std::string_view bytes, OnMessage&& on_message, std::string* error) {
  // Fast path: nothing buffered, and whole messages in `bytes` are delivered without a copy.
  while (buffer_.empty()) {
    const int64_t length = CompleteLength(bytes, error);
    if (length == -2) return false;
    if (length < 0) break;
    on_message(bytes.substr(kMessagePrefixBytes, length));
    bytes.remove_prefix(kMessagePrefixBytes + length);
  }
  if (bytes.empty()) return true;
  buffer_.append(bytes.data(), bytes.size());
  for (;;) {
    const int64_t length = CompleteLength(buffer_, error);
    if (length == -2) return false;
    if (length < 0) return true;
    on_message(std::string_view(buffer_).substr(kMessagePrefixBytes, length));
    buffer_.erase(0, kMessagePrefixBytes + length);
  }
}

}  // namespace streambench::engines::h2
