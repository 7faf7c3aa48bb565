// MessageTemplate: a request message written as proto3 JSON in the scenario, compiled once
// against the method's descriptor, then produced per message with only its templated fields
// filled. A string value may hold placeholders:
//   {{seq}}              message number within its stream, from 0
//   {{stream}}           the stream's (slot's) index in the run
//   {{call}}             the call's index in the run
//   {{unique_id}}        unique across the run and its shards: "<shard>-<call>-<seq>"
//   {{uuid}}             a random version-4 UUID (from the scenario's seed)
//   {{rand_int A B}}     a random integer in [A, B]
//   {{rand_string N}}    N random letters and digits
//   {{now_unix_ms}}, {{now_unix_ns}}   the wall clock when the message is made
//   {{env.NAME}}         environment variable NAME, read once when the template is compiled
//   {{payload N}}        N bytes of payload (letters for a string field, raw bytes for bytes)
// A numeric field takes a value that is exactly one numeric placeholder ("{{seq}}"); a string or
// bytes field takes any text around any placeholders. Every problem (unknown field, a value of
// the wrong type, an unknown placeholder, a missing variable) is found when compiling, before
// anything is sent.
// Thread-safety: a compiled template is immutable; Render() from any number of threads, each
// with its own TemplateContext.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace streambench::methods {

// The per-message values placeholders draw on.
struct TemplateContext {
  uint64_t seq = 0;     // message number within the stream
  uint64_t stream = 0;  // slot index in the run
  uint64_t call = 0;    // call index in the run
  uint32_t shard = 0;   // shard index of a distributed run (0 otherwise)
  int64_t now_unix_ns = 0;
  std::mt19937_64* rng = nullptr;  // the stream's random source; required by random placeholders
};

// Where a template problem is: the path of keys below the template's root (e.g. {"header",
// "id"}; array elements as "[2]"), for the caller to turn into the scenario's line and column.
struct TemplateError {
  std::vector<std::string> path;
  std::string
      message;  // e.g. "acme.chat.v1.Line has no field \"txt\" (fields: header, room, text)"
  std::string PathText() const;  // "header.id", "items[2].name"
};

class MessageTemplate {
 public:
  // Compiles `json` (an object) against `type`. The template keeps `factory` and `type`, which
  // must outlive it.
  static std::optional<MessageTemplate> Compile(const google::protobuf::Descriptor& type,
                                                const nlohmann::json& json,
                                                google::protobuf::DynamicMessageFactory& factory,
                                                TemplateError* error);

  MessageTemplate(MessageTemplate&&) noexcept;
  MessageTemplate& operator=(MessageTemplate&&) noexcept;
  ~MessageTemplate();

  // The message for `context`, serialized (what goes on the wire). When every placeholder fills a
  // singular field of the message itself, the bytes are made without a message object (see
  // renders_directly()); they parse to the same message as RenderMessage's.
  void Render(const TemplateContext& context, std::string* out) const;
  // The same as a message, for assertions and tests.
  std::unique_ptr<google::protobuf::Message> RenderMessage(const TemplateContext& context) const;

  bool has_placeholders() const;
  // Render() appends the templated fields' encodings to fixed bytes (no message per request).
  bool renders_directly() const;
  bool uses_random() const;  // the context must carry an rng

 private:
  struct Compiled;
  explicit MessageTemplate(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

// TextTemplate: one templated string outside a message (a metadata value), with the placeholders
// above except {{payload N}}; environment variables are read when compiling.
// Thread-safety: immutable once compiled; Render() from any thread with its own context.
class TextTemplate {
 public:
  // Nullopt with *error (e.g. "unknown placeholder {{sq}} (placeholders: ...)").
  static std::optional<TextTemplate> Compile(const std::string& text, std::string* error);

  void Render(const TemplateContext& context, std::string* out) const;
  bool uses_random() const;  // the context must carry an rng

 private:
  struct Pieces;
  TextTemplate() = default;
  std::shared_ptr<const Pieces> pieces_;
};

}  // namespace streambench::methods
