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
#include "server/integrity_faults.h"
#include "server/lifecycle_reactor.h"
#include "server/test_metadata_echo.h"

namespace streambench {
namespace {

// Bidi echo: responses queued (waiting for their delay or for the write in flight) before the
// server stops reading the client, by count and by payload bytes.
constexpr size_t kMaxQueuedEchoes = 32;
constexpr uint64_t kMaxQueuedEchoBytes = 4ull << 20;

// Everything a call needs from its service.
struct CallEnv {
  LiveCalls& live_calls;
  ServerMetrics::Method& metrics;
  const BehaviorCaps& caps;
  uint64_t max_send_message_bytes;
  const PayloadSource& payloads;
  std::atomic<uint64_t>& faulted_streams;      // numbers the streams that inject faults
  std::atomic<uint64_t>& faulted_unary_calls;  // numbers the unary calls that ask to corrupt
};

using ResponseOutbox = FaultedOutbox<v1::Response, ResponseFaultTraits>;

// Gives a stream whose behaviour asks for integrity faults its outbox; leaves `outbox` empty
// otherwise (the stream then writes its responses directly, as without this feature).
void StartFaults(const v1::Behavior& behavior, const CallEnv& env,
                 std::optional<ResponseOutbox>& outbox) {
  if (IntegrityFaultsEnabled(behavior.integrity_faults())) {
    outbox.emplace(behavior.integrity_faults(), env.faulted_streams.fetch_add(1) + 1, env.metrics);
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
  response.set_server_send_time_ns(UnixNowNs());
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

// What every StreamBench reactor adds to the shared lifecycle: its call environment, the
// interop metadata echo, failure injection and the check of the request's behaviour. Alarm slots:
// at most three per reactor (a write or reply delay, a read stall, the app-level producer).
template <typename Derived, typename GrpcReactor>
class StreamBenchReactor : public LifecycleReactor<Derived, GrpcReactor, 3> {
 protected:
  StreamBenchReactor(grpc::CallbackServerContext* context, const CallEnv& env)
      : LifecycleReactor<Derived, GrpcReactor, 3>(env.metrics, env.live_calls, context), env_(env) {
    EchoTestMetadata(context);
  }

  void InjectFailureLocked(const FailurePlan& plan) {
    env_.metrics.FailureInjected(plan.code);
    this->FinishLocked(plan.status());
  }

  // Checks the behaviour; on INVALID_ARGUMENT finishes the call and returns false.
  bool ValidateLocked(const v1::Behavior& behavior) {
    grpc::Status status = ValidateBehavior(behavior, env_.caps, env_.max_send_message_bytes);
    if (status.ok()) status = ValidateAppFlowControl(behavior, env_.caps);
    if (status.ok()) status = ValidateIntegrityFaults(behavior.integrity_faults());
    if (status.ok()) return true;
    this->FinishLocked(status);
    return false;
  }

  const CallEnv env_;
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

// What the reactors that send a paced stream of responses (ServerStream; Bidi INDEPENDENT) add:
// response `produced_` made when the pacer says it is due, or, with app-level flow control, taken
// from the queue a producer fills on its own schedule (decoupled from the writer). One write in
// flight; response_ is reused for every write. With integrity faults, each response made goes
// through the outbox, and the writer writes what the outbox holds (none, one, or a duplicate or a
// held-back response as well). Derived provides PacedNextLocked() (after `produced_` responses,
// nothing in flight: fail, finish, or WriteWhenDueLocked) and FlowNextLocked() (the same for the
// queue, around FlowPumpLocked).
template <typename Derived, typename GrpcReactor>
class PacedStreamReactor : public StreamBenchReactor<Derived, GrpcReactor> {
 protected:
  using StreamBenchReactor<Derived, GrpcReactor>::StreamBenchReactor;

  static constexpr int kPaceAlarm = 0;
  static constexpr int kProduceAlarm = 2;  // app-level flow control's producer

  // Starts the stream that behavior_ asks for; `request` is the one that carried it.
  void StartStreamLocked(const v1::Request& request) {
    response_.set_client_send_time_ns(request.client_send_time_ns());
    response_.set_intended_send_time_ns(request.intended_send_time_ns());
    pacer_.Configure(behavior_);
    pacer_.Start();
    StartFaults(behavior_, this->env_, faults_);
    if (behavior_.app_flow_control().queue_capacity_messages() > 0) {
      flow_.emplace(behavior_.app_flow_control(), behavior_.response_count());
      flow_->Start(pacer_.DueNs(0));
      ProduceLocked();
    } else {
      derived().PacedNextLocked();
    }
  }

  // After a write of the stream went through.
  void StreamWriteDoneLocked() {
    ++sent_;
    if (faults_) {
      this->env_.metrics.MessageSent(faults_->front().payload().size());
      faults_->pop();
      if (!faults_->empty()) {  // the duplicate, or the response held back behind this one
        this->StartTimedWriteLocked(&faults_->front());
        return;
      }
    } else {
      this->env_.metrics.MessageSent(response_.payload().size());
    }
    if (flow_) {
      derived().FlowNextLocked();
    } else {
      derived().PacedNextLocked();
    }
  }

  // The producer's alarm: queues the responses due by now, then lets the writer take them.
  void ProduceLocked() {
    ProduceDueResponses(*flow_, this->env_.metrics);
    derived().FlowNextLocked();
  }

  // Makes response `produced_` now if it is due, else arms the pace alarm for when it is.
  void WriteWhenDueLocked() {
    const int64_t due_ns = pacer_.DueNs(produced_);
    if (due_ns > SteadyNowNs()) {
      this->ArmAtLocked(kPaceAlarm, due_ns);
    } else {
      WriteNextLocked();
    }
  }

  // Makes response `produced_` and writes it, or what the faults made of it. When the faults
  // swallow it (dropped, held back), PacedNextLocked goes on to the next; that may come back here,
  // which the loop turns into another round rather than a deeper stack (a long run of drops).
  void WriteNextLocked() {
    if (producing_) {
      produce_again_ = true;
      return;
    }
    producing_ = true;
    do {
      produce_again_ = false;
      FillStreamResponse(this->env_.payloads, produced_++, behavior_.response_size_bytes(),
                         response_);
      if (!faults_) {
        this->StartTimedWriteLocked(&response_);
        break;
      }
      faults_->Offer(response_);
      if (!faults_->empty()) {
        this->StartTimedWriteLocked(&faults_->front());
        break;
      }
      derived().PacedNextLocked();
    } while (produce_again_ && !this->finished_ && !this->write_in_flight_);
    producing_ = false;
  }

  // The end of the stream: writes a response the faults still hold back; true when it did (the
  // stream ends after that write).
  bool FlushFaultsLocked() {
    if (!faults_ || !faults_->holding() || this->write_in_flight_) return false;
    faults_->Flush();
    this->StartTimedWriteLocked(&faults_->front());
    return true;
  }

  // Writes the head of the queue unless a write is in flight, and re-arms the producer; true once
  // every response the producer will make has been written.
  bool FlowPumpLocked() {
    while (!this->write_in_flight_ && !flow_->Empty()) {
      const AppFlowQueue::Item item = flow_->Pop(SteadyNowNs());
      FillStreamResponse(this->env_.payloads, item.seq, behavior_.response_size_bytes(), response_);
      response_.set_dropped_before(item.dropped_before);
      if (!faults_) {
        this->StartTimedWriteLocked(&response_);
        break;
      }
      // A response dropped by a fault is lost, not dropped by flow control: the flow-control
      // drops it would have reported go with the next response written instead. The last
      // response has no next one, so it is not dropped while it carries such a report.
      response_.set_dropped_before(item.dropped_before + unreported_flow_drops_);
      unreported_flow_drops_ = 0;
      const bool last = flow_->Empty() && flow_->ProducerFinished();
      const bool may_drop = !last || response_.dropped_before() == 0;
      if (faults_->Offer(response_, may_drop) == IntegrityFault::kDrop) {
        unreported_flow_drops_ = response_.dropped_before();
      }
      if (!faults_->empty()) this->StartTimedWriteLocked(&faults_->front());
    }
    if (flow_->Empty() && flow_->ProducerFinished()) FlushFaultsLocked();
    const int64_t due_ns = flow_->NextDueNs();
    if (due_ns >= 0 && !this->ArmedLocked(kProduceAlarm)) this->ArmAtLocked(kProduceAlarm, due_ns);
    return !this->write_in_flight_ && flow_->Empty() && flow_->ProducerFinished();
  }

  v1::Behavior behavior_;
  FailurePlan plan_;
  Pacer pacer_;
  v1::Response response_;  // reused for every response made; only one write is in flight
  uint64_t produced_ = 0;  // responses made (the next one's seq), whatever the faults did
  uint64_t sent_ = 0;      // writes completed
  std::optional<AppFlowQueue> flow_;      // app-level flow control, when asked for
  std::optional<ResponseOutbox> faults_;  // integrity faults, when asked for
  uint64_t unreported_flow_drops_ = 0;    // dropped_before of a response a fault dropped
  bool producing_ = false;                // in WriteNextLocked's loop
  bool produce_again_ = false;            // WriteNextLocked was asked for again from within it

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }
};

// ---------------------------------------------------------------------------------------------
// Unary: wait response_delay_us, then one Response.
class UnaryReactor final : public StreamBenchReactor<UnaryReactor, grpc::ServerUnaryReactor> {
 public:
  UnaryReactor(grpc::CallbackServerContext* context, const CallEnv& env, const v1::Request& request,
               v1::Response* response)
      : StreamBenchReactor(context, env), request_(request), response_(response) {
    std::lock_guard<std::mutex> lock(mu_);
    env_.metrics.MessageReceived(request.payload().size());
    const v1::Behavior& behavior = request.behavior();
    if (!ValidateLocked(behavior)) return;
    const FailurePlan plan = PlanFailure(behavior.failure());
    if (plan.active) {  // unary: any after_messages behaves like 0
      InjectFailureLocked(plan);
      return;
    }
    corrupt_ = DecideCorruption(behavior.integrity_faults());
    if (behavior.response_delay_us() > 0) {
      ArmInLocked(kDelayAlarm, static_cast<int64_t>(behavior.response_delay_us()) * 1000);
    } else {
      RespondLocked();
    }
  }

 private:
  friend LifecycleReactor;  // calls OnAlarmLocked
  static constexpr int kDelayAlarm = 0;

  void OnAlarmLocked(int /*slot*/) { RespondLocked(); }

  // Of the integrity faults, only corrupt applies to the one response of a unary call; n counts
  // the server's unary calls that ask for it.
  bool DecideCorruption(const v1::IntegrityFaults& faults) {
    const v1::FaultRate& corrupt = faults.corrupt();
    if (corrupt.every_nth() == 0 && !(corrupt.probability() > 0)) return false;
    v1::IntegrityFaults only_corrupt;
    *only_corrupt.mutable_corrupt() = corrupt;
    only_corrupt.set_seed(faults.seed());
    const uint64_t n = env_.faulted_unary_calls.fetch_add(1) + 1;
    return IntegrityFaultPlan(only_corrupt, n).Decide(n) == IntegrityFault::kCorrupt;
  }

  void RespondLocked() {
    const size_t size = request_.behavior().response_size_bytes();
    response_->set_seq(0);
    response_->set_request_seq(request_.seq());
    response_->set_client_send_time_ns(request_.client_send_time_ns());
    response_->set_intended_send_time_ns(request_.intended_send_time_ns());
    response_->set_server_send_time_ns(UnixNowNs());
    FillPayload(env_.payloads, 0, size, *response_);
    if (corrupt_) {
      CorruptPayloadOrChecksum(*response_);
      env_.metrics.IntegrityFaultInjected(IntegrityFault::kCorrupt);
    }
    env_.metrics.MessageSent(size);
    FinishLocked(grpc::Status::OK);
  }

  const v1::Request& request_;  // owned by gRPC, valid until OnDone
  v1::Response* const response_;
  bool corrupt_ = false;  // the integrity faults corrupt this call's response
};

// ---------------------------------------------------------------------------------------------
// ServerStream: first_response_delay_us, then response_count responses every
// response_interval_us, one write in flight.
class ServerStreamReactor final
    : public PacedStreamReactor<ServerStreamReactor, grpc::ServerWriteReactor<v1::Response>> {
 public:
  ServerStreamReactor(grpc::CallbackServerContext* context, const CallEnv& env,
                      const v1::Request& request)
      : PacedStreamReactor(context, env) {
    std::lock_guard<std::mutex> lock(mu_);
    env_.metrics.MessageReceived(request.payload().size());
    behavior_ = request.behavior();
    if (!ValidateLocked(behavior_)) return;
    plan_ = PlanFailure(behavior_.failure());
    if (plan_.FiresAt(0)) {
      InjectFailureLocked(plan_);
      return;
    }
    StartStreamLocked(request);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!TimedWriteDoneLocked(ok)) return;  // the stream is gone (cancelled)
    StreamWriteDoneLocked();
  }

 private:
  friend LifecycleReactor;    // calls OnAlarmLocked
  friend PacedStreamReactor;  // calls PacedNextLocked and FlowNextLocked

  void OnAlarmLocked(int slot) {
    if (slot == kProduceAlarm) {
      ProduceLocked();
    } else {
      WriteNextLocked();
    }
  }

  // Writes the next queued response, and finishes once every produced response is written.
  void FlowNextLocked() {
    if (finished_) return;
    if (plan_.FiresAt(sent_)) {
      InjectFailureLocked(plan_);
      return;
    }
    if (FlowPumpLocked()) FinishLocked(grpc::Status::OK);
  }

  // After `produced_` responses: fail, finish, or write the next one when it is due.
  void PacedNextLocked() {
    if (finished_) return;
    if (plan_.FiresAt(produced_)) {
      InjectFailureLocked(plan_);
      return;
    }
    if (produced_ >= behavior_.response_count()) {
      if (!FlushFaultsLocked()) FinishLocked(grpc::Status::OK);
      return;
    }
    WriteWhenDueLocked();
  }
};

// ---------------------------------------------------------------------------------------------
// ClientStream: read and verify every request (never buffered), honour read_stall, then after the
// client half-closes wait response_delay_us and answer a ClientStreamSummary.
class ClientStreamReactor final
    : public StreamBenchReactor<ClientStreamReactor, grpc::ServerReadReactor<v1::Request>> {
 public:
  ClientStreamReactor(grpc::CallbackServerContext* context, const CallEnv& env,
                      v1::ClientStreamSummary* summary)
      : StreamBenchReactor(context, env), summary_(summary), checker_(env.metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // half-close (or cancellation, which OnCancel finishes)
      if (behavior_.response_delay_us() > 0) {
        ArmInLocked(kReplyAlarm, static_cast<int64_t>(behavior_.response_delay_us()) * 1000);
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
      ArmInLocked(kStallAlarm, static_cast<int64_t>(stall.duration_us()) * 1000);
      return;
    }
    StartRead(&request_);
  }

 private:
  friend LifecycleReactor;  // calls OnAlarmLocked
  static constexpr int kReplyAlarm = 0;
  static constexpr int kStallAlarm = 1;

  void OnAlarmLocked(int slot) {
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
    summary_->set_server_send_time_ns(UnixNowNs());
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
    : public PacedStreamReactor<BidiReactor, grpc::ServerBidiReactor<v1::Request, v1::Response>> {
 public:
  BidiReactor(grpc::CallbackServerContext* context, const CallEnv& env)
      : PacedStreamReactor(context, env), checker_(env.metrics) {
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
        PacedNextLocked();
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
      if (!independent_) StartFaults(behavior_, env_, faults_);  // INDEPENDENT: at its start
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
      if (first) StartStreamLocked(request_);
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
    if (!TimedWriteDoneLocked(ok)) return;
    if (independent_) {
      StreamWriteDoneLocked();
      return;
    }
    if (faults_) {
      env_.metrics.MessageSent(faults_->front().payload().size());
      faults_->pop();
      EchoPumpLocked();
      ReadLocked();
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
  friend LifecycleReactor;                        // calls OnAlarmLocked
  friend PacedStreamReactor;                      // calls PacedNextLocked and FlowNextLocked
  static constexpr int kWriteAlarm = kPaceAlarm;  // echo delay or independent pacing
  static constexpr int kStallAlarm = 1;

  void OnAlarmLocked(int slot) {
    if (slot == kProduceAlarm) {
      ProduceLocked();
    } else if (slot == kStallAlarm) {
      stall_active_ = false;
      ReadLocked();
    } else if (independent_) {
      WriteNextLocked();
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
    ArmInLocked(kStallAlarm, static_cast<int64_t>(stall.duration_us()) * 1000);
  }

  // App-level flow control (INDEPENDENT): as in ServerStreamReactor, plus the read side: the call
  // ends once every produced response is written and the client has half-closed.
  void FlowNextLocked() {
    if (finished_) return;
    if (FlowPumpLocked() && read_closed_) FinishLocked(grpc::Status::OK);
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
    if (finished_ || write_in_flight_ || ArmedLocked(kWriteAlarm)) return;
    if (faults_) {
      FaultedEchoPumpLocked();
      return;
    }
    if (echoes_.empty()) {
      if (failing_) {
        InjectFailureLocked(plan_);
      } else if (read_closed_) {
        FinishLocked(grpc::Status::OK);
      }
      return;
    }
    if (echo_due_ns_.front() > SteadyNowNs()) {
      ArmAtLocked(kWriteAlarm, echo_due_ns_.front());
      return;
    }
    echoes_.front().set_server_send_time_ns(UnixNowNs());
    StartTimedWriteLocked(
        &echoes_.front());  // deque: the element stays put while others are appended
  }

  // EchoPumpLocked with integrity faults: echoes that are due go through the outbox (which may
  // drop, duplicate, hold back or corrupt them), and what it holds is written one at a time. A
  // held-back echo waits for the next echo; when the client half-closes (or the call is to fail)
  // with none left, it goes out in order.
  void FaultedEchoPumpLocked() {
    const int64_t now_ns = SteadyNowNs();
    while (faults_->empty() && !echoes_.empty() && echo_due_ns_.front() <= now_ns) {
      queued_bytes_ -= echoes_.front().payload().size();
      faults_->Offer(std::move(echoes_.front()));
      echoes_.pop_front();
      echo_due_ns_.pop_front();
    }
    if (faults_->empty() && echoes_.empty() && (read_closed_ || failing_)) faults_->Flush();
    if (!faults_->empty()) {
      faults_->front().set_server_send_time_ns(UnixNowNs());
      StartTimedWriteLocked(&faults_->front());
      return;
    }
    if (!echoes_.empty()) {
      ArmAtLocked(kWriteAlarm, echo_due_ns_.front());
      return;
    }
    if (failing_) {
      InjectFailureLocked(plan_);
    } else if (read_closed_) {
      FinishLocked(grpc::Status::OK);
    }
  }

  // INDEPENDENT: after `produced_` responses, write the next when due, or finish when both sides
  // are done (response_count 0 = stream until the client half-closes).
  void PacedNextLocked() {
    if (finished_ || write_in_flight_ || ArmedLocked(kWriteAlarm)) return;
    const uint64_t count = behavior_.response_count();
    const bool writer_done = count > 0 ? produced_ >= count : read_closed_;
    if (writer_done) {
      if (FlushFaultsLocked()) return;
      if (read_closed_) FinishLocked(grpc::Status::OK);
      return;
    }
    if (checker_.messages() == 0) return;  // the behaviour has not arrived yet
    WriteWhenDueLocked();
  }

  v1::Request request_;
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

StreamBenchService::~StreamBenchService() { live_calls_.WaitUntilIdle(std::chrono::seconds(10)); }

grpc::ServerUnaryReactor* StreamBenchService::Unary(grpc::CallbackServerContext* context,
                                                    const v1::Request* request,
                                                    v1::Response* response) {
  return new UnaryReactor(context,
                          CallEnv{live_calls_, unary_metrics_, caps_, max_send_message_bytes_,
                                  payloads_, faulted_streams_, faulted_unary_calls_},
                          *request, response);
}

grpc::ServerWriteReactor<v1::Response>* StreamBenchService::ServerStream(
    grpc::CallbackServerContext* context, const v1::Request* request) {
  return new ServerStreamReactor(
      context,
      CallEnv{live_calls_, server_stream_metrics_, caps_, max_send_message_bytes_, payloads_,
              faulted_streams_, faulted_unary_calls_},
      *request);
}

grpc::ServerReadReactor<v1::Request>* StreamBenchService::ClientStream(
    grpc::CallbackServerContext* context, v1::ClientStreamSummary* response) {
  return new ClientStreamReactor(
      context,
      CallEnv{live_calls_, client_stream_metrics_, caps_, max_send_message_bytes_, payloads_,
              faulted_streams_, faulted_unary_calls_},
      response);
}

grpc::ServerBidiReactor<v1::Request, v1::Response>* StreamBenchService::Bidi(
    grpc::CallbackServerContext* context) {
  return new BidiReactor(
      context, CallEnv{live_calls_, bidi_metrics_, caps_, max_send_message_bytes_, payloads_,
                       faulted_streams_, faulted_unary_calls_});
}

}  // namespace streambench
