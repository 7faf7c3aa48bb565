// TCP connect for the h2 engine's connections and its settings probe: "host:port" (or
// "[v6]:port") resolved and dialled, address by address, on a non-blocking socket with
// TCP_NODELAY set.
// Thread-safety: free functions, reentrant.
#pragma once

#include <chrono>
#include <string>

namespace streambench::engines::h2 {

// Splits "host:port" / "[v6]:port"; false when `target` is neither.
bool SplitTarget(const std::string& target, std::string* host, std::string* port);

// A socket to `target`. With `wait`, returns once connected (or after `timeout`, an error);
// without, returns as soon as the connect is under way and sets *in_progress when it has not
// finished yet (the socket turns writable, or reports the error, when it does). -1 with
// *error = "TARGET: cause" when no address could be dialled.
int ConnectTcp(const std::string& target, bool wait, std::chrono::milliseconds timeout,
               bool* in_progress, std::string* error);

}  // namespace streambench::engines::h2
