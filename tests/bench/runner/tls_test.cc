// Transport security end to end: `streambench run` (in process) against a reference server that
// serves TLS, mTLS and a required bearer token, with certificates made at test time by
// tests/bench/tls/make_test_certs.sh (Debian's openssl; nothing checked in). Each broken setup
// gives exit 3 and one line naming its cause (wrong CA, expired, name mismatch, missing client
// certificate, plaintext target), a missing or wrong token is counted as UNAUTHENTICATED, and no
// output of a run (stdout, stderr, results JSON and CSV, both metrics endpoints) contains the
// token or the private key.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "bench/runner/cli.h"
#include "server/reference_server.h"
#include "tests/bench/runner/cli_test_fixture.h"
#include "tests/bench/runner/metrics_probe.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using testing::Cli;
using testing::CliResult;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Sends this process's own stderr (fd 2: gRPC's log, anything printed past the CLI's streams)
// to `path` while it lives.
class ProcessStderrToFile {
 public:
  explicit ProcessStderrToFile(const std::string& path) : saved_(::dup(2)) {
    std::fflush(stderr);
    const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(file, 2);
    ::close(file);
  }
  ~ProcessStderrToFile() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
  }
  ProcessStderrToFile(const ProcessStderrToFile&) = delete;
  ProcessStderrToFile& operator=(const ProcessStderrToFile&) = delete;

 private:
  const int saved_;
};

class TlsTest : public testing::CliFixture {
 protected:
  static void SetUpTestSuite() {
    certs_ = new std::string(std::filesystem::temp_directory_path() /
                             ("streambench_tls_certs_" + std::to_string(::getpid())));
    const std::string command =
        "bash " STREAMBENCH_SOURCE_DIR "/tests/bench/tls/make_test_certs.sh " + *certs_;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*certs_);
    delete certs_;
  }

  static std::string Cert(const std::string& name) { return *certs_ + "/" + name; }

  // A reference server serving `cert` (its key beside it), with mTLS and a token if given.
  static std::unique_ptr<ReferenceServer> StartTlsServer(const std::string& cert,
                                                         const std::string& client_ca = "",
                                                         const std::string& token_file = "") {
    ServerOptions options;
    options.metrics_port = 0;
    options.tls.cert_chain_pem = ReadText(Cert(cert + ".pem"));
    options.tls.private_key_pem = ReadText(Cert(cert + ".key"));
    if (!client_ca.empty()) options.tls.client_ca_pem = ReadText(Cert(client_ca));
    if (!token_file.empty()) {
      options.required_token = ReadText(Cert(token_file));
      options.required_token.pop_back();  // the file's newline
    }
    return testing::StartServer(options);
  }

  // A short unary run against `address` with `target_extra` under `target:`.
  std::string Scenario(const std::string& address, const std::string& target_extra) {
    return Write("s.yaml", "name: tls\nmode: unary\ntarget:\n  addresses: " + address + "\n" +
                               target_extra +
                               "load: {type: closed, outstanding: 1}\n"
                               "warmup: 0s\nduration: 300ms\n");
  }

  CliResult Run(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", file, "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }

  static std::string* certs_;
};

