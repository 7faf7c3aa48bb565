// Sha256: incremental SHA-256 over OpenSSL's EVP interface, for the file-transfer workloads
// (the server hashes an upload as it streams through; both sides hash downloads). No crypto of
// our own: this only wraps EVP_MD_CTX so callers never see OpenSSL types or error codes.
// Thread-safety: an instance is not thread-safe (one stream owns it); the free functions are.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace streambench::workloads {

class Sha256 {
 public:
  static constexpr size_t kDigestBytes = 32;

  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // The 32-byte digest of everything updated so far; the object starts over afterwards.
  std::string Finish();

  // Digest of `bytes` in one go.
  static std::string Of(std::string_view bytes);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Lower-case hex of `bytes` (for messages and logs).
std::string ToHex(std::string_view bytes);

}  // namespace streambench::workloads
