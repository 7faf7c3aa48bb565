// Descriptors from what a user has on disk: .proto files compiled at run time (protobuf's own
// compiler, no protoc needed), or a binary FileDescriptorSet written by
// `protoc --include_imports --descriptor_set_out=FILE`.
// Thread-safety: free functions; each call is independent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/methods/descriptor_set.h"

namespace streambench::methods {

// Parses `files` (paths as given; each must lie below one of `import_paths`, or is found
// relative to the working directory when `import_paths` is empty) and everything they import.
// Errors name the .proto file, its line and column, e.g.
// "protos/acme/chat.proto:12:3: Expected \";\"." (all of them, one per line).
std::optional<DescriptorSet> LoadProtoFiles(const std::vector<std::string>& files,
                                            const std::vector<std::string>& import_paths,
                                            SourceError* error);

// Reads a binary FileDescriptorSet. A file that does not parse, or whose imports are missing from
// it, is an error naming the file.
std::optional<DescriptorSet> LoadProtoset(const std::string& path, SourceError* error);

}  // namespace streambench::methods