std::string* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, MutualTlsWithTokenRuns) {
  auto server = StartTlsServer("server", "ca.pem", "token.txt");
  ASSERT_NE(server, nullptr);
  const CliResult r =
      Run(Scenario(server->address(),
                   "  tls: {ca: " + Cert("ca.pem") + ", cert: " + Cert("client.pem") +
                       ", key: " + Cert("client.key") +
                       "}\n  credentials: {bearer_token_file: " + Cert("token.txt") + "}\n"),
          {"--out", Path("r.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  const nlohmann::json result = ReadJson(Path("r.json"));
  EXPECT_GT(result["runs"][0]["calls"]["finished"].get<uint64_t>(), 0u) << result["runs"][0];
  EXPECT_EQ(server->metrics().UnauthenticatedCalls(), 0);
}

// The cause of each failed connection, named in exactly one line, exit 3.
void ExpectOneLineCause(const CliResult& r, const std::string& cause) {
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find(cause), std::string::npos) << r.err;
  EXPECT_EQ(CountOf(r.err, "\n"), 1u) << r.err;
}

TEST_F(TlsTest, WrongCaIsNamed) {
  auto server = StartTlsServer("server");
  ASSERT_NE(server, nullptr);
  ExpectOneLineCause(
      Run(Scenario(server->address(), "  tls: {ca: " + Cert("other_ca.pem") + "}\n")),
      "the server's certificate is not signed by a trusted CA (target.tls.ca)");
}

TEST_F(TlsTest, ExpiredCertificateIsNamed) {
  auto server = StartTlsServer("expired");
  ASSERT_NE(server, nullptr);
  ExpectOneLineCause(Run(Scenario(server->address(), "  tls: {ca: " + Cert("ca.pem") + "}\n")),
                     "the server's certificate has expired");
}

TEST_F(TlsTest, NameMismatchIsNamedAndServerNameOverridesIt) {
  auto server = StartTlsServer("wrong_name");
  ASSERT_NE(server, nullptr);
  ExpectOneLineCause(Run(Scenario(server->address(), "  tls: {ca: " + Cert("ca.pem") + "}\n")),
                     "the server's certificate does not name 127.0.0.1");
  const CliResult named = Run(Scenario(
      server->address(), "  tls: {ca: " + Cert("ca.pem") + ", server_name: other.example}\n"));
  EXPECT_EQ(named.code, 0) << named.err;
}

TEST_F(TlsTest, MissingClientCertificateIsNamed) {
  auto server = StartTlsServer("server", "ca.pem");
  ASSERT_NE(server, nullptr);
  ExpectOneLineCause(Run(Scenario(server->address(), "  tls: {ca: " + Cert("ca.pem") + "}\n")),
                     "the server requires a client certificate");
}

TEST_F(TlsTest, PlaintextTargetIsNamed) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  ExpectOneLineCause(Run(Scenario(server->address(), "  tls: {ca: " + Cert("ca.pem") + "}\n")),
                     "the target does not speak TLS");
}

// A missing or wrong token fails calls, not the connection: counted by status, and by the server.
TEST_F(TlsTest, MissingOrWrongTokenIsCountedAsUnauthenticated) {
  auto server = StartTlsServer("server", "", "token.txt");
  ASSERT_NE(server, nullptr);
  const std::string tls = "  tls: {ca: " + Cert("ca.pem") + "}\n";
  for (const std::string& credentials :
       {std::string(), "  credentials: {bearer_token_file: " + Cert("other_token.txt") + "}\n"}) {
    SCOPED_TRACE(credentials.empty() ? "no token" : "wrong token");
    const double refused_before = server->metrics().UnauthenticatedCalls();
    const CliResult r =
        Run(Scenario(server->address(), tls + credentials), {"--out", Path("r.json")});
    EXPECT_EQ(r.code, 1) << r.err;
    const nlohmann::json run = ReadJson(Path("r.json"))["runs"][0];
    const uint64_t finished = run["calls"]["finished"].get<uint64_t>();
    EXPECT_GT(finished, 0u);
    EXPECT_EQ(run["calls"]["by_code"]["UNAUTHENTICATED"].get<uint64_t>(), finished) << run["calls"];
    EXPECT_GE(server->metrics().UnauthenticatedCalls() - refused_before,
              static_cast<double>(finished));
    EXPECT_NE(r.err.find(credentials.empty() ? "the target wants a bearer token and this run "
                                               "sends none"
                                             : "the target refused the bearer token from"),
              std::string::npos)
        << r.err;
  }
}

TEST_F(TlsTest, InsecureSkipVerifyConnectsAndWarns) {
  auto server = StartTlsServer("expired");
  ASSERT_NE(server, nullptr);
  const CliResult r = Run(Scenario(server->address(), "  tls: {insecure_skip_verify: true}\n"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("WARNING: target.tls.insecure_skip_verify is on"), std::string::npos)
      << r.err;
}

TEST_F(TlsTest, EmbeddedSelfSignedServerServesTlsAndMtls) {
  for (const char* server_tls :
       {"{self_signed: true}", "{self_signed: true, require_client_cert: true}"}) {
    SCOPED_TRACE(server_tls);
    const std::string file = Write("e.yaml", std::string("name: tls\nmode: bidi\n") +
                                                 "server_transport: {tls: " + server_tls + "}\n" +
                                                 "load: {type: closed, outstanding: 1}\n"
                                                 "server_behavior: {bidi: echo}\n"
                                                 "warmup: 0s\nduration: 300ms\n");
    const CliResult r = Run(file);
    EXPECT_EQ(r.code, 0) << r.err;
  }
}

TEST_F(TlsTest, KeyFilesAreCheckedAtLoad) {
  const CliResult missing =
      Run(Scenario("127.0.0.1:1", "  tls: {ca: " + Cert("no_such.pem") + "}\n"));
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("s.yaml:5:"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("target.tls.ca: cannot read"), std::string::npos) << missing.err;
  const CliResult half =
      Run(Scenario("127.0.0.1:1", "  tls: {cert: " + Cert("client.pem") + "}\n"));
  EXPECT_EQ(half.code, 2);
  EXPECT_NE(half.err.find("give both `cert` and `key`"), std::string::npos) << half.err;
}

// A method found by server reflection: the prepare phase's reflection calls go over TLS with
// the token too (the server refuses a reflection call without it).
TEST_F(TlsTest, ReflectionWorksOverTlsWithToken) {
  auto server = StartTlsServer("server", "ca.pem", "token.txt");
  ASSERT_NE(server, nullptr);
  const std::string file =
      Write("r.yaml",
            "name: tls-reflection\nservice: streambench.v1.StreamBench\nmethod: Bidi\n"
            "mode: bidi\nproto: {reflection: true}\n"
            "request: {json: {seq: \"{{seq}}\"}}\n"
            "target:\n  addresses: " +
                server->address() + "\n  tls: {ca: " + Cert("ca.pem") +
                ", cert: " + Cert("client.pem") + ", key: " + Cert("client.key") +
                "}\n  credentials: {bearer_token_file: " + Cert("token.txt") +
                "}\nload: {type: closed, outstanding: 1}\nwarmup: 0s\nduration: 300ms\n");
  const CliResult r = Run(file, {"--out", Path("r.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GT(ReadJson(Path("r.json"))["runs"][0]["messages"]["received"].get<uint64_t>(), 0u);
  EXPECT_EQ(server->metrics().UnauthenticatedCalls(), 0);
}

// Every output of a run with a token and a private key, searched for both.
TEST_F(TlsTest, SecretsAppearInNoOutput) {
  auto server = StartTlsServer("server", "ca.pem", "token.txt");
  ASSERT_NE(server, nullptr);
  std::string token = ReadText(Cert("token.txt"));
  token.pop_back();
  // A line from the middle of each private key: any printing of a key would include it.
  std::vector<std::string> secrets = {token};
  for (const char* key : {"client.key", "server.key"}) {
    std::istringstream lines(ReadText(Cert(key)));
    std::string line;
    std::getline(lines, line);  // -----BEGIN
    std::getline(lines, line);
    ASSERT_GT(line.size(), 20u);
    secrets.push_back(line);
  }
  // The embedded server too: its key and token come from the scenario.
  const std::string file =
      Write("s.yaml", "name: tls\nmode: unary\ntarget:\n  addresses: " + server->address() +
                          "\n  tls: {ca: " + Cert("ca.pem") + ", cert: " + Cert("client.pem") +
                          ", key: " + Cert("client.key") +
                          "}\n  credentials: {bearer_token_file: " + Cert("token.txt") +
                          "}\nload: {type: closed, outstanding: 1}\nwarmup: 0s\nduration: 2s\n");
  std::vector<std::string> args = {
      "streambench",    "run", file, "--out", Path("r.json"), "--csv", Path("r.csv"),
      "--metrics-port", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  testing::SharedStringBuf err_buf;
  std::ostream err(&err_buf);
  std::ostringstream out;
  std::optional<ProcessStderrToFile> process_stderr;
  process_stderr.emplace(Path("process_stderr.txt"));
  auto run = std::async(std::launch::async, [&] {
    return runner::RunCli(static_cast<int>(argv.size()), argv.data(), out, err, false);
  });
  const auto running = [&run] {
    return run.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready;
  };
  int port = 0;
  while (port == 0 && running()) {
    port = testing::MetricsPortIn(err_buf.Text());
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(port, 0) << err_buf.Text();
  ASSERT_TRUE(testing::WaitForMessagesSent(
      port, [](uint64_t sent) { return sent > 0; }, running, std::chrono::seconds(60)));
  const std::string client_metrics = testing::ScrapeMetrics(port);
  EXPECT_NE(client_metrics.find("streambench_client_"), std::string::npos);
  EXPECT_EQ(run.get(), 0) << err_buf.Text();
  process_stderr.reset();
  const std::string server_metrics = testing::ScrapeMetrics(server->metrics_port());
  EXPECT_NE(server_metrics.find("streambench_server_unauthenticated_calls_total"),
            std::string::npos);
  struct Output {
    const char* name;
    std::string text;
    bool may_be_empty;  // gRPC may have nothing to say
  };
  const Output outputs[] = {
      {"stdout", out.str(), false},
      {"stderr", err_buf.Text(), false},
      {"the process's own stderr", ReadText(Path("process_stderr.txt")), true},
      {"results JSON", ReadText(Path("r.json")), false},
      {"results CSV", ReadText(Path("r.csv")), false},
      {"client metrics", client_metrics, false},
      {"server metrics", server_metrics, false}};
  for (const Output& output : outputs) {
    EXPECT_TRUE(output.may_be_empty || !output.text.empty()) << output.name;
    for (const std::string& secret : secrets) {
      EXPECT_EQ(output.text.find(secret), std::string::npos) << output.name << " contains a secret";
    }
  }
}

}  // namespace
}  // namespace streambench
