// Descriptors from .proto files compiled at run time and from a protoset: the method and its call
// shape are found, and every broken input is an error naming the file (and for .proto files the
// line and column).
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bench/methods/proto_sources.h"

namespace streambench::methods {
namespace {

namespace fs = std::filesystem;

class ProtoFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("methods_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "protos" / "acme" / "chat");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& relative, const std::string& text) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  std::string WriteProtoset(const std::string& name, bool include_imports);

  fs::path dir_;
};

constexpr const char kCommonProto[] = R"(syntax = "proto3";
package acme.common;
message Header { string id = 1; int64 sent_unix_ms = 2; }
)";

constexpr const char kChatProto[] = R"(syntax = "proto3";
package acme.chat.v1;
import "acme/common/header.proto";
message Line { acme.common.Header header = 1; string room = 2; string text = 3; }
message Ack { string reply_to = 1; bool ok = 2; }
service ChatService {
  rpc Say(Line) returns (Ack);
  rpc Converse(stream Line) returns (stream Ack);
  rpc Follow(Line) returns (stream Line);
  rpc Upload(stream Line) returns (Ack);
}
)";

TEST_F(ProtoFilesTest, FindsEveryMethodWithItsShapeAcrossImports) {
  Write("protos/acme/common/header.proto", kCommonProto);
  std::string chat = Write("protos/acme/chat/v1/chat.proto", kChatProto);
  SourceError error;
  auto set = LoadProtoFiles({chat}, {(dir_ / "protos").string()}, &error);
  ASSERT_TRUE(set) << error.message;
  EXPECT_EQ(set->ServiceNames(), std::vector<std::string>{"acme.chat.v1.ChatService"});
  const std::pair<const char*, CallShape> kMethods[] = {{"Say", CallShape::kUnary},
                                                        {"Converse", CallShape::kBidi},
                                                        {"Follow", CallShape::kServerStream},
                                                        {"Upload", CallShape::kClientStream}};
  for (const auto& [name, shape] : kMethods) {
    const auto* method = set->FindMethod("acme.chat.v1.ChatService", name, &error);
    ASSERT_NE(method, nullptr) << name << ": " << error.message;
    EXPECT_EQ(ShapeOf(*method), shape) << name;
  }
  const auto* say = set->FindMethod("acme.chat.v1.ChatService", "Say", &error);
  EXPECT_EQ(say->input_type()->FindFieldByName("header")->message_type()->full_name(),
            "acme.common.Header");
}

TEST_F(ProtoFilesTest, SyntaxErrorNamesTheProtoFileLineAndColumn) {
  std::string broken =
      Write("protos/acme/broken.proto",
            "syntax = \"proto3\";\npackage acme;\nmessage A {\n  string x = 1\n}\n");
  SourceError error;
  EXPECT_FALSE(LoadProtoFiles({broken}, {(dir_ / "protos").string()}, &error));
  EXPECT_EQ(error.kind, SourceError::Kind::kBadInput);
  // The missing ';' is reported where the next token starts: line 5, column 1.
  EXPECT_EQ(error.message.rfind("acme/broken.proto:5:1: ", 0), 0u) << error.message;
}

