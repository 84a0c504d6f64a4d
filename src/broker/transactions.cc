#include "broker/transactions.h"

#include <fmt/format.h>


#include "broker/protocol.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

TransactionCoordinator::Identity TransactionCoordinator::init(const std::string& transactional_id, int32_t timeout_ms) {
  // Kafka's bounds: positive, at most transaction.max.timeout.ms (15 minutes by default).
  if (timeout_ms <= 0 || timeout_ms > 900'000) return {err::kInvalidTransactionTimeout};
  std::lock_guard lock(mutex_);
  expire_locked();
  auto found = transactions_.find(transactional_id);
  if (found == transactions_.end()) {
    evict_locked();
    // Every remembered id has an open transaction: retriable, as while a coordinator loads.
    if (transactions_.size() >= kMaxTransactionalIds) return {err::kConcurrentTransactions};
    found = transactions_.emplace(transactional_id, Transaction{}).first;
    found->second.producer_id = producers_.allocate_id();
    found->second.epoch = 0;
  } else {
    Transaction& t = found->second;
    if (t.open) {
      log_info("broker", "transaction aborted: its id initialised again",
               {{"transactional_id", transactional_id}, {"producer_id", t.producer_id}});
    }
    clear(t);
    // A new epoch fences the previous producer; at the last epoch, a new producer id (as Kafka).
    if (t.epoch >= INT16_MAX - 1) {
      t.producer_id = producers_.allocate_id();
      t.epoch = 0;
    } else {
      ++t.epoch;
    }
  }
  Transaction& t = found->second;
  t.timeout = std::chrono::milliseconds(timeout_ms);
  t.last_used = Clock::now();
  return {err::kNone, t.producer_id, t.epoch};
}

TransactionCoordinator::Transaction* TransactionCoordinator::current(const std::string& id, int64_t producer_id,
                                                                     int16_t epoch, int16_t* error) {
  expire_locked();
  auto found = transactions_.find(id);
  if (found == transactions_.end() || found->second.producer_id != producer_id) {
    *error = err::kInvalidProducerIdMapping;
    return nullptr;
  }
  Transaction& t = found->second;
  if (epoch != t.epoch) {
    *error = epoch < t.epoch ? err::kProducerFenced : err::kInvalidProducerEpoch;
    return nullptr;
  }
  t.last_used = Clock::now();
  *error = err::kNone;
  return &t;
}

void TransactionCoordinator::begin(Transaction& t) {
  if (t.open) return;
  t.open = true;
  t.started = Clock::now();
}

void TransactionCoordinator::clear(Transaction& t) {
  t.open = false;
  t.partitions.clear();
  t.groups.clear();
  t.records.clear();
  t.offsets.clear();
  t.bytes = 0;
}

int16_t TransactionCoordinator::add_partition(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                              const log::TopicPartition& partition) {
  std::lock_guard lock(mutex_);
  int16_t error = err::kNone;
  Transaction* t = current(transactional_id, producer_id, epoch, &error);
  if (!t) return error;
  begin(*t);
  t->partitions.insert(partition);
  return err::kNone;
}

int16_t TransactionCoordinator::add_group(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                          const std::string& group) {
  std::lock_guard lock(mutex_);
  int16_t error = err::kNone;
  Transaction* t = current(transactional_id, producer_id, epoch, &error);
  if (!t) return error;
  begin(*t);
  t->groups.insert(group);
  return err::kNone;
}

int16_t TransactionCoordinator::commit_offset(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                              const std::string& group, const log::TopicPartition& partition,
                                              int64_t offset) {
  if (offset < 0) return err::kInvalidRequest;
  std::lock_guard lock(mutex_);
  int16_t error = err::kNone;
  Transaction* t = current(transactional_id, producer_id, epoch, &error);
  if (!t) return error;
  // The client adds the group (AddOffsetsToTxn) before committing offsets to it.
  if (!t->open || !t->groups.contains(group)) return err::kInvalidTxnState;
  t->offsets[{group, partition}] = offset;
  return err::kNone;
}

int16_t TransactionCoordinator::produce(const std::string& transactional_id, const log::TopicPartition& partition,
                                        const BatchProducer& batch, std::vector<log::Record> records,
                                        std::string* message) {
  size_t bytes = 0;
  for (const log::Record& r : records) bytes += static_cast<size_t>(r.payload_bytes()) + 64;
  // The sequence check (a retried batch is kept once) is ProducerStates'; what it calls in place
  // of an append checks the transaction and keeps the records, under the coordinator's lock.
  int16_t refused = err::kNone;
  auto outcome = producers_.append(partition, batch, [&]() -> Result<int64_t> {
    std::lock_guard lock(mutex_);
    Transaction* t = current(transactional_id, batch.producer_id, batch.producer_epoch, &refused);
    if (!t) return Status::failed_precondition("the producer id or epoch is not the transactional id's current one");
    if (!t->open || !t->partitions.contains(partition)) {
      refused = err::kInvalidTxnState;
      return Status::failed_precondition(
          fmt::format("{} was not added to the transaction (AddPartitionsToTxn)", partition.to_string()));
    }
    if (t->bytes + bytes > kMaxTransactionBytes) {
      refused = err::kMessageTooLarge;
      return Status::failed_precondition(fmt::format("a transaction holds at most {} bytes until it commits", kMaxTransactionBytes));
    }
    std::vector<log::Record>& kept = t->records[partition];
    for (log::Record& r : records) kept.push_back(std::move(r));
    t->bytes += bytes;
    return int64_t{-1};  // offsets are given when the transaction commits
  });
  if (!outcome) {
    *message = outcome.status().message();
    return refused != err::kNone ? refused : err::kUnknownServerError;
  }
  *message = outcome->message;
  return outcome->error;
}

int16_t TransactionCoordinator::end(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                                    bool commit, std::string* message) {
  std::lock_guard lock(mutex_);
  int16_t error = err::kNone;
  Transaction* t = current(transactional_id, producer_id, epoch, &error);
  if (!t) {
    *message = "the producer id or epoch is not the transactional id's current one (fenced, expired or unknown)";
    return error;
  }
  // EndTxn without an open transaction: a retry of one that completed (Kafka answers it the same).
  if (!t->open) return err::kNone;
  if (!commit) {
    clear(*t);
    return err::kNone;
  }
  std::vector<log::PartitionBatch> batches;
  for (auto& [partition, records] : t->records) {
    if (!records.empty()) batches.push_back({partition, std::move(records)});
  }
  std::vector<log::OffsetCommit> commits;
  for (const auto& [where, offset] : t->offsets) commits.push_back({where.first, where.second, offset});
  clear(*t);
  if (batches.empty() && commits.empty()) return err::kNone;
  auto appended = topics_.append_atomic(batches, commits);
  if (!appended) {
    // Nothing of it was written (the append is atomic): the transaction is aborted.
    *message = fmt::format("the commit could not be written, the transaction is aborted: {}", appended.status().message());
    log_warn("broker", "transaction commit failed", {{"transactional_id", transactional_id}, {"error", appended.status().message()}});
    return err::kKafkaStorageError;
  }
  return err::kNone;
}

void TransactionCoordinator::expire_locked() {
  const auto now = Clock::now();
  for (auto& [id, t] : transactions_) {
    if (!t.open || now - t.started <= t.timeout) continue;
    log_info("broker", "transaction aborted: open longer than its timeout",
             {{"transactional_id", id}, {"timeout_ms", static_cast<int64_t>(t.timeout.count())}});
    clear(t);
    // The producer that let it time out is fenced, as Kafka's coordinator bumps the epoch.
    if (t.epoch < INT16_MAX - 1) ++t.epoch;
  }
}

void TransactionCoordinator::evict_locked() {
  if (transactions_.size() < kMaxTransactionalIds) return;
  auto oldest = transactions_.end();
  for (auto it = transactions_.begin(); it != transactions_.end(); ++it) {
    if (it->second.open) continue;
    if (oldest == transactions_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (oldest != transactions_.end()) transactions_.erase(oldest);
}

}  // namespace careflow::broker
