// Test support: the Python grpcio echo server (echo_server.py) as a child process on an
// ephemeral loopback port, its Python code generated from protos/ by protoc at start.
// Thread-safety: used from one test thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace streambench::testing {

class ChildProcess;

class ForeignEchoServer {
 public:
  // `fault_args` go to echo_server.py as they are (e.g. {"--drop-every", "5"}).
  explicit ForeignEchoServer(const std::vector<std::string>& fault_args = {});
  ~ForeignEchoServer();

  // "127.0.0.1:PORT", or "" when the server did not start (error() says why).
  const std::string& target() const { return target_; }
  const std::string& error() const { return error_; }

  // The directory holding acme/echo/v1/echo.proto (an import path), and the file itself.
  static std::string ProtoDir();
  static std::string ProtoFile();

 private:
  std::string gen_dir_;
  std::unique_ptr<ChildProcess> process_;
  std::string target_;
  std::string error_;
};

}  // namespace streambench::testing
