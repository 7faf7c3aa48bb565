// Helpers for the Workloads service's integration tests: a stub, upload / download / chat steps
// with the synchronous client API (tests only; the generator uses the callback API).
// Thread-safety: plain functions; use from test threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::testing {

std::unique_ptr<v1::Workloads::Stub> MakeWorkloadsStub(const std::string& address);

v1::UploadRequest MetadataMessage(uint64_t size_bytes, const std::string& sha256);
v1::UploadRequest ChunkMessage(std::string bytes);

// A chat message of `kind` ("text" / "typing") with per-sender `seq`.
v1::ChatClientMessage JoinMessage(const std::string& room, const std::string& member);
v1::ChatClientMessage TextMessage(uint64_t seq, const std::string& text);

}  // namespace streambench::testing
