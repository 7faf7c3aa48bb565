#include "common/cli/cli_flags.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <utility>

namespace streambench::cli {
namespace {

// Lower-case headings, and each command listed with its arguments ("compare A.json B.json"), so
// the top-level help says what each command takes.
class ProjectFormatter : public CLI::Formatter {
 public:
  ProjectFormatter() {
    label("Usage", "usage");
    label("OPTIONS", "options");
    label("SUBCOMMAND", "COMMAND");
    label("Positionals", "arguments");
    column_width(30);
  }

  // Usage first (what a reader looks for, and what scripts grep), then the description.
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::ostringstream out;
    out << make_usage(app, name);
    const std::string description = make_description(app);
    if (!description.empty()) out << "\n" << description;
    out << make_positionals(app) << make_groups(app, mode) << make_subcommands(app, mode);
    const std::string footer = make_footer(app);
    if (!footer.empty()) out << "\n" << footer;
    return out.str();
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    std::string name = sub->get_display_name(true);
    for (const CLI::Option* arg :
         sub->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
      name += " " + arg->get_name(true, false);
    }
    return Row(name, sub->get_description());
  }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return Row(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }

  // A positional's name says what it is ("FILE"); its value type adds nothing.
  std::string make_option_opts(const CLI::Option* opt) const override {
    return opt->get_positional() ? std::string() : CLI::Formatter::make_option_opts(opt);
  }

 private:
  static constexpr size_t kWidth = 100;  // columns of a help line

  // "  NAME" padded to the column, then the text wrapped at kWidth under itself.
  std::string Row(const std::string& name, const std::string& text) const {
    std::string out = "  " + name;
    if (out.size() + 1 > column_width_) {
      out += "\n";
      out.append(column_width_, ' ');
    } else {
      out.resize(column_width_, ' ');
    }
    size_t line_start = out.rfind('\n') + 1;  // npos + 1 == 0 on the first line
    std::istringstream words(text);
    std::string word;
    bool first = true;
    while (words >> word) {
      if (!first && out.size() - line_start + 1 + word.size() > kWidth) {
        out += "\n";
        line_start = out.size();
        out.append(column_width_, ' ');
      } else if (!first) {
        out += ' ';
      }
      out += word;
      first = false;
    }
    return out + "\n";
  }
};

bool IsFlag(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

// "--out=x" -> "--out".
std::string FlagName(const std::string& arg) { return arg.substr(0, arg.find('=')); }

const CLI::Option* FindOption(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands()) {
    if (const CLI::Option* o = FindOption(*sub, name)) return o;
  }
  return app.get_option_no_throw(name);
}

// CLI11 reports a value missing at the end, and a value given to a switch, in its own words
// ("--out: 1 required FILE missing"); say them as the flag's user would.
std::string DescribeMismatch(const CLI::App& app, const std::vector<std::string>& args,
                             const CLI::ArgumentMismatch& e) {
  for (const std::string& arg : args) {
    if (!IsFlag(arg) || arg.find('=') == std::string::npos) continue;
    const CLI::Option* o = FindOption(app, FlagName(arg));
    if (o != nullptr && o->get_expected_max() == 0) return FlagName(arg) + " takes no value";
  }
  if (!args.empty() && IsFlag(args.back())) {
    const CLI::Option* o = FindOption(app, args.back());
    if (o != nullptr && o->get_expected_min() > 0) {
      return args.back() + " needs a value (" + o->get_type_name() + ")";
    }
  }
  return e.what();
}

// The first argument nobody declared, as an error; empty when there is none.
std::string DescribeLeftOver(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    const std::vector<std::string> left = sub->remaining();
    if (left.empty()) continue;
    const std::string where = " for '" + sub->get_name() + "'";
    if (IsFlag(left[0])) return "unknown flag " + FlagName(left[0]) + where;
    return "unexpected argument '" + left[0] + "'" + where;
  }
  const std::vector<std::string> left = app.remaining();
  if (left.empty()) return std::string();
  if (IsFlag(left[0])) return "unknown flag " + FlagName(left[0]);
  if (!app.get_subcommands({}).empty() && app.get_subcommands().empty()) {
    return "unknown command '" + left[0] + "'";
  }
  return "unexpected argument '" + left[0] + "'";
}

