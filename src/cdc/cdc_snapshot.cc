// CdcSession's initial snapshot: the rows of every captured table as "r" events, read in the
// snapshot the new slot exported, so streaming from the slot's consistent point continues exactly
// where the snapshot ends.

#include <fmt/format.h>

#include "cdc/cdc_session.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/numbers.h"
#include "log/kafka_partitioner.h"

namespace careflow::cdc {
namespace {

// Debezium's source.snapshot marker of a row (RelationalSnapshotChangeEventSource).
const char* snapshot_marker(bool first_table, bool last_table, bool first_in_table, bool last_in_table) {
  if (last_in_table && last_table) return "last";
  if (first_in_table && first_table) return "first";
  if (last_in_table) return "last_in_data_collection";
  if (first_in_table) return "first_in_data_collection";
  return "true";
}

}  // namespace

Status CdcSession::snapshot_into_new_slot() {
  update_status([](CdcStatus& s) { s.state = "snapshotting"; });
  CF_ASSIGN_OR_RETURN(CreatedSlot slot, repl_->create_slot(options_.slot, true));
  log_info("cdc", "snapshot", {{"slot", options_.slot}, {"consistent_point", format_lsn(slot.consistent_point)}});
  CF_RETURN_IF_ERROR(sql_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ").status());
  Status read = [&]() -> Status {
    // The snapshot name comes from the server ("00000003-0000001B-1"), never from a user.
    CF_RETURN_IF_ERROR(sql_->exec(fmt::format("SET TRANSACTION SNAPSHOT '{}'", slot.snapshot_name)).status());
    CF_ASSIGN_OR_RETURN(store::SqlRows txid, sql_->exec("SELECT txid_current()"));
    SourceInfo source;
    source.ts_us = wall_clock_ms() * 1000;
    source.lsn = slot.consistent_point;
    const std::optional<int64_t> tx_id = parse_number<int64_t>(txid.rows.at(0).at(0).value_or(""));
    if (!tx_id) return Status::internal("txid_current() did not answer a number");
    source.tx_id = *tx_id;
    std::map<log::TopicPartition, std::vector<log::Record>> records;
    int64_t rows_read = 0;
    for (size_t t = 0; t < options_.tables.size(); ++t) {
      const std::string& qualified = options_.tables[t];
      const size_t dot = qualified.find('.');
      CF_ASSIGN_OR_RETURN(TableSchema schema, load_table_schema(*sql_, qualified.substr(0, dot), qualified.substr(dot + 1)));
      TableEvents table(std::move(schema), options_.envelope);
      CF_RETURN_IF_ERROR(ensure_topic(table.topic()));
      CF_ASSIGN_OR_RETURN(store::SqlRows rows, sql_->exec(fmt::format("SELECT * FROM \"{}\".\"{}\"", table.table().schema,
                                                                     table.table().table)));
      const int32_t partitions = partitions_[table.topic()];
      for (size_t r = 0; r < rows.rows.size(); ++r) {
        source.snapshot = snapshot_marker(t == 0, t + 1 == options_.tables.size(), r == 0, r + 1 == rows.rows.size());
        const Tuple row = tuple_from_text(rows.rows[r]);
        log::Record record;
        CF_ASSIGN_OR_RETURN(record.key, table.key(row));
        CF_ASSIGN_OR_RETURN(record.value, table.value(Op::kRead, nullptr, &row, source, wall_clock_ms() * 1000));
        record.timestamp_ms = wall_clock_ms();
        const int32_t partition =
            record.key && partitions > 1 ? log::kafka_partition_for_key(*record.key, partitions) : 0;
        records[{table.topic(), partition}].push_back(std::move(record));
      }
      rows_read += static_cast<int64_t>(rows.rows.size());
    }
    StoredOffset offset;
    offset.lsn = slot.consistent_point;
    CF_RETURN_IF_ERROR(append(records, offset));
    // In the log before the capture says it is streaming: a reader that waits for that state
    // (cdc status, the tests) then finds the whole snapshot.
    CF_RETURN_IF_ERROR(writer_->drain());
    update_status([&](CdcStatus& s) {
      s.snapshot_rows += rows_read;
      s.events_written += rows_read;
    });
    log_info("cdc", "snapshot written", {{"rows", std::to_string(rows_read)}});
    return Status::ok();
  }();
  (void)sql_->exec(read.is_ok() ? "COMMIT" : "ROLLBACK");
  CF_RETURN_IF_ERROR(read);
  confirmed_ = slot.consistent_point;
  return Status::ok();
}

}  // namespace careflow::cdc
