#pragma once
// Idempotent producers (KIP-98's idempotence, without transactions): producer ids handed out by
// InitProducerId, and per partition the sequence numbers of each producer's last batches, so a
// batch retried after a lost response is answered with its first offset instead of being written
// twice, and a gap in the sequence is refused. Private to broker/.
//
// Kafka's rules (ProducerStateManager): per producer and partition, the epoch may only grow (an
// older one is INVALID_PRODUCER_EPOCH); a new epoch starts at sequence 0; within an epoch a batch
// repeating one of the last five batches is a duplicate, and any other batch must start right
// after the last one (OUT_OF_ORDER_SEQUENCE_NUMBER otherwise). A producer the partition has no
// state for is accepted at any sequence: the state lives in memory, so after careflow restarts the
// first batch of a producer still running is taken as it comes (Kafka would rebuild the state from
// its log; careflow's log does not keep producer ids yet).
//
// Thread safety: every method may be called from many threads at once; appends to one partition by
// idempotent producers are serialised so that the check and the append are one step.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "broker/kafka_batch.h"
#include "common/status.h"
#include "log/topics.h"

namespace careflow::broker {

class ProducerStates {
 public:
  // Producer ids start at `first_id` (careflow starts from the wall clock in microseconds, so ids
  // handed out before a restart are not handed out again).
  explicit ProducerStates(int64_t first_id) : next_id_(first_id) {}

  int64_t allocate_id();

  struct Outcome {
    int16_t error = 0;         // Kafka's error code
    int64_t base_offset = -1;  // where the batch is (the first time's offset for a duplicate)
    std::string message;
  };
  // Checks `batch` against the partition's state for its producer, and calls `append` (returning
  // the batch's base offset) only when it is new and in order. An error from `append` is returned
  // as it is, and nothing is recorded.
  Result<Outcome> append(const log::TopicPartition& partition, const BatchProducer& batch,
                         const std::function<Result<int64_t>()>& append);

  // Producers remembered per partition; the least recently seen goes first beyond this.
  static constexpr size_t kMaxProducersPerPartition = 10'000;

 private:
  struct SentBatch {
    int32_t first_sequence;
    int32_t last_sequence;
    int64_t base_offset;
  };
  struct Producer {
    int16_t epoch = 0;
    std::deque<SentBatch> last_batches;  // the newest last; at most five, as Kafka keeps
    std::chrono::steady_clock::time_point last_seen;
  };
  struct Partition {
    std::mutex mutex;
    std::map<int64_t, Producer> producers;
  };

  Partition& partition_state(const log::TopicPartition& partition);

  std::mutex mutex_;
  int64_t next_id_;
  std::map<log::TopicPartition, std::unique_ptr<Partition>> partitions_;
};

}  // namespace careflow::broker
