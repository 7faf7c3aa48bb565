#include "common/loopback.h"

namespace streambench {

bool IsLoopbackHost(const std::string& host) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

std::string BeyondLoopbackWarning(const std::string& what, const std::string& host) {
  if (IsLoopbackHost(host)) return "";
  return "warning: " + what + " " + host +
         " is beyond loopback: anyone who can reach it can use it; see SECURITY.md";
}

}  // namespace streambench
