// Test support: a tiny blocking HTTP/1.0 client for loopback endpoints (/metrics of an exporter,
// Prometheus's and the Pushgateway's HTTP APIs), and a free-port picker. Tests only: no TLS, no
// redirects, no chunked encoding (HTTP/1.0 responses are delimited by connection close).
// Thread-safety: stateless free functions.
#pragma once

#include <string>

namespace streambench::testing {

struct HttpResponse {
  int status = 0;     // HTTP status code; 0 when the request could not be made
  std::string body;   // response body
  std::string error;  // why the request failed (connect refused, timeout), empty on success
};

// GET http://127.0.0.1:port{path_and_query}. Gives up after timeout_ms (connect + read).
HttpResponse HttpGet(int port, const std::string& path_and_query, int timeout_ms = 5000);

// Percent-encodes a query parameter value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& value);

// A loopback TCP port that was free a moment ago (bind port 0, read it, close). Racy by nature;
// good enough for starting external binaries that cannot report an ephemeral port.
int PickFreeLoopbackPort();

}  // namespace streambench::testing
