#include "common/file_content.h"

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace streambench::workloads {
namespace {

TEST(WorkloadsSha256Test, KnownDigests) {
  EXPECT_EQ(ToHex(Sha256::Of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256::Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(WorkloadsSha256Test, IncrementalEqualsOneShot) {
  const std::string content = FileContent(7, 0, 100'000);
  Sha256 sha;
  for (size_t i = 0; i < content.size(); i += 777) sha.Update(content.substr(i, 777));
  EXPECT_EQ(sha.Finish(), Sha256::Of(content));
}

TEST(WorkloadsFileContentTest, AnyRangeMatchesTheWholeFile) {
  const std::string whole = FileContent(42, 0, 4096);
  for (uint64_t offset : {0u, 1u, 7u, 8u, 13u, 1000u}) {
    for (size_t size : {0u, 1u, 5u, 8u, 9u, 100u}) {
      EXPECT_EQ(FileContent(42, offset, size), whole.substr(offset, size))
          << "offset " << offset << " size " << size;
    }
  }
}

TEST(WorkloadsFileContentTest, SeedsDifferAndHashMatchesContent) {
  EXPECT_NE(FileContent(1, 0, 64), FileContent(2, 0, 64));
  EXPECT_EQ(FileSha256(3, 3'000'000), Sha256::Of(FileContent(3, 0, 3'000'000)));
}

TEST(WorkloadsFileContentTest, GeneratedIdsRoundTripAndRejectOthers) {
  uint64_t seed = 0, size = 0;
  ASSERT_TRUE(ParseGeneratedFileId(GeneratedFileId(12, 345), &seed, &size));
  EXPECT_EQ(seed, 12u);
  EXPECT_EQ(size, 345u);
  for (const char* bad : {"", "gen:", "gen:1", "gen:1:", "gen::5", "gen:1:2:3", "upload:1",
                          "gen:-1:5", "gen:1:99999999999999999999"}) {
    EXPECT_FALSE(ParseGeneratedFileId(bad, &seed, &size)) << bad;
  }
}

}  // namespace
}  // namespace streambench::workloads
