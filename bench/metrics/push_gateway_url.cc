#include "bench/metrics/push_gateway_url.h"

#include <cctype>

namespace streambench::metrics {

std::optional<PushGatewayAddress> ParsePushGatewayUrl(const std::string& url, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<PushGatewayAddress> {
    if (error) *error = "push gateway URL '" + url + "': " + why;
    return std::nullopt;
  };
  std::string scheme;
  for (const char* s : {"http://", "https://"}) {
    if (url.rfind(s, 0) == 0) scheme = s;
  }
  if (scheme.empty()) return fail("must start with http:// or https://");
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) {
    return fail("must not have a path (the job and grouping key are appended)");
  }
  std::string host = rest;
  std::string port = "9091";
  size_t colon = std::string::npos;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return fail("unterminated '[' in IPv6 host");
    host = rest.substr(0, close + 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return fail("expected ':' after ']'");
      colon = close + 1;
    }
  } else {
    colon = rest.rfind(':');
    if (colon != std::string::npos) host = rest.substr(0, colon);
  }
  if (colon != std::string::npos) {
    port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5) return fail("bad port '" + port + "'");
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return fail("bad port '" + port + "'");
    }
    const int value = std::stoi(port);
    if (value < 1 || value > 65535) return fail("port " + port + " out of range 1..65535");
  }
  if (host.empty() || host == "[]") return fail("missing host");
  return PushGatewayAddress{scheme + host, port};
}

std::string GroupingPathSegment(const std::string& name, const std::string& value) {
  bool plain = !value.empty();
  for (char c : value) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) plain = false;
  }
  if (plain) return "/" + name + "/" + value;
  // base64url (RFC 4648 §5) with padding; the Pushgateway requires '=' for an empty value.
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string encoded;
  size_t i = 0;
  for (; i + 2 < value.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(value[i]) << 16) |
                       (static_cast<unsigned char>(value[i + 1]) << 8) |
                       static_cast<unsigned char>(value[i + 2]);
    encoded += kAlphabet[(n >> 18) & 63];
    encoded += kAlphabet[(n >> 12) & 63];
    encoded += kAlphabet[(n >> 6) & 63];
    encoded += kAlphabet[n & 63];
  }
  const size_t left = value.size() - i;
  if (left == 1) {
    const uint32_t n = static_cast<unsigned char>(value[i]) << 16;
    encoded += kAlphabet[(n >> 18) & 63];
    encoded += kAlphabet[(n >> 12) & 63];
    encoded += "==";
  } else if (left == 2) {
    const uint32_t n = (static_cast<unsigned char>(value[i]) << 16) |
                       (static_cast<unsigned char>(value[i + 1]) << 8);
    encoded += kAlphabet[(n >> 18) & 63];
    encoded += kAlphabet[(n >> 12) & 63];
    encoded += kAlphabet[(n >> 6) & 63];
    encoded += '=';
  }
  if (encoded.empty()) encoded = "=";
  return "/" + name + "@base64/" + encoded;
}

}  // namespace streambench::metrics
