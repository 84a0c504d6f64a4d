// The topics of the log (no connector, 'kafka', 'upsert-kafka'). A table reads every partition of
// its topic from its start, decoded by the table's format, metadata columns from the record; an
// INSERT writes the encoded rows, partitioned by key as a Kafka producer does.
#include <fmt/format.h>

#include <map>

#include "common/clock.h"
#include "exec/connectors/connector.h"
#include "exec/formats/record_format.h"
#include "log/kafka_partitioner.h"

namespace careflow::exec {

namespace {

class TopicSource : public Source {
 public:
  // `bounded`: stop at the end offsets seen when opening ('scan.bounded.mode' = 'latest-offset').
  // `catch_up`: report "ended" whenever every partition is read to its current end (a --bounded
  // run, where a topic written by another job of the run keeps growing until that job is done).
  TopicSource(const sql::TableDef& table, log::Topics* topics, std::unique_ptr<RecordFormat> format, bool bounded,
              bool catch_up)
      : table_(table),
        topics_(topics),
        format_(std::move(format)),
        bounded_(bounded),
        catch_up_(catch_up),
        topic_(topic_of(table)) {}

  Status open(const std::map<std::pair<std::string, int32_t>, int64_t>& start_offsets) {
    CF_ASSIGN_OR_RETURN(std::vector<log::PartitionInfo> parts, topics_->partition_offsets(topic_));
    for (const log::PartitionInfo& p : parts) {
      auto start = start_offsets.find({topic_, p.partition});
      next_.push_back(start == start_offsets.end() ? p.start_offset : std::max(p.start_offset, start->second));
      stop_.push_back(p.end_offset);
      end_.push_back(p.end_offset);
    }
    return Status::ok();
  }

  // [partitions, next offset of each, stop offset of each]: the stop offsets too, so that a
  // 'latest-offset' table ends where it would have without the restart.
  Result<std::vector<int64_t>> position() const override {
    std::vector<int64_t> out{static_cast<int64_t>(next_.size())};
    out.insert(out.end(), next_.begin(), next_.end());
    out.insert(out.end(), stop_.begin(), stop_.end());
    return out;
  }
  Status seek(const std::vector<int64_t>& position) override {
    const size_t n = next_.size();
    if (position.size() != 1 + 2 * n || position[0] != static_cast<int64_t>(n)) {
      return Status::invalid_argument(fmt::format("table '{}': the checkpoint read {} partitions of topic '{}', which has {} now",
                                                  table_.name, position.empty() ? 0 : position[0], topic_, n));
    }
    for (size_t p = 0; p < n; ++p) {
      next_[p] = position[1 + p];
      stop_[p] = position[1 + n + p];
    }
    return Status::ok();
  }

  std::vector<SourcePosition> positions() const override {
    std::vector<SourcePosition> out;
    for (size_t p = 0; p < next_.size(); ++p) out.push_back({topic_, static_cast<int32_t>(p), next_[p], std::max(end_[p], next_[p])});
    return out;
  }

  Result<bool> poll(RowBatch* out, size_t max_rows) override {
    bool more = false;
    for (size_t p = 0; p < next_.size() && out->size() < max_rows; ++p) {
      if (bounded_ && next_[p] >= stop_[p]) continue;
      log::FetchLimits limits;
      limits.max_records = static_cast<int64_t>(max_rows - out->size());
      CF_ASSIGN_OR_RETURN(log::FetchResult fetched, topics_->fetch({topic_, static_cast<int32_t>(p)}, next_[p], limits));
      for (const log::Record& record : fetched.records) {
        if (bounded_ && record.offset >= stop_[p]) break;
        decoded_.clear();
        Status s = format_->decode(record, &decoded_);
        if (!s.is_ok()) return s.with_context(fmt::format("reading table '{}' from topic '{}' partition {}", table_.name, topic_, p));
        for (Row& row : decoded_) out->push_back(full_row(std::move(row), record, static_cast<int32_t>(p)));
        next_[p] = record.offset + 1;
      }
      if (fetched.records.empty()) next_[p] = std::max(next_[p], fetched.next_offset);
      end_[p] = fetched.end_offset;
      if (bounded_ ? next_[p] < stop_[p] : next_[p] < fetched.end_offset) more = true;
    }
    return (!bounded_ && !catch_up_) || more;
  }

