#include "bench/macro/macro_flags.h"

#include <iostream>
#include <utility>

#include "common/cli/cli_flags.h"
#include "common/units.h"

namespace streambench::macro {

MacroFlags::MacroFlags(const std::string& tool, const std::string& description)
    : tool_(tool), app_(std::make_unique<CLI::App>(description, tool)) {
  cli::SetUpApp(app_.get());
  app_->footer("SIZE: 64B, 1KiB, 1MiB. DURATION: 250ms, 5s, 1m.");
}

MacroFlags::~MacroFlags() = default;

void MacroFlags::String(const std::string& name, const std::string& value_name, std::string* out,
                        const std::string& help) {
  app_->add_option("--" + name, *out, help)
      ->type_name(value_name)
      ->default_str(*out)
      ->check(cli::NotEmpty());
}

void MacroFlags::Choice(const std::string& name, std::vector<std::string> choices, std::string* out,
                        const std::string& help) {
  std::string value_name;  // "bidi|server_stream"
  for (const std::string& choice : choices) value_name += (value_name.empty() ? "" : "|") + choice;
  app_->add_option("--" + name, *out, help)
      ->type_name(value_name)
      ->default_str(*out)
      ->check(cli::OneOf(std::move(choices)));
}

void MacroFlags::Bool(const std::string& name, bool* out, const std::string& help) {
  app_->add_option("--" + name, *out, help)
      ->type_name("true|false")
      ->default_str(*out ? "true" : "false")
      ->check(cli::TrueOrFalse());
}

void MacroFlags::DurationUs(const std::string& name, int64_t* out_us, const std::string& help) {
  app_->add_option("--" + name, *out_us, help)
      ->type_name("DURATION")
      ->default_str(streambench::FormatDurationUs(*out_us))
      ->transform(cli::UnitTransformer<int64_t>(streambench::ParseDurationUs));
}

void MacroFlags::SizeBytes(const std::string& name, uint64_t* out_bytes, const std::string& help) {
  app_->add_option("--" + name, *out_bytes, help)
      ->type_name("SIZE")
      ->default_str(streambench::FormatSizeBytes(*out_bytes))
      ->transform(cli::UnitTransformer<uint64_t>(streambench::ParseSizeBytes));
}

void MacroFlags::Integer(const std::string& name, int64_t min, int64_t max, int64_t* out,
                         const std::string& help) {
  app_->add_option("--" + name, *out, help)
      ->type_name("N")
      ->default_str(std::to_string(*out))
      ->check(cli::IntegerIn(min, max));
}

std::optional<int> MacroFlags::Parse(int argc, const char* const* argv) {
  const cli::ParseOutcome parsed =
      cli::ParseArgs(app_.get(), std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
  switch (parsed.kind) {
    case cli::ParseOutcome::Kind::kRun:
      return std::nullopt;
    case cli::ParseOutcome::Kind::kHelp:
      std::cout << parsed.help;
      return 0;
    case cli::ParseOutcome::Kind::kError:
      break;
  }
  return Fail(parsed.error);
}

int MacroFlags::Fail(const std::string& error) const {
  std::cerr << tool_ << ": " << error << " (see " << tool_ << " --help)\n";
  return 2;
}

}  // namespace streambench::macro
