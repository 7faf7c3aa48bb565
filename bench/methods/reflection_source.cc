#include "bench/methods/reflection_source.h"

#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <deque>
#include <map>
#include <set>

#include "bench/methods/blocking_stream.h"
#include "common/status_names.h"

namespace streambench::methods {
namespace {

namespace pb = google::protobuf;

// The reflection protocol's messages (the parts this client uses), from the field numbers gRPC
// publishes, written compactly; PACKAGE is replaced by each version's package.
// clang-format off
constexpr const char kReflectionProto[] = R"schema(
syntax = "proto3";
package PACKAGE;
message ServerReflectionRequest { string host = 1; oneof message_request {
  string file_by_filename = 3; string file_containing_symbol = 4;
  string all_extension_numbers_of_type = 6; string list_services = 7; } }
message ServerReflectionResponse { string valid_host = 1;
  ServerReflectionRequest original_request = 2; oneof message_response {
  FileDescriptorResponse file_descriptor_response = 4;
  ListServiceResponse list_services_response = 6; ErrorResponse error_response = 7; } }
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
)schema";
// clang-format on

constexpr const char* kVersions[] = {"grpc.reflection.v1", "grpc.reflection.v1alpha"};

// One version's message types, built from kReflectionProto in a private pool.
class ReflectionProtocol {
 public:
  explicit ReflectionProtocol(const std::string& package) {
    std::string text = kReflectionProto;
    text.replace(text.find("PACKAGE"), 7, package);
    pb::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
    pb::io::Tokenizer tokenizer(&input, nullptr);
    pb::FileDescriptorProto file;
    pb::compiler::Parser parser;
    parser.Parse(&tokenizer, &file);
    file.set_name(package + "/reflection.proto");
    pool_.BuildFile(file);
    request_ = pool_.FindMessageTypeByName(package + ".ServerReflectionRequest");
    response_ = pool_.FindMessageTypeByName(package + ".ServerReflectionResponse");
    method_ = "/" + package + ".ServerReflection/ServerReflectionInfo";
  }

  const std::string& method() const { return method_; }

  // A request with one string field of the oneof set (e.g. "list_services", "*").
  std::string Request(const std::string& field, const std::string& value) {
    std::unique_ptr<pb::Message> message(factory_.GetPrototype(request_)->New());
    message->GetReflection()->SetString(message.get(), request_->FindFieldByName(field), value);
    return message->SerializeAsString();
  }

  std::unique_ptr<pb::Message> ParseResponse(const std::string& bytes) {
    std::unique_ptr<pb::Message> message(factory_.GetPrototype(response_)->New());
    if (!message->ParseFromString(bytes)) return nullptr;
    return message;
  }

 private:
  pb::DescriptorPool pool_;
  pb::DynamicMessageFactory factory_;
  const pb::Descriptor* request_ = nullptr;
  const pb::Descriptor* response_ = nullptr;
  std::string method_;
};

// The submessage `name` of `message` when that oneof member is set, else nullptr.
const pb::Message* SetSubmessage(const pb::Message& message, const std::string& name) {
  const pb::FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  if (!message.GetReflection()->HasField(message, field)) return nullptr;
  return &message.GetReflection()->GetMessage(message, field);
}

std::vector<std::string> RepeatedStrings(const pb::Message& message, const std::string& name) {
  const pb::FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  const pb::Reflection* reflection = message.GetReflection();
  std::vector<std::string> out;
  for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
    out.push_back(reflection->GetRepeatedString(message, field, i));
  }
  return out;
}

// "UNIMPLEMENTED (message)": the project's one status-name table, with gRPC's message.
std::string StatusText(const grpc::Status& status) {
  std::string text = StatusCodeName(static_cast<int>(status.error_code()));
  if (!status.error_message().empty()) text += " (" + status.error_message() + ")";
  return text;
}

// What one protocol version got: descriptors, a user error, or a status to report.
struct Attempt {
  std::optional<DescriptorSet> set;
  std::optional<SourceError> bad_input;
  grpc::Status status;
};

