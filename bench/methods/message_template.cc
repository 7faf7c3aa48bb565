#include "bench/methods/message_template.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

namespace streambench::methods {

namespace pb = google::protobuf;
using json = nlohmann::json;

namespace {

// One piece of a templated value: literal text or a placeholder.
struct Piece {
  enum class Kind {
    kText,
    kSeq,
    kStream,
    kCall,
    kUniqueId,
    kUuid,
    kRandInt,
    kRandString,
    kNowUnixMs,
    kNowUnixNs,
    kPayload
  };
  Kind kind = Kind::kText;
  std::string text;      // kText
  int64_t a = 0, b = 0;  // kRandInt bounds; kRandString / kPayload length in a
};

bool IsNumeric(Piece::Kind kind) {
  switch (kind) {
    case Piece::Kind::kSeq:
    case Piece::Kind::kStream:
    case Piece::Kind::kCall:
    case Piece::Kind::kRandInt:
    case Piece::Kind::kNowUnixMs:
    case Piece::Kind::kNowUnixNs:
      return true;
    default:
      return false;
  }
}

constexpr const char kPlaceholderList[] =
    "seq, stream, call, unique_id, uuid, rand_int A B, rand_string N, now_unix_ms, "
    "now_unix_ns, env.NAME, payload N";

// The largest {{payload N}} / {{rand_string N}}: a message of 64 MiB is beyond any default limit.
constexpr int64_t kMaxGeneratedBytes = 64 << 20;

bool ParseInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = value;
  return true;
}

// Splits "a{{seq}}b" into pieces; env placeholders are replaced by their value right here.
bool ParsePieces(const std::string& value, std::vector<Piece>* pieces, std::string* error) {
  size_t pos = 0;
  auto add_text = [&](std::string text) {
    if (text.empty()) return;
    if (!pieces->empty() && pieces->back().kind == Piece::Kind::kText) {
      pieces->back().text += text;
    } else {
      pieces->push_back({Piece::Kind::kText, std::move(text)});
    }
  };
  while (pos < value.size()) {
    size_t open = value.find("{{", pos);
    if (open == std::string::npos) {
      add_text(value.substr(pos));
      break;
    }
    add_text(value.substr(pos, open - pos));
    size_t close = value.find("}}", open + 2);
    if (close == std::string::npos) {
      *error = "unclosed placeholder \"" + value.substr(open) + "\" (missing \"}}\")";
      return false;
    }
    std::istringstream words(value.substr(open + 2, close - open - 2));
    std::vector<std::string> args;
    for (std::string word; words >> word;) args.push_back(word);
    const std::string whole = value.substr(open, close + 2 - open);
    if (args.empty()) {
      *error = "empty placeholder \"{{}}\" (placeholders: " + std::string(kPlaceholderList) + ")";
      return false;
    }
    const std::string& name = args[0];
    auto want_args = [&](size_t n) {
      if (args.size() == n + 1) return true;
      *error = "placeholder " + whole + " takes " + std::to_string(n) + " argument" +
               (n == 1 ? "" : "s");
      return false;
    };
    Piece piece;
    if (name.rfind("env.", 0) == 0 && want_args(0)) {
      const char* env = std::getenv(name.c_str() + 4);
      if (env == nullptr) {
        *error = "environment variable " + name.substr(4) + " (in " + whole + ") is not set";
        return false;
      }
      add_text(env);
      pos = close + 2;
      continue;
    } else if (name == "seq" && want_args(0)) {
      piece.kind = Piece::Kind::kSeq;
    } else if (name == "stream" && want_args(0)) {
      piece.kind = Piece::Kind::kStream;
    } else if (name == "call" && want_args(0)) {
      piece.kind = Piece::Kind::kCall;
    } else if (name == "unique_id" && want_args(0)) {
      piece.kind = Piece::Kind::kUniqueId;
    } else if (name == "uuid" && want_args(0)) {
      piece.kind = Piece::Kind::kUuid;
    } else if (name == "now_unix_ms" && want_args(0)) {
      piece.kind = Piece::Kind::kNowUnixMs;
    } else if (name == "now_unix_ns" && want_args(0)) {
      piece.kind = Piece::Kind::kNowUnixNs;
    } else if (name == "rand_int" && want_args(2)) {
      piece.kind = Piece::Kind::kRandInt;
      if (!ParseInt(args[1], &piece.a) || !ParseInt(args[2], &piece.b) || piece.a > piece.b) {
        *error = "placeholder " + whole + " wants two integers A <= B";
        return false;
      }
    } else if ((name == "rand_string" || name == "payload") && want_args(1)) {
      piece.kind = name == "payload" ? Piece::Kind::kPayload : Piece::Kind::kRandString;
      if (!ParseInt(args[1], &piece.a) || piece.a < 0 || piece.a > kMaxGeneratedBytes) {
        *error = "placeholder " + whole + " wants a length from 0 to " +
                 std::to_string(kMaxGeneratedBytes);
        return false;
      }
    } else {
      if (error->empty()) {
        *error = "unknown placeholder " + whole + " (placeholders: " + kPlaceholderList + ")";
      }
      return false;
    }
    pieces->push_back(std::move(piece));
    pos = close + 2;
  }
  return true;
}

// A step from a message to one of its fields; `index` >= 0 for an element of a repeated field.
struct Step {
  const pb::FieldDescriptor* field = nullptr;
  int index = -1;
};

struct TemplatedField {
  std::vector<Step> path;
  std::vector<Piece> pieces;
};

const pb::FieldDescriptor* FindField(const pb::Descriptor& type, const std::string& key) {
  if (const pb::FieldDescriptor* field = type.FindFieldByName(key)) return field;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == key) return type.field(i);
  }
  return nullptr;
}

