// Test support for the `streambench` CLI run in process: RunCli with captured stdout / stderr, a
// stream buffer to read the CLI's output while it runs, and a fixture with a scratch directory of
// its own per test for scenario, results and JUnit files. Shared by the CLI tests and the CLI gate
// tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/runner/cli.h"
#include "tests/bench/test_engine.h"

namespace streambench::testing {

// A streambuf another thread may read while the CLI writes (the CLI's stderr, where a test
// learns the --metrics-port 0 port while the run goes on).
class SharedStringBuf : public std::streambuf {
 public:
  std::string Text() const {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    std::lock_guard<std::mutex> lock(mu_);
    text_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mu_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

struct CliResult {
  int code;
  std::string out, err;
};

// `streambench ARGS...` in this process (stdout and stderr captured, not a terminal).
inline CliResult Cli(std::vector<std::string> args) {
  if (!args.empty() && args[0] == "run") {
    for (std::string& a : streambench::testing::TestEngineArgs()) args.push_back(std::move(a));
  }
  args.insert(args.begin(), "streambench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int code = runner::RunCli(static_cast<int>(argv.size()), argv.data(), out, err, false);
  return {code, out.str(), err.str()};
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("streambench_" + std::string(test->test_suite_name()) + "_" +
            std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to NAME in the scratch directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static nlohmann::json ReadJson(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);  // throws (fails the test) when invalid
  }

  std::filesystem::path dir_;
};

}  // namespace streambench::testing
