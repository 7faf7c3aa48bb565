#include "bench/engines/h2/grpc_wire.h"

namespace streambench::engines::h2 {

void AppendFramedMessage(std::string_view message, std::string* out) {
  const uint32_t length = static_cast<uint32_t>(message.size());
  const char prefix[kMessagePrefixBytes] = {
      0, static_cast<char>(length >> 24), static_cast<char>(length >> 16),
      static_cast<char>(length >> 8), static_cast<char>(length)};
  out->append(prefix, kMessagePrefixBytes);
  out->append(message.data(), message.size());
}

int64_t MessageDeframer::CompleteLength(std::string_view bytes, std::string* error) const {
  if (bytes.size() < kMessagePrefixBytes) return -1;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (p[0] != 0) {
    *error = "compressed message, but no grpc-encoding was negotiated";
    return -2;
  }
  const uint64_t length =
      (uint64_t{p[1]} << 24) | (uint64_t{p[2]} << 16) | (uint64_t{p[3]} << 8) | uint64_t{p[4]};
  if (length > max_message_bytes_) {
    *error = "message of " + std::to_string(length) + " bytes is over the limit of " +
             std::to_string(max_message_bytes_);
    return -2;
  }
  if (bytes.size() < kMessagePrefixBytes + length) return -1;
  return static_cast<int64_t>(length);
}

std::string GrpcTimeoutHeader(std::chrono::nanoseconds remaining) {
  constexpr int64_t kMaxValue = 99'999'999;  // 8 digits
  struct Unit {
    int64_t ns;
    char name;
  };
  constexpr Unit kUnits[] = {{1, 'n'},
                             {1'000, 'u'},
                             {1'000'000, 'm'},
                             {1'000'000'000, 'S'},
                             {60'000'000'000, 'M'},
                             {3'600'000'000'000, 'H'}};
  const int64_t ns = std::max<int64_t>(remaining.count(), 1);
  for (const Unit& unit : kUnits) {
    const int64_t value = (ns + unit.ns - 1) / unit.ns;  // rounded up
    if (value <= kMaxValue) return std::to_string(value) + unit.name;
  }
  return std::to_string(kMaxValue) + "H";
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool IsBinaryHeader(std::string_view key) {
  return key.size() >= 4 && key.substr(key.size() - 4) == "-bin";
}

namespace {
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t bits = 0;
  int held = 0;  // bits held in `bits`
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    held += 8;
    while (held >= 6) {
      held -= 6;
      out.push_back(kBase64Alphabet[(bits >> held) & 0x3f]);
    }
  }
  if (held > 0) out.push_back(kBase64Alphabet[(bits << (6 - held)) & 0x3f]);
  return out;
}

bool Base64Decode(std::string_view text, std::string* bytes) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;  // no whole byte ends there
  bytes->clear();
  bytes->reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int held = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else {
      return false;
    }
    bits = (bits << 6) | static_cast<uint32_t>(value);
    held += 6;
    if (held >= 8) {
      held -= 8;
      bytes->push_back(static_cast<char>((bits >> held) & 0xff));
    }
  }
  return true;
}

bool IsReservedResponseHeader(std::string_view key) {
  return (!key.empty() && key[0] == ':') || key == "content-type" || key == "grpc-status" ||
         key == "grpc-message" || key == "grpc-encoding" || key == "grpc-accept-encoding";
}

int StatusFromHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return kInternal;
    case 401:
      return kUnauthenticated;
    case 403:
      return kPermissionDenied;
    case 404:
      return kUnimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return kUnavailable;
    default:
      return kUnknown;
  }
}

int StatusFromRstStream(uint32_t h2_error_code) {
  switch (h2_error_code) {
    case 0x0:  // NO_ERROR
    case 0x1:  // PROTOCOL_ERROR
    case 0x2:  // INTERNAL_ERROR
    case 0x3:  // FLOW_CONTROL_ERROR
    case 0x4:  // SETTINGS_TIMEOUT
    case 0x6:  // FRAME_SIZE_ERROR
    case 0x9:  // COMPRESSION_ERROR
    case 0xa:  // CONNECT_ERROR
      return kInternal;
    case 0x7:  // REFUSED_STREAM: the server never processed it, safe to retry
      return kUnavailable;
    case 0x8:  // CANCEL
      return kCancelled;
    case 0xb:  // ENHANCE_YOUR_CALM
      return kResourceExhausted;
    case 0xc:  // INADEQUATE_SECURITY
      return kPermissionDenied;
    default:
      return kInternal;
  }
}

}  // namespace streambench::engines::h2
