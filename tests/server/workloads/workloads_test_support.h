// Helpers for the Workloads service's integration tests: a fixture (server, stub, and the check
// that nothing is left behind), upload / download / chat steps with the synchronous client API
// (tests only; the generator uses the callback API).
// Thread-safety: plain functions and a fixture; use from test threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "streambench/v1/workloads.grpc.pb.h"
#include "tests/server/server_test_support.h"

namespace streambench::testing {

// A ReferenceServer and a Workloads stub. At teardown every call, failed or not, must have
// released its reactor and left every topic and room.
class WorkloadsServiceTest : public ServerStubTest<v1::Workloads> {
 protected:
  void TearDown() override;
};

v1::UploadRequest MetadataMessage(uint64_t size_bytes, const std::string& sha256);
v1::UploadRequest ChunkMessage(std::string bytes);

// A chat message of `kind` ("text" / "typing") with per-sender `seq`.
v1::ChatClientMessage JoinMessage(const std::string& room, const std::string& member);
v1::ChatClientMessage TextMessage(uint64_t seq, const std::string& text);

}  // namespace streambench::testing
