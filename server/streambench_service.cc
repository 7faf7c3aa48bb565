#include "server/streambench_service.h"

#include <grpc/support/time.h>
#include <grpcpp/alarm.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/crc32c.h"
#include "server/app_flow_control.h"
#include "server/behavior.h"
#include "server/failure_plan.h"

namespace streambench {
namespace {

// Bidi echo: responses queued (waiting for their delay or for the write in flight) before the
// server stops reading the client, by count and by payload bytes.
constexpr size_t kMaxQueuedEchoes = 32;
constexpr uint64_t kMaxQueuedEchoBytes = 4ull << 20;

int64_t RealtimeNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Everything a call needs from its service.
struct CallEnv {
  StreamBenchService& service;
  ServerMetrics::Method& metrics;
  const BehaviorCaps& caps;
  uint64_t max_send_message_bytes;
  const PayloadSource& payloads;
};

void EchoTestMetadata(grpc::CallbackServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto initial = metadata.find("x-grpc-test-echo-initial");
  if (initial != metadata.end()) {
    context->AddInitialMetadata("x-grpc-test-echo-initial",
                                std::string(initial->second.data(), initial->second.size()));
  }
  auto trailing = metadata.find("x-grpc-test-echo-trailing-bin");
  if (trailing != metadata.end()) {
    context->AddTrailingMetadata("x-grpc-test-echo-trailing-bin",
                                 std::string(trailing->second.data(), trailing->second.size()));
  }
}

// Fills `response` with a payload of `size_bytes` for response `seq` and its checksum.
void FillPayload(const PayloadSource& payloads, uint64_t seq, size_t size_bytes,
                 v1::Response& response) {
  const std::string_view bytes = payloads.Slice(seq, size_bytes);
  response.set_payload(bytes.data(), bytes.size());
  response.set_payload_crc32c(Crc32c(bytes));
}

// Makes `response` response `seq` of a paced stream: its sequence number, send time and payload.
void FillStreamResponse(const PayloadSource& payloads, uint64_t seq, size_t size_bytes,
                        v1::Response& response) {
  response.set_seq(seq);
  response.set_server_send_time_ns(RealtimeNs());
  FillPayload(payloads, seq, size_bytes, response);
}

// App-level flow control's producer: queues the responses due by now, counting those the full
// queue dropped, and samples the queue's depth.
void ProduceDueResponses(AppFlowQueue& flow, ServerMetrics::Method& metrics) {
  const uint64_t dropped = flow.ProduceDue(SteadyNowNs());
  if (dropped > 0) metrics.AppMessagesDropped(dropped);
  metrics.SendQueueDepth(flow.depth());
}

// Per-stream verification of the client's messages: checksum, and seq = previous seq + 1
// starting at 0 (a gap is counted once, then the count resynchronises on the received seq).
class RequestChecker {
 public:
  explicit RequestChecker(ServerMetrics::Method& metrics) : metrics_(metrics) {}

  void Check(const v1::Request& request) {
    ++messages_;
    payload_bytes_ += request.payload().size();
    metrics_.MessageReceived(request.payload().size());
    if (Crc32c(request.payload()) != request.payload_crc32c()) {
      ++checksum_errors_;
      metrics_.RequestChecksumError();
    }
    if (request.seq() != next_seq_) {
      ++sequence_errors_;
      metrics_.RequestSequenceError();
    }
    next_seq_ = request.seq() + 1;
  }

  uint64_t messages() const { return messages_; }
  uint64_t payload_bytes() const { return payload_bytes_; }
  uint64_t checksum_errors() const { return checksum_errors_; }
  uint64_t sequence_errors() const { return sequence_errors_; }

