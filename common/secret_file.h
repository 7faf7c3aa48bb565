// ReadSecretFile: reads a key, certificate or token file whole, once, for the settings that carry
// its content (TLS, bearer tokens). Errors name the path and the system's reason, never content:
// the content may be a secret.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>

namespace streambench {

// Key and certificate files are a few KiB; a larger file is almost surely the wrong one.
inline constexpr uint64_t kMaxSecretFileBytes = 1 << 20;

// The file's bytes into *out; false with *error ("cannot read PATH: No such file or directory",
// "PATH is empty", "PATH is larger than 1MiB").
bool ReadSecretFile(const std::string& path, std::string* out, std::string* error);

// A bearer token from its file: the content without trailing whitespace (an editor's newline).
// False with *error when unreadable, empty, or holding characters an HTTP header cannot carry.
bool ReadBearerTokenFile(const std::string& path, std::string* token, std::string* error);

}  // namespace streambench
