// Descriptors by server reflection from a real gRPC server on a loopback port: the files of the
// asked service and its imports arrive and build; a server without reflection, a server that is
// not there and a service the server does not have are errors that say what was tried.
#include "bench/methods/reflection_source.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::methods {
namespace {

// A service whose methods are never called: it is there to be described. (Its messages live in
// the same file, so the file's descriptor is linked in and the server can describe it.)
class DescribedService : public streambench::v1::StreamBench::CallbackService {};

class ReflectionServer {
 public:
  explicit ReflectionServer(bool with_reflection) {
    // The plugin is process-wide and registers itself for every builder made after this call;
    // a server without reflection disables it on its own builder.
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    if (!with_reflection) {
      builder.SetOption(std::make_unique<NoReflection>());
    }
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~ReflectionServer() { server_->Shutdown(); }

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  // Removes the reflection plugin from one builder.
  class NoReflection : public grpc::ServerBuilderOption {
   public:
    void UpdateArguments(grpc::ChannelArguments*) override {}
    void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
      plugins->clear();
    }
  };

  int port_ = 0;
  DescribedService service_;
  std::unique_ptr<grpc::Server> server_;
};

ReflectionQuery Query(const std::string& target, std::vector<std::string> services) {
  ReflectionQuery query;
  query.channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  query.target = target;
  query.services = std::move(services);
  query.metadata = {{"authorization", "Bearer test"}};
  query.timeout = std::chrono::milliseconds(5000);
  return query;
}

TEST(ReflectionSourceTest, FetchesTheServiceAndItsImports) {
  ReflectionServer server(true);
  SourceError error;
  // Linked for its descriptor (see DescribedService).
  streambench::v1::Request linked;
  auto set = LoadByReflection(Query(server.target(), {"streambench.v1.StreamBench"}), &error);
  ASSERT_TRUE(set) << error.message;
  const auto* method = set->FindMethod("streambench.v1.StreamBench", "ServerStream", &error);
  ASSERT_NE(method, nullptr) << error.message;
  EXPECT_EQ(ShapeOf(*method), CallShape::kServerStream);
  EXPECT_EQ(method->input_type()->full_name(), "streambench.v1.Request");
  EXPECT_EQ(ShapeOf(*set->FindMethod("streambench.v1.StreamBench", "Bidi", &error)),
            CallShape::kBidi);
}

TEST(ReflectionSourceTest, UnknownServiceListsTheServerServices) {
  ReflectionServer server(true);
  SourceError error;
  EXPECT_FALSE(LoadByReflection(Query(server.target(), {"acme.Nope"}), &error));
  EXPECT_EQ(error.kind, SourceError::Kind::kBadInput);
  EXPECT_NE(error.message.find("has no service acme.Nope"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("streambench.v1.StreamBench"), std::string::npos) << error.message;
}

TEST(ReflectionSourceTest, ServerWithoutReflectionSaysWhatWasTried) {
  ReflectionServer server(false);
  SourceError error;
  EXPECT_FALSE(LoadByReflection(Query(server.target(), {"streambench.v1.StreamBench"}), &error));
  EXPECT_EQ(error.kind, SourceError::Kind::kUnreachable);
  EXPECT_NE(error.message.find("grpc.reflection.v1: UNIMPLEMENTED"), std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("grpc.reflection.v1alpha: UNIMPLEMENTED"), std::string::npos)
      << error.message;
}

TEST(ReflectionSourceTest, NoServerIsUnreachableWithinTheTimeout) {
  // A port nobody listens on: bind one, note it, close it.
  std::string target;
  {
    ReflectionServer gone(true);
    target = gone.target();
  }
  ReflectionQuery query = Query(target, {"streambench.v1.StreamBench"});
  query.timeout = std::chrono::milliseconds(1000);
  SourceError error;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(LoadByReflection(query, &error));
  EXPECT_EQ(error.kind, SourceError::Kind::kUnreachable);
  EXPECT_NE(error.message.find("UNAVAILABLE"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find(target), std::string::npos) << error.message;
  // Bounded by the timeout (plus the one second of slack the stream allows), never a hang.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace streambench::methods
