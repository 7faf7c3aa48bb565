#include "bench/methods/proto_sources.h"

#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/descriptor.pb.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace streambench::methods {
namespace {

namespace pb = google::protobuf;

// Collects the compiler's complaints as "file:line:column: message" lines (1-based positions,
// as editors count them; the compiler's are 0-based).
class ErrorLines : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& filename, int line, int column,
                const std::string& message) override {
    Add(filename, line, column, message);
  }
  void AddWarning(const std::string& filename, int line, int column,
                  const std::string& message) override {}

  void Add(const std::string& filename, int line, int column, const std::string& message) {
    if (!text_.empty()) text_ += "\n";
    text_ += filename;
    if (line >= 0) text_ += ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1);
    text_ += ": " + message;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// What a DescriptorSet built by an Importer must keep alive: the importer's pool points into
// its source tree and error collector.
struct ImporterState {
  pb::compiler::DiskSourceTree tree;
  ErrorLines errors;
  std::unique_ptr<pb::compiler::Importer> importer;
};

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

std::optional<DescriptorSet> LoadProtoFiles(const std::vector<std::string>& files,
                                            const std::vector<std::string>& import_paths,
                                            SourceError* error) {
  auto state = std::make_shared<ImporterState>();
  if (import_paths.empty()) {
    state->tree.MapPath("", ".");
  } else {
    for (const std::string& path : import_paths) state->tree.MapPath("", path);
  }
  state->importer = std::make_unique<pb::compiler::Importer>(&state->tree, &state->errors);
  std::vector<std::string> names;
  for (const std::string& file : files) {
    // The importer wants each file by its name below an import path ("acme/chat.proto"), the
    // way `import` statements name it; users give the path on disk.
    std::string virtual_name;
    std::string shadowing;
    const auto result = import_paths.empty()
                            ? pb::compiler::DiskSourceTree::SUCCESS
                            : state->tree.DiskFileToVirtualFile(file, &virtual_name, &shadowing);
    if (import_paths.empty()) virtual_name = file;
    if (result == pb::compiler::DiskSourceTree::SHADOWED) {
      *error = {SourceError::Kind::kBadInput, file + ": shadowed by " + shadowing +
                                                  " (an earlier import path has a file " +
                                                  "of the same name)"};
      return std::nullopt;
    }
    if (result != pb::compiler::DiskSourceTree::SUCCESS) {
      *error = {
          SourceError::Kind::kBadInput,
          file + (FileExists(file) ? ": not below any of the import paths" : ": no such file")};
      return std::nullopt;
    }
    if (state->importer->Import(virtual_name) == nullptr) {
      *error = {SourceError::Kind::kBadInput,
                state->errors.text().empty() ? file + ": could not be read" : state->errors.text()};
      return std::nullopt;
    }
    names.push_back(virtual_name);
  }
  const pb::DescriptorPool* pool = state->importer->pool();
  return DescriptorSet(pool, std::move(names), std::move(state));
}

std::optional<DescriptorSet> LoadProtoset(const std::string& path, SourceError* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = {SourceError::Kind::kBadInput, path + ": no such file"};
    return std::nullopt;
  }
  pb::FileDescriptorSet set;
  if (!set.ParseFromIstream(&in)) {
    *error = {SourceError::Kind::kBadInput,
              path + ": not a FileDescriptorSet (write one with protoc --include_imports " +
                  "--descriptor_set_out=FILE)"};
    return std::nullopt;
  }
  std::set<std::string> present;
  for (const pb::FileDescriptorProto& file : set.file()) present.insert(file.name());
  for (const pb::FileDescriptorProto& file : set.file()) {
    for (const std::string& dependency : file.dependency()) {
      if (present.count(dependency) == 0) {
        *error = {SourceError::Kind::kBadInput,
                  path + ": " + file.name() + " imports " + dependency +
                      ", which is not in the set (write it with protoc --include_imports)"};
        return std::nullopt;
      }
    }
  }
  std::vector<pb::FileDescriptorProto> files(set.file().begin(), set.file().end());
  DescriptorSet result(std::move(files));
  if (!result.BuildAll(path, error)) return std::nullopt;
  return result;
}

}  // namespace streambench::methods
