// 'connector' = 'iceberg': an INSERT's rows into an Iceberg v2 table of Parquet files
// (src/lake), committed once per checkpoint, exactly once (docs/lake.md).
//
// Options, as Apache Iceberg's Flink connector names them: 'catalog-name' (required, as there),
// 'catalog-type' ('hadoop', the default here: tables in folders of the warehouse; 'hive' and
// 'rest' are refused for now), 'catalog-database' (default 'default_database', Flink's current
// database), 'catalog-table' (default: the table's name), 'warehouse' (default
// <data-dir>/warehouse). The table lives in <warehouse>/<catalog-database>/<catalog-table>; it is
// created on first write with the table's physical columns and, when the table has a watermark on
// a timestamp column, partitioned by day of that column (careflow's 'partition.day-column' names
// another, or 'none'). 'write.upsert.enabled' = 'true' is refused: the sink takes append-only
// input (no equality deletes yet), and an update or delete row fails the job naming the table.
//
// Exactly once. Rows are buffered in memory; at a checkpoint the sink writes them as Parquet files
// (fsynced) named "<job>+<uuid>-<n>.parquet" and returns their paths, which the checkpoint's
// metadata records (Sink::prepare_commit); once the checkpoint is written it appends them as one
// snapshot whose summary carries 'careflow.commit-id' (and the job and checkpoint id, as Flink's
// sink records flink.job-id and flink.max-committed-checkpoint-id). A restart that restores the
// checkpoint commits its files again unless a snapshot with that commit id is in the table's
// history; files of this job that no snapshot names (written for a checkpoint that never
// completed) are removed. Without checkpoints, the job's rows are committed when it ends.
#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>

#include "exec/connectors/connector.h"
#include "exec/connectors/iceberg_sink.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"

namespace careflow::exec {

namespace fs = std::filesystem;
namespace ice = lake::iceberg;
using nlohmann::json;
using values::DataType;
using values::TypeId;
using values::Value;

namespace {

std::mutex warehouse_mutex;
std::string warehouse_default;

// Rows buffered before they are written as files ahead of the checkpoint (bounds memory).
constexpr size_t kRollRows = 500'000;

// The Iceberg column of a SQL column: timestamps are microseconds in Iceberg (careflow's values
// are too, whatever the precision), small integers are ints, character types strings.
Result<DataType> iceberg_column_type(const sql::TableDef& table, const sql::TableColumn& c) {
  DataType t = c.type.without_time_attribute();
  switch (t.id) {
    case TypeId::kTimestamp: return DataType::timestamp(6).with_nullable(t.nullable);
    case TypeId::kTimestampLtz: return DataType::timestamp_ltz(6).with_nullable(t.nullable);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt: return DataType::integer().with_nullable(t.nullable);
    case TypeId::kChar:
    case TypeId::kVarChar: return DataType::string().with_nullable(t.nullable);
    case TypeId::kBinary:
    case TypeId::kVarBinary: return DataType::bytes().with_nullable(t.nullable);
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kDate: return t;
    default: break;
  }
  return Status::invalid_argument(fmt::format("table '{}': column '{}' of type {} cannot be written to an Iceberg table by careflow yet",
                                              table.name, c.name, c.type.to_string()));
}

std::string option_or(const sql::TableDef& t, std::string_view key, std::string fallback) {
  const std::string* v = t.option(key);
  return v ? *v : std::move(fallback);
}

json partition_json(const std::vector<Value>& partition) {
  json out = json::array();
  for (const Value& v : partition) {
    if (v.is_null()) out.push_back(nullptr);
    else if (v.is_int()) out.push_back(v.as_int());
    else out.push_back(v.as_string());
  }
  return out;
}

std::vector<Value> partition_from_json(const json& j) {
  std::vector<Value> out;
  for (const json& v : j) {
    if (v.is_null()) out.emplace_back();
    else if (v.is_number_integer()) out.push_back(Value::integer(v.get<int64_t>()));
    else out.push_back(Value::string(v.get<std::string>()));
  }
  return out;
}

class IcebergSink : public Sink {
 public:
  IcebergSink(const sql::TableDef& table, ice::TableMetadata metadata, std::vector<int> columns)
      : table_(table.name), metadata_(std::move(metadata)), columns_(std::move(columns)) {
    // Not "<job>+": a run without checkpoints never recovers, so its files are no job's orphans.
    writer_ = std::make_unique<ice::DataFileWriter>(metadata_, "careflow-" + ice::random_uuid().substr(0, 8));
  }

