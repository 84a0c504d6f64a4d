#include "broker/producer_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "broker/protocol.h"

namespace careflow::broker {
namespace {

// Sequence numbers wrap from INT32_MAX to 0, as Kafka's DefaultRecordBatch.incrementSequence.
int32_t add_sequence(int32_t sequence, int32_t increment) {
  const int64_t sum = static_cast<int64_t>(sequence) + increment;
  return static_cast<int32_t>(sum % (static_cast<int64_t>(INT32_MAX) + 1));
}

}  // namespace

int64_t ProducerStates::allocate_id() {
  std::lock_guard lock(mutex_);
  return next_id_++;
}

ProducerStates::Partition& ProducerStates::partition_state(const log::TopicPartition& partition) {
  std::lock_guard lock(mutex_);
  auto& state = partitions_[partition];
  if (!state) state = std::make_unique<Partition>();
  return *state;
}

Result<ProducerStates::Outcome> ProducerStates::append(const log::TopicPartition& partition, const BatchProducer& batch,
                                                       const std::function<Result<int64_t>()>& append) {
  Outcome outcome;
  if (batch.base_sequence < 0 || batch.producer_epoch < 0 || batch.record_count <= 0) {
    outcome.error = err::kInvalidRecord;
    outcome.message = fmt::format("producer {}: an idempotent batch needs a sequence and an epoch (got {} and {})",
                                  batch.producer_id, batch.base_sequence, batch.producer_epoch);
    return outcome;
  }
  const int32_t last_sequence = add_sequence(batch.base_sequence, batch.record_count - 1);
  Partition& state = partition_state(partition);
  std::lock_guard lock(state.mutex);
  auto found = state.producers.find(batch.producer_id);
  if (found != state.producers.end()) {
    Producer& producer = found->second;
    if (batch.producer_epoch < producer.epoch) {
      outcome.error = err::kInvalidProducerEpoch;
      outcome.message = fmt::format("producer {} epoch {} is older than its current epoch {}", batch.producer_id,
                                    batch.producer_epoch, producer.epoch);
      return outcome;
    }
    if (batch.producer_epoch == producer.epoch) {
      for (const SentBatch& sent : producer.last_batches) {
        if (sent.first_sequence == batch.base_sequence && sent.last_sequence == last_sequence) {
          producer.last_seen = std::chrono::steady_clock::now();
          outcome.base_offset = sent.base_offset;  // a retry of a batch already written
          return outcome;
        }
      }
      const int32_t expected = producer.last_batches.empty()
                                   ? 0
                                   : add_sequence(producer.last_batches.back().last_sequence, 1);
      if (!producer.last_batches.empty() && batch.base_sequence != expected) {
        outcome.error = err::kOutOfOrderSequenceNumber;
        outcome.message = fmt::format("producer {} epoch {}: sequence {} where {} was expected", batch.producer_id,
                                      batch.producer_epoch, batch.base_sequence, expected);
        return outcome;
      }
    } else if (batch.base_sequence != 0) {
      outcome.error = err::kOutOfOrderSequenceNumber;
      outcome.message = fmt::format("producer {}: a new epoch {} must start at sequence 0, not {}", batch.producer_id,
                                    batch.producer_epoch, batch.base_sequence);
      return outcome;
    }
  }
  CF_ASSIGN_OR_RETURN(const int64_t base_offset, append());
  if (found == state.producers.end() && state.producers.size() >= kMaxProducersPerPartition) {
    auto oldest = std::min_element(state.producers.begin(), state.producers.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
    state.producers.erase(oldest);
  }
  Producer& producer = state.producers[batch.producer_id];
  if (producer.epoch != batch.producer_epoch) producer.last_batches.clear();
  producer.epoch = batch.producer_epoch;
  producer.last_batches.push_back({batch.base_sequence, last_sequence, base_offset});
  if (producer.last_batches.size() > 5) producer.last_batches.pop_front();
  producer.last_seen = std::chrono::steady_clock::now();
  outcome.base_offset = base_offset;
  return outcome;
}

}  // namespace careflow::broker
