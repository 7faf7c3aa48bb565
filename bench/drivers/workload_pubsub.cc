// subscribe driver: pubsub.subscribers subscriber streams and pubsub.publishers publisher streams
// (client streaming, so each publisher's events stay in order), spread over the slots round
// robin. One operation = one event from the next publisher. Subscribers ask the server to replay
// from the run's start, so none misses an event published before its subscription was in place.
// At the stop, publishers half-close once their queue is written; each subscriber is ended by
// the client as soon as it has everything its publishers wrote (that end counts as OK). With
// server_behavior.integrity_faults the server drops and duplicates events on purpose, so a count
// cannot tell when a subscriber has everything: it ends once a heartbeat arrives that the server
// sent after the last publisher finished (a heartbeat goes out only when the subscriber's queue
// is empty, so every event published before it was sent). Both times are CLOCK_MONOTONIC, which
// the server and the generator share on one host.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bench/drivers/call_base.h"
#include "bench/drivers/stream_write_side.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/drivers/workload_drivers.h"
#include "bench/drivers/world_slot.h"
#include "bench/drivers/write_pump.h"
#include "bench/stats/integrity.h"
#include "bench/stats/stream_arrivals.h"
#include "common/clock.h"
#include "common/crc32c.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::drivers {
namespace {

using stats::Latency;
using streambench::v1::Workloads;

class Subscriber;
class Publisher;

// Per-run state: who is where, and what every publisher wrote of each event type.
struct PubSubWorld {
  explicit PubSubWorld(const scenario::Scenario& s, int64_t start_ns)
      : spec(s.pubsub),
        start_ns(start_ns),
        id_tag(s.id_tag),
        payload(std::max<size_t>(1, s.pubsub.event_size_bytes), s.seed),
        written(static_cast<size_t>(s.pubsub.publishers) * s.pubsub.event_types.size()) {}

  const scenario::PubSubSpec spec;
  const int64_t start_ns;       // subscribers replay from here; it also tags the run's topics
  const std::string id_tag;     // the shard's tag (scenario.h), in the topic names too
  const PayloadSource payload;  // event payloads (pubsub.event_size, not request.payload_size)
  std::vector<std::atomic<uint64_t>> written;  // [publisher * types + type]
  std::atomic<uint32_t> publishers_done{0};
  // SteadyNowNs() when the last publisher finished (the latest of them), set before
  // publishers_done counts it.
  std::atomic<int64_t> publishers_done_ns{0};
  std::atomic<uint32_t> publishers_ok{0};
  std::atomic<uint64_t> next_publisher{0};

  std::mutex mu;  // guards the lists (filled while slots are made, read after)
  std::vector<Publisher*> publishers;
  std::vector<Subscriber*> subscribers;

  uint32_t types() const { return static_cast<uint32_t>(spec.event_types.size()); }
  // Unique to the run, so runs sharing a target server (concurrent variants) never see each
  // other's events.
  std::string TopicName(uint32_t topic) const {
    return "topic-" + id_tag + std::to_string(start_ns) + "-" + std::to_string(topic);
  }
  bool Wanted(uint32_t type) const {
    if (spec.filter.empty()) return true;
    for (const auto& f : spec.filter) {
      if (f == spec.event_types[type]) return true;
    }
    return false;
  }
  // Events a subscriber of `topic` must get in the end (publishers all finished).
  uint64_t ExpectedFor(uint32_t topic) const {
    uint64_t total = 0;
    for (uint32_t p = topic; p < spec.publishers; p += spec.topics) {
      for (uint32_t t = 0; t < types(); ++t) {
        if (Wanted(t)) total += written[p * types() + t].load();
      }
    }
    return total;
  }
  void CheckDrain();
  // A stream leaves the lists before it is deleted (OnDone).
  void Remove(Subscriber* s);
  void Remove(Publisher* p);
};

const std::string kSubscribePath = MethodPath(Workloads::service_full_name(), "Subscribe");
const std::string kPublishStreamPath = MethodPath(Workloads::service_full_name(), "PublishStream");

class Subscriber final : public CallBase {
 public:
  Subscriber(DriverContext& dc, CallList& list, engines::Channel& channel,
             std::shared_ptr<PubSubWorld> world, uint32_t topic)
      : CallBase(dc, list), world_(std::move(world)), topic_(topic) {
    req_.set_topic(world_->TopicName(topic));
    for (const auto& f : world_->spec.filter) req_.add_event_types(f);
    req_.set_start_time_ns(world_->start_ns);
    req_.set_heartbeat_interval_ms(
        static_cast<uint32_t>(world_->spec.heartbeat_interval_us / 1000));
    req_.set_max_queued_events(65536);
    if (faults_asked()) {
      SetIntegrityFaults(dc_.scenario().behavior.integrity_faults, dc_.scenario().seed,
                         req_.mutable_integrity_faults());
    }
    integrity_.resize(static_cast<size_t>(world_->spec.publishers) * world_->types());
    dc_.registry().ForCurrentThread().AddCallStarted();
    StartRpc(channel, kSubscribePath);
    StartWrite(req_);
    StartWritesDone();  // OnDone may follow at once: nothing after this
  }