std::string FieldList(const pb::Descriptor& type) {
  std::string out;
  for (int i = 0; i < type.field_count(); ++i) {
    out += (i ? ", " : "") + type.field(i)->name();
  }
  return out.empty() ? "none" : out;
}

bool IsNumericField(const pb::FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return true;
    default:
      return false;
  }
}

// Walks the JSON against the descriptor: checks every key names a field, collects the templated
// strings (replacing each by a neutral value in `plain`, which protobuf's JSON parser then reads).
class Walker {
 public:
  explicit Walker(std::vector<TemplatedField>* fields, TemplateError* error)
      : fields_(fields), error_(error) {}

  bool Object(const pb::Descriptor& type, const json& value, json* plain) {
    if (!value.is_object()) {
      return Fail("a " + type.full_name() + " message is written as a JSON object");
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      const pb::FieldDescriptor* field = FindField(type, key);
      names_.push_back(key);
      if (field == nullptr) {
        return Fail(type.full_name() + " has no field \"" + key + "\" (fields: " + FieldList(type) +
                    ")");
      }
      steps_.push_back({field, -1});
      if (!Field(*field, it.value(), &(*plain)[key])) return false;
      steps_.pop_back();
      names_.pop_back();
    }
    return true;
  }

 private:
  bool Field(const pb::FieldDescriptor& field, const json& value, json* plain) {
    if (field.is_map()) {
      if (ContainsPlaceholder(value)) {
        return Fail("placeholders inside map field " + field.name() + " are not supported");
      }
      *plain = value;
      return true;
    }
    if (field.is_repeated() && value.is_array()) {
      *plain = json::array();
      for (size_t i = 0; i < value.size(); ++i) {
        names_.back() =
            names_.back().substr(0, names_.back().find('[')) + "[" + std::to_string(i) + "]";
        steps_.back().index = static_cast<int>(i);
        plain->push_back(nullptr);
        if (!Single(field, value[i], &(*plain)[i])) return false;
      }
      return true;
    }
    return Single(field, value, plain);
  }

