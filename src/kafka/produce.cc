// append on the idempotent producer, append_atomic as a Kafka transaction (see kafka_impl.h).
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "kafka/kafka_impl.h"

namespace careflow::kafka {

// The delivery reports of one append: how many records are still unacknowledged, the lowest
// offset given, and the first error.
struct KafkaTopicsImpl::Delivery {
  std::mutex mutex;
  std::condition_variable done;
  size_t pending = 0;
  int64_t first_offset = std::numeric_limits<int64_t>::max();
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;

  bool finished() {
    std::lock_guard lock(mutex);
    return pending == 0;
  }
  void wait() {
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return pending == 0; });
  }
};

void KafkaTopicsImpl::deliver_report(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  auto* delivery = static_cast<Delivery*>(message->_private);
  if (!delivery) return;
  {
    std::lock_guard lock(delivery->mutex);
    if (message->err) {
      if (!delivery->error) delivery->error = message->err;
    } else {
      delivery->first_offset = std::min(delivery->first_offset, message->offset);
    }
    --delivery->pending;
  }
  delivery->done.notify_all();
}

Status KafkaTopicsImpl::enqueue(rd_kafka_t* rk, const log::TopicPartition& target, const log::Record& record,
                                Delivery* delivery) {
  rd_kafka_vu_t vu[8];
  size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vu[n++].u.cstr = target.topic.c_str();
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = target.partition;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  if (record.key) {
    vu[n].vtype = RD_KAFKA_VTYPE_KEY;
    vu[n].u.mem.ptr = const_cast<char*>(record.key->data());
    vu[n++].u.mem.size = record.key->size();
  }
  // A null pointer is Kafka's null value (a tombstone); a non-null one of size 0 an empty value.
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = record.value ? const_cast<char*>(record.value->data()) : nullptr;
  vu[n++].u.mem.size = record.value ? record.value->size() : 0;
  vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  vu[n++].u.i64 = record.timestamp_ms;
  vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu[n++].u.ptr = delivery;
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const log::Header& h : record.headers) {
      rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value ? h.value->data() : nullptr,
                          h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    }
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = headers;
  }
  {
    std::lock_guard lock(delivery->mutex);
    ++delivery->pending;  // before producing: the report may come back at once
  }
  for (;;) {
    Error error{rd_kafka_produceva(rk, vu, n)};
    if (!error) return Status::ok();  // the message owns the headers now
    if (rd_kafka_error_code(error.get()) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);  // let acknowledgements make room
      continue;
    }
    {
      std::lock_guard lock(delivery->mutex);
      --delivery->pending;
    }
    if (headers) rd_kafka_headers_destroy(headers);
    return status_from(error.get(), fmt::format("appending to {}", target.to_string()));
  }
}

std::mutex& KafkaTopicsImpl::partition_write_mutex(const log::TopicPartition& tp) {
  std::lock_guard lock(write_mutexes_mutex_);
  auto& slot = write_mutexes_[tp];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

Result<int64_t> KafkaTopicsImpl::append(const log::TopicPartition& target, std::span<const log::Record> records) {
  if (records.empty()) return Status::invalid_argument(fmt::format("nothing to append to {}", target.to_string()));
  CF_RETURN_IF_ERROR(locate(target));
  // One append at a time per partition, so that its records get consecutive offsets.
  std::lock_guard lock(partition_write_mutex(target));
  Delivery delivery;
  Status queued;
  for (const log::Record& r : records) {
    if (queued = enqueue(producer_.get(), target, r, &delivery); !queued) break;
  }
  delivery.wait();  // every queued record reports back (acknowledged, or failed at the timeout)
  if (!queued) return queued;
  if (delivery.error) {
    if (delivery.error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || delivery.error == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      forget_topic(target.topic);
    }
    return status_from(delivery.error, fmt::format("appending to {}", target.to_string()));
  }
  return delivery.first_offset;
}

Status KafkaTopicsImpl::ensure_transactional() {
  if (transactional_) return Status::ok();
  CF_ASSIGN_OR_RETURN(Conf conf, make_conf(options_, ClientRole::kTransactionalProducer, &last_error_));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), deliver_report);
  CF_ASSIGN_OR_RETURN(Handle handle, make_handle(RD_KAFKA_PRODUCER, std::move(conf), "transactional producer"));
  if (Error e{rd_kafka_init_transactions(handle.get(), static_cast<int>(options_.timeout_ms))}) {
    return status_from(e.get(), "starting the transactional producer (kafka.transactional_id)");
  }
  transactional_ = std::move(handle);
  return Status::ok();
}

