#include "cdc/cdc_session.h"

#include <fmt/format.h>

#include <chrono>

#include "common/clock.h"
#include "common/logging.h"
#include "log/kafka_partitioner.h"

namespace careflow::cdc {
namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

void CdcSession::update_status(const std::function<void(CdcStatus&)>& f) {
  std::lock_guard lock(c_.mutex_);
  f(c_.status_);
}

Status CdcSession::run() {
  writer_ = std::make_unique<LogWriter>(c_.topics_);
  CF_ASSIGN_OR_RETURN(sql_, store::PgConnection::connect(session_conninfo(options_.conninfo)));
  CF_ASSIGN_OR_RETURN(repl_, ReplicationConnection::connect(options_.conninfo));
  CF_ASSIGN_OR_RETURN(store::SqlRows wal, sql_->exec("SHOW wal_level"));
  if (wal.rows.empty() || wal.rows[0][0] != "logical") {
    return Status::failed_precondition(fmt::format(
        "wal_level is '{}', but change data capture needs 'logical' (set it in postgresql.conf and restart PostgreSQL)",
        wal.rows.empty() ? "?" : wal.rows[0][0].value_or("?")));
  }
  CF_RETURN_IF_ERROR(prepare_publication());

  CF_RETURN_IF_ERROR(ensure_offsets_topic(c_.topics_, options_.topic_config));
  CF_ASSIGN_OR_RETURN(std::optional<StoredOffset> offset, read_stored_offset(c_.topics_, options_.slot));
  CF_ASSIGN_OR_RETURN(std::optional<Lsn> slot, slot_confirmed_lsn());
  const bool snapshots = options_.snapshot_mode != SnapshotMode::kNever;
  if (!offset) {
    if (!snapshots) {
      if (!slot) {
        CF_ASSIGN_OR_RETURN(CreatedSlot created, repl_->create_slot(options_.slot, false));
        slot = created.consistent_point;
      }
      stored_.lsn = 0;  // nothing in the log yet: everything the slot sends is new
      confirmed_ = *slot;
    } else {
      // A slot without an offset in the log is one whose snapshot never reached the log: start
      // it over, so that no change is lost or written twice.
      if (slot) CF_RETURN_IF_ERROR(drop_slot());
      CF_RETURN_IF_ERROR(snapshot_into_new_slot());
    }
  } else {
    stored_ = *offset;
    if (!slot || *slot > stored_.lsn) {
      const std::string what =
          !slot ? fmt::format("replication slot '{}' no longer exists", options_.slot)
                : fmt::format("replication slot '{}' was confirmed up to {} but the log holds changes only up to {}",
                              options_.slot, format_lsn(*slot), format_lsn(stored_.lsn));
      if (options_.snapshot_mode != SnapshotMode::kWhenNeeded) {
        return Status::failed_precondition(fmt::format(
            "{}: changes after {} cannot be streamed; set cdc.snapshot_mode = when_needed to take a new snapshot",
            what, format_lsn(stored_.lsn)));
      }
      log_warn("cdc", "taking a new snapshot", {{"reason", what}});
      if (slot) CF_RETURN_IF_ERROR(drop_slot());
      CF_RETURN_IF_ERROR(snapshot_into_new_slot());
    } else {
      confirmed_ = *slot;
    }
  }
  return stream(stored_.lsn == 0 ? confirmed_ : stored_.lsn);
}

Status CdcSession::prepare_publication() {
  std::vector<std::string> missing;
  std::vector<std::string> keyless;
  std::string list;
  for (const std::string& qualified : options_.tables) {
    const size_t dot = qualified.find('.');
    auto schema = load_table_schema(*sql_, qualified.substr(0, dot), qualified.substr(dot + 1));
    if (!schema) {
      if (schema.status().code() != StatusCode::kNotFound) return schema.status();
      missing.push_back(qualified);
      continue;
    }
    if (schema->key_columns.empty()) keyless.push_back(qualified);
    list += (list.empty() ? "" : ", ") + fmt::format("\"{}\".\"{}\"", schema->schema, schema->table);
  }
  if (!missing.empty()) {
    return Status::unavailable(fmt::format("table.include.list: {} {} not exist in the database (yet)",
                                           fmt::join(missing, ", "), missing.size() == 1 ? "does" : "do"));
  }
  for (const std::string& t : keyless) {
    log_warn("cdc", "table has no primary key: its events have a null key and deletes no tombstone", {{"table", t}});
  }
  update_status([&](CdcStatus& s) { s.tables_without_primary_key = keyless; });
  CF_ASSIGN_OR_RETURN(store::SqlRows existing, sql_->exec("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                                                          "WHERE pubname = $1 ORDER BY 1",
                                                          {options_.publication}));
  CF_ASSIGN_OR_RETURN(store::SqlRows exists, sql_->exec("SELECT 1 FROM pg_publication WHERE pubname = $1", {options_.publication}));
  if (exists.rows.empty()) {
    return sql_->exec(fmt::format("CREATE PUBLICATION \"{}\" FOR TABLE {}", options_.publication, list)).status();
  }
  std::vector<std::string> have;
  for (const auto& row : existing.rows) have.push_back(*row[0]);
  std::vector<std::string> want = options_.tables;
  std::sort(want.begin(), want.end());
  if (have != want) {
    return sql_->exec(fmt::format("ALTER PUBLICATION \"{}\" SET TABLE {}", options_.publication, list)).status();
  }
  return Status::ok();
}

Result<std::optional<Lsn>> CdcSession::slot_confirmed_lsn() {
  CF_ASSIGN_OR_RETURN(store::SqlRows rows,
                      sql_->exec("SELECT confirmed_flush_lsn::text, plugin, database = current_database() "
                                 "FROM pg_replication_slots WHERE slot_name = $1",
                                 {options_.slot}));
  if (rows.rows.empty()) return std::optional<Lsn>();
  const auto& row = rows.rows[0];
  if (row[1] != "pgoutput" || row[2] != "t") {
    return Status::failed_precondition(fmt::format(
        "replication slot '{}' exists but is not a pgoutput slot of this database; choose another cdc.slot", options_.slot));
  }
  if (!row[0]) return std::optional<Lsn>();
  CF_ASSIGN_OR_RETURN(Lsn lsn, parse_lsn(*row[0]));
  return std::optional<Lsn>(lsn);
}

Status CdcSession::drop_slot() {
  log_info("cdc", "dropping replication slot without a snapshot in the log", {{"slot", options_.slot}});
  auto dropped = sql_->exec("SELECT pg_drop_replication_slot($1)", {options_.slot});
  if (!dropped) return Status::unavailable(dropped.status().message());  // e.g. still active: retry
  return Status::ok();
}

Status CdcSession::stream(Lsn start) {
  CF_RETURN_IF_ERROR(repl_->start(options_.slot, options_.publication, start));
  last_commit_lsn_ = stored_.last_commit_lsn;
  received_ = std::max(start, confirmed_);
  log_info("cdc", "streaming", {{"slot", options_.slot}, {"from", format_lsn(start)}});
  update_status([&](CdcStatus& s) {
    s.state = "streaming";
    s.written_lsn = stored_.lsn;
    s.confirmed_lsn = confirmed_;
    s.last_error.clear();
  });
  Lsn idle_lsn = 0;  // a keepalive's end of WAL seen with no transaction open: safe to resume from
  while (!c_.stopping_) {
    CF_ASSIGN_OR_RETURN(std::optional<StreamMessage> message, repl_->read(std::chrono::milliseconds(100)));
    bool reply = false;
    if (message) {
      if (auto* data = std::get_if<WalData>(&*message)) {
        received_ = std::max(received_, data->wal_start);
        update_status([&](CdcStatus& s) { s.server_lsn = data->wal_end; });
        CF_RETURN_IF_ERROR(handle(*data));
      } else {
        const auto& keepalive = std::get<Keepalive>(*message);
        if (!tx_) idle_lsn = std::max(idle_lsn, keepalive.wal_end);
        reply = keepalive.reply_requested;
        update_status([&](CdcStatus& s) { s.server_lsn = keepalive.wal_end; });
      }
    }
    if (!tx_ && options_.heartbeat_interval.count() > 0 && idle_lsn > stored_.lsn &&
        steady_clock_ms() - last_heartbeat_ms_ >= options_.heartbeat_interval.count()) {
      CF_RETURN_IF_ERROR(heartbeat(idle_lsn));
    }
    CF_RETURN_IF_ERROR(confirm(reply));  // a keepalive asking for a reply gets one now
  }
  CF_RETURN_IF_ERROR(confirm(true));
  return repl_->finish();  // lets the server apply the last status update before the connection goes
}

Status CdcSession::handle(const WalData& data) {
  CF_ASSIGN_OR_RETURN(PgOutputMessage message, decode_pgoutput(data.payload));
  auto table_of = [&](uint32_t oid) -> Result<const TableEvents*> {
    auto it = relations_.find(oid);
    if (it == relations_.end()) {
      return Status::corruption(fmt::format("pgoutput: a change of relation {} before its relation message", oid));
    }
    if (!tx_) return Status::corruption("pgoutput: a change outside a transaction");
    return it->second.get();
  };
  return std::visit(
      Overloaded{
          [&](const BeginMessage& m) { return begin(m); },
          [&](const CommitMessage& m) { return commit(m); },
          [&](const RelationMessage& m) { return on_relation(m); },
          [&](const InsertMessage& m) -> Status {
            CF_ASSIGN_OR_RETURN(const TableEvents* t, table_of(m.relation_oid));
            return add_event(*t, Op::kCreate, nullptr, &m.new_tuple, data.wal_start, false);
          },
          [&](const UpdateMessage& m) -> Status {
            CF_ASSIGN_OR_RETURN(const TableEvents* t, table_of(m.relation_oid));
            if (m.old_tuple && t->has_key()) {
              CF_ASSIGN_OR_RETURN(auto old_key, t->key(*m.old_tuple));
              CF_ASSIGN_OR_RETURN(auto new_key, t->key(m.new_tuple));
              if (old_key != new_key) {  // a primary-key change: Debezium emits delete, tombstone, create
                CF_RETURN_IF_ERROR(add_event(*t, Op::kDelete, &*m.old_tuple, nullptr, data.wal_start,
                                             options_.tombstones_on_delete));
                return add_event(*t, Op::kCreate, nullptr, &m.new_tuple, data.wal_start, false);
              }
            }
            const Tuple* before = m.old_tuple && !m.old_is_key_only ? &*m.old_tuple : nullptr;
            return add_event(*t, Op::kUpdate, before, &m.new_tuple, data.wal_start, false);
          },
          [&](const DeleteMessage& m) -> Status {
            CF_ASSIGN_OR_RETURN(const TableEvents* t, table_of(m.relation_oid));
            return add_event(*t, Op::kDelete, &m.old_tuple, nullptr, data.wal_start,
                             options_.tombstones_on_delete && t->has_key());
          },
          [&](const TruncateMessage& m) -> Status {
            if (!options_.emit_truncate) return Status::ok();
            for (uint32_t oid : m.relation_oids) {
              CF_ASSIGN_OR_RETURN(const TableEvents* t, table_of(oid));
              CF_RETURN_IF_ERROR(add_event(*t, Op::kTruncate, nullptr, nullptr, data.wal_start, false));
            }
            return Status::ok();
          },
          [&](const auto&) { return Status::ok(); },  // Type, Origin, logical messages: nothing to emit
      },
      message);
}

Status CdcSession::on_relation(const RelationMessage& m) {
  // A relation message comes before a table's first change in a session and again after its
  // shape changes (ALTER TABLE ADD COLUMN): later events follow the new shape.
  CF_ASSIGN_OR_RETURN(TableSchema schema, load_table_schema(*sql_, m));
  auto events = std::make_unique<TableEvents>(std::move(schema), options_.envelope);
  CF_RETURN_IF_ERROR(ensure_topic(events->topic()));
  relations_[m.relation_oid] = std::move(events);
  return Status::ok();
}

Status CdcSession::ensure_topic(const std::string& topic) {
  if (partitions_.count(topic)) return Status::ok();
  Status created = c_.topics_.create_topic(topic, options_.topic_config);
  if (!created && created.code() != StatusCode::kAlreadyExists) return created;
  CF_ASSIGN_OR_RETURN(log::TopicDescription d, c_.topics_.describe_topic(topic));
  partitions_[topic] = d.config.partitions;
  return Status::ok();
}

Status CdcSession::add_event(const TableEvents& table, Op op, const Tuple* before, const Tuple* after, Lsn lsn,
                             bool tombstone) {
  if (tx_->already_written) return Status::ok();
  const bool with_tombstone = tombstone && table.has_key();
  const int64_t records = with_tombstone ? 2 : 1;
  if (tx_->produced + records <= tx_->skip) {  // in the log before a restart
    tx_->produced += records;
    return Status::ok();
  }
  SourceInfo source;
  source.ts_us = tx_->begin.commit_time_us;
  source.last_commit_lsn = last_commit_lsn_;
  source.lsn = lsn;
  source.tx_id = tx_->begin.xid;
  log::Record record;
  if (op != Op::kTruncate) {
    CF_ASSIGN_OR_RETURN(record.key, table.key(after ? *after : *before));
  }
  CF_ASSIGN_OR_RETURN(record.value, table.value(op, before, after, source, now_us()));
  record.timestamp_ms = source.ts_us / 1000;
  const int32_t partitions = partitions_[table.topic()];
  const log::TopicPartition target{table.topic(),
                                   record.key && partitions > 1 ? log::kafka_partition_for_key(*record.key, partitions) : 0};
  auto& batch = tx_->records[target];
  log::Record tombstone_record;
  if (with_tombstone) {
    tombstone_record.key = record.key;
    tombstone_record.timestamp_ms = record.timestamp_ms;
  }
  // A chunk may have ended between an event and its tombstone: the event is in the log.
  if (tx_->produced >= tx_->skip) batch.push_back(std::move(record)), ++tx_->pending;
  if (with_tombstone) batch.push_back(std::move(tombstone_record)), ++tx_->pending;
  tx_->produced += records;
  if (tx_->pending >= options_.max_records_per_append) return append_chunk();
  return Status::ok();
}

Status CdcSession::begin(const BeginMessage& m) {
  tx_ = OpenTransaction{};
  tx_->begin = m;
  // The slot resends from its restart point: a transaction whose commit record lies before the
  // stored LSN is in the log already.
  tx_->already_written = m.final_lsn < stored_.lsn;
  if (stored_.partial && !tx_->already_written) {
    if (stored_.partial->commit_lsn != m.final_lsn || stored_.partial->tx_id != static_cast<int64_t>(m.xid)) {
      return Status::corruption(fmt::format(
          "the log holds {} records of transaction {} (commit at {}), but PostgreSQL sent transaction {} (commit at {}) "
          "first; the slot '{}' no longer matches the log",
          stored_.partial->records, stored_.partial->tx_id, format_lsn(stored_.partial->commit_lsn), m.xid,
          format_lsn(m.final_lsn), options_.slot));
    }
    tx_->skip = stored_.partial->records;
    tx_->chunked = true;
  }
  return Status::ok();
}

Status CdcSession::append_chunk() {
  StoredOffset next = stored_;
  next.partial = PartialTransaction{tx_->begin.final_lsn, tx_->begin.xid, tx_->produced};
  const int64_t records = tx_->pending;
  CF_RETURN_IF_ERROR(append(tx_->records, next));
  tx_->records.clear();
  tx_->pending = 0;
  tx_->chunked = true;
  update_status([&](CdcStatus& s) { s.events_written += records; });
  return Status::ok();
}

Status CdcSession::commit(const CommitMessage& m) {
  if (!tx_) return Status::corruption("pgoutput: a commit without a begin");
  OpenTransaction tx = std::move(*tx_);
  tx_.reset();
  last_commit_lsn_ = m.end_lsn;
  // Already in the log (the slot resends from its restart point), or nothing to write.
  if (tx.already_written || m.end_lsn <= stored_.lsn || (tx.pending == 0 && !tx.chunked)) return Status::ok();
  StoredOffset next;
  next.lsn = m.end_lsn;
  next.last_commit_lsn = m.end_lsn;
  next.tx_id = tx.begin.xid;
  next.commit_time_us = m.commit_time_us;
  const int64_t records = tx.pending;
  CF_RETURN_IF_ERROR(append(tx.records, next));
  update_status([&](CdcStatus& s) {
    s.events_written += records;
    s.transactions_written += 1;
    s.last_commit_time_us = m.commit_time_us;
  });
  return Status::ok();
}

Status CdcSession::heartbeat(Lsn lsn) {
  last_heartbeat_ms_ = steady_clock_ms();
  const std::string& prefix = options_.envelope.topic_prefix;
  const std::string topic = "__debezium-heartbeat." + prefix;
  CF_RETURN_IF_ERROR(ensure_topic(topic));
  Json key = {{"serverName", prefix}};
  Json value = {{"ts_ms", wall_clock_ms()}};
  log::Record record;
  if (options_.envelope.schemas_enable) {
    record.key = Json{{"schema",
                       {{"type", "struct"},
                        {"fields", Json::array({{{"type", "string"}, {"optional", false}, {"field", "serverName"}}})},
                        {"optional", false},
                        {"name", "io.debezium.connector.common.ServerNameKey"}}},
                      {"payload", key}}
                     .dump();
    record.value = Json{{"schema",
                         {{"type", "struct"},
                          {"fields", Json::array({{{"type", "int64"}, {"optional", false}, {"field", "ts_ms"}}})},
                          {"optional", false},
                          {"name", "io.debezium.connector.common.Heartbeat"}}},
                        {"payload", value}}
                       .dump();
  } else {
    record.key = key.dump();
    record.value = value.dump();
  }
  record.timestamp_ms = wall_clock_ms();
  std::map<log::TopicPartition, std::vector<log::Record>> records;
  records[{topic, 0}].push_back(std::move(record));
  StoredOffset next = stored_;
  next.lsn = lsn;
  next.last_commit_lsn = last_commit_lsn_;
  return append(records, next);
}

Status CdcSession::append(std::map<log::TopicPartition, std::vector<log::Record>>& records, const StoredOffset& offset) {
  std::vector<log::PartitionBatch> batches;
  batches.reserve(records.size() + 1);
  for (auto& [target, list] : records) {
    if (list.empty()) continue;
    if (options_.format == EventFormat::kAvro) CF_RETURN_IF_ERROR(encode_avro(target.topic, list));
    batches.push_back({target, std::move(list)});
  }
  batches.push_back({{kOffsetsTopic, 0}, {offset_record(options_.slot, offset, wall_clock_ms())}});
  CF_RETURN_IF_ERROR(writer_->submit(std::move(batches)));
  stored_ = offset;  // written_lsn follows once the writer has drained (confirm)
  return Status::ok();
}

Status CdcSession::encode_avro(const std::string& topic, std::vector<log::Record>& records) {
  if (!avro_) avro_ = std::make_unique<AvroEventEncoder>(*options_.registry, options_.key_serializer, options_.value_serializer);
  for (log::Record& r : records) {
    if (r.key) {
      CF_ASSIGN_OR_RETURN(r.key, avro_->encode(topic, *r.key, true));
    }
    if (r.value) {
      CF_ASSIGN_OR_RETURN(r.value, avro_->encode(topic, *r.value, false));
    }
  }
  return Status::ok();
}

Status CdcSession::confirm(bool force) {
  const int64_t now = steady_clock_ms();
  if (!force && now - last_confirm_ms_ < options_.confirm_interval.count()) return Status::ok();
  last_confirm_ms_ = now;
  if (stored_.lsn > confirmed_) {
    // Never tell PostgreSQL it may forget a change that a crash could still take from the log:
    // first every queued append, then the log's own durability.
    CF_RETURN_IF_ERROR(writer_->drain());
    update_status([&](CdcStatus& s) { s.written_lsn = stored_.lsn; });
    if (options_.make_durable) CF_RETURN_IF_ERROR(options_.make_durable().with_context("making the log durable"));
    confirmed_ = stored_.lsn;
    update_status([&](CdcStatus& s) { s.confirmed_lsn = confirmed_; });
  }
  return repl_->send_status(std::max(received_, confirmed_), confirmed_, false);
}

}  // namespace careflow::cdc