 private:
  ServerMetrics::Method& metrics_;
  uint64_t messages_ = 0;
  uint64_t payload_bytes_ = 0;
  uint64_t checksum_errors_ = 0;
  uint64_t sequence_errors_ = 0;
  uint64_t next_seq_ = 0;
};

// What every reactor here shares: the mutex guarding its state, Finish exactly once (recording
// the call's status), failure injection, alarms, and deletion only when gRPC is done with the
// call (OnDone) and no alarm callback is outstanding.
//
// Calling StartRead/StartWrite/Finish and Alarm::Cancel with mu_ held is safe: gRPC runs server
// reactions and callback alarms on its own threads, never inline in those calls.
template <typename GrpcReactor>
class ReactorBase : public GrpcReactor {
 public:
  void OnDone() override {
    std::unique_lock<std::mutex> lock(mu_);
    done_ = true;
    if (pending_alarms_ > 0) return;  // the last alarm callback deletes
    lock.unlock();
    delete this;
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status(CancelledCode(), "cancelled by the client or its deadline"));
  }

 protected:
  static constexpr int kAlarmSlots = 3;

  ~ReactorBase() override { env_.service.CallDeleted(); }

  ReactorBase(grpc::CallbackServerContext* context, const CallEnv& env)
      : context_(context), env_(env) {
    env_.service.CallCreated();
    env_.metrics.CallStarted();
    EchoTestMetadata(context);
  }

  // The reaction to alarm `slot` firing (not cancelled), with mu_ held and the call unfinished.
  virtual void OnAlarmLocked(int slot) = 0;

  // Arms alarm `slot` to fire at `steady_ns` (a SteadyNowNs() value; the past fires at once).
  void ArmLocked(int slot, int64_t steady_ns) {
    const int64_t delay_ns = std::max<int64_t>(0, steady_ns - SteadyNowNs());
    const gpr_timespec deadline =
        gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_nanos(delay_ns, GPR_TIMESPAN));
    // A fresh Alarm each time: an Alarm must not be Set again from inside its own callback, which
    // is where the next interval is usually armed. The old one's callback has already run.
    alarms_[slot] = std::make_unique<grpc::Alarm>();
    armed_[slot] = true;
    ++pending_alarms_;
    alarms_[slot]->Set(deadline, [this, slot](bool ok) { AlarmDone(slot, ok); });
  }
  void ArmAfterLocked(int slot, uint64_t delay_us) {
    ArmLocked(slot, SteadyNowNs() + static_cast<int64_t>(delay_us) * 1000);
  }
  bool ArmedLocked(int slot) const { return armed_[slot]; }

  // Finishes the call with `status` unless it is already finished.
  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    for (int slot = 0; slot < kAlarmSlots; ++slot) {
      if (armed_[slot]) alarms_[slot]->Cancel();
    }
    env_.metrics.CallFinished(status.error_code());
    this->Finish(status);
  }

  void InjectFailureLocked(const FailurePlan& plan) {
    env_.metrics.FailureInjected(plan.code);
    FinishLocked(plan.status());
  }

  // Checks the behaviour; on INVALID_ARGUMENT finishes the call and returns false.
  bool ValidateLocked(const v1::Behavior& behavior) {
    grpc::Status status = ValidateBehavior(behavior, env_.caps, env_.max_send_message_bytes);
    if (status.ok()) status = ValidateAppFlowControl(behavior, env_.caps);
    if (status.ok()) return true;
    FinishLocked(status);
    return false;
  }

  grpc::StatusCode CancelledCode() const {
    return context_->deadline() <= std::chrono::system_clock::now()
               ? grpc::StatusCode::DEADLINE_EXCEEDED
               : grpc::StatusCode::CANCELLED;
  }

  std::mutex mu_;
  bool finished_ = false;  // Finish called
  grpc::CallbackServerContext* const context_;
  const CallEnv env_;

 private:
  void AlarmDone(int slot, bool ok) {
    std::unique_lock<std::mutex> lock(mu_);
    --pending_alarms_;
    armed_[slot] = false;
    if (done_) {
      if (pending_alarms_ > 0) return;
      lock.unlock();
      delete this;
      return;
    }
    if (ok && !finished_) OnAlarmLocked(slot);
  }

  bool done_ = false;  // OnDone called
  int pending_alarms_ = 0;
  std::array<std::unique_ptr<grpc::Alarm>, kAlarmSlots> alarms_;
  std::array<bool, kAlarmSlots> armed_{};
};