void KafkaTopicsImpl::await_group_offsets(const std::map<std::string, PartitionList>& offsets_by_group) const {
  const int64_t deadline = steady_clock_ms() + options_.timeout_ms;
  for (const auto& [group, list] : offsets_by_group) {
    for (;;) {
      auto seen = group_offsets(group, list.get());
      bool all = seen.is_ok();
      for (int i = 0; all && i < list->cnt; ++i) {
        auto it = seen->find({list->elems[i].topic, list->elems[i].partition});
        all = it != seen->end() && it->second == list->elems[i].offset;
      }
      if (all) break;
      if (steady_clock_ms() >= deadline) {
        log_warn("kafka", "a committed transaction's offsets are not visible yet", {{"group", group}});
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

Result<std::vector<int64_t>> KafkaTopicsImpl::append_atomic(std::span<const log::PartitionBatch> batches,
                                                            std::span<const log::OffsetCommit> commits) {
  if (batches.empty() && commits.empty()) return Status::invalid_argument("atomic append: nothing to append");
  std::set<log::TopicPartition> targets;
  for (const log::PartitionBatch& b : batches) {
    if (b.records.empty()) {
      return Status::invalid_argument(fmt::format("atomic append: the batch for {} is empty", b.target.to_string()));
    }
    CF_RETURN_IF_ERROR(locate(b.target));
    if (!targets.insert(b.target).second) {
      return Status::invalid_argument(fmt::format("atomic append: two batches for {}; merge them into one", b.target.to_string()));
    }
  }
  std::map<std::string, PartitionList> offsets_by_group;
  for (const log::OffsetCommit& c : commits) {
    if (c.group.empty()) return Status::invalid_argument("consumer group name is empty");
    if (c.offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", c.offset));
    CF_RETURN_IF_ERROR(locate(c.partition));
    PartitionList& list = offsets_by_group[c.group];
    if (!list) list.reset(rd_kafka_topic_partition_list_new(4));
    rd_kafka_topic_partition_list_add(list.get(), c.partition.topic.c_str(), c.partition.partition)->offset = c.offset;
  }

  // Partition locks in one global order (the set's), then the single transaction slot.
  std::vector<std::unique_lock<std::mutex>> locks;
  for (const log::TopicPartition& tp : targets) locks.emplace_back(partition_write_mutex(tp));
  std::lock_guard txn_lock(txn_mutex_);
  CF_RETURN_IF_ERROR(ensure_transactional());
  rd_kafka_t* rk = transactional_.get();
  const int timeout = static_cast<int>(options_.timeout_ms);

  std::vector<std::unique_ptr<Delivery>> deliveries;
  for (size_t i = 0; i < batches.size(); ++i) deliveries.push_back(std::make_unique<Delivery>());
  auto drain = [&] {
    for (auto& d : deliveries) {
      while (!d->finished()) rd_kafka_poll(rk, 10);
    }
  };
  // Aborts after a failure; a fatal error (fenced by a newer producer with the same
  // transactional.id) drops the producer so that the next call starts a fresh one.
  auto fail = [&](const rd_kafka_error_t* error, Status status) -> Status {
    if (error && rd_kafka_error_is_fatal(error)) {
      (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      drain();
      transactional_.reset();
      return status;
    }
    if (Error aborted{rd_kafka_abort_transaction(rk, timeout)}) {
      log_warn("kafka", "aborting a transaction failed", {{"error", rd_kafka_error_string(aborted.get())}});
      (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      drain();
      transactional_.reset();
      return status;
    }
    drain();
    return status;
  };

  if (Error e{rd_kafka_begin_transaction(rk)}) return fail(e.get(), status_from(e.get(), "atomic append: beginning a transaction"));
  for (size_t i = 0; i < batches.size(); ++i) {
    for (const log::Record& r : batches[i].records) {
      if (Status queued = enqueue(rk, batches[i].target, r, deliveries[i].get()); !queued) return fail(nullptr, queued);
    }
  }
  for (auto& [group, list] : offsets_by_group) {
    rd_kafka_consumer_group_metadata_t* metadata = rd_kafka_consumer_group_metadata_new(group.c_str());
    Error e{rd_kafka_send_offsets_to_transaction(rk, list.get(), metadata, timeout)};
    rd_kafka_consumer_group_metadata_destroy(metadata);
    if (e) {
      return fail(e.get(), status_from(e.get(), fmt::format("atomic append: committing offsets of consumer group '{}'", group)));
    }
  }
  Error committed{rd_kafka_commit_transaction(rk, timeout)};
  if (committed && rd_kafka_error_is_retriable(committed.get())) committed.reset(rd_kafka_commit_transaction(rk, timeout));
  if (committed) return fail(committed.get(), status_from(committed.get(), "atomic append: committing the transaction"));
  drain();
  await_group_offsets(offsets_by_group);
  std::vector<int64_t> bases;
  for (size_t i = 0; i < batches.size(); ++i) {
    if (deliveries[i]->error) return status_from(deliveries[i]->error, fmt::format("atomic append to {}", batches[i].target.to_string()));
    bases.push_back(deliveries[i]->first_offset);
  }
  await_stable(batches, bases);
  return bases;
}

void KafkaTopicsImpl::await_stable(std::span<const log::PartitionBatch> batches, const std::vector<int64_t>& bases) const {
  const int64_t deadline = steady_clock_ms() + options_.timeout_ms;
  for (size_t i = 0; i < batches.size(); ++i) {
    const int64_t last = bases[i] + static_cast<int64_t>(batches[i].records.size()) - 1;
    for (;;) {
      auto marks = watermarks(batches[i].target);
      if (marks.is_ok() && marks->second > last) break;
      if (steady_clock_ms() >= deadline) {
        log_warn("kafka", "a committed transaction's records are not readable yet",
                 {{"partition", batches[i].target.to_string()}});
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace careflow::kafka