  bool Single(const pb::FieldDescriptor& field, const json& value, json* plain) {
    if (field.cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && value.is_object() &&
        field.message_type()->well_known_type() == pb::Descriptor::WELLKNOWNTYPE_UNSPECIFIED) {
      return Object(*field.message_type(), value, plain);
    }
    if (!value.is_string() || value.get<std::string>().find("{{") == std::string::npos) {
      *plain = value;  // protobuf's JSON parser checks it
      return true;
    }
    std::vector<Piece> pieces;
    std::string why;
    if (!ParsePieces(value.get<std::string>(), &pieces, &why)) return Fail(why);
    const bool only_text = pieces.size() == 1 && pieces[0].kind == Piece::Kind::kText;
    if (only_text || pieces.empty()) {  // env placeholders only: now a literal
      *plain = pieces.empty() ? "" : pieces[0].text;
      return true;
    }
    if (IsNumericField(field)) {
      if (pieces.size() != 1 || !IsNumeric(pieces[0].kind)) {
        return Fail("field " + field.name() + " is a number: its template must be exactly one " +
                    "of {{seq}}, {{stream}}, {{call}}, {{rand_int A B}}, {{now_unix_ms}}, " +
                    "{{now_unix_ns}}");
      }
      *plain = 0;
    } else if (field.type() == pb::FieldDescriptor::TYPE_STRING ||
               field.type() == pb::FieldDescriptor::TYPE_BYTES) {
      *plain = "";
    } else {
      return Fail("field " + field.name() + " (" + field.type_name() +
                  ") cannot take a placeholder: only string, bytes and number fields can");
    }
    fields_->push_back({steps_, std::move(pieces)});
    return true;
  }

  static bool ContainsPlaceholder(const json& value) {
    if (value.is_string()) return value.get<std::string>().find("{{") != std::string::npos;
    if (value.is_structured()) {
      for (const json& item : value) {
        if (ContainsPlaceholder(item)) return true;
      }
    }
    return false;
  }

  bool Fail(const std::string& message) {
    error_->path = names_;
    error_->message = message;
    return false;
  }

  std::vector<TemplatedField>* fields_;
  TemplateError* error_;
  std::vector<Step> steps_;
  std::vector<std::string> names_;
};

constexpr const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void AppendUuid(std::mt19937_64& rng, std::string* out) {
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;              // version 4
  lo = (lo & ~(0xC0ull << 56)) | (0x80ull << 56);  // variant 10
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  out->append(text, 36);
}

// The value of a numeric piece.
int64_t Number(const Piece& piece, const TemplateContext& context) {
  switch (piece.kind) {
    case Piece::Kind::kSeq:
      return static_cast<int64_t>(context.seq);
    case Piece::Kind::kStream:
      return static_cast<int64_t>(context.stream);
    case Piece::Kind::kCall:
      return static_cast<int64_t>(context.call);
    case Piece::Kind::kRandInt:
      return std::uniform_int_distribution<int64_t>(piece.a, piece.b)(*context.rng);
    case Piece::Kind::kNowUnixMs:
      return context.now_unix_ns / 1'000'000;
    case Piece::Kind::kNowUnixNs:
      return context.now_unix_ns;
    default:
      return 0;
  }
}

// Appends one piece's text; `payload`: the buffer {{payload N}} takes its window from.
void AppendPiece(const Piece& piece, const TemplateContext& context, const std::string& payload,
                 std::string* out) {
  switch (piece.kind) {
    case Piece::Kind::kText:
      out->append(piece.text);
      return;
    case Piece::Kind::kUniqueId:
      out->append(std::to_string(context.shard) + "-" + std::to_string(context.call) + "-" +
                  std::to_string(context.seq));
      return;
    case Piece::Kind::kUuid:
      AppendUuid(*context.rng, out);
      return;
    case Piece::Kind::kRandString:
      for (int64_t i = 0; i < piece.a; ++i) {
        out->push_back(kAlphabet[(*context.rng)() % (sizeof(kAlphabet) - 1)]);
      }
      return;
    case Piece::Kind::kPayload:
      // A window into a fixed buffer that moves with the sequence number: no allocation.
      out->append(payload, context.seq % 64, static_cast<size_t>(piece.a));
      return;
    default:
      out->append(std::to_string(Number(piece, context)));
  }
}

// Protobuf's wire format, for the fields a direct render appends.
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

size_t EncodeVarint(uint64_t value, char* buffer) {
  size_t n = 0;
  while (value >= 0x80) {
    buffer[n++] = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  buffer[n++] = static_cast<char>(value);
  return n;
}

void AppendVarint(uint64_t value, std::string* out) {
  char buffer[10];
  out->append(buffer, EncodeVarint(value, buffer));
}

void AppendTag(const pb::FieldDescriptor& field, WireType type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field.number()) << 3) | type, out);
}

