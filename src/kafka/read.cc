// fetch, wait_for_data and offset lookups through the reader consumer (see kafka_impl.h).
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "kafka/kafka_impl.h"

namespace careflow::kafka {
namespace {

log::Record to_record(const rd_kafka_message_t* m) {
  log::Record r;
  if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
  if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t type;
  r.timestamp_ms = rd_kafka_message_timestamp(m, &type);
  r.offset = m->offset;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      log::Header h{name, std::nullopt};
      if (value) h.value = std::string(static_cast<const char*>(value), size);
      r.headers.push_back(std::move(h));
    }
  }
  return r;
}

}  // namespace

Result<std::pair<int64_t, int64_t>> KafkaTopicsImpl::watermarks(const log::TopicPartition& tp) const {
  int64_t low = 0, high = 0;
  // On the read_committed reader, the high mark is the last stable offset: records of open
  // transactions are not yet "there". Just after a topic is created (or a leader moves) the
  // reader's metadata can be stale for a moment: those answers are retried within the timeout.
  const int64_t deadline = steady_clock_ms() + options_.timeout_ms;
  rd_kafka_resp_err_t err;
  for (;;) {
    err = rd_kafka_query_watermark_offsets(reader_.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                           static_cast<int>(options_.timeout_ms));
    const bool transient = err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION || err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
    if (!transient || steady_clock_ms() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (err) {
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) forget_topic(tp.topic);
    return status_from(err, fmt::format("reading the offsets of {}", tp.to_string()));
  }
  return std::pair{low, high};
}

Result<std::vector<log::PartitionInfo>> KafkaTopicsImpl::partition_offsets(std::string_view topic) const {
  CF_ASSIGN_OR_RETURN(int32_t n, partition_count(topic));
  std::vector<log::PartitionInfo> out;
  for (int32_t p = 0; p < n; ++p) {
    CF_ASSIGN_OR_RETURN(auto marks, watermarks({std::string(topic), p}));
    log::PartitionInfo info;
    info.partition = p;
    info.start_offset = marks.first;
    info.end_offset = marks.second;
    out.push_back(info);
  }
  return out;
}

Result<std::optional<int64_t>> KafkaTopicsImpl::offset_for_timestamp(const log::TopicPartition& source, int64_t ts_ms) const {
  CF_RETURN_IF_ERROR(locate(source));
  PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), source.topic.c_str(), source.partition)->offset = ts_ms;
  const std::string what = fmt::format("looking up the offset of time {} in {}", ts_ms, source.to_string());
  CF_RETURN_IF_ERROR(status_from(rd_kafka_offsets_for_times(reader_.get(), list.get(), static_cast<int>(options_.timeout_ms)), what));
  const rd_kafka_topic_partition_t& found = list->elems[0];
  CF_RETURN_IF_ERROR(status_from(found.err, what));
  if (found.offset < 0) return std::optional<int64_t>();
  return std::optional<int64_t>(found.offset);
}

Status KafkaTopicsImpl::position_reader(const log::TopicPartition& tp, int64_t offset) const {
  auto it = reading_.find(tp);
  if (it != reading_.end() && it->second.next == offset) return Status::ok();
  PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  const std::string what = fmt::format("reading {} from offset {}", tp.to_string(), offset);
  if (it == reading_.end()) {
    Error e{rd_kafka_incremental_assign(reader_.get(), list.get())};
    CF_RETURN_IF_ERROR(status_from(e.get(), what));
    reading_[tp].next = offset;
    return Status::ok();
  }
  Error e{rd_kafka_seek_partitions(reader_.get(), list.get(), static_cast<int>(options_.timeout_ms))};
  CF_RETURN_IF_ERROR(status_from(e.get(), what));
  CF_RETURN_IF_ERROR(status_from(list->elems[0].err, what));
  it->second = ReaderPartition{};
  it->second.next = offset;
  return Status::ok();
}