 private:
  Row full_row(Row physical, const log::Record& record, int32_t partition) const {
    Row row{physical.kind, std::vector<Value>(table_.columns.size())};
    size_t next = 0;
    for (size_t c = 0; c < table_.columns.size(); ++c) {
      const sql::TableColumn& col = table_.columns[c];
      if (col.is_physical()) {
        row.fields[c] = std::move(physical.fields[next++]);
      } else if (col.metadata) {
        const std::string& key = col.metadata_key.empty() ? col.name : col.metadata_key;
        if (key == "timestamp" || key == "$rowtime") row.fields[c] = Value::integer(record.timestamp_ms * 1000);
        else if (key == "offset") row.fields[c] = Value::integer(record.offset);
        else if (key == "partition") row.fields[c] = Value::integer(partition);
        else if (key == "topic") row.fields[c] = Value::string(topic_);
      }
    }
    return row;
  }

  const sql::TableDef& table_;
  log::Topics* topics_;
  std::unique_ptr<RecordFormat> format_;
  bool bounded_;
  bool catch_up_;
  std::string topic_;
  std::vector<int64_t> next_, stop_, end_;
  RowBatch decoded_;
};

// Creates the topic a table reads or writes when it is missing: 'DISTRIBUTED INTO n BUCKETS'
// partitions (or 'kafka.partitions'), else 1; compacted for an upsert table.
Status ensure_topic(const sql::TableDef& table, log::Topics* topics) {
  std::string topic = topic_of(table);
  for (const std::string& t : topics->list_topics()) {
    if (t == topic) return Status::ok();
  }
  log::TopicConfig config;
  if (table.buckets) config.partitions = *table.buckets;
  if (const std::string* p = table.option("kafka.partitions")) config.partitions = std::atoi(p->c_str());
  if (config.partitions < 1) config.partitions = 1;
  if (table.changelog_mode() == sql::ChangelogMode::kUpsert) config.cleanup = log::CleanupPolicy::kCompact;
  Status s = topics->create_topic(topic, config);
  if (s.code() == StatusCode::kAlreadyExists) return Status::ok();
  return s;
}

class TopicSink : public Sink {
 public:
  TopicSink(const sql::TableDef& table, log::Topics* topics, std::unique_ptr<RecordFormat> format, int32_t partitions)
      : table_(table), topics_(topics), format_(std::move(format)), topic_(topic_of(table)), partitions_(partitions) {}

  Result<int64_t> write(const RowBatch& rows) override {
    std::vector<log::Record> records;
    for (const Row& row : rows) {
      // Only the physical columns are written; writable metadata columns are not stored in records.
      Row physical{row.kind, {}};
      size_t i = 0;
      for (const sql::TableColumn& c : table_.columns) {
        if (c.computed || c.is_virtual) continue;
        if (c.is_physical()) physical.fields.push_back(row.fields[i]);
        ++i;
      }
      Status encoded = format_->encode(physical, &records);
      if (!encoded.is_ok()) return encoded.with_context(fmt::format("writing table '{}'", table_.name));
    }
    std::map<int32_t, std::vector<log::Record>> by_partition;
    const int64_t now_ms = wall_clock_ms();
    for (log::Record& rec : records) {
      rec.timestamp_ms = now_ms;  // CreateTime, as a Kafka producer stamps it
      int32_t p = rec.key ? log::kafka_partition_for_key(*rec.key, partitions_) : 0;
      by_partition[p].push_back(std::move(rec));
    }
    int64_t written = 0;
    if (transactional_) {
      for (auto& [p, recs] : by_partition) {
        written += static_cast<int64_t>(recs.size());
        std::vector<log::Record>& held = held_[p];
        held.insert(held.end(), std::make_move_iterator(recs.begin()), std::make_move_iterator(recs.end()));
      }
      return written;
    }
    for (auto& [p, recs] : by_partition) {
      auto appended = topics_->append({topic_, p}, recs);
      if (!appended.is_ok()) return appended.status().with_context(fmt::format("writing table '{}'", table_.name));
      written += static_cast<int64_t>(recs.size());
    }
    return written;
  }