template <typename T>
void AppendLittleEndian(T value, std::string* out) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // x86-64 and aarch64 Linux are little-endian
  out->append(bytes, sizeof(T));
}

// A numeric field's encoding, with the value converted as the reflection setters of Fill() do.
void AppendNumber(const pb::FieldDescriptor& field, int64_t value, std::string* out) {
  switch (field.type()) {
    case pb::FieldDescriptor::TYPE_INT32:  // negative: sign-extended to ten bytes
      AppendTag(field, kVarint, out);
      return AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value))),
                          out);
    case pb::FieldDescriptor::TYPE_INT64:
      AppendTag(field, kVarint, out);
      return AppendVarint(static_cast<uint64_t>(value), out);
    case pb::FieldDescriptor::TYPE_UINT32:
      AppendTag(field, kVarint, out);
      return AppendVarint(static_cast<uint32_t>(value), out);
    case pb::FieldDescriptor::TYPE_UINT64:
      AppendTag(field, kVarint, out);
      return AppendVarint(static_cast<uint64_t>(value), out);
    case pb::FieldDescriptor::TYPE_SINT32: {
      const int32_t v = static_cast<int32_t>(value);
      AppendTag(field, kVarint, out);
      return AppendVarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31), out);
    }
    case pb::FieldDescriptor::TYPE_SINT64:
      AppendTag(field, kVarint, out);
      return AppendVarint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63),
                          out);
    case pb::FieldDescriptor::TYPE_FIXED32:
    case pb::FieldDescriptor::TYPE_SFIXED32:
      AppendTag(field, kFixed32, out);
      return AppendLittleEndian(static_cast<uint32_t>(value), out);
    case pb::FieldDescriptor::TYPE_FIXED64:
    case pb::FieldDescriptor::TYPE_SFIXED64:
      AppendTag(field, kFixed64, out);
      return AppendLittleEndian(static_cast<uint64_t>(value), out);
    case pb::FieldDescriptor::TYPE_DOUBLE:
      AppendTag(field, kFixed64, out);
      return AppendLittleEndian(static_cast<double>(value), out);
    case pb::FieldDescriptor::TYPE_FLOAT:
      AppendTag(field, kFixed32, out);
      return AppendLittleEndian(static_cast<float>(value), out);
    default:
      return;  // not numeric: the walker allows no placeholder there
  }
}

// The bytes a text piece is known to take before rendering, for reserving the buffer.
size_t StaticLength(const Piece& piece) {
  switch (piece.kind) {
    case Piece::Kind::kText:
      return piece.text.size();
    case Piece::Kind::kPayload:
    case Piece::Kind::kRandString:
      return static_cast<size_t>(piece.a);
    case Piece::Kind::kUuid:
      return 36;
    default:
      return 20;  // a number, or "shard-call-seq" (more is fine: the string grows)
  }
}

bool UsesRandom(const Piece& piece) {
  return piece.kind == Piece::Kind::kUuid || piece.kind == Piece::Kind::kRandInt ||
         piece.kind == Piece::Kind::kRandString;
}

}  // namespace

std::string TemplateError::PathText() const {
  std::string out;
  for (const std::string& name : path) out += (out.empty() ? "" : ".") + name;
  return out;
}

struct MessageTemplate::Compiled {
  std::unique_ptr<pb::Message> prototype;
  std::string prototype_bytes;
  // Direct rendering, when every templated field is a singular field of the message itself (not
  // nested, not repeated): a message is the prototype's bytes without those fields, then each
  // field's encoding appended. No message object is made per request; parsers take fields in any
  // order, so the bytes parse to RenderMessage's message.
  bool direct = false;
  std::string direct_prefix;
  size_t direct_reserve_bytes = 0;  // what a rendered message is expected to take
  std::vector<TemplatedField> fields;
  bool uses_random = false;
  std::string payload_text;   // letters, for {{payload N}} in string fields
  std::string payload_bytes;  // pseudo-random bytes, for bytes fields

  void AppendText(const Piece& piece, const TemplateContext& context, bool bytes_field,
                  std::string* out) const {
    AppendPiece(piece, context, bytes_field ? payload_bytes : payload_text, out);
  }

