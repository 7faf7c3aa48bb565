#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace streambench::workloads {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
};

namespace {

// EVP only fails on allocation failure or a broken library; there is no recovery from either, and
// a silently wrong digest would be worse than stopping.
void Check(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr) std::abort();
  Check(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr));
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_->md); }

void Sha256::Update(std::string_view bytes) {
  if (!bytes.empty()) Check(EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()));
}

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Check(EVP_DigestFinal_ex(ctx_->md, digest, &size));
  Check(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr));
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Sha256::Of(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.Finish();
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace streambench::workloads