// What the reactors that write a stream of responses add: one write in flight at a time
// (writing_), timed from StartWrite to OnWriteDone for the server's write-blocked metric.
template <typename GrpcReactor>
class WriterReactorBase : public ReactorBase<GrpcReactor> {
 protected:
  using ReactorBase<GrpcReactor>::ReactorBase;

  void StartTimedWriteLocked(const v1::Response* response) {
    writing_ = true;
    write_start_ns_ = SteadyNowNs();
    this->StartWrite(response);
  }
  // At the top of OnWriteDone: the write in flight is over.
  void WriteDoneLocked() {
    writing_ = false;
    this->env_.metrics.WriteCompleted(SteadyNowNs() - write_start_ns_);
  }

  bool writing_ = false;  // a write is outstanding

 private:
  int64_t write_start_ns_ = 0;
};

// Paces a stream of responses at first_response_delay_us, then every response_interval_us, on
// absolute times (t0 + seq * interval) so the pace does not drift with write latency.
class Pacer {
 public:
  void Configure(const v1::Behavior& behavior) {
    first_delay_ns_ = static_cast<int64_t>(behavior.first_response_delay_us()) * 1000;
    interval_ns_ = static_cast<int64_t>(behavior.response_interval_us()) * 1000;
  }
  void Start() { start_ns_ = SteadyNowNs() + first_delay_ns_; }
  // When response `seq` is due, as a SteadyNowNs() value.
  int64_t DueNs(uint64_t seq) const { return start_ns_ + static_cast<int64_t>(seq) * interval_ns_; }

 private:
  int64_t first_delay_ns_ = 0;
  int64_t interval_ns_ = 0;
  int64_t start_ns_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Unary: wait response_delay_us, then one Response.
class UnaryReactor final : public ReactorBase<grpc::ServerUnaryReactor> {
 public:
  UnaryReactor(grpc::CallbackServerContext* context, const CallEnv& env, const v1::Request& request,
               v1::Response* response)
      : ReactorBase(context, env), request_(request), response_(response) {
    std::lock_guard<std::mutex> lock(mu_);
    env_.metrics.MessageReceived(request.payload().size());
    const v1::Behavior& behavior = request.behavior();
    if (!ValidateLocked(behavior)) return;
    const FailurePlan plan = PlanFailure(behavior.failure());
    if (plan.active) {  // unary: any after_messages behaves like 0
      InjectFailureLocked(plan);
      return;
    }
    if (behavior.response_delay_us() > 0) {
      ArmAfterLocked(kDelayAlarm, behavior.response_delay_us());
    } else {
      RespondLocked();
    }
  }

 private:
  static constexpr int kDelayAlarm = 0;

  void OnAlarmLocked(int /*slot*/) override { RespondLocked(); }

  void RespondLocked() {
    const size_t size = request_.behavior().response_size_bytes();
    response_->set_seq(0);
    response_->set_request_seq(request_.seq());
    response_->set_client_send_time_ns(request_.client_send_time_ns());
    response_->set_intended_send_time_ns(request_.intended_send_time_ns());
    response_->set_server_send_time_ns(RealtimeNs());
    FillPayload(env_.payloads, 0, size, *response_);
    env_.metrics.MessageSent(size);
    FinishLocked(grpc::Status::OK);
  }

