// IsLoopbackHost: whether a listening address stays on this machine (127.0.0.0/8, ::1,
// localhost). The harness's ports bind loopback unless told; a bind beyond it gets a warning
// (SECURITY.md).
// Thread-safety: pure function.
#pragma once

#include <string>

namespace streambench {

bool IsLoopbackHost(const std::string& host);

// The warning for serving `what` (e.g. "--metrics-host") on a non-loopback `host`, or "".
std::string BeyondLoopbackWarning(const std::string& what, const std::string& host);

}  // namespace streambench