void KafkaTopicsImpl::pump(std::unique_lock<std::mutex>& lock, int timeout_ms) const {
  if (pumping_) {
    pumped_.wait_for(lock, std::chrono::milliseconds(timeout_ms));
    return;
  }
  pumping_ = true;
  lock.unlock();
  rd_kafka_message_t* messages[1000];
  const ssize_t n = rd_kafka_consume_batch_queue(reader_queue_, timeout_ms, messages, 1000);
  lock.lock();
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = messages[i];
    auto it = m->rkt ? reading_.find(log::TopicPartition{rd_kafka_topic_name(m->rkt), m->partition}) : reading_.end();
    if (it != reading_.end()) {
      ReaderPartition& p = it->second;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        p.eof_at = m->offset;
      } else if (m->err) {
        p.error = rd_kafka_message_errstr(m);
      } else if (m->offset >= (p.buffered.empty() ? p.next : p.buffered.back().offset + 1)) {
        p.buffered.push_back(to_record(m));
      }
    }
    rd_kafka_message_destroy(m);
  }
  pumping_ = false;
  pumped_.notify_all();
}

Result<log::FetchResult> KafkaTopicsImpl::fetch(const log::TopicPartition& source, int64_t offset,
                                                log::FetchLimits limits) const {
  if (offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", offset));
  CF_RETURN_IF_ERROR(locate(source));
  CF_ASSIGN_OR_RETURN(auto marks, watermarks(source));
  const auto [start, end] = marks;
  if (offset < start || offset > end) {
    return Status::out_of_range(fmt::format("offset {} is out of range for {}: it holds offsets {} to {}", offset,
                                            source.to_string(), start, end));
  }
  log::FetchResult result;
  result.next_offset = offset;
  result.end_offset = end;
  if (offset == end) return result;

  std::unique_lock lock(reader_mutex_);
  CF_RETURN_IF_ERROR(position_reader(source, offset));
  const int64_t deadline = steady_clock_ms() + options_.timeout_ms;
  int64_t bytes = 0;
  for (;;) {
    auto it = reading_.find(source);
    if (it == reading_.end()) return Status::not_found(fmt::format("topic '{}' was deleted", source.topic));
    ReaderPartition& p = it->second;
    while (!p.buffered.empty() && static_cast<int64_t>(result.records.size()) < limits.max_records &&
           (result.records.empty() || bytes < limits.max_bytes)) {
      bytes += p.buffered.front().payload_bytes();
      p.next = p.buffered.front().offset + 1;
      result.records.push_back(std::move(p.buffered.front()));
      p.buffered.pop_front();
    }
    const bool full = static_cast<int64_t>(result.records.size()) >= limits.max_records ||
                      (!result.records.empty() && bytes >= limits.max_bytes);
    if (p.buffered.empty() && p.eof_at >= p.next) p.next = p.eof_at;  // past transaction markers
    if (full || p.next >= end) break;
    if (!p.error.empty()) {
      std::string error = std::move(p.error);
      p.error.clear();
      if (result.records.empty()) return Status::unavailable(fmt::format("reading {}: {}", source.to_string(), error));
      break;
    }
    const int64_t left = deadline - steady_clock_ms();
    if (left <= 0) {
      if (!result.records.empty()) break;
      return Status::timeout(fmt::format("reading {} at offset {}: no record arrived within {} ms (kafka.timeout_ms) though the "
                                         "end offset is {}",
                                         source.to_string(), offset, options_.timeout_ms, end));
    }
    pump(lock, static_cast<int>(std::min<int64_t>(left, 100)));
  }
  result.next_offset = reading_.at(source).next;
  return result;
}

Result<bool> KafkaTopicsImpl::wait_for_data(const log::TopicPartition& source, int64_t offset,
                                            std::chrono::microseconds timeout) const {
  if (offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", offset));
  CF_RETURN_IF_ERROR(locate(source));
  const int64_t deadline = steady_clock_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  CF_ASSIGN_OR_RETURN(auto marks, watermarks(source));
  if (marks.second > offset) return true;
  std::unique_lock lock(reader_mutex_);
  CF_RETURN_IF_ERROR(position_reader(source, offset));
  for (;;) {
    auto it = reading_.find(source);
    if (it == reading_.end()) return Status::not_found(fmt::format("topic '{}' was deleted", source.topic));
    if (!it->second.buffered.empty() || it->second.eof_at > offset) return true;
    const int64_t left = deadline - steady_clock_ms();
    if (left <= 0) return false;
    pump(lock, static_cast<int>(std::min<int64_t>(left, 100)));
  }
}

}  // namespace careflow::kafka