  void OnMessage(std::string_view message) override {
    if (!Parse(message, &resp_)) return;
    if (resp_.has_event()) {
      const v1::Event& e = resp_.event();
      stats::Recorder& rec = dc_.registry().ForCurrentThread();
      const int64_t now = dc_.clock().NowNs();
      rec.RecordLatencyNs(Latency::kMessage, now - e.intended_publish_time_ns());
      // Events only: heartbeats keep an idle subscription alive and would hide a stall of events.
      events_.Arrived(rec, now);
      rec.AddReceived(1, e.payload().size());
      const size_t key =
          static_cast<size_t>(e.publisher_id()) * world_->types() + TypeIndex(e.event_type());
      if (key < integrity_.size()) {
        integrity_[key].OnMessage(e.publisher_seq(), Crc32c(e.payload()) == e.payload_crc32c());
      } else {
        stats::IntegrityCounts counts;
        counts.corrupted = 1;  // an event no publisher of this run sent
        rec.AddIntegrity(counts);
      }
      received_.fetch_add(1, std::memory_order_acq_rel);
    } else if (resp_.has_heartbeat() && faults_asked() &&
               world_->publishers_done.load() >= world_->spec.publishers &&
               resp_.heartbeat().server_time_ns() > world_->publishers_done_ns.load()) {
      heard_after_publishers_.store(true);
    }
    dropped_ = resp_.dropped_events();
    if (dc_.stopping()) world_->CheckDrain();
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    const bool complete = ended_by_client_.load();
    rec.AddCallFinished(complete ? 0 : status.error_code());
    events_.Close(rec);
    stats::IntegrityCounts total;
    const bool all_ok = world_->publishers_ok.load() == world_->spec.publishers;
    for (size_t key = 0; key < integrity_.size(); ++key) {
      const uint32_t publisher = static_cast<uint32_t>(key / world_->types());
      const uint32_t type = static_cast<uint32_t>(key % world_->types());
      if (all_ok && publisher % world_->spec.topics == topic_ && world_->Wanted(type)) {
        integrity_[key].Finish(world_->written[key].load());
      } else {
        integrity_[key].FinishUnknownCount();
      }
      total += integrity_[key].counts();
    }
    rec.AddIntegrity(total);
    world_->Remove(this);
    Finished();
  }

  // Ends the subscription if it has everything (from CheckDrain).
  void EndIfComplete() {
    if (ended_by_client_.load()) return;
    const bool complete =
        faults_asked() ? heard_after_publishers_.load()
                       : received_.load(std::memory_order_acquire) >= world_->ExpectedFor(topic_);
    if (complete) {
      if (!ended_by_client_.exchange(true)) TryCancel();
    }
  }

 private:
  bool faults_asked() const { return dc_.scenario().behavior.integrity_faults.Any(); }

  uint32_t TypeIndex(const std::string& type) const {
    for (uint32_t t = 0; t < world_->types(); ++t) {
      if (world_->spec.event_types[t] == type) return t;
    }
    return world_->types() * world_->spec.publishers;  // out of range
  }

  std::shared_ptr<PubSubWorld> world_;
  const uint32_t topic_;
  v1::SubscribeRequest req_;
  v1::SubscribeResponse resp_;
  std::vector<stats::StreamIntegrity> integrity_;  // per (publisher, type), read path only
  std::atomic<uint64_t> received_{0};
  stats::StreamArrivals events_;  // the events' arrivals, read path only
  uint64_t dropped_ = 0;
  std::atomic<bool> ended_by_client_{false};
  // Integrity faults: a heartbeat sent after the last publisher finished has arrived.
  std::atomic<bool> heard_after_publishers_{false};
};

// A publisher stream on the shared write side: operations queue in its WritePump (one write in
// flight, taken under the pump token), StreamWriteSide accounts for each write.
class Publisher final : public CallBase, private WritePump<Publisher> {
 public:
  Publisher(DriverContext& dc, CallList& list, engines::Channel& channel,
            std::shared_ptr<PubSubWorld> world, uint32_t id)
      : CallBase(dc, list),
        WritePump<Publisher>(Slot::kMaxQueuedOps),
        world_(std::move(world)),
        id_(id),
        topic_(world_->TopicName(id % world_->spec.topics)),
        seq_(world_->types(), 0),
        write_(/*write_is_message=*/false) {
    dc_.registry().ForCurrentThread().AddCallStarted();
    StartRpc(channel, kPublishStreamPath);
    Release();  // the pump's token, held since construction: writes may start now
  }

  // From the slots' Submit, one at a time (world->mu held): the pump's single producer.
  void Submit(int64_t intended_ns) {
    if (closing_.load() || !WritePump<Publisher>::Submit(intended_ns)) dc_.AddDropped();
  }