  Result<int64_t> write(const RowBatch& rows) override {
    for (const Row& row : rows) {
      if (row.kind != RowKind::kInsert) {
        return Status::invalid_argument(fmt::format(
            "table '{}': the iceberg sink takes append-only input, and the query produced a {} row (updates and deletes need "
            "equality deletes, which careflow does not write yet)",
            table_, kind_symbol(row.kind)));
      }
      std::vector<Value> values;
      values.reserve(columns_.size());
      for (int i : columns_) values.push_back(row.fields[i]);
      Status added = writer_->add(std::move(values));
      if (!added.is_ok()) return added.with_context(fmt::format("writing table '{}'", table_));
    }
    if (writer_->buffered_rows() >= kRollRows) CF_RETURN_IF_ERROR(roll());
    return static_cast<int64_t>(rows.size());
  }

  bool two_phase() const override { return true; }

  Status recover(const std::string& job, int64_t checkpoint, const std::string& prepared) override {
    job_ = job;
    writer_ = std::make_unique<ice::DataFileWriter>(metadata_, job_ + "+" + ice::random_uuid().substr(0, 8));
    pending_.clear();
    CF_RETURN_IF_ERROR(commit(checkpoint, prepared));
    return remove_orphans();
  }

  Result<std::string> prepare_commit(int64_t checkpoint) override {
    CF_RETURN_IF_ERROR(roll());
    if (pending_.empty()) return std::string();  // nothing to commit: no snapshot
    json files = json::array();
    for (const ice::DataFile& f : pending_) files.push_back({{"path", f.path}, {"partition", partition_json(f.partition)}});
    pending_.clear();
    return json{{"commit-id", ice::random_uuid()}, {"checkpoint", checkpoint}, {"files", files}}.dump();
  }

  Status commit(int64_t checkpoint, const std::string& prepared) override {
    if (prepared.empty()) return Status::ok();
    std::string commit_id;
    std::vector<ice::DataFile> files;
    try {
      const json j = json::parse(prepared);
      commit_id = j.at("commit-id").get<std::string>();
      for (const json& f : j.at("files")) {
        CF_ASSIGN_OR_RETURN(ice::DataFile file, ice::data_file_from_parquet(f.at("path").get<std::string>()));
        file.partition = partition_from_json(f.at("partition"));
        files.push_back(std::move(file));
      }
    } catch (const json::exception& e) {
      return Status::corruption(fmt::format("table '{}': the checkpoint's commit record does not parse ({})", table_, e.what()));
    }
    auto current = ice::load_table(metadata_.location);
    if (!current.is_ok()) return current.status().with_context(fmt::format("table '{}'", table_));
    for (const ice::Snapshot* s : current->ancestry()) {
      auto it = s->summary.find("careflow.commit-id");
      if (it != s->summary.end() && it->second == commit_id) return Status::ok();  // committed before a crash
    }
    ice::CommitOptions o;
    o.summary = {{"careflow.commit-id", commit_id}};
    if (!job_.empty()) o.summary["careflow.job"] = job_;
    if (checkpoint > 0) o.summary["careflow.checkpoint-id"] = std::to_string(checkpoint);  // 0: the end of a run without checkpoints
    auto committed = ice::append_files(metadata_.location, files, o);
    if (!committed.is_ok()) return committed.status().with_context(fmt::format("committing to table '{}'", table_));
    return Status::ok();
  }

  Status finish() override {
    CF_ASSIGN_OR_RETURN(std::string prepared, prepare_commit(0));
    return commit(0, prepared);
  }

 private:
  Status roll() {
    auto files = writer_->flush();
    if (!files.is_ok()) return files.status().with_context(fmt::format("writing table '{}'", table_));
    pending_.insert(pending_.end(), files->begin(), files->end());
    return Status::ok();
  }

  // This job's data files that no snapshot names: written for a checkpoint that never completed.
  Status remove_orphans() {
    CF_ASSIGN_OR_RETURN(ice::TableMetadata current, ice::load_table(metadata_.location));
    CF_ASSIGN_OR_RETURN(const std::set<std::string> live, ice::referenced_files(current));
    const std::string prefix = job_ + "+";
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(current.location + "/data", ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string name = it->path().filename().string();
      if (name.rfind(prefix, 0) != 0 || !name.ends_with(".parquet")) continue;
      if (!live.count(it->path().lexically_normal().string())) fs::remove(it->path(), ec);
    }
    if (ec) return Status::io_error(fmt::format("table '{}': removing uncommitted files under {}/data: {}", table_, current.location, ec.message()));
    return Status::ok();
  }