  const v1::Request& request_;  // owned by gRPC, valid until OnDone
  v1::Response* const response_;
};

// ---------------------------------------------------------------------------------------------
// ServerStream: first_response_delay_us, then response_count responses every
// response_interval_us, one write in flight.
class ServerStreamReactor final : public WriterReactorBase<grpc::ServerWriteReactor<v1::Response>> {
 public:
  ServerStreamReactor(grpc::CallbackServerContext* context, const CallEnv& env,
                      const v1::Request& request)
      : WriterReactorBase(context, env), behavior_(request.behavior()) {
    std::lock_guard<std::mutex> lock(mu_);
    env_.metrics.MessageReceived(request.payload().size());
    if (!ValidateLocked(behavior_)) return;
    plan_ = PlanFailure(behavior_.failure());
    if (plan_.FiresAt(0)) {
      InjectFailureLocked(plan_);
      return;
    }
    response_.set_client_send_time_ns(request.client_send_time_ns());
    response_.set_intended_send_time_ns(request.intended_send_time_ns());
    pacer_.Configure(behavior_);
    pacer_.Start();
    if (behavior_.app_flow_control().queue_capacity_messages() > 0) {
      flow_.emplace(behavior_.app_flow_control(), behavior_.response_count());
      flow_->Start(pacer_.DueNs(0));
      FlowProduceLocked();
      return;
    }
    NextLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    WriteDoneLocked();
    if (!ok) {  // the stream is gone (cancelled); OnCancel has the details
      FinishLocked(grpc::Status(CancelledCode(), "write failed"));
      return;
    }
    ++sent_;
    env_.metrics.MessageSent(response_.payload().size());
    if (flow_) {
      FlowNextLocked();
      return;
    }
    NextLocked();
  }

 private:
  static constexpr int kPaceAlarm = 0;
  static constexpr int kProduceAlarm = 1;  // app-level flow control's producer

  void OnAlarmLocked(int slot) override {
    if (slot == kProduceAlarm) {
      FlowProduceLocked();
    } else {
      WriteLocked();
    }
  }

  // App-level flow control: the producer fills the queue on its own schedule (decoupled from the
  // writer), then the writer takes what is queued.
  void FlowProduceLocked() {
    ProduceDueResponses(*flow_, env_.metrics);
    FlowNextLocked();
  }

  // Starts the next write if none is in flight, re-arms the producer, and finishes once every
  // produced response is written.
  void FlowNextLocked() {
    if (finished_) return;
    if (plan_.FiresAt(sent_)) {
      InjectFailureLocked(plan_);
      return;
    }
    if (!writing_ && !flow_->Empty()) {
      const AppFlowQueue::Item item = flow_->Pop(SteadyNowNs());
      FillStreamResponse(env_.payloads, item.seq, behavior_.response_size_bytes(), response_);
      response_.set_dropped_before(item.dropped_before);
      StartTimedWriteLocked(&response_);
    }
    const int64_t due_ns = flow_->NextDueNs();
    if (due_ns >= 0 && !ArmedLocked(kProduceAlarm)) ArmLocked(kProduceAlarm, due_ns);
    if (!writing_ && flow_->Empty() && flow_->ProducerFinished()) FinishLocked(grpc::Status::OK);
  }

  // After `sent_` responses: fail, finish, or write the next one when it is due.
  void NextLocked() {
    if (finished_) return;
    if (plan_.FiresAt(sent_)) {
      InjectFailureLocked(plan_);
      return;
    }
    if (sent_ >= behavior_.response_count()) {
      FinishLocked(grpc::Status::OK);
      return;
    }
    const int64_t due_ns = pacer_.DueNs(sent_);
    if (due_ns > SteadyNowNs()) {
      ArmLocked(kPaceAlarm, due_ns);
    } else {
      WriteLocked();
    }
  }

  void WriteLocked() {
    FillStreamResponse(env_.payloads, sent_, behavior_.response_size_bytes(), response_);
    StartTimedWriteLocked(&response_);
  }

