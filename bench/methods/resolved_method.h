// ResolvedMethod: a scenario's named method (scenario::MethodSpec) made ready to drive: its
// descriptors, the request template, the metadata templates and the response checks, each
// compiled once. Made when the scenario is checked (descriptors on disk) and again when the run is
// prepared (then by reflection too); shared read-only by every stream of the run, whose own
// state lives in a MessageExchange (message_exchange.h).
// Every problem is a SourceError whose message names the scenario file, the line and column of
// the key at fault (a request field that does not fit: that field's line), and for a .proto the
// .proto's own line: "s.yaml:9:5: proto: protos/chat.proto:12:3: Expected \";\"."
// Thread-safety: immutable once made, except the position in a request feed (RequestFeed::Take,
// lock-free), which is the run's; the functions are reentrant.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/methods/descriptor_set.h"
#include "bench/methods/field_path.h"
#include "bench/methods/message_template.h"
#include "bench/methods/request_feed.h"
#include "bench/methods/response_check.h"
#include "bench/scenario/scenario.h"

namespace streambench::methods {

struct ResolvedMethod {
  // Declared first so it is destroyed last: everything below points into it.
  std::shared_ptr<const DescriptorSet> descriptors;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory;
  const google::protobuf::MethodDescriptor* method = nullptr;
  CallShape shape = CallShape::kUnary;
  std::string path;  // "/acme.echo.v1.EchoService/Converse", what gRPC's generic API calls
  // What the requests are: `request.json` compiled, or the lines of `request.feed` (exactly one
  // is set). The feed is shared by every stream of the run: its cursor is the run's.
  std::optional<MessageTemplate> request;
  std::shared_ptr<RequestFeed> feed;
  std::vector<std::pair<std::string, TextTemplate>> metadata;
  std::optional<ResponseAssertions> assertions;  // `response.expect.fields`
  std::optional<FieldPath> correlate_request;    // `response.correlate`
  std::optional<FieldPath> correlate_response;
  scenario::ResponsePairing pairing = scenario::ResponsePairing::kOnePerRequest;
  const google::protobuf::Message* request_prototype = nullptr;   // from `factory`
  const google::protobuf::Message* response_prototype = nullptr;  // from `factory`
  // Whether the generator needs a response as a message (to check or correlate it); otherwise it
  // only counts the response's bytes.
  bool parses_responses() const { return assertions.has_value() || correlate_response.has_value(); }
};

// The mode a call shape is run as.
scenario::Mode ModeOf(CallShape shape);

// The descriptors `run.method.proto` names: .proto files or a protoset from disk (paths relative
// to the scenario's folder), or by reflection through `channel` (required then; `target` names
// it in messages), the run's metadata rendered once and sent with each reflection request.
std::optional<DescriptorSet> LoadMethodDescriptors(const scenario::Scenario& run,
                                                   const std::shared_ptr<grpc::Channel>& channel,
                                                   const std::string& target, SourceError* error);

// `run.method` resolved in `descriptors`: the method found (an unknown one suggests the nearest
// name), its shape agreeing with `mode:` if given, the templates and checks compiled.
std::shared_ptr<const ResolvedMethod> ResolveMethod(const scenario::Scenario& run,
                                                    DescriptorSet descriptors, SourceError* error);

// For `streambench validate` and `run`: every run of `file` whose descriptors are on disk is
// resolved now, so a broken .proto, an unknown method or a request that does not fit stops the
// command before anything starts, and its mode is set from the method's shape. Runs that use
// reflection are resolved when they start. False with the first problem.
bool ResolveMethodsOnDisk(scenario::ScenarioFile* file, SourceError* error);

}  // namespace streambench::methods