  std::string table_;
  ice::TableMetadata metadata_;
  std::vector<int> columns_;  // the row's fields the table stores, in its column order
  std::string job_;  // the job's name, once a checkpointed run recovers (file names, snapshot summaries)
  std::unique_ptr<ice::DataFileWriter> writer_;
  std::vector<ice::DataFile> pending_;  // written, to be prepared at the next checkpoint
};

Result<std::unique_ptr<Sink>> make_iceberg_sink(const sql::TableDef& table, const ConnectorContext&) {
  auto refuse = [&](const std::string& what) { return Status::invalid_argument(fmt::format("table '{}': {}", table.name, what)); };
  if (!table.option("catalog-name")) return refuse("the iceberg connector needs 'catalog-name' (as Flink's Iceberg connector)");
  const std::string type = option_or(table, "catalog-type", "hadoop");
  if (type != "hadoop") {
    return refuse(fmt::format("'catalog-type' = '{}' is not supported: careflow writes 'hadoop' tables (folders of the warehouse)", type));
  }
  if (option_or(table, "write.upsert.enabled", "false") == "true") {
    return refuse("'write.upsert.enabled' is not supported: the iceberg sink takes append-only input (no equality deletes yet)");
  }
  if (const std::string* f = table.option("write.format.default"); f && *f != "parquet") {
    return refuse(fmt::format("'write.format.default' = '{}': careflow writes parquet", *f));
  }
  std::string warehouse = option_or(table, "warehouse", default_iceberg_warehouse());
  if (warehouse.rfind("file://", 0) == 0) warehouse = warehouse.substr(7);
  if (warehouse.empty()) return refuse("no 'warehouse' option and no default warehouse (<data-dir>/warehouse) configured");
  if (warehouse.find("://") != std::string::npos) return refuse(fmt::format("warehouse '{}': careflow writes local folders only", warehouse));
  const std::string location = (fs::absolute(warehouse) / option_or(table, "catalog-database", "default_database") /
                                option_or(table, "catalog-table", table.name))
                                   .lexically_normal()
                                   .string();

  // The physical columns, field ids from 1 in declaration order.
  std::vector<lake::ColumnSpec> columns;
  std::vector<int> indexes;
  int row_index = 0;
  for (const sql::TableColumn& c : table.columns) {
    if (c.computed || c.is_virtual) continue;
    if (c.is_physical()) {
      CF_ASSIGN_OR_RETURN(DataType t, iceberg_column_type(table, c));
      columns.push_back({c.name, t, static_cast<int32_t>(columns.size() + 1)});
      indexes.push_back(row_index);
    }
    ++row_index;
  }

  auto existing = ice::load_table(location);
  if (existing.is_ok()) {
    // A table written before (a restart, another job): its schema must be this one.
    if (existing->columns.size() != columns.size()) {
      return refuse(fmt::format("the Iceberg table at {} has {} columns, the table declares {}", location, existing->columns.size(), columns.size()));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto& have = existing->columns[i];
      if (have.name != columns[i].name || have.type.id != columns[i].type.id) {
        return refuse(fmt::format("column '{}' is {} {} in the Iceberg table at {}", columns[i].name, have.name, have.type.to_string(), location));
      }
    }
    return std::unique_ptr<Sink>(std::make_unique<IcebergSink>(table, std::move(*existing), std::move(indexes)));
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status().with_context(fmt::format("table '{}'", table.name));

  ice::CreateOptions create;
  std::string day_column = option_or(table, "partition.day-column", table.watermark_column.value_or(""));
  if (day_column != "none" && !day_column.empty()) {
    create.spec = ice::day_partition(columns, day_column);
    if (create.spec.fields.empty()) return refuse(fmt::format("'partition.day-column': no physical column '{}'", day_column));
    if (!create.spec.fields.empty() && !columns[create.spec.fields[0].source_id - 1].type.is_timestamp() &&
        columns[create.spec.fields[0].source_id - 1].type.id != TypeId::kDate) {
      if (table.option("partition.day-column")) {
        return refuse(fmt::format("'partition.day-column': column '{}' is not a timestamp or date", day_column));
      }
      create.spec = {};  // a watermark on a non-time column: unpartitioned
    }
  }
  auto created = ice::create_table(location, columns, create);
  if (created.status().code() == StatusCode::kAlreadyExists) {
    created = ice::load_table(location);  // another job created it meanwhile
  }
  if (!created.is_ok()) return created.status().with_context(fmt::format("table '{}'", table.name));
  return std::unique_ptr<Sink>(std::make_unique<IcebergSink>(table, std::move(*created), std::move(indexes)));
}

}  // namespace

void set_default_iceberg_warehouse(std::string dir) {
  std::lock_guard lock(warehouse_mutex);
  warehouse_default = std::move(dir);
}

std::string default_iceberg_warehouse() {
  std::lock_guard lock(warehouse_mutex);
  return warehouse_default;
}

CF_REGISTER_CONNECTOR({"iceberg", nullptr, make_iceberg_sink, false});

}  // namespace careflow::exec
