// What one bidi request costs to build on each path, for 64 B and 1 KiB payloads: the compiled
// streambench.v1 driver's (a generated Request filled, its payload checksummed, serialized) and
// the any-service path's (a MessageTemplate of the same message, {{seq}} and {{payload N}}
// filled per message, serialized). The template is compiled against the descriptor with a
// DynamicMessageFactory, as for a method loaded from its .proto.
#include <benchmark/benchmark.h>
#include <google/protobuf/dynamic_message.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/methods/message_template.h"
#include "common/crc32c.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench::methods {
namespace {

void BM_RequestCompiled(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const std::string payload(size + 64, 'p');
  v1::Request request;
  uint64_t seq = 0;
  for (auto _ : state) {
    const std::string_view slice(payload.data() + seq % 64, size);
    request.set_seq(seq);
    request.set_client_send_time_ns(static_cast<int64_t>(seq));
    request.set_intended_send_time_ns(static_cast<int64_t>(seq));
    request.set_payload(slice.data(), slice.size());
    request.set_payload_crc32c(Crc32c(slice));
    std::string bytes;
    request.SerializeToString(&bytes);
    benchmark::DoNotOptimize(bytes);
    ++seq;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestCompiled)->Arg(64)->Arg(1024);

void BM_RequestFromTemplate(benchmark::State& state) {
  google::protobuf::DynamicMessageFactory factory;
  TemplateError error;
  const nlohmann::json json = {{"seq", "{{seq}}"},
                               {"payload", "{{payload " + std::to_string(state.range(0)) + "}}"}};
  std::optional<MessageTemplate> request =
      MessageTemplate::Compile(*v1::Request::descriptor(), json, factory, &error);
  if (!request) {
    state.SkipWithError(error.message.c_str());
    return;
  }
  TemplateContext context;
  for (auto _ : state) {
    std::string bytes;
    request->Render(context, &bytes);
    benchmark::DoNotOptimize(bytes);
    ++context.seq;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestFromTemplate)->Arg(64)->Arg(1024);

}  // namespace
}  // namespace streambench::methods
