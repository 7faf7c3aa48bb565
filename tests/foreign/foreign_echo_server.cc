#include "tests/foreign/foreign_echo_server.h"

#include <cstdlib>
#include <filesystem>

#include "tests/bench/runner/child_process.h"

namespace streambench::testing {

namespace fs = std::filesystem;

std::string ForeignEchoServer::ProtoDir() { return STREAMBENCH_FOREIGN_DIR "/protos"; }
std::string ForeignEchoServer::ProtoFile() { return ProtoDir() + "/acme/echo/v1/echo.proto"; }

ForeignEchoServer::ForeignEchoServer(const std::vector<std::string>& fault_args) {
  char pattern[] = "/tmp/foreign_echo.XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  gen_dir_ = pattern;
  const std::string protoc = std::string(STREAMBENCH_PROTOC) + " --python_out=" + gen_dir_ +
                             " -I " + ProtoDir() + " " + ProtoFile();
  if (std::system(protoc.c_str()) != 0) {
    error_ = "protoc failed: " + protoc;
    return;
  }
  std::vector<std::string> args = {STREAMBENCH_FOREIGN_DIR "/echo_server.py", "--gen-dir", gen_dir_,
                                   "--max-seconds", "300"};
  args.insert(args.end(), fault_args.begin(), fault_args.end());
  // Debian's python3 has python3-grpcio; another python3 first on PATH may not.
  process_ = std::make_unique<ChildProcess>("/usr/bin/python3", args, gen_dir_ + "/stderr.log");
  const std::string line = process_->ReadLine(std::chrono::seconds(30));
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    error_ = "echo_server.py did not start (is python3-grpcio installed?); see " + gen_dir_ +
             "/stderr.log";
    return;
  }
  target_ = line.substr(prefix.size());
}

ForeignEchoServer::~ForeignEchoServer() {
  process_.reset();  // SIGKILLs and reaps
  if (!gen_dir_.empty() && error_.empty()) fs::remove_all(gen_dir_);
}

}  // namespace streambench::testing
