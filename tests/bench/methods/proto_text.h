// Test support: descriptors from the text of one .proto file, compiled at run time the way users'
// files are (written to a scratch directory, loaded by LoadProtoFiles, the directory removed).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "bench/methods/proto_sources.h"

namespace streambench::methods {

// The descriptors of `text`; an empty optional (with a test failure) when it does not compile.
inline std::optional<DescriptorSet> DescriptorsOf(const std::string& text) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path dir = fs::temp_directory_path() / ("proto_text_" + std::to_string(::getpid()) +
                                                    "_" + std::to_string(++counter));
  fs::create_directories(dir);
  std::ofstream(dir / "test.proto") << text;
  SourceError error;
  std::optional<DescriptorSet> set =
      LoadProtoFiles({(dir / "test.proto").string()}, {dir.string()}, &error);
  EXPECT_TRUE(set) << error.message;
  // The compiled pool no longer reads the file.
  fs::remove_all(dir);
  return set;
}

}  // namespace streambench::methods