// Control characters of an argument echoed in a message shown as '?', so that the message stays
// one line and cannot drive the terminal.
std::string Printable(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text;
}

}  // namespace

CLI::Validator CheckedBy(std::function<bool(const std::string& text, std::string* why)> check) {
  return CLI::Validator(
      [check](std::string& text) {
        std::string why;
        return check(text, &why) ? std::string() : why;
      },
      std::string());
}

CLI::Validator IntegerIn(int64_t min, int64_t max) {
  return CheckedBy([min, max](const std::string& text, std::string* why) {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || n < min || n > max) {
      *why = "'" + text + "' is not an integer in [" + std::to_string(min) + ", " +
             std::to_string(max) + "]";
      return false;
    }
    return true;
  });
}

CLI::Validator NotEmpty() {
  return CheckedBy([](const std::string& text, std::string* why) {
    if (!text.empty()) return true;
    *why = "must not be empty";
    return false;
  });
}

CLI::Validator TrueOrFalse() {
  return CheckedBy([](const std::string& text, std::string* why) {
    if (text == "true" || text == "false" || text == "1" || text == "0") return true;
    *why = "'" + text + "' is not true or false";
    return false;
  });
}

CLI::Validator OneOf(std::vector<std::string> choices) {
  return CheckedBy([choices = std::move(choices)](const std::string& text, std::string* why) {
    if (std::find(choices.begin(), choices.end(), text) != choices.end()) return true;
    *why = "expected ";
    for (size_t i = 0; i < choices.size(); ++i) {
      if (i > 0) *why += i + 1 == choices.size() ? " or " : ", ";
      *why += choices[i];
    }
    *why += ", got '" + text + "'";
    return false;
  });
}

void SetUpApp(CLI::App* app) {
  app->formatter(std::make_shared<ProjectFormatter>());
  app->option_defaults()->group("options")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->set_help_flag("-h,--help", "this text");  // after the defaults, to take their group
  app->group("commands");                        // the heading of the subcommands added later
  // Arguments nobody declared are collected and reported by ParseArgs, in one line of ours.
  app->allow_extras();
}

CLI::Option* Repeatable(CLI::Option* option) {
  return option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::App* AddCommand(CLI::App* app, const std::string& name, const std::string& description) {
  CLI::App* command = app->add_subcommand(name, description);
  // CLI11 makes a subcommand's help flag before it copies the parent's option defaults.
  command->set_help_flag("-h,--help", "this text");
  return command;
}

ParseOutcome ParseArgs(CLI::App* app, const std::vector<std::string>& args) {
  ParseOutcome outcome;
  // CLI11 reads "--flag=" as "--flag" followed by the next argument: pass the empty value itself.
  // CLI11 takes the arguments last first.
  std::vector<std::string> reversed;
  for (auto it = args.rbegin(); it != args.rend(); ++it) {
    const std::string& arg = *it;
    if (arg.size() > 3 && arg.rfind("--", 0) == 0 && arg.find('=') == arg.size() - 1) {
      reversed.push_back("");
      reversed.push_back(arg.substr(0, arg.size() - 1));
    } else {
      reversed.push_back(arg);
    }
  }
  try {
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    outcome.kind = ParseOutcome::Kind::kHelp;
    outcome.help = app->help();
    return outcome;
  } catch (const CLI::ArgumentMismatch& e) {
    outcome.kind = ParseOutcome::Kind::kError;
    outcome.error = Printable(DescribeMismatch(*app, args, e));
    return outcome;
  } catch (const CLI::ParseError& e) {
    outcome.kind = ParseOutcome::Kind::kError;
    outcome.error = Printable(e.what());
    return outcome;
  }
  outcome.error = Printable(DescribeLeftOver(*app));
  if (!outcome.error.empty()) outcome.kind = ParseOutcome::Kind::kError;
  return outcome;
}

}  // namespace streambench::cli