  const v1::Behavior behavior_;
  FailurePlan plan_;
  Pacer pacer_;
  v1::Response response_;  // reused for every write; only one is in flight
  uint64_t sent_ = 0;
  std::optional<AppFlowQueue> flow_;  // app-level flow control, when asked for
};

// ---------------------------------------------------------------------------------------------
// ClientStream: read and verify every request (never buffered), honour read_stall, then after the
// client half-closes wait response_delay_us and answer a ClientStreamSummary.
class ClientStreamReactor final : public ReactorBase<grpc::ServerReadReactor<v1::Request>> {
 public:
  ClientStreamReactor(grpc::CallbackServerContext* context, const CallEnv& env,
                      v1::ClientStreamSummary* summary)
      : ReactorBase(context, env), summary_(summary), checker_(env.metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // half-close (or cancellation, which OnCancel finishes)
      if (behavior_.response_delay_us() > 0) {
        ArmAfterLocked(kReplyAlarm, behavior_.response_delay_us());
      } else {
        ReplyLocked();
      }
      return;
    }
    if (checker_.messages() == 0) {  // the first request carries the behaviour
      behavior_ = request_.behavior();
      if (!ValidateLocked(behavior_)) return;
      plan_ = PlanFailure(behavior_.failure());
    }
    checker_.Check(request_);
    last_client_send_time_ns_ = request_.client_send_time_ns();
    last_intended_send_time_ns_ = request_.intended_send_time_ns();
    if (plan_.FiresAt(checker_.messages())) {
      InjectFailureLocked(plan_);
      return;
    }
    const v1::ReadStall& stall = behavior_.read_stall();
    if (!stalled_ && stall.duration_us() > 0 && checker_.messages() >= stall.after_messages()) {
      stalled_ = true;  // once per stream
      ArmAfterLocked(kStallAlarm, stall.duration_us());
      return;
    }
    StartRead(&request_);
  }

 private:
  static constexpr int kReplyAlarm = 0;
  static constexpr int kStallAlarm = 1;

  void OnAlarmLocked(int slot) override {
    if (slot == kStallAlarm) {
      StartRead(&request_);
    } else {
      ReplyLocked();
    }
  }

  void ReplyLocked() {
    summary_->set_messages_received(checker_.messages());
    summary_->set_payload_bytes_received(checker_.payload_bytes());
    summary_->set_checksum_errors(checker_.checksum_errors());
    summary_->set_sequence_errors(checker_.sequence_errors());
    summary_->set_all_valid(checker_.checksum_errors() == 0 && checker_.sequence_errors() == 0);
    summary_->set_last_client_send_time_ns(last_client_send_time_ns_);
    summary_->set_last_intended_send_time_ns(last_intended_send_time_ns_);
    summary_->set_server_send_time_ns(RealtimeNs());
    env_.metrics.MessageSent(0);
    FinishLocked(grpc::Status::OK);
  }

