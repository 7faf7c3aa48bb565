#include "common/secret_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace streambench {

bool ReadSecretFile(const std::string& path, std::string* out, std::string* error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  char buffer[4096];
  size_t n = 0;
  while (out->size() <= kMaxSecretFileBytes &&
         (n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    out->append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    *error = "cannot read " + path + ": read error";
  } else if (out->size() > kMaxSecretFileBytes) {
    *error = path + " is larger than 1MiB";
  } else if (out->empty()) {
    *error = path + " is empty";
  } else {
    return true;
  }
  out->clear();
  return false;
}

bool ReadBearerTokenFile(const std::string& path, std::string* token, std::string* error) {
  if (!ReadSecretFile(path, token, error)) return false;
  while (!token->empty() && std::strchr(" \t\r\n", token->back()) != nullptr) token->pop_back();
  if (token->empty()) {
    *error = path + " holds no token (only whitespace)";
    return false;
  }
  for (const char c : *token) {
    // A header value: visible ASCII and spaces (RFC 9110 field-value, no obs-text).
    if (c < 0x20 || c > 0x7e) {
      token->clear();
      *error = path + " holds a character a bearer token cannot carry (one line of ASCII)";
      return false;
    }
  }
  return true;
}

}  // namespace streambench
