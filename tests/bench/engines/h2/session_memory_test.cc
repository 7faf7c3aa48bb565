// The session allocator: blocks come back whole (sizes, contents through realloc, calloc's
// zeroes), freed blocks are reused by size class, the free lists stay bounded, and a session
// that ran streams on it gives every block back.
#include "bench/engines/h2/session_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <vector>

namespace streambench::engines::h2 {
namespace {

TEST(SessionMemoryTest, FreedBlocksAreReusedWithinTheirSizeClass) {
  SessionMemory memory;
  void* small = memory.Allocate(40);
  std::memset(small, 0xab, 40);
  memory.Free(small);
  EXPECT_EQ(memory.blocks_free(), 1u);
  // Any size of the same class takes it back; a larger class does not.
  EXPECT_EQ(memory.Allocate(64), small);
  void* larger = memory.Allocate(65);
  EXPECT_NE(larger, small);
  EXPECT_EQ(memory.blocks_in_use(), 2u);
  memory.Free(small);
  memory.Free(larger);
  EXPECT_EQ(memory.blocks_in_use(), 0u);
}

TEST(SessionMemoryTest, BlocksHoldTheirSizeAndReallocKeepsTheContents) {
  SessionMemory memory;
  // Sizes across every class and beyond: each block is writable to its full size and distinct.
  std::vector<void*> blocks;
  std::set<void*> distinct;
  for (size_t bytes : {1u, 63u, 64u, 100u, 500u, 2048u, 2049u, 100000u}) {
    void* block = memory.Allocate(bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 16, 0u);
    std::memset(block, static_cast<int>(bytes & 0x7f), bytes);
    blocks.push_back(block);
    distinct.insert(block);
  }
  EXPECT_EQ(distinct.size(), blocks.size());

  char* grown = static_cast<char*>(memory.mem()->realloc(nullptr, 10, memory.mem()->mem_user_data));
  for (int i = 0; i < 10; ++i) grown[i] = static_cast<char>(i);
  for (size_t bytes : {60u, 300u, 5000u, 200000u, 30u}) {
    grown = static_cast<char*>(memory.mem()->realloc(grown, bytes, memory.mem()->mem_user_data));
    ASSERT_NE(grown, nullptr);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(grown[i], static_cast<char>(i)) << bytes;
  }
  memory.mem()->free(grown, memory.mem()->mem_user_data);

  auto* zeroes =
      static_cast<unsigned char*>(memory.mem()->calloc(3, 100, memory.mem()->mem_user_data));
  for (int i = 0; i < 300; ++i) ASSERT_EQ(zeroes[i], 0) << i;
  memory.mem()->free(zeroes, memory.mem()->mem_user_data);
  for (void* block : blocks) memory.Free(block);
  EXPECT_EQ(memory.blocks_in_use(), 0u);
}

TEST(SessionMemoryTest, FreeListsStayBounded) {
  SessionMemory memory;
  std::vector<void*> blocks;
  for (size_t i = 0; i < SessionMemory::kMaxFreeBlocksPerClass + 100; ++i) {
    blocks.push_back(memory.Allocate(32));
  }
  for (void* block : blocks) memory.Free(block);
  EXPECT_EQ(memory.blocks_free(), SessionMemory::kMaxFreeBlocksPerClass);
  EXPECT_EQ(memory.blocks_in_use(), 0u);
}

TEST(SessionMemoryTest, ASessionGivesEveryBlockBack) {
  SessionMemory memory;
  nghttp2_session_callbacks* callbacks = nullptr;
  ASSERT_EQ(nghttp2_session_callbacks_new(&callbacks), 0);
  nghttp2_session* session = nullptr;
  ASSERT_EQ(nghttp2_session_client_new3(&session, callbacks, nullptr, nullptr, memory.mem()), 0);
  nghttp2_session_callbacks_del(callbacks);
  // Requests queued on the session: its allocations for them come from `memory`.
  std::string method = ":method", post = "POST", path = ":path", slash = "/a/b";
  nghttp2_nv headers[] = {
      {reinterpret_cast<uint8_t*>(method.data()), reinterpret_cast<uint8_t*>(post.data()),
       method.size(), post.size(), NGHTTP2_NV_FLAG_NONE},
      {reinterpret_cast<uint8_t*>(path.data()), reinterpret_cast<uint8_t*>(slash.data()),
       path.size(), slash.size(), NGHTTP2_NV_FLAG_NONE}};
  for (int i = 0; i < 10; ++i) {
    ASSERT_GT(nghttp2_submit_request(session, nullptr, headers, 2, nullptr, nullptr), 0);
  }
  const uint8_t* data = nullptr;
  while (nghttp2_session_mem_send(session, &data) > 0) {
  }
  EXPECT_GT(memory.blocks_in_use(), 10u);
  nghttp2_session_del(session);
  EXPECT_EQ(memory.blocks_in_use(), 0u);
}

}  // namespace
}  // namespace streambench::engines::h2