  v1::ClientStreamSummary* const summary_;  // owned by gRPC, valid until OnDone
  v1::Request request_;
  v1::Behavior behavior_;
  FailurePlan plan_;
  RequestChecker checker_;
  bool stalled_ = false;
  int64_t last_client_send_time_ns_ = 0;
  int64_t last_intended_send_time_ns_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Bidi. ECHO: one response per request, each after response_delay_us, queued in order with one
// write in flight and reading paused while the queue is full. INDEPENDENT: response_count
// responses at response_interval_us while the client's messages are read and counted; the call
// ends when both sides are done.
class BidiReactor final
    : public WriterReactorBase<grpc::ServerBidiReactor<v1::Request, v1::Response>> {
 public:
  BidiReactor(grpc::CallbackServerContext* context, const CallEnv& env)
      : WriterReactorBase(context, env), checker_(env.metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    ReadLocked();
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    reading_ = false;
    if (finished_) return;
    if (!ok) {  // half-close (or cancellation, which OnCancel finishes)
      read_closed_ = true;
      if (flow_) {
        if (behavior_.response_count() == 0) flow_->Stop();  // "until the client half-closes"
        FlowNextLocked();
      } else if (independent_) {
        IndependentNextLocked();
      } else {
        EchoPumpLocked();
      }
      return;
    }
    const bool first = checker_.messages() == 0;
    if (first) {
      behavior_ = request_.behavior();
      if (!ValidateLocked(behavior_)) return;
      plan_ = PlanFailure(behavior_.failure());
      independent_ = behavior_.bidi_mode() == v1::Behavior::INDEPENDENT;
    }
    // A corrupted or out-of-order request is counted and still answered: the client measures
    // integrity on what it receives.
    checker_.Check(request_);
    const uint64_t received = checker_.messages();

    if (independent_) {
      if (plan_.FiresAt(received)) {
        InjectFailureLocked(plan_);
        return;
      }
      if (first) {
        response_.set_client_send_time_ns(request_.client_send_time_ns());
        response_.set_intended_send_time_ns(request_.intended_send_time_ns());
        pacer_.Configure(behavior_);
        pacer_.Start();
        if (behavior_.app_flow_control().queue_capacity_messages() > 0) {
          flow_.emplace(behavior_.app_flow_control(), behavior_.response_count());
          flow_->Start(pacer_.DueNs(0));
          FlowProduceLocked();
        } else {
          IndependentNextLocked();
        }
      }
    } else {
      // Exactly after_messages requests are answered, then the call fails once they are sent.
      if (plan_.active && received > plan_.after_messages) {
        failing_ = true;
      } else {
        QueueEchoLocked(first);
        if (plan_.FiresAt(received)) failing_ = true;
      }
      EchoPumpLocked();
      if (finished_) return;
    }
    MaybeStallLocked();
    ReadLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    WriteDoneLocked();
    if (!ok) {
      FinishLocked(grpc::Status(CancelledCode(), "write failed"));
      return;
    }
    if (independent_) {
      env_.metrics.MessageSent(response_.payload().size());
      ++sent_;
      if (flow_) {
        FlowNextLocked();
      } else {
        IndependentNextLocked();
      }
      return;
    }
    const uint64_t bytes = echoes_.front().payload().size();
    env_.metrics.MessageSent(bytes);
    queued_bytes_ -= bytes;
    echoes_.pop_front();
    echo_due_ns_.pop_front();
    EchoPumpLocked();
    ReadLocked();  // resumes reading if the queue had been full
  }

 private:
  static constexpr int kWriteAlarm = 0;  // echo delay or independent pacing
  static constexpr int kStallAlarm = 1;
  static constexpr int kProduceAlarm = 2;  // app-level flow control's producer

  void OnAlarmLocked(int slot) override {
    if (slot == kProduceAlarm) {
      FlowProduceLocked();
    } else if (slot == kStallAlarm) {
      stall_active_ = false;
      ReadLocked();
    } else if (independent_) {
      IndependentWriteLocked();
    } else {
      EchoPumpLocked();
    }
  }

  // Issues the next read unless one is outstanding, the client has half-closed, the server is
  // stalling on purpose, the call is failing, or too many echoes wait (backpressure).
  void ReadLocked() {
    if (finished_ || reading_ || read_closed_ || stall_active_ || failing_) return;
    if (echoes_.size() >= kMaxQueuedEchoes || queued_bytes_ >= kMaxQueuedEchoBytes) return;
    reading_ = true;
    StartRead(&request_);
  }

  void MaybeStallLocked() {
    const v1::ReadStall& stall = behavior_.read_stall();
    if (stall_done_ || finished_ || stall.duration_us() == 0) return;
    if (checker_.messages() < stall.after_messages()) return;
    stall_done_ = true;  // once per stream
    stall_active_ = true;
    ArmAfterLocked(kStallAlarm, stall.duration_us());
  }

  // App-level flow control (INDEPENDENT): as in ServerStreamReactor, plus the read side: the call
  // ends once every produced response is written and the client has half-closed.
  void FlowProduceLocked() {
    ProduceDueResponses(*flow_, env_.metrics);
    FlowNextLocked();
  }

  void FlowNextLocked() {
    if (finished_) return;
    if (!writing_ && !flow_->Empty()) {
      const AppFlowQueue::Item item = flow_->Pop(SteadyNowNs());
      FillStreamResponse(env_.payloads, item.seq, behavior_.response_size_bytes(), response_);
      response_.set_dropped_before(item.dropped_before);
      StartTimedWriteLocked(&response_);
    }
    const int64_t due_ns = flow_->NextDueNs();
    if (due_ns >= 0 && !ArmedLocked(kProduceAlarm)) ArmLocked(kProduceAlarm, due_ns);
    if (!writing_ && flow_->Empty() && flow_->ProducerFinished() && read_closed_) {
      FinishLocked(grpc::Status::OK);
    }
  }

  void QueueEchoLocked(bool first) {
    v1::Response& echo = echoes_.emplace_back();
    echo.set_seq(echoes_sent_or_queued_++);
    echo.set_request_seq(request_.seq());
    echo.set_client_send_time_ns(request_.client_send_time_ns());
    echo.set_intended_send_time_ns(request_.intended_send_time_ns());
    if (behavior_.response_size_bytes() == 0) {
      // Same size as the request: its own bytes, moved rather than copied, with a checksum of what
      // is actually sent (so a corrupted request does not make a corrupted response).
      echo.set_payload(std::move(*request_.mutable_payload()));
      echo.set_payload_crc32c(Crc32c(echo.payload()));
    } else {
      FillPayload(env_.payloads, echo.seq(), behavior_.response_size_bytes(), echo);
    }
    queued_bytes_ += echo.payload().size();
    env_.metrics.SendQueueDepth(echoes_.size());
    int64_t delay_us = static_cast<int64_t>(behavior_.response_delay_us());
    if (first) delay_us += static_cast<int64_t>(behavior_.first_response_delay_us());
    echo_due_ns_.push_back(SteadyNowNs() + delay_us * 1000);
  }

  // Writes the head of the echo queue when it is due; finishes when nothing is left to do.
  void EchoPumpLocked() {
    if (finished_ || writing_ || ArmedLocked(kWriteAlarm)) return;
    if (echoes_.empty()) {
      if (failing_) {
        InjectFailureLocked(plan_);
      } else if (read_closed_) {
        FinishLocked(grpc::Status::OK);
      }
      return;
    }
    if (echo_due_ns_.front() > SteadyNowNs()) {
      ArmLocked(kWriteAlarm, echo_due_ns_.front());
      return;
    }
    echoes_.front().set_server_send_time_ns(RealtimeNs());
    StartTimedWriteLocked(
        &echoes_.front());  // deque: the element stays put while others are appended
  }

  // INDEPENDENT: after `sent_` responses, write the next when due, or finish when both sides
  // are done (response_count 0 = stream until the client half-closes).
  void IndependentNextLocked() {
    if (finished_ || writing_ || ArmedLocked(kWriteAlarm)) return;
    const uint64_t count = behavior_.response_count();
    const bool writer_done = count > 0 ? sent_ >= count : read_closed_;
    if (writer_done) {
      if (read_closed_) FinishLocked(grpc::Status::OK);
      return;
    }
    if (checker_.messages() == 0) return;  // the behaviour has not arrived yet
    const int64_t due_ns = pacer_.DueNs(sent_);
    if (due_ns > SteadyNowNs()) {
      ArmLocked(kWriteAlarm, due_ns);
    } else {
      IndependentWriteLocked();
    }
  }

  void IndependentWriteLocked() {
    FillStreamResponse(env_.payloads, sent_, behavior_.response_size_bytes(), response_);
    StartTimedWriteLocked(&response_);
  }

  v1::Request request_;
  v1::Behavior behavior_;
  FailurePlan plan_;
  RequestChecker checker_;
  bool independent_ = false;
  bool reading_ = false;      // a read is outstanding
  bool read_closed_ = false;  // the client half-closed (or the stream broke)
  bool failing_ = false;      // ECHO: the injected failure ends the call once the queue drains
  bool stall_done_ = false;
  bool stall_active_ = false;
  // ECHO state.
  std::deque<v1::Response> echoes_;
  std::deque<int64_t> echo_due_ns_;  // SteadyNowNs() when each queued echo may be written
  uint64_t echoes_sent_or_queued_ = 0;
  uint64_t queued_bytes_ = 0;
  // INDEPENDENT state.
  Pacer pacer_;
  v1::Response response_;
  uint64_t sent_ = 0;
  std::optional<AppFlowQueue> flow_;  // app-level flow control, when asked for
};

}  // namespace