Attempt TryVersion(const ReflectionQuery& query, const std::string& package) {
  ReflectionProtocol protocol(package);
  BlockingGenericStream stream(query.channel, protocol.method(), query.metadata, query.timeout);
  Attempt attempt;
  auto ask = [&](const std::string& field, const std::string& value) {
    std::string bytes;
    if (!stream.Write(protocol.Request(field, value)) || !stream.Read(&bytes)) {
      return std::unique_ptr<pb::Message>();
    }
    return protocol.ParseResponse(bytes);
  };
  // The stream ended before an answer: its status says why.
  auto note_stream_end = [&] {
    attempt.status = stream.Finish();
    if (attempt.status.ok()) {
      attempt.status = grpc::Status(grpc::StatusCode::INTERNAL, "the stream ended early");
    }
  };

  std::unique_ptr<pb::Message> listing = ask("list_services", "*");
  if (listing == nullptr) {
    note_stream_end();
    return attempt;
  }
  std::vector<std::string> offered;
  if (const pb::Message* services = SetSubmessage(*listing, "list_services_response")) {
    const pb::FieldDescriptor* field = services->GetDescriptor()->FindFieldByName("service");
    for (int i = 0; i < services->GetReflection()->FieldSize(*services, field); ++i) {
      const pb::Message& entry = services->GetReflection()->GetRepeatedMessage(*services, field, i);
      offered.push_back(
          entry.GetReflection()->GetString(entry, entry.GetDescriptor()->FindFieldByName("name")));
    }
  }

  std::map<std::string, pb::FileDescriptorProto> files;
  std::deque<std::string> wanted_files;
  auto take_files = [&](const pb::Message& response, const std::string& asked) -> bool {
    const pb::Message* answer = SetSubmessage(response, "file_descriptor_response");
    if (answer == nullptr) {
      std::string why = "no descriptors in the answer";
      if (const pb::Message* err = SetSubmessage(response, "error_response")) {
        why = err->GetReflection()->GetString(
            *err, err->GetDescriptor()->FindFieldByName("error_message"));
      }
      std::string services;
      for (const std::string& name : offered) services += (services.empty() ? "" : ", ") + name;
      attempt.bad_input = SourceError{
          SourceError::Kind::kBadInput,
          "reflection at " + query.target + " (" + package + ") has no " + asked + ": " + why +
              " (services there: " + (services.empty() ? "none" : services) + ")"};
      return false;
    }
    for (const std::string& bytes : RepeatedStrings(*answer, "file_descriptor_proto")) {
      pb::FileDescriptorProto file;
      if (!file.ParseFromString(bytes)) {
        attempt.bad_input = SourceError{SourceError::Kind::kBadInput,
                                        "reflection at " + query.target + " (" + package +
                                            ") answered a file descriptor that does not parse"};
        return false;
      }
      for (const std::string& dependency : file.dependency()) wanted_files.push_back(dependency);
      std::string name = file.name();
      files.emplace(name, std::move(file));
    }
    return true;
  };

  for (const std::string& service : query.services) {
    std::unique_ptr<pb::Message> answer = ask("file_containing_symbol", service);
    if (answer == nullptr) {
      note_stream_end();
      return attempt;
    }
    if (!take_files(*answer, "service " + service)) return attempt;
  }
  // Servers usually send the imports with the file; ask for any they left out.
  while (!wanted_files.empty()) {
    std::string name = wanted_files.front();
    wanted_files.pop_front();
    if (files.count(name) != 0) continue;
    std::unique_ptr<pb::Message> answer = ask("file_by_filename", name);
    if (answer == nullptr) {
      note_stream_end();
      return attempt;
    }
    if (!take_files(*answer, "file " + name)) return attempt;
  }
  stream.Finish();

  std::vector<pb::FileDescriptorProto> list;
  for (auto& [name, file] : files) list.push_back(std::move(file));
  DescriptorSet set(std::move(list));
  SourceError build_error;
  if (!set.BuildAll("reflection at " + query.target, &build_error)) {
    attempt.bad_input = build_error;
    return attempt;
  }
  attempt.set = std::move(set);
  return attempt;
}

}  // namespace

std::optional<DescriptorSet> LoadByReflection(const ReflectionQuery& query, SourceError* error) {
  std::string tried;
  for (const char* package : kVersions) {
    Attempt attempt = TryVersion(query, package);
    if (attempt.set) return std::move(attempt.set);
    if (attempt.bad_input) {
      *error = *attempt.bad_input;
      return std::nullopt;
    }
    if (!tried.empty()) tried += "; ";
    tried += std::string(package) + ": " + StatusText(attempt.status);
    // Only a server that lacks this version is worth asking for the next one.
    if (attempt.status.error_code() != grpc::StatusCode::UNIMPLEMENTED) break;
  }
  *error = {SourceError::Kind::kUnreachable,
            "server reflection at " + query.target + " failed (" + tried +
                "); give the descriptors with proto.files or proto.protoset instead"};
  return std::nullopt;
}

}  // namespace streambench::methods
