// The key tables of scenarios/README.md are generated from the key table: this fails while they
// differ. To regenerate after changing a key:
//   cmake --build build --target scenario_key_docs
//   build/bench/scenario/scenario_key_docs scenarios/README.md
#include "bench/scenario/key_docs.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "bench/scenario/key_table.h"

namespace streambench::scenario {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(KeyDocsTest, ReadmeKeyTablesMatchTheKeyTable) {
  const std::string readme = ReadFile(std::string(STREAMBENCH_SOURCE_DIR) + "/scenarios/README.md");
  ASSERT_NE(readme.find("<!-- keys: top -->"), std::string::npos);
  std::string regenerated;
  std::string error;
  ASSERT_TRUE(RegenerateKeyTables(readme, &regenerated, &error)) << error;
  EXPECT_EQ(regenerated, readme)
      << "scenarios/README.md's key tables differ from bench/scenario/key_table.cc; run "
         "build/bench/scenario/scenario_key_docs scenarios/README.md and review the diff";
}

TEST(KeyDocsTest, EveryKeyWithDocumentationAppearsInSomeTable) {
  const std::string readme = ReadFile(std::string(STREAMBENCH_SOURCE_DIR) + "/scenarios/README.md");
  for (const char* key : {"`connections`", "`rate`", "`response_size`", "`failure.code`",
                          "`file_size`", "`heartbeat`", "`members_per_room`", "`keepalive_time`",
                          "`allow_integrity_errors`", "`rtt`", "`set`"}) {
    EXPECT_NE(readme.find(key), std::string::npos) << key;
  }
}

TEST(KeyDocsTest, RendersColumnsFromTheTable) {
  const std::string load = RenderKeyTable("load");
  EXPECT_NE(load.find("| Key | Applies to `type` | Type | Default | Range | Meaning |"),
            std::string::npos)
      << load;
  EXPECT_NE(load.find("| `outstanding` | closed | integer | 1 | 1–100000 |"), std::string::npos)
      << load;
  const std::string behavior = RenderKeyTable("server_behavior");
  EXPECT_NE(behavior.find("| `read_stall.duration` | client_stream and bidi | duration |"),
            std::string::npos)
      << behavior;
  EXPECT_NE(behavior.find("| `failure.code` | all |"), std::string::npos) << behavior;
  EXPECT_EQ(RenderKeyTable("no_such_section"), "");
}

TEST(KeyDocsTest, ReplacesOnlyTheBlocksBetweenMarkers) {
  const std::string text =
      "intro `<!-- keys: quoted -->`\n<!-- keys: call -->\nstale\n<!-- /keys -->\noutro\n";
  std::string out;
  std::string error;
  ASSERT_TRUE(RegenerateKeyTables(text, &out, &error)) << error;
  EXPECT_EQ(out, "intro `<!-- keys: quoted -->`\n<!-- keys: call -->\n" + RenderKeyTable("call") +
                     "<!-- /keys -->\noutro\n");

  EXPECT_FALSE(RegenerateKeyTables("<!-- keys: call -->\nno end\n", &out, &error));
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
  EXPECT_FALSE(RegenerateKeyTables("<!-- keys: nothing -->\n<!-- /keys -->\n", &out, &error));
  EXPECT_NE(error.find("nothing"), std::string::npos) << error;
}

// The fuzzers' dictionary (tests/fuzz/scenario.dict) seeds them with every key name; a key the
// dictionary lacks is one the fuzzers reach only by chance. Each dotted segment of every key of
// the table must be there as `key_<segment>="<segment>"`.
TEST(KeyDocsTest, FuzzDictionaryNamesEveryKeySegment) {
  const std::string dict =
      ReadFile(std::string(STREAMBENCH_SOURCE_DIR) + "/tests/fuzz/scenario.dict");
  ASSERT_FALSE(dict.empty());
  for (const ScenarioKey& key : ScenarioKeys()) {
    std::stringstream path(key.path);
    std::string segment;
    while (std::getline(path, segment, '.')) {
      // `stages[]` names the list `stages`; `*` stands for a free-form map's own names.
      if (segment.size() >= 2 && segment.compare(segment.size() - 2, 2, "[]") == 0) {
        segment.resize(segment.size() - 2);
      }
      if (segment.empty() || segment == "*") continue;
      EXPECT_NE(dict.find("key_" + segment + "=\"" + segment + "\""), std::string::npos)
          << "tests/fuzz/scenario.dict lacks key_" << segment << "=\"" << segment << "\" (from `"
          << key.path << "`)";
    }
  }
}

}  // namespace
}  // namespace streambench::scenario