StreamBenchService::StreamBenchService(ServerMetrics& metrics, const BehaviorCaps& caps,
                                       uint64_t max_send_message_bytes)
    : caps_(caps),
      max_send_message_bytes_(max_send_message_bytes),
      payloads_(static_cast<size_t>(std::min<uint64_t>(
          caps.max_response_bytes, max_send_message_bytes > kResponseOverheadBytes
                                       ? max_send_message_bytes - kResponseOverheadBytes
                                       : 0))),
      unary_metrics_(metrics.ForMethod(kUnaryMethod)),
      server_stream_metrics_(metrics.ForMethod(kServerStreamMethod)),
      client_stream_metrics_(metrics.ForMethod(kClientStreamMethod)),
      bidi_metrics_(metrics.ForMethod(kBidiMethod)) {}

StreamBenchService::~StreamBenchService() { WaitUntilIdle(std::chrono::seconds(10)); }

bool StreamBenchService::WaitUntilIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(live_calls_mu_);
  return live_calls_cv_.wait_for(lock, timeout, [this] { return live_calls() == 0; });
}

void StreamBenchService::CallCreated() { live_calls_.fetch_add(1, std::memory_order_relaxed); }

void StreamBenchService::CallDeleted() {
  // Under the mutex (once per call, not per message) so the destructor cannot see 0 and destroy
  // the mutex while this is still about to notify.
  std::lock_guard<std::mutex> lock(live_calls_mu_);
  if (live_calls_.fetch_sub(1, std::memory_order_acq_rel) == 1) live_calls_cv_.notify_all();
}