TEST_F(ProtoFilesTest, UnknownTypeAndMissingImportAreErrorsNamingTheFile) {
  std::string bad_type = Write("protos/acme/bad_type.proto",
                               "syntax = \"proto3\";\npackage acme;\nmessage A { Nope x = 1; }\n");
  SourceError error;
  EXPECT_FALSE(LoadProtoFiles({bad_type}, {(dir_ / "protos").string()}, &error));
  EXPECT_NE(error.message.find("acme/bad_type.proto:3:"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("Nope"), std::string::npos) << error.message;

  std::string bad_import = Write("protos/acme/bad_import.proto",
                                 "syntax = \"proto3\";\nimport \"acme/missing.proto\";\n");
  EXPECT_FALSE(LoadProtoFiles({bad_import}, {(dir_ / "protos").string()}, &error));
  EXPECT_NE(error.message.find("acme/missing.proto"), std::string::npos) << error.message;
}

TEST_F(ProtoFilesTest, MissingFileAndFileOutsideTheImportPathsAreErrors) {
  SourceError error;
  EXPECT_FALSE(LoadProtoFiles({(dir_ / "protos/none.proto").string()}, {(dir_ / "protos").string()},
                              &error));
  EXPECT_NE(error.message.find("none.proto: no such file"), std::string::npos) << error.message;
  std::string outside = Write("elsewhere/x.proto", kCommonProto);
  EXPECT_FALSE(LoadProtoFiles({outside}, {(dir_ / "protos").string()}, &error));
  EXPECT_NE(error.message.find("not below any of the import paths"), std::string::npos)
      << error.message;
}

TEST_F(ProtoFilesTest, UnknownServiceOrMethodListsWhatThereIs) {
  Write("protos/acme/common/header.proto", kCommonProto);
  std::string chat = Write("protos/acme/chat/v1/chat.proto", kChatProto);
  SourceError error;
  auto set = LoadProtoFiles({chat}, {(dir_ / "protos").string()}, &error);
  ASSERT_TRUE(set) << error.message;
  EXPECT_EQ(set->FindMethod("acme.chat.v1.Chat", "Say", &error), nullptr);
  EXPECT_NE(error.message.find("services there: acme.chat.v1.ChatService"), std::string::npos)
      << error.message;
  EXPECT_EQ(set->FindMethod("acme.chat.v1.ChatService", "Talk", &error), nullptr);
  EXPECT_NE(error.message.find("its methods: Converse, Follow, Say, Upload"), std::string::npos)
      << error.message;
}

// A FileDescriptorSet as `protoc --include_imports --descriptor_set_out` writes it, of the
// chat protos (compiled here by LoadProtoFiles, which the tests above cover).
std::string ProtoFilesTest::WriteProtoset(const std::string& name, bool include_imports) {
  Write("protos/acme/common/header.proto", kCommonProto);
  std::string chat = Write("protos/acme/chat/v1/chat.proto", kChatProto);
  SourceError error;
  auto compiled = LoadProtoFiles({chat}, {(dir_ / "protos").string()}, &error);
  EXPECT_TRUE(compiled) << error.message;
  google::protobuf::FileDescriptorSet set;
  const auto* file = compiled->pool().FindFileByName("acme/chat/v1/chat.proto");
  if (include_imports) file->dependency(0)->CopyTo(set.add_file());
  file->CopyTo(set.add_file());
  fs::path path = dir_ / name;
  std::ofstream(path, std::ios::binary) << set.SerializeAsString();
  return path.string();
}

TEST_F(ProtoFilesTest, ProtosetGivesTheMethods) {
  std::string path = WriteProtoset("chat.protoset", true);
  SourceError error;
  auto set = LoadProtoset(path, &error);
  ASSERT_TRUE(set) << error.message;
  const auto* method = set->FindMethod("acme.chat.v1.ChatService", "Converse", &error);
  ASSERT_NE(method, nullptr) << error.message;
  EXPECT_EQ(ShapeOf(*method), CallShape::kBidi);
  EXPECT_EQ(method->input_type()->FindFieldByName("header")->message_type()->full_name(),
            "acme.common.Header");
}

TEST_F(ProtoFilesTest, BrokenProtosetsAreErrorsNamingTheFile) {
  SourceError error;
  std::string no_imports = WriteProtoset("partial.protoset", false);
  EXPECT_FALSE(LoadProtoset(no_imports, &error));
  EXPECT_NE(error.message.find("partial.protoset: "), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("--include_imports"), std::string::npos) << error.message;

  std::string garbage = Write("garbage.protoset", "\xff\xff\xff not a descriptor set");
  EXPECT_FALSE(LoadProtoset(garbage, &error));
  EXPECT_NE(error.message.find("not a FileDescriptorSet"), std::string::npos) << error.message;

  EXPECT_FALSE(LoadProtoset((dir_ / "absent.protoset").string(), &error));
  EXPECT_NE(error.message.find("absent.protoset: no such file"), std::string::npos)
      << error.message;
}

}  // namespace
}  // namespace streambench::methods