  // At the stop (world->mu held): half-closes once the queue is written.
  void Close() {
    closing_.store(true);
    Kick();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      // The call ended: the pump's token stays held (nothing more is written) and the half-close
      // lets OnDone come.
      StartWritesDone();
      return;
    }
    write_.Acked(dc_);
    world_->written[id_ * world_->types() + type_].fetch_add(1, std::memory_order_acq_rel);
    Release();
  }

  // The server ended the stream early (an error): stop taking events and half-close, at once
  // when idle or through the failing write in flight.
  void OnReadsDone() override {
    if (closing_.exchange(true)) return;
    Kick();
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddCallFinished(status.error_code());
    if (status.ok()) world_->publishers_ok.fetch_add(1);
    const int64_t now_ns = SteadyNowNs();  // the server's heartbeat clock, not dc_.clock()
    int64_t latest = world_->publishers_done_ns.load();
    while (latest < now_ns && !world_->publishers_done_ns.compare_exchange_weak(latest, now_ns)) {
    }
    world_->publishers_done.fetch_add(1);
    world_->Remove(this);
    world_->CheckDrain();
    Finished();
  }

 private:
  friend class WritePump<Publisher>;

  // Token held: the next event, or the half-close once closing with nothing queued (the token
  // then stays held: nothing is written after it).
  bool WorkLocked() {
    int64_t intended_ns;
    if (!queue().Pop(&intended_ns)) {
      if (!closing_.load()) return false;
      StartWritesDone();
      return true;
    }
    const int64_t now = dc_.clock().NowNs();
    type_ = static_cast<uint32_t>(next_ % world_->types());
    ++next_;
    v1::Event* e = req_.mutable_event();
    e->set_topic(topic_);
    e->set_event_type(world_->spec.event_types[type_]);
    e->set_publisher_id(id_);
    e->set_publisher_seq(seq_[type_]++);
    e->set_publish_time_ns(now);
    e->set_intended_publish_time_ns(intended_ns);
    const std::string_view payload =
        world_->payload.Slice(next_, static_cast<size_t>(world_->spec.event_size_bytes));
    e->set_payload(payload.data(), payload.size());
    e->set_payload_crc32c(Crc32c(payload));
    write_.Started(dc_, intended_ns, now, payload.size());
    StartWrite(req_);
    return true;
  }
  bool HasWork() const { return !queue().Empty() || closing_.load(); }

  std::shared_ptr<PubSubWorld> world_;
  const uint32_t id_;
  const std::string topic_;  // every event's topic
  std::atomic<bool> closing_{false};
  // Under the pump token.
  std::vector<uint64_t> seq_;  // per event type
  uint64_t next_ = 0;
  uint32_t type_ = 0;  // event type of the write in flight
  StreamWriteSide write_;
  v1::PublishRequest req_;
};

void PubSubWorld::Remove(Subscriber* s) {
  std::lock_guard<std::mutex> lock(mu);
  subscribers.erase(std::remove(subscribers.begin(), subscribers.end(), s), subscribers.end());
}

void PubSubWorld::Remove(Publisher* p) {
  std::lock_guard<std::mutex> lock(mu);
  publishers.erase(std::remove(publishers.begin(), publishers.end(), p), publishers.end());
}

void PubSubWorld::CheckDrain() {
  if (publishers_done.load() < spec.publishers) return;
  std::lock_guard<std::mutex> lock(mu);
  for (Subscriber* s : subscribers) s->EndIfComplete();
}

class PubSubSlot final : public WorldSlot<PubSubWorld> {
 public:
  using WorldSlot::WorldSlot;

  void Start() override {
    const int slots = SlotCount(dc_.scenario());
    std::lock_guard<std::mutex> lock(world_->mu);
    for (uint32_t i = index_; i < world_->spec.subscribers; i += slots) {
      world_->subscribers.push_back(
          new Subscriber(dc_, calls_, *channel_, world_, i % world_->spec.topics));
    }
    for (uint32_t j = index_; j < world_->spec.publishers; j += slots) {
      world_->publishers.push_back(new Publisher(dc_, calls_, *channel_, world_, j));
    }
  }
  // Any slot takes any operation: the world hands it to the next publisher.
  void Submit(int64_t intended_ns) override {
    std::lock_guard<std::mutex> lock(world_->mu);
    if (world_->publishers.empty()) return;
    world_->publishers[world_->next_publisher++ % world_->publishers.size()]->Submit(intended_ns);
  }
  // Slot 0 closes every publisher (once); each half-closes when its queue is written.
  void Stop() override {
    if (index_ == 0) {
      std::lock_guard<std::mutex> lock(world_->mu);
      for (Publisher* p : world_->publishers) p->Close();
    }
    world_->CheckDrain();
  }
};

}  // namespace

std::unique_ptr<RunDriver> MakePubSubDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeWorldDriver<PubSubSlot, PubSubWorld>(dc);
}

}  // namespace streambench::drivers
