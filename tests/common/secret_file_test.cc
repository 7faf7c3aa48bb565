// Key and token files: read whole, a token's trailing newline dropped, and every error names the
// path and never the content (which may be a secret).
#include "common/secret_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace streambench {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(content.data(), 1, content.size(), f);
  std::fclose(f);
  return path;
}

TEST(SecretFileTest, TokenLosesItsTrailingNewlineOnly) {
  std::string token, error;
  ASSERT_TRUE(ReadBearerTokenFile(WriteTemp("t1", "abc def\r\n"), &token, &error)) << error;
  EXPECT_EQ(token, "abc def");
}

TEST(SecretFileTest, ErrorsNameThePathNotTheContent) {
  std::string token, error;
  const std::string two_lines = WriteTemp("t2", "s3cret\nline2\n");
  EXPECT_FALSE(ReadBearerTokenFile(two_lines, &token, &error));
  EXPECT_NE(error.find(two_lines), std::string::npos) << error;
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  EXPECT_TRUE(token.empty());
  EXPECT_FALSE(ReadBearerTokenFile(WriteTemp("t3", " \n"), &token, &error));
  EXPECT_NE(error.find("holds no token"), std::string::npos) << error;
  std::string content;
  EXPECT_FALSE(ReadSecretFile(::testing::TempDir() + "/no_such_file", &content, &error));
  EXPECT_NE(error.find("cannot read"), std::string::npos) << error;
  EXPECT_FALSE(
      ReadSecretFile(WriteTemp("t4", std::string(kMaxSecretFileBytes + 1, 'x')), &content, &error));
  EXPECT_NE(error.find("larger than 1MiB"), std::string::npos) << error;
}

}  // namespace
}  // namespace streambench
