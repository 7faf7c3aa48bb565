// Hostile input, end to end and as fuzz regressions.
//
// HostileCliTest runs the real `streambench validate FILE` binary on the corpus in hostile/
// (wrong types, huge numbers, negative durations, 10k-level nesting, binary garbage, alias
// "billion laughs", unknown keys, empty files, ...) plus a directory, a missing file and files
// too large to keep in the repository: each must exit 2 with exactly its one-line error on
// stderr, nothing on stdout, and finish within a time bound (a hang is killed and fails). After a
// deliberate message change, STREAMBENCH_UPDATE_EXPECTED=1 rewrites hostile/*.expected.
//
// FuzzCorpusReplayTest replays every input checked in under tests/fuzz/corpus/ through the same
// property checks the libFuzzer targets use, so the normal g++ suite keeps every crash the
// fuzzers ever found fixed; FuzzRegressionTest pins the exact behaviour of each of those fixes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/criteria/threshold.h"
#include "bench/criteria/tolerance.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/fuzz/fuzz_checks.h"

namespace streambench {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = STREAMBENCH_SOURCE_DIR;
const std::string kScenarioTestDir = kSourceDir + "/tests/bench/scenario";
const std::string kFuzzCorpusDir = kSourceDir + "/tests/fuzz/corpus";

// A hostile input must be refused quickly; this bounds a hang, it does not measure speed (the
// slowest file takes well under a second even under sanitizers on a loaded machine).
constexpr std::chrono::seconds kCliTimeout{10};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> FilesIn(const std::string& dir, const std::string& extension) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (extension.empty() || entry.path().extension() == extension) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct CliResult {
  int exit_code = -1;  // -1 when killed or not started
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs the streambench binary with `args` in `cwd`, stdout and stderr captured through files
// (a pipe could fill up and block the child), killing it after kCliTimeout.
CliResult RunStreambench(const std::vector<std::string>& args, const std::string& cwd) {
  CliResult result;
  const fs::path scratch =
      fs::temp_directory_path() /
      ("streambench_hostile_" + std::to_string(getpid()) + "_" +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(scratch);
  const std::string out_path = (scratch / "stdout").string();
  const std::string err_path = (scratch / "stderr").string();

  std::vector<std::string> argv_storage = {STREAMBENCH_CLI};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid == 0) {
    const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0 || chdir(cwd.c_str()) != 0) _exit(126);
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + kCliTimeout;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  fs::remove_all(scratch);
  return result;
}

// Checks the CLI contract for bad input: exit 2, nothing on stdout, exactly `expected_line`
// (one line) on stderr, in time.
void ExpectRefused(const CliResult& r, const std::string& expected_line) {
  EXPECT_FALSE(r.timed_out) << "killed after " << kCliTimeout.count() << " s";
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected_line + "\n");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(HostileCliTest, TheBinaryAcceptsAValidScenario) {
  // The harness must be able to see success too, or every refusal below could be vacuous.
  const CliResult r = RunStreambench({"validate", "scenarios/unary.yaml"}, kSourceDir);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "scenarios/unary.yaml: ok (1 run)\n");
  EXPECT_EQ(r.err, "");
}

TEST(HostileCliTest, CorpusCoversTheHostileKindsAndEveryFileHasAnExpectation) {
  const std::vector<std::string> files = FilesIn(kScenarioTestDir + "/hostile", ".yaml");
  EXPECT_GE(files.size(), 30u);
  for (const char* kind : {"wrong_type", "huge", "negative", "deep_nesting", "binary",
                           "billion_laughs", "unknown", "empty"}) {
    EXPECT_TRUE(std::any_of(files.begin(), files.end(),
                            [&](const std::string& f) { return f.rfind(kind, 0) == 0; }))
        << "no hostile file for " << kind;
  }
  for (const std::string& file : files) {
    const std::string stem = fs::path(file).stem().string();
    EXPECT_TRUE(fs::exists(kScenarioTestDir + "/hostile/" + stem + ".expected")) << file;
  }
}

TEST(HostileCliTest, EachFileIsRefusedWithItsExactErrorAndExit2) {
  for (const std::string& file : FilesIn(kScenarioTestDir + "/hostile", ".yaml")) {
    SCOPED_TRACE(file);
    const std::string stem = fs::path(file).stem().string();
    const std::string expected_path = kScenarioTestDir + "/hostile/" + stem + ".expected";
    const CliResult r = RunStreambench({"validate", "hostile/" + file}, kScenarioTestDir);
    if (std::getenv("STREAMBENCH_UPDATE_EXPECTED") != nullptr) {
      // After a deliberate message change (e.g. a new key in the "valid keys" list): rewrite,
      // then review the diff.
      std::ofstream(expected_path, std::ios::binary) << r.err;
    }
    std::string expected = ReadFile(expected_path);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    ExpectRefused(r, expected);
  }
}

TEST(HostileCliTest, MissingFileAndDirectory) {
  ExpectRefused(RunStreambench({"validate", "hostile/no_such_file.yaml"}, kScenarioTestDir),
                "hostile/no_such_file.yaml: cannot open hostile/no_such_file.yaml: No such file "
                "or directory");
  ExpectRefused(RunStreambench({"validate", "hostile"}, kScenarioTestDir),
                "hostile: cannot open hostile: is a directory");
}

// Inputs too large to keep in the repository are written at test time.
class HostileGeneratedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("streambench_hostile_gen_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  fs::path dir_;
};

TEST_F(HostileGeneratedFileTest, OversizedFileIsRefusedWithoutReadingItAll) {
  // 64 MiB: the loader reads at most 1 MiB + 1 byte of it.
  Write("big.yaml", "name: big\nmode: bidi\ndescription: " + std::string(64 << 20, 'x') + "\n");
  ExpectRefused(RunStreambench({"validate", "big.yaml"}, dir_.string()),
                "big.yaml: invalid YAML: the file is larger than 1048576 bytes");
}

TEST_F(HostileGeneratedFileTest, TooManyNodesIsRefused) {
  std::string text = "name: many\nmode: bidi\ndescription: [";
  for (int i = 0; i < 150'000; ++i) text += "1,";
  text += "1]\n";
  Write("many.yaml", text);
  // Nodes so far: the top map, 3 keys, 2 values and the list; node 100001 is item 99993, whose
  // column is 15 + 2 * 99993.
  ExpectRefused(RunStreambench({"validate", "many.yaml"}, dir_.string()),
                "many.yaml:3:" + std::to_string(15 + 2 * 99993) +
                    ": invalid YAML: the document has more than 100000 nodes");
}

TEST(HostileCliTest, HostileSetValues) {
  const std::string file = "scenarios/unary.yaml";
  ExpectRefused(
      RunStreambench({"validate", file, "--set", "load={type: constant, rate: 1e400/s}"},
                     kSourceDir),
      "scenarios/unary.yaml: load.rate: expected a rate like 1000/s, 5k/s or 60/m (per: /s, /m, "
      "/h; multipliers: k, M), got `1e400/s` (from --set load={type: constant, rate: 1e400/s})");
  ExpectRefused(
      RunStreambench({"validate", file, "--set", "seed=18446744073709551616"}, kSourceDir),
      "scenarios/unary.yaml: seed: must be between 0 and 18446744073709551615 (got "
      "18446744073709551616) (from --set seed=18446744073709551616)");
  ExpectRefused(RunStreambench({"validate", file, "--set", "duration=-5s"}, kSourceDir),
                "scenarios/unary.yaml: duration: must be > 0 (got -5s) (from --set duration=-5s)");
  ExpectRefused(
      RunStreambench({"validate", file, "--set", "description=&a [*a, *a]"}, kSourceDir),
      "scenarios/unary.yaml: description: cannot parse the value `&a [*a, *a]` as YAML: YAML "
      "aliases (*name) are not supported; write the value out (from --set description=&a [*a, "
      "*a])");
}

// --- replay of the fuzz corpora -----------------------------------------------------------

void ReplayCorpus(const std::string& target, std::string (*check)(const std::string&),
                  size_t min_files) {
  const std::vector<std::string> files = FilesIn(kFuzzCorpusDir + "/" + target, "");
  EXPECT_GE(files.size(), min_files);
  for (const std::string& file : files) {
    EXPECT_EQ(check(ReadFile(kFuzzCorpusDir + "/" + target + "/" + file)), "") << file;
  }
}

TEST(FuzzCorpusReplayTest, ScenarioLoader) {
  ReplayCorpus("scenario_loader", fuzz::CheckScenarioText, 50);
}

TEST(FuzzCorpusReplayTest, Overrides) { ReplayCorpus("overrides", fuzz::CheckOverridesInput, 15); }

TEST(FuzzCorpusReplayTest, GateParsers) { ReplayCorpus("gate_parsers", fuzz::CheckGateInput, 4); }

std::string LoadErrorOf(const std::string& corpus_file) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_FALSE(scenario::LoadScenarioString(ReadFile(kFuzzCorpusDir + "/" + corpus_file),
                                            fuzz::kDisplayName, {}, &file, &error));
  return error.ToString();
}

// Found by fuzz_scenario_loader: "more than one YAML document" had no line number.
TEST(FuzzRegressionTest, SecondDocumentErrorPointsAtItsStart) {
  EXPECT_EQ(LoadErrorOf("scenario_loader/crash-second-document-without-line.yaml"),
            "fuzz.yaml:3:1: invalid YAML: the file holds more than one YAML document (---)");
}

// Found by fuzz_scenario_loader: a key holding a control byte (here byte 0x17)
// was echoed raw into the one-line error.
TEST(FuzzRegressionTest, ControlBytesInKeysAreShownAsQuestionMarks) {
  EXPECT_EQ(LoadErrorOf("scenario_loader/crash-control-byte-in-key.yaml"),
            "fuzz.yaml:3:8: load.type:?ramp: unknown key `type:?ramp` in `load`; valid keys: type, "
            "outstanding, rate, start_rate, stages, objective, max_rate, min_rate, step_duration, "
            "precision, time_budget, confirm_failures");
}

// Found by fuzz_gate_parsers: a finite limit that overflows once scaled became +infinity.
TEST(FuzzRegressionTest, ThresholdLimitOverflowingToInfinityIsRefused) {
  criteria::Threshold t;
  std::string error;
  EXPECT_FALSE(criteria::ParseThreshold("message_latency.p99 < 1e308s", &t, &error));
  EXPECT_EQ(error, "threshold \"message_latency.p99 < 1e308s\": \"1e308s\" is too large");
  EXPECT_FALSE(criteria::ParseThreshold("throughput.messages_per_s > 1e308G", &t, &error));
  EXPECT_TRUE(criteria::ParseThreshold("throughput.messages_per_s > 1e290G", &t, &error)) << error;
  EXPECT_DOUBLE_EQ(t.limit, 1e299);
}

// Found by fuzz_overrides: a --set that creates a missing mapping (`load.rate=` on a file
// without `load`) left that mapping without position or --set origin, so "required key `type`
// is missing" named neither a line nor the override.
TEST(FuzzRegressionTest, MappingCreatedBySetNamesTheOverride) {
  const std::string input =
      ReadFile(kFuzzCorpusDir + "/overrides/crash-set-creates-mapping-without-position.yaml");
  EXPECT_EQ(fuzz::CheckOverridesInput(input), "");
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_FALSE(scenario::LoadScenarioString("name: t\nmode: unary\n", fuzz::kDisplayName,
                                            {{"load.rate", "500/s"}}, &file, &error));
  EXPECT_EQ(error.line, 0);
  EXPECT_NE(error.message.find("(from --set load.rate=500/s)"), std::string::npos)
      << error.ToString();
}

// Found by fuzz_overrides and fuzz_gate_parsers: control bytes in a --set key, a threshold or
// a tolerance were echoed raw into their one-line errors.
TEST(FuzzRegressionTest, ControlBytesInArgumentErrorsAreShownAsQuestionMarks) {
  scenario::Override o;
  std::string error;
  EXPECT_FALSE(scenario::ParseOverride("load\x1b.rate=5/s", &o, &error));
  EXPECT_EQ(error,
            "expected a dotted key path like transport.stream_window before `=`, got "
            "`load?.rate`");
  criteria::Threshold t;
  EXPECT_FALSE(criteria::ParseThreshold("error_rate\x01 < 1%", &t, &error));
  EXPECT_EQ(error.find('\x01'), std::string::npos) << error;
  EXPECT_NE(error.find("error_rate?"), std::string::npos) << error;
  criteria::Tolerances tolerances;
  EXPECT_FALSE(criteria::ParseTolerance("10\x1b%", &tolerances, &error));
  EXPECT_EQ(error,
            "tolerance \"10?%\": expected a non-negative percentage or fraction, e.g. 10% or 0.1");
  EXPECT_EQ(fuzz::CheckGateInput(ReadFile(
                kFuzzCorpusDir + "/gate_parsers/crash-threshold-control-byte-in-error.txt")),
            "");
}

// Found by fuzz_gate_parsers (a 100 KB metric name took 27 s under ASan): the metric
// suggestion's edit distance is skipped for names far longer than any metric.
TEST(FuzzRegressionTest, VeryLongUnknownMetricGetsNoSuggestion) {
  criteria::Threshold t;
  std::string error;
  const std::string name(20'000, 'a');
  EXPECT_FALSE(criteria::ParseThreshold(name + " < 1", &t, &error));
  EXPECT_EQ(error.find("did you mean"), std::string::npos);
  EXPECT_NE(error.find("see the metric list"), std::string::npos);
  // Short typos still get one.
  EXPECT_FALSE(criteria::ParseThreshold("mesage_latency.p99 < 5ms", &t, &error));
  EXPECT_NE(error.find("did you mean \"message_latency.p99\""), std::string::npos) << error;
}

}  // namespace
}  // namespace streambench
