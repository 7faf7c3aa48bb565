// CLI11 glue shared by the project's command lines (`streambench`, `streambench-server` and the
// macro benchmark tools), so that each of them only declares its flags: the project's unit syntax
// as CLI11 transformers, range and value checks worded the project's way, a help layout, and a
// parse that turns every failure into one line naming the flag ("--port needs a value",
// "unknown flag --bogus", "--port: '70000' is not an integer in [0, 65535]").
// Both "--flag value" and "--flag=value" are accepted (CLI11's own syntax).
// Thread-safety: validators are immutable once made and may be shared; ParseArgs mutates the app
// it is given (one parse per app, in one thread).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace streambench::cli {

// A parser of the project's unit syntax ("250ms", "64KiB"): fills *value in base units, or
// returns false with a one-line reason that does not name the flag (CLI11 adds "--flag: ").
template <typename T>
using UnitParser = std::function<bool(const std::string& text, T* value, std::string* why)>;

// A transformer that replaces a text with units by its value in base units ("250ms" ->
// "250000"), so an integer target of the option takes it; a malformed text fails with the
// parser's reason.
template <typename T>
CLI::Validator UnitTransformer(UnitParser<T> parse) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        T value{};
        std::string why;
        if (!parse(text, &value, &why)) return why;
        text = std::to_string(value);
        return std::string();
      },
      std::string());
}

// A check that the text passes `check` (which fills *why when it does not), for values whose
// syntax another module owns (threshold expressions, URLs).
CLI::Validator CheckedBy(std::function<bool(const std::string& text, std::string* why)> check);

// A whole number in [min, max]: "'70000' is not an integer in [0, 65535]".
CLI::Validator IntegerIn(int64_t min, int64_t max);
// Anything but the empty text: "must not be empty".
CLI::Validator NotEmpty();
// "true", "false", "1" or "0": "'maybe' is not true or false".
CLI::Validator TrueOrFalse();
// One of `choices`: "expected bidi or server_stream, got 'x'".
CLI::Validator OneOf(std::vector<std::string> choices);

// An app laid out the project's way: lower-case headings ("usage:", "options:", "commands:"),
// commands listed with their arguments ("compare A.json B.json"), "-h,--help" described as "this
// text", a repeated single-value flag keeping its last value (as hand-written parsers did).
void SetUpApp(CLI::App* app);
// Makes `option` (one of a list, e.g. --set) take one value per occurrence and keep them all in
// order, where CLI11 would take every following argument; returns it.
CLI::Option* Repeatable(CLI::Option* option);

// A subcommand of an app set up with SetUpApp, laid out the same way.
CLI::App* AddCommand(CLI::App* app, const std::string& name, const std::string& description);

// What a command line came to.
struct ParseOutcome {
  enum class Kind { kRun, kHelp, kError };
  Kind kind = Kind::kRun;
  std::string help;   // kHelp: the help text of the command asked for
  std::string error;  // kError: one line, naming the flag or argument at fault
};

// Parses args (argv[1..], without the program name) into the options declared on `app`. An
// argument nobody declared is an error ("unknown flag --x", "unknown command 'x'" where `app`
// has subcommands and none was given, "unexpected argument 'x'"); " for 'run'" is added when it
// came after a subcommand. "--flag=" gives the flag an empty value (its check says why that is
// wrong) rather than taking the next argument. Control characters of arguments quoted in the error
// show as '?'.
ParseOutcome ParseArgs(CLI::App* app, const std::vector<std::string>& args);

}  // namespace streambench::cli