  bool begin_transactions() override {
    transactional_ = true;
    return true;
  }
  // Partition 0 of the topic carries the marker (any partition would do: it names the group's
  // commit, not data).
  std::vector<log::PartitionBatch> take_transaction(log::TopicPartition* marker) override {
    *marker = {topic_, 0};
    std::vector<log::PartitionBatch> out;
    for (auto& [p, recs] : held_) {
      if (!recs.empty()) out.push_back({{topic_, p}, std::move(recs)});
    }
    held_.clear();
    return out;
  }

 private:
  const sql::TableDef& table_;
  log::Topics* topics_;
  std::unique_ptr<RecordFormat> format_;
  std::string topic_;
  int32_t partitions_;
  bool transactional_ = false;
  std::map<int32_t, std::vector<log::Record>> held_;  // records waiting for the next checkpoint
};

Status need_log(const sql::TableDef& table, const ConnectorContext& context) {
  if (context.topics) return Status::ok();
  return Status::failed_precondition(fmt::format("table '{}' is a topic, but no log is open", table.name));
}

// Flink's upsert-kafka takes only an insert-only value format: the changelog is its own (the key's
// last value, tombstones as deletes), so a changelog format inside it is refused with Flink's words.
Status check_upsert_value_format(const sql::TableDef& table) {
  const std::string* connector = table.option("connector");
  if (!connector || *connector != "upsert-kafka") return Status::ok();
  const std::string f = value_format_of(table);
  if (f.starts_with("debezium-") || f.starts_with("avro-debezium-") || f == "canal-json" || f == "maxwell-json" ||
      f == "ogg-json") {
    return Status::invalid_argument(fmt::format(
        "table '{}': 'upsert-kafka' connector doesn't support '{}' as value format, because '{}' is not in "
        "insert-only mode",
        table.name, f, f));
  }
  return Status::ok();
}

Result<std::unique_ptr<Source>> make_topic_source(const sql::TableDef& table, const ConnectorContext& context) {
  CF_RETURN_IF_ERROR(check_upsert_value_format(table));
  CF_RETURN_IF_ERROR(need_log(table, context));
  CF_ASSIGN_OR_RETURN(std::unique_ptr<RecordFormat> format, make_record_format(table, context.registries));
  CF_RETURN_IF_ERROR(ensure_topic(table, context.topics));
  const std::string* mode = table.option("scan.bounded.mode");
  bool bounded = mode && *mode == "latest-offset";
  auto source = std::make_unique<TopicSource>(table, context.topics, std::move(format), bounded, context.bounded);
  CF_RETURN_IF_ERROR(source->open(context.start_offsets));
  return std::unique_ptr<Source>(std::move(source));
}

Result<std::unique_ptr<Sink>> make_topic_sink(const sql::TableDef& table, const ConnectorContext& context) {
  CF_RETURN_IF_ERROR(check_upsert_value_format(table));
  CF_RETURN_IF_ERROR(need_log(table, context));
  CF_ASSIGN_OR_RETURN(std::unique_ptr<RecordFormat> format, make_record_format(table, context.registries));
  CF_RETURN_IF_ERROR(ensure_topic(table, context.topics));
  CF_ASSIGN_OR_RETURN(log::TopicDescription d, context.topics->describe_topic(topic_of(table)));
  return std::unique_ptr<Sink>(new TopicSink(table, context.topics, std::move(format), static_cast<int32_t>(d.partitions.size())));
}

}  // namespace

CF_REGISTER_CONNECTOR({"kafka", make_topic_source, make_topic_sink, true});
CF_REGISTER_CONNECTOR({"upsert-kafka", make_topic_source, make_topic_sink, false});

}  // namespace careflow::exec
