#pragma once
// Kafka transactions (KIP-98) for exactly-once clients: a transaction coordinator that maps each
// transactional.id to a producer id and epoch, fences older epochs, and commits a transaction's
// records and consumer-group offsets as one atomic append to the embedded log. Private to broker/.
//
// Why the records wait in memory until EndTxn instead of going to the log at once (Kafka writes
// them and later adds a commit or abort marker): careflow's log has no transaction markers, but it
// has append_atomic — every partition's records and the offset commits in one unit that is either
// all there or not there after a crash. So a committed transaction is exactly what Kafka's
// read_committed consumers see, an aborted one leaves no trace, and the last stable offset is
// always the high watermark. The differences a client can observe: records of an open
// transaction are invisible to read_uncommitted consumers too (Kafka shows them), and a
// transactional produce is answered with base offset -1 (the offset is given at commit).
// A restart of careflow forgets open transactions: their producers get UNKNOWN_PRODUCER_ID /
// INVALID_PRODUCER_ID_MAPPING and start again with InitProducerId, as after a coordinator loss.
//
// Bounded: at most kMaxTransactionalIds ids (the idle longest goes first), a transaction buffers
// at most kMaxTransactionBytes, and one open longer than its transaction.timeout.ms is aborted
// with its epoch bumped (Kafka's coordinator does the same), so a vanished producer holds nothing.
//
// Thread safety: every method may be called from many connections at once.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/producer_state.h"
#include "log/topics.h"

namespace careflow::broker {

class TransactionCoordinator {
 public:
  TransactionCoordinator(log::Topics& topics, ProducerStates& producers) : topics_(topics), producers_(producers) {}

  struct Identity {
    int16_t error = 0;  // Kafka's error code
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
  };
  // InitProducerId with a transactional.id: a new id at epoch 0, or the id's producer at the next
  // epoch (fencing the previous one); an open transaction of the id is aborted first.
  Identity init(const std::string& transactional_id, int32_t timeout_ms);

  // AddPartitionsToTxn: the partitions this transaction may write. One error code per partition.
  int16_t add_partition(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                        const log::TopicPartition& partition);
  // AddOffsetsToTxn: the group whose offsets the transaction will commit.
  int16_t add_group(const std::string& transactional_id, int64_t producer_id, int16_t epoch, const std::string& group);
  // TxnOffsetCommit: an offset committed with the transaction.
  int16_t commit_offset(const std::string& transactional_id, int64_t producer_id, int16_t epoch, const std::string& group,
                        const log::TopicPartition& partition, int64_t offset);
  // A transactional batch of Produce: kept until EndTxn. `message` says why when refused.
  int16_t produce(const std::string& transactional_id, const log::TopicPartition& partition, const BatchProducer& batch,
                  std::vector<log::Record> records, std::string* message);
  // EndTxn: commit (one atomic append of every record and offset) or abort (drop them).
  int16_t end(const std::string& transactional_id, int64_t producer_id, int16_t epoch, bool commit, std::string* message);

  static constexpr size_t kMaxTransactionalIds = 10'000;
  static constexpr size_t kMaxTransactionBytes = 64 << 20;

 private:
  struct Transaction {
    int64_t producer_id = -1;
    int16_t epoch = 0;
    std::chrono::milliseconds timeout{60'000};
    bool open = false;  // Kafka's Ongoing: a partition or group was added
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_used;
    std::set<log::TopicPartition> partitions;
    std::set<std::string> groups;
    std::map<log::TopicPartition, std::vector<log::Record>> records;
    std::map<std::pair<std::string, log::TopicPartition>, int64_t> offsets;
    size_t bytes = 0;
  };

  // The transaction of `id` when the producer id and epoch are its current ones; else nullptr and
  // the error code (unknown id or a different producer id: INVALID_PRODUCER_ID_MAPPING, an older
  // epoch: PRODUCER_FENCED).
  Transaction* current(const std::string& id, int64_t producer_id, int16_t epoch, int16_t* error);
  // Opens the transaction on its first partition or group.
  void begin(Transaction& t);
  static void clear(Transaction& t);
  // Aborts open transactions past their timeout and bumps their epoch.
  void expire_locked();
  void evict_locked();

  log::Topics& topics_;
  ProducerStates& producers_;
  std::mutex mutex_;
  std::map<std::string, Transaction> transactions_;
};

}  // namespace careflow::broker
