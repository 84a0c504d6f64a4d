// 'connector' = 'iceberg' as a source: a bounded scan of the table's current snapshot, or of the
// snapshot Flink's Iceberg connector option 'snapshot-id' names, its position deletes applied,
// data file by data file (one file's rows in memory at a time). The table's physical columns are
// matched to the Iceberg table's by name; a column the Iceberg table lacks is an error naming it.
// 'streaming' = 'true' (Flink's incremental read) is refused. Checkpointed jobs resume at the
// file and row a checkpoint recorded.
#include <fmt/format.h>

#include <deque>

#include "exec/connectors/connector.h"
#include "exec/connectors/iceberg_sink.h"
#include "lake/iceberg_files.h"

namespace careflow::exec {

namespace {

namespace ice = lake::iceberg;
using values::DataType;
using values::TypeId;
using values::Value;

// The type family a value of the type has in an Iceberg table (ints, strings, binaries as one).
TypeId family(const DataType& t) {
  switch (t.id) {
    case TypeId::kTinyInt:
    case TypeId::kSmallInt: return TypeId::kInt;
    case TypeId::kChar: return TypeId::kVarChar;
    case TypeId::kBinary: return TypeId::kVarBinary;
    default: return t.id;
  }
}

class IcebergSource : public Source {
 public:
  IcebergSource(const sql::TableDef& table, ice::TableMetadata metadata, std::vector<ice::ScanTask> tasks, std::vector<int> slots)
      : table_(table), metadata_(std::move(metadata)), tasks_(std::move(tasks)), slots_(std::move(slots)) {}

  Result<bool> poll(RowBatch* out, size_t max_rows) override {
    while (out->size() < max_rows) {
      if (buffer_.empty()) {
        if (task_ >= tasks_.size()) return false;
        if (loaded_ == task_ + 1) {  // this file is done
          ++task_;
          emitted_ = 0;
          continue;
        }
        CF_RETURN_IF_ERROR(load(task_));
        for (int64_t i = 0; i < emitted_ && !buffer_.empty(); ++i) buffer_.pop_front();  // resumed mid-file
        continue;
      }
      out->push_back(std::move(buffer_.front()));
      buffer_.pop_front();
      ++emitted_;
    }
    return true;
  }

  // [data file index, rows of it emitted]: the scan tasks of one snapshot are planned the same way.
  Result<std::vector<int64_t>> position() const override { return std::vector<int64_t>{static_cast<int64_t>(task_), emitted_}; }
  Status seek(const std::vector<int64_t>& position) override {
    if (position.size() != 2 || position[0] < 0 || position[0] > static_cast<int64_t>(tasks_.size()) || position[1] < 0) {
      return Status::invalid_argument(fmt::format("table '{}': a checkpointed position that is not this snapshot's", table_.name));
    }
    task_ = static_cast<size_t>(position[0]);
    emitted_ = position[1];
    buffer_.clear();
    loaded_ = 0;
    return Status::ok();
  }

 private:
  Status load(size_t task) {
    buffer_.clear();
    Status s = ice::scan_task(metadata_, tasks_[task], [&](const ice::DataFile&, int64_t, std::vector<Value> values) {
      Row row{RowKind::kInsert, std::vector<Value>(table_.columns.size())};
      for (size_t c = 0; c < slots_.size(); ++c) {
        if (slots_[c] >= 0) row.fields[c] = std::move(values[static_cast<size_t>(slots_[c])]);
      }
      buffer_.push_back(std::move(row));
      return Status::ok();
    });
    if (!s.is_ok()) return s.with_context(fmt::format("reading table '{}'", table_.name));
    loaded_ = task + 1;
    return Status::ok();
  }

  const sql::TableDef& table_;
  ice::TableMetadata metadata_;
  std::vector<ice::ScanTask> tasks_;
  std::vector<int> slots_;  // per table column: its index among the Iceberg table's columns, or -1
  size_t task_ = 0;
  size_t loaded_ = 0;       // 1 + the task whose rows are in buffer_ (0: none)
  int64_t emitted_ = 0;     // rows of task_ given out
  std::deque<Row> buffer_;
};

}  // namespace

Result<std::unique_ptr<Source>> make_iceberg_source(const sql::TableDef& table, const ConnectorContext&) {
  auto refuse = [&](const std::string& what) { return Status::invalid_argument(fmt::format("table '{}': {}", table.name, what)); };
  if (const std::string* streaming = table.option("streaming"); streaming && *streaming == "true") {
    return refuse("'streaming' = 'true' is not supported: careflow reads an Iceberg table as a bounded scan of one snapshot");
  }
  CF_ASSIGN_OR_RETURN(const std::string location, iceberg_table_location(table));
  auto metadata = ice::load_table(location);
  if (!metadata.is_ok()) return metadata.status().with_context(fmt::format("table '{}'", table.name));
  std::optional<int64_t> snapshot;
  if (const std::string* id = table.option("snapshot-id")) {
    try {
      size_t used = 0;
      snapshot = std::stoll(*id, &used);
      if (used != id->size()) throw std::invalid_argument(*id);
    } catch (const std::exception&) {
      return refuse(fmt::format("'snapshot-id' = '{}' is not a snapshot id", *id));
    }
  }
  std::vector<int> slots(table.columns.size(), -1);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const sql::TableColumn& column = table.columns[c];
    if (!column.is_physical()) continue;
    size_t i = 0;
    while (i < metadata->columns.size() && metadata->columns[i].name != column.name) ++i;
    if (i == metadata->columns.size()) return refuse(fmt::format("the Iceberg table at {} has no column '{}'", location, column.name));
    if (family(metadata->columns[i].type) != family(column.type.without_time_attribute())) {
      return refuse(fmt::format("column '{}' is {} in the Iceberg table at {}, the table declares {}", column.name,
                                metadata->columns[i].type.to_string(), location, column.type.to_string()));
    }
    slots[c] = static_cast<int>(i);
  }
  auto tasks = ice::plan_scan(*metadata, snapshot);
  if (!tasks.is_ok()) return tasks.status().with_context(fmt::format("table '{}'", table.name));
  return std::unique_ptr<Source>(std::make_unique<IcebergSource>(table, std::move(*metadata), std::move(*tasks), std::move(slots)));
}

}  // namespace careflow::exec
