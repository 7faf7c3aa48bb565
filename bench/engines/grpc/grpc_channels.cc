#include "bench/engines/grpc/grpc_channels.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>

#include <utility>

#include "common/transport_channel_args.h"

namespace streambench::engines::grpc_engine {
namespace {

// Adds the bearer token to every call's initial metadata. An interceptor rather than gRPC's call
// credentials, which refuse plaintext channels: the token then reaches a plaintext target too
// (the server decides whether that is acceptable), and the reflection calls of the prepare phase
// carry it like the run's own calls.
class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header_value) : header_value_(header_value) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_value_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_value_;  // owned by the factory, which the channel keeps
};

class BearerTokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(const std::string& token)
      : header_value_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerTokenInterceptor(&header_value_);
  }

 private:
  const std::string header_value_;
};

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(const TlsSettings& tls) {
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  if (!tls.skip_verify) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.root_certs_pem;  // empty = gRPC's default roots (the system's)
    ssl.pem_cert_chain = tls.cert_chain_pem;
    ssl.pem_private_key = tls.private_key_pem;
    return grpc::SslCredentials(ssl);
  }
  // gRPC C++ skips verification only through its experimental TLS credentials: no chain check
  // (the no-op verifier) and no name check.
  grpc::experimental::TlsChannelCredentialsOptions options;
  std::vector<grpc::experimental::IdentityKeyCertPair> identity;
  if (!tls.cert_chain_pem.empty()) {
    identity.push_back({tls.private_key_pem, tls.cert_chain_pem});
    options.watch_identity_key_cert_pairs();
  }
  if (!tls.root_certs_pem.empty() || !identity.empty()) {
    options.set_certificate_provider(
        std::make_shared<grpc::experimental::StaticDataCertificateProvider>(tls.root_certs_pem,
                                                                            identity));
  }
  options.set_verify_server_certs(false);
  options.set_check_call_host(false);
  options.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

std::string ChannelTarget(const std::vector<std::string>& addresses) {
  if (addresses.size() == 1) return addresses[0];
  std::string target = "ipv4:";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) target += ",";
    target += addresses[i];
  }
  return target;
}

std::shared_ptr<grpc::Channel> MakeGrpcChannel(const ChannelOptions& options) {
  grpc::ChannelArguments args;
  ApplyToChannelArguments(options.transport, args);
  // Without these, channels with equal arguments share a subchannel (one TCP connection).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("streambench.channel_index", options.index);
  // gRPC's own reconnect backoff (1 s growing to 120 s by default) would keep a restarted
  // server unused for minutes; match the slots' backoff (bench/drivers/reconnect_backoff.h).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // gRPC 1.51's retry filter aborts the process on trailers without grpc-status (it dereferences
  // the missing status), so a broken server could kill the generator. Without the filter such a
  // call ends UNKNOWN; a load generator should not retry behind the measurement anyway.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  if (options.round_robin) {
    args.SetServiceConfigJSON(R"({"loadBalancingConfig":[{"round_robin":{}}]})");
  }
  if (options.tls.enabled && !options.tls.server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls.server_name);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!options.bearer_token.empty()) {
    interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(options.bearer_token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(ChannelTarget(options.addresses),
                                                                 MakeCredentials(options.tls), args,
                                                                 std::move(interceptors));
}

const char* ChannelStateName(const grpc::Channel& channel) {
  switch (const_cast<grpc::Channel&>(channel).GetState(/*try_to_connect=*/false)) {
    case GRPC_CHANNEL_IDLE:
      return "IDLE";
    case GRPC_CHANNEL_CONNECTING:
      return "CONNECTING";
    case GRPC_CHANNEL_READY:
      return "READY";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "TRANSIENT_FAILURE";
    case GRPC_CHANNEL_SHUTDOWN:
      return "SHUTDOWN";
  }
  return "UNKNOWN";
}

}  // namespace streambench::engines::grpc_engine
