#include "bench/methods/descriptor_set.h"

#include <algorithm>
#include <set>
#include <utility>

namespace streambench::methods {
namespace {

using google::protobuf::FileDescriptor;

// Every service in `file` and the files it imports, transitively.
void CollectServices(const FileDescriptor* file, std::set<const FileDescriptor*>& seen,
                     std::set<std::string>& services) {
  if (file == nullptr || !seen.insert(file).second) return;
  for (int i = 0; i < file->service_count(); ++i) services.insert(file->service(i)->full_name());
  for (int i = 0; i < file->dependency_count(); ++i) {
    CollectServices(file->dependency(i), seen, services);
  }
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

// Keeps the pool's complaints about files it could not build ("chat.proto: acme.Msg.x: \"Foo\"
// is not defined."), which the pool otherwise only logs.
class DescriptorSet::BuildErrors : public google::protobuf::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const google::protobuf::Message* descriptor, ErrorLocation location,
                const std::string& message) override {
    if (!text_.empty()) text_ += "; ";
    text_ += filename + ": " + (element_name.empty() ? "" : element_name + ": ") + message;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

CallShape ShapeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? CallShape::kBidi : CallShape::kClientStream;
  }
  return method.server_streaming() ? CallShape::kServerStream : CallShape::kUnary;
}

const char* CallShapeName(CallShape shape) {
  static constexpr const char* kNames[] = {"unary", "server_stream", "client_stream", "bidi"};
  return kNames[static_cast<int>(shape)];
}

DescriptorSet::DescriptorSet(std::vector<google::protobuf::FileDescriptorProto> files)
    : build_errors_(std::make_unique<BuildErrors>()),
      database_(std::make_unique<google::protobuf::SimpleDescriptorDatabase>()) {
  std::set<std::string> added;
  for (google::protobuf::FileDescriptorProto& file : files) {
    // A file given twice (reflection answers repeat shared imports) is kept once.
    if (!added.insert(file.name()).second) continue;
    file_names_.push_back(file.name());
    database_->AddAndOwn(new google::protobuf::FileDescriptorProto(std::move(file)));
  }
  owned_pool_ =
      std::make_unique<google::protobuf::DescriptorPool>(database_.get(), build_errors_.get());
  pool_ = owned_pool_.get();
}

DescriptorSet::DescriptorSet(DescriptorSet&&) noexcept = default;
DescriptorSet& DescriptorSet::operator=(DescriptorSet&&) noexcept = default;
DescriptorSet::~DescriptorSet() = default;

bool DescriptorSet::BuildAll(const std::string& source, SourceError* error) const {
  for (const std::string& name : file_names_) {
    if (pool_->FindFileByName(name) != nullptr) continue;
    std::string why = build_errors_ != nullptr ? build_errors_->text() : "";
    *error = {SourceError::Kind::kBadInput,
              source + ": " + name + " does not build" + (why.empty() ? "" : ": " + why)};
    return false;
  }
  return true;
}

DescriptorSet::DescriptorSet(const google::protobuf::DescriptorPool* pool,
                             std::vector<std::string> file_names, std::shared_ptr<void> owner)
    : file_names_(std::move(file_names)), pool_(pool), owner_(std::move(owner)) {}

std::vector<std::string> DescriptorSet::ServiceNames() const {
  std::set<const FileDescriptor*> seen;
  std::set<std::string> services;
  for (const std::string& name : file_names_) {
    CollectServices(pool_->FindFileByName(name), seen, services);
  }
  return {services.begin(), services.end()};
}

const google::protobuf::MethodDescriptor* DescriptorSet::FindMethod(const std::string& service,
                                                                    const std::string& method,
                                                                    SourceError* error) const {
  const google::protobuf::ServiceDescriptor* found = pool_->FindServiceByName(service);
  if (found == nullptr) {
    if (error != nullptr) {
      *error = {SourceError::Kind::kBadInput, "service \"" + service +
                                                  "\" is not in the descriptors (services there: " +
                                                  JoinNames(ServiceNames()) + ")"};
    }
    return nullptr;
  }
  const google::protobuf::MethodDescriptor* m = found->FindMethodByName(method);
  if (m == nullptr && error != nullptr) {
    std::vector<std::string> methods;
    for (int i = 0; i < found->method_count(); ++i) methods.push_back(found->method(i)->name());
    std::sort(methods.begin(), methods.end());
    *error = {SourceError::Kind::kBadInput, "service " + service + " has no method \"" + method +
                                                "\" (its methods: " + JoinNames(methods) + ")"};
  }
  return m;
}

}  // namespace streambench::methods
