// Parsing of the --push-gateway URL into what prometheus::Gateway takes (scheme+host, port), and
// the encoding of a grouping-key label value into a Pushgateway URL path segment.
// Thread-safety: stateless free functions.
#pragma once

#include <optional>
#include <string>

namespace streambench::metrics {

struct PushGatewayAddress {
  std::string scheme_host;  // "http://127.0.0.1" (what prometheus::Gateway calls host)
  std::string port;         // "9091"
};

// Accepts "http://HOST[:PORT][/]" and "https://..." (HOST may be a bracketed IPv6 literal); the
// port defaults to the Pushgateway's 9091. Anything else (no scheme, a path, a bad port) returns
// nullopt and sets *error.
std::optional<PushGatewayAddress> ParsePushGatewayUrl(const std::string& url, std::string* error);

// The "/name/value" path segment for a grouping label. Values that are not plain URL-safe
// ([A-Za-z0-9._-]+) are sent base64url-encoded as "/name@base64/ENCODED", which the Pushgateway
// decodes (so '/' or an empty value cannot break the URL).
std::string GroupingPathSegment(const std::string& name, const std::string& value);

}  // namespace streambench::metrics