  void RenderDirect(const TemplateContext& context, std::string* out) const {
    out->clear();
    out->reserve(direct_reserve_bytes);
    out->append(direct_prefix);
    for (const TemplatedField& templated : fields) {
      const pb::FieldDescriptor& field = *templated.path[0].field;
      if (IsNumericField(field)) {
        AppendNumber(field, Number(templated.pieces[0], context), out);
        continue;
      }
      AppendTag(field, kLengthDelimited, out);
      const size_t start = out->size();
      const bool bytes_field = field.type() == pb::FieldDescriptor::TYPE_BYTES;
      for (const Piece& piece : templated.pieces) AppendText(piece, context, bytes_field, out);
      char length[10];
      out->insert(start, length, EncodeVarint(out->size() - start, length));
    }
  }

  void Fill(const TemplatedField& templated, const TemplateContext& context,
            pb::Message* message) const {
    for (size_t i = 0; i + 1 < templated.path.size(); ++i) {
      const Step& step = templated.path[i];
      const pb::Reflection* reflection = message->GetReflection();
      message = step.index >= 0
                    ? reflection->MutableRepeatedMessage(message, step.field, step.index)
                    : reflection->MutableMessage(message, step.field);
    }
    const Step& last = templated.path.back();
    const pb::FieldDescriptor* field = last.field;
    const pb::Reflection* reflection = message->GetReflection();
    const bool repeated = last.index >= 0;
    if (IsNumericField(*field)) {
      const int64_t value = Number(templated.pieces[0], context);
      switch (field->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_INT32:
          repeated ? reflection->SetRepeatedInt32(message, field, last.index, value)
                   : reflection->SetInt32(message, field, static_cast<int32_t>(value));
          break;
        case pb::FieldDescriptor::CPPTYPE_INT64:
          repeated ? reflection->SetRepeatedInt64(message, field, last.index, value)
                   : reflection->SetInt64(message, field, value);
          break;
        case pb::FieldDescriptor::CPPTYPE_UINT32:
          repeated ? reflection->SetRepeatedUInt32(message, field, last.index, value)
                   : reflection->SetUInt32(message, field, static_cast<uint32_t>(value));
          break;
        case pb::FieldDescriptor::CPPTYPE_UINT64:
          repeated ? reflection->SetRepeatedUInt64(message, field, last.index, value)
                   : reflection->SetUInt64(message, field, static_cast<uint64_t>(value));
          break;
        case pb::FieldDescriptor::CPPTYPE_DOUBLE:
          repeated ? reflection->SetRepeatedDouble(message, field, last.index, value)
                   : reflection->SetDouble(message, field, static_cast<double>(value));
          break;
        case pb::FieldDescriptor::CPPTYPE_FLOAT:
          repeated ? reflection->SetRepeatedFloat(message, field, last.index, value)
                   : reflection->SetFloat(message, field, static_cast<float>(value));
          break;
        default:
          break;
      }
      return;
    }
    std::string text;
    const bool bytes_field = field->type() == pb::FieldDescriptor::TYPE_BYTES;
    for (const Piece& piece : templated.pieces) AppendText(piece, context, bytes_field, &text);
    repeated ? reflection->SetRepeatedString(message, field, last.index, std::move(text))
             : reflection->SetString(message, field, std::move(text));
  }
};

MessageTemplate::MessageTemplate(std::unique_ptr<Compiled> compiled)
    : compiled_(std::move(compiled)) {}
MessageTemplate::MessageTemplate(MessageTemplate&&) noexcept = default;
MessageTemplate& MessageTemplate::operator=(MessageTemplate&&) noexcept = default;
MessageTemplate::~MessageTemplate() = default;