grpc::ServerUnaryReactor* StreamBenchService::Unary(grpc::CallbackServerContext* context,
                                                    const v1::Request* request,
                                                    v1::Response* response) {
  return new UnaryReactor(context,
                          CallEnv{*this, unary_metrics_, caps_, max_send_message_bytes_, payloads_},
                          *request, response);
}

grpc::ServerWriteReactor<v1::Response>* StreamBenchService::ServerStream(
    grpc::CallbackServerContext* context, const v1::Request* request) {
  return new ServerStreamReactor(
      context, CallEnv{*this, server_stream_metrics_, caps_, max_send_message_bytes_, payloads_},
      *request);
}

grpc::ServerReadReactor<v1::Request>* StreamBenchService::ClientStream(
    grpc::CallbackServerContext* context, v1::ClientStreamSummary* response) {
  return new ClientStreamReactor(
      context, CallEnv{*this, client_stream_metrics_, caps_, max_send_message_bytes_, payloads_},
      response);
}

grpc::ServerBidiReactor<v1::Request, v1::Response>* StreamBenchService::Bidi(
    grpc::CallbackServerContext* context) {
  return new BidiReactor(context,
                         CallEnv{*this, bidi_metrics_, caps_, max_send_message_bytes_, payloads_});
}

}  // namespace streambench
