#include "bench/scenario/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <sstream>

namespace streambench::scenario {

const YamlNode* YamlNode::Find(const std::string& key) const {
  for (const YamlMapEntry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

YamlNode* YamlNode::FindMutable(const std::string& key) {
  for (YamlMapEntry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

std::string YamlNode::Describe() const {
  if (kind != Kind::kScalar) {
    return kind == Kind::kNull ? "nothing" : kind == Kind::kSequence ? "a list" : "a mapping";
  }
  if (scalar.empty()) return "an empty value";
  // Long or binary values are shortened so one bad value cannot flood the message.
  std::string shown;
  for (char c : scalar) {
    if (shown.size() >= 40) {
      shown += "...";
      break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    // Control and non-ASCII bytes become `?`: binary input must not garble the terminal.
    shown += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  return "`" + shown + "`";
}

void YamlNode::MarkFromSetArgument(const std::string& arg) {
  set_arg = arg;
  line = 0;
  column = 0;
  for (YamlNode& item : items) item.MarkFromSetArgument(arg);
  for (YamlMapEntry& entry : entries) {
    entry.line = 0;
    entry.column = 0;
    entry.value.MarkFromSetArgument(arg);
  }
}

namespace {

// Builds a YamlNode tree from yaml-cpp parser events. The first problem is recorded and later
// events are ignored (throwing through yaml-cpp's parser is avoided on purpose).
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(const YamlLimits& limits) : limits_(limits) {}

  bool failed() const { return failed_; }
  const YamlParseError& error() const { return error_; }
  YamlNode TakeRoot() { return std::move(root_); }

  // Where the document starts (its `---` when written), so "more than one document" can point
  // at the second one.
  const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!Count(mark)) return;
    YamlNode node;
    SetMark(mark, &node);
    Attach(std::move(node), mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Fail(mark, "YAML aliases (*name) are not supported; write the value out");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    if (!Count(mark)) return;
    YamlNode node;
    SetMark(mark, &node);
    // Plain (unquoted) null spellings mean "no value", as in YAML 1.2's core schema.
    const bool plain = tag == "?" || tag.empty();
    if (plain && (value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      node.kind = YamlNode::Kind::kNull;
    } else {
      node.kind = YamlNode::Kind::kScalar;
      node.scalar = value;
    }
    Attach(std::move(node), mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Open(mark, YamlNode::Kind::kSequence);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Open(mark, YamlNode::Kind::kMap);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YamlNode node;
    bool have_key = false;
    YamlMapEntry pending;  // the key waiting for its value
  };

  static void SetMark(const YAML::Mark& mark, YamlNode* node) {
    node->line = mark.line + 1;
    node->column = mark.column + 1;
  }

  void Fail(const YAML::Mark& mark, const std::string& message) {
    if (failed_) return;
    failed_ = true;
    error_.line = mark.is_null() ? 0 : mark.line + 1;
    error_.column = mark.is_null() ? 0 : mark.column + 1;
    error_.message = message;
  }

  bool Count(const YAML::Mark& mark) {
    if (failed_) return false;
    if (++nodes_ > limits_.max_nodes) {
      Fail(mark, "the document has more than " + std::to_string(limits_.max_nodes) + " nodes");
      return false;
    }
    return true;
  }

  void Open(const YAML::Mark& mark, YamlNode::Kind kind) {
    if (failed_) {
      return;
    }
    if (!Count(mark)) {
      return;
    }
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Fail(mark, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      return;
    }
    Frame frame;
    frame.node.kind = kind;
    SetMark(mark, &frame.node);
    stack_.push_back(std::move(frame));
  }

  void Close() {
    if (failed_) return;
    YamlNode node = std::move(stack_.back().node);
    const bool dangling_key = stack_.back().have_key;
    stack_.pop_back();
    if (dangling_key) return;  // cannot happen with well-formed events
    YAML::Mark mark;
    mark.line = node.line - 1;
    mark.column = node.column - 1;
    Attach(std::move(node), mark);
  }

  void Attach(YamlNode node, const YAML::Mark& mark) {
    if (failed_) return;
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::kSequence) {
      top.node.items.push_back(std::move(node));
      return;
    }
    if (!top.have_key) {
      if (node.kind != YamlNode::Kind::kScalar) {
        Fail(mark, "mapping keys must be plain words, got " + node.Describe());
        return;
      }
      top.pending = YamlMapEntry{node.scalar, node.line, node.column, YamlNode{}};
      top.have_key = true;
      return;
    }
    top.pending.value = std::move(node);
    top.node.entries.push_back(std::move(top.pending));
    top.pending = YamlMapEntry{};
    top.have_key = false;
  }

  const YamlLimits limits_;
  std::vector<Frame> stack_;
  YamlNode root_;
  size_t nodes_ = 0;
  bool failed_ = false;
  YamlParseError error_;
  YAML::Mark document_start_ = YAML::Mark::null_mark();
};

}  // namespace

bool ParseYamlTree(const std::string& text, const YamlLimits& limits, YamlNode* root,
                   YamlParseError* error) {
  if (text.size() > limits.max_text_bytes) {
    *error = YamlParseError{
        0, 0, "the file is larger than " + std::to_string(limits.max_text_bytes) + " bytes"};
    return false;
  }
  // yaml-cpp stops at a NUL byte without complaint; refuse it so binary input is reported.
  const size_t nul = text.find('\0');
  if (nul != std::string::npos) {
    int line = 1;
    int column = 1;
    for (size_t i = 0; i < nul; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    *error = YamlParseError{line, column, "the file contains a NUL byte; is it binary?"};
    return false;
  }
  std::istringstream in(text);
  TreeBuilder builder(limits);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      *root = YamlNode{};
      return true;
    }
    if (builder.failed()) {
      *error = builder.error();
      return false;
    }
    // A second document would be silently ignored by a reader; make it an error instead.
    TreeBuilder second(limits);
    if (parser.HandleNextDocument(second)) {
      const YAML::Mark& at = second.document_start();
      *error = YamlParseError{at.is_null() ? 0 : at.line + 1, at.is_null() ? 0 : at.column + 1,
                              "the file holds more than one YAML document (---)"};
      return false;
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp keeps parsing after our builder refused something (it cannot be stopped from an
    // event handler) and may then throw for a reason of its own: its recursion guard says only
    // "bad file" for 10k nested lists. The builder's first problem is the clearer one.
    if (builder.failed()) {
      *error = builder.error();
      return false;
    }
    *error = YamlParseError{e.mark.is_null() ? 0 : e.mark.line + 1,
                            e.mark.is_null() ? 0 : e.mark.column + 1, e.msg};
    return false;
  } catch (const std::exception& e) {
    *error = YamlParseError{0, 0, std::string("cannot parse YAML: ") + e.what()};
    return false;
  }
  *root = builder.TakeRoot();
  return true;
}

}  // namespace streambench::scenario