std::optional<MessageTemplate> MessageTemplate::Compile(const pb::Descriptor& type,
                                                        const json& value,
                                                        pb::DynamicMessageFactory& factory,
                                                        TemplateError* error) {
  auto compiled = std::make_unique<Compiled>();
  json plain = json::object();
  Walker walker(&compiled->fields, error);
  if (!walker.Object(type, value, &plain)) return std::nullopt;

  compiled->prototype.reset(factory.GetPrototype(&type)->New());
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      pb::util::JsonStringToMessage(plain.dump(), compiled->prototype.get(), options);
  if (!status.ok()) {
    error->path.clear();
    error->message = "does not fit " + type.full_name() + ": " + std::string(status.message());
    return std::nullopt;
  }
  compiled->prototype->SerializeToString(&compiled->prototype_bytes);
  compiled->direct =
      !compiled->fields.empty() &&
      std::all_of(compiled->fields.begin(), compiled->fields.end(), [](const TemplatedField& f) {
        return f.path.size() == 1 && f.path[0].index < 0;
      });
  if (compiled->direct) {
    std::unique_ptr<pb::Message> prefix(compiled->prototype->New());
    prefix->CopyFrom(*compiled->prototype);
    compiled->direct_reserve_bytes = 0;
    for (const TemplatedField& field : compiled->fields) {
      prefix->GetReflection()->ClearField(prefix.get(), field.path[0].field);
      compiled->direct_reserve_bytes += 16;  // tag and length
      for (const Piece& piece : field.pieces) compiled->direct_reserve_bytes += StaticLength(piece);
    }
    prefix->SerializeToString(&compiled->direct_prefix);
    compiled->direct_reserve_bytes += compiled->direct_prefix.size();
  }

  int64_t longest_payload = 0;
  for (const TemplatedField& field : compiled->fields) {
    for (const Piece& piece : field.pieces) {
      if (UsesRandom(piece)) compiled->uses_random = true;
      if (piece.kind == Piece::Kind::kPayload) longest_payload = std::max(longest_payload, piece.a);
    }
  }
  if (longest_payload > 0) {
    std::mt19937_64 rng(0x5EED);
    const size_t size = static_cast<size_t>(longest_payload) + 64;
    compiled->payload_text.resize(size);
    compiled->payload_bytes.resize(size);
    for (size_t i = 0; i < size; ++i) {
      const uint64_t r = rng();
      compiled->payload_text[i] = kAlphabet[r % (sizeof(kAlphabet) - 1)];
      compiled->payload_bytes[i] = static_cast<char>(r >> 8);
    }
  }
  return MessageTemplate(std::move(compiled));
}

std::unique_ptr<pb::Message> MessageTemplate::RenderMessage(const TemplateContext& context) const {
  std::unique_ptr<pb::Message> message(compiled_->prototype->New());
  message->CopyFrom(*compiled_->prototype);
  for (const TemplatedField& field : compiled_->fields)
    compiled_->Fill(field, context, message.get());
  return message;
}

void MessageTemplate::Render(const TemplateContext& context, std::string* out) const {
  if (compiled_->fields.empty()) {
    *out = compiled_->prototype_bytes;
  } else if (compiled_->direct) {
    compiled_->RenderDirect(context, out);
  } else {
    RenderMessage(context)->SerializeToString(out);
  }
}

bool MessageTemplate::has_placeholders() const { return !compiled_->fields.empty(); }
bool MessageTemplate::renders_directly() const { return compiled_->direct; }
bool MessageTemplate::uses_random() const { return compiled_->uses_random; }

}  // namespace streambench::methods

namespace streambench::methods {

struct TextTemplate::Pieces {
  std::vector<Piece> pieces;
  bool uses_random = false;
};

std::optional<TextTemplate> TextTemplate::Compile(const std::string& text, std::string* error) {
  auto compiled = std::make_shared<Pieces>();
  error->clear();
  if (!ParsePieces(text, &compiled->pieces, error)) return std::nullopt;
  for (const Piece& piece : compiled->pieces) {
    if (piece.kind == Piece::Kind::kPayload) {
      *error = "{{payload N}} belongs in a message field, not in text";
      return std::nullopt;
    }
    if (UsesRandom(piece)) compiled->uses_random = true;
  }
  TextTemplate result;
  result.pieces_ = std::move(compiled);
  return result;
}

void TextTemplate::Render(const TemplateContext& context, std::string* out) const {
  out->clear();
  static const std::string kNoPayload;
  for (const Piece& piece : pieces_->pieces) AppendPiece(piece, context, kNoPayload, out);
}

bool TextTemplate::uses_random() const { return pieces_->uses_random; }

}  // namespace streambench::methods
