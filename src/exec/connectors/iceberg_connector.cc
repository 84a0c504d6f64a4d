// 'connector' = 'iceberg': an INSERT's rows into an Iceberg v2 table of Parquet files
// (src/lake), committed once per checkpoint, exactly once (docs/lake.md).
//
// Options, as Apache Iceberg's Flink connector names them: 'catalog-name' (required, as there),
// 'catalog-type' ('hadoop', the default here: tables in folders of the warehouse; 'hive' and
// 'rest' are refused for now), 'catalog-database' (default 'default_database', Flink's current
// database), 'catalog-table' (default: the table's name), 'warehouse' (default
// <data-dir>/warehouse; a local path, file:// URL or s3://bucket/prefix, lake/storage.h). The table lives in <warehouse>/<catalog-database>/<catalog-table>; it is
// created on first write with the table's physical columns and, when the table has a watermark on
// a timestamp column, partitioned by day of that column (careflow's 'partition.day-column' names
// another, or 'none'; careflow's 'partition.spec' gives any spec: "hour(ts), bucket(16, id)").
//
// Updates and deletes. A table with a PRIMARY KEY is an upsert table: an insert or update of a key
// replaces its row, -U / -D delete it; a new table's schema names the key's columns in
// identifier-field-ids, as Flink's Iceberg sink does. A table without one takes retractions too: -U / -D delete
// one row equal to it. The sink keeps an index of the table's live rows by key (built from the
// table when it starts, or at the first retraction of a table without a key) and writes a deleted
// row's (file, position) into position delete files committed with the checkpoint's data files in
// one snapshot (Iceberg's RowDelta); a row inserted and deleted between two checkpoints never
// reaches a file. Position deletes, not equality deletes: docs/lake.md says why.
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

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "exec/connectors/connector.h"
#include "exec/connectors/iceberg_sink.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_deletes.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_partition.h"
#include "lake/parquet_schema.h"
#include "lake/parquet_writer.h"
#include "lake/storage.h"

namespace careflow::exec {

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

// The Iceberg type of a SQL type: timestamps are microseconds in Iceberg (careflow's values are
// too, whatever the precision), small integers are ints, character types strings; ROW, ARRAY and
// MAP of such types, a MAP's key NOT NULL (Iceberg's keys are required). Unset for a type Iceberg
// tables of careflow cannot hold (TIME, intervals, MULTISET) anywhere inside.
std::optional<DataType> iceberg_type_of(const DataType& in, int depth) {
  if (depth > lake::kMaxNestingDepth) return std::nullopt;
  DataType t = in.without_time_attribute();
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
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      if (t.children.empty()) return std::nullopt;
      for (size_t i = 0; i < t.children.size(); ++i) {
        std::optional<DataType> child = iceberg_type_of(t.children[i], depth + 1);
        if (!child) return std::nullopt;
        t.children[i] = t.id == TypeId::kMap && i == 0 ? child->with_nullable(false) : *child;
      }
      return t;
    default: return std::nullopt;
  }
}

Result<DataType> iceberg_column_type(const sql::TableDef& table, const sql::TableColumn& c) {
  if (std::optional<DataType> t = iceberg_type_of(c.type, 0)) return *t;
  return Status::invalid_argument(fmt::format("table '{}': column '{}' of type {} cannot be written to an Iceberg table by careflow yet",
                                              table.name, c.name, c.type.to_string()));
}

// Iceberg ids for the nested fields of a new table's column, in ColumnSpec::nested_ids' pre-order,
// numbered on from *next (after the top-level columns, as Iceberg numbers a new schema).
void assign_nested_ids(const DataType& t, int32_t* next, std::vector<int32_t>* ids) {
  for (const DataType& child : t.children) {
    ids->push_back((*next)++);
    assign_nested_ids(child, next, ids);
  }
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

// A row's key as bytes: each key column's value in Iceberg's single-value serialization, length-
// prefixed, NULL marked (equal keys, equal bytes).
std::string key_of(const std::vector<lake::ColumnSpec>& columns, const std::vector<size_t>& key, const std::vector<Value>& row) {
  std::string out;
  for (size_t i : key) {
    if (row[i].is_null()) {
      out.push_back('\0');
      continue;
    }
    const std::string v = ice::serialize_bound(columns[i].type, row[i]);
    out.push_back('\1');
    const uint32_t n = static_cast<uint32_t>(v.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += v;
  }
  return out;
}

class IcebergSink : public Sink {
 public:
  // `key`: the PRIMARY KEY's columns (indexes into the table's columns), or empty for a table
  // without one, whose rows are deleted by their whole value.
  IcebergSink(const sql::TableDef& table, ice::TableMetadata metadata, std::vector<int> columns, std::vector<size_t> key,
              lake::WriterOptions writer_options)
      : table_(table.name), metadata_(std::move(metadata)), columns_(std::move(columns)), key_(std::move(key)),
        writer_options_(std::move(writer_options)) {
    // Not "<job>+": a run without checkpoints never recovers, so its files are no job's orphans.
    start_files("careflow-" + ice::random_uuid().substr(0, 8));
  }

  Result<int64_t> write(const RowBatch& rows) override {
    for (const Row& row : rows) {
      std::vector<Value> values;
      values.reserve(columns_.size());
      for (int i : columns_) values.push_back(row.fields[i]);
      // Updates need the index of the table's rows; a table with a key has it from the start (an
      // insert of a key is an upsert), one without from its first retraction.
      if (!delta_ && (row.kind != RowKind::kInsert || !key_.empty())) CF_RETURN_IF_ERROR(start_delta());
      Status s = delta_ ? apply(row.kind, std::move(values)) : writer_->add(std::move(values));
      if (!s.is_ok()) return s.with_context(fmt::format("writing table '{}'", table_));
    }
    if (!delta_ && writer_->buffered_rows() >= kRollRows) CF_RETURN_IF_ERROR(roll());
    return static_cast<int64_t>(rows.size());
  }

  bool two_phase() const override { return true; }

  Status recover(const std::string& job, int64_t checkpoint, const std::string& prepared) override {
    job_ = job;
    start_files(job_ + "+" + ice::random_uuid().substr(0, 8));
    pending_.clear();
    CF_RETURN_IF_ERROR(commit(checkpoint, prepared));
    return remove_orphans();
  }

  Result<std::string> prepare_commit(int64_t checkpoint) override {
    CF_RETURN_IF_ERROR(roll());
    std::vector<ice::DataFile> deletes;
    if (delta_) {
      CF_ASSIGN_OR_RETURN(deletes, write_delta());
    }
    if (pending_.empty() && deletes.empty()) return std::string();  // nothing to commit: no snapshot
    auto listed = [](const std::vector<ice::DataFile>& files) {
      json out = json::array();
      for (const ice::DataFile& f : files) out.push_back({{"path", f.path}, {"partition", partition_json(f.partition)}});
      return out;
    };
    json record = {{"commit-id", ice::random_uuid()}, {"checkpoint", checkpoint}, {"files", listed(pending_)}};
    if (!deletes.empty()) record["position-deletes"] = listed(deletes);
    pending_.clear();
    return record.dump();
  }

  Status commit(int64_t checkpoint, const std::string& prepared) override {
    if (prepared.empty()) return Status::ok();
    std::string commit_id;
    std::vector<ice::DataFile> files, deletes;
    try {
      const json j = json::parse(prepared);
      commit_id = j.at("commit-id").get<std::string>();
      auto read = [](const json& list, ice::FileContent content, std::vector<ice::DataFile>& out) -> Status {
        for (const json& f : list) {
          CF_ASSIGN_OR_RETURN(ice::DataFile file, ice::data_file_from_parquet(f.at("path").get<std::string>()));
          file.content = content;
          file.partition = partition_from_json(f.at("partition"));
          out.push_back(std::move(file));
        }
        return Status::ok();
      };
      CF_RETURN_IF_ERROR(read(j.at("files"), ice::FileContent::kData, files));
      if (j.contains("position-deletes")) CF_RETURN_IF_ERROR(read(j.at("position-deletes"), ice::FileContent::kPositionDeletes, deletes));
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
    auto committed = ice::commit_files(metadata_.location, files, deletes, o);
    if (!committed.is_ok()) return committed.status().with_context(fmt::format("committing to table '{}'", table_));
    return Status::ok();
  }

  Status finish() override {
    CF_ASSIGN_OR_RETURN(std::string prepared, prepare_commit(0));
    return commit(0, prepared);
  }

 private:
  // A row of a data file: the file (an index into files_) and the row's position in it.
  struct Located {
    uint32_t file;
    int64_t pos;
  };
  // The live rows of one key: written to data files (committed or about to be), or buffered.
  struct KeyRows {
    std::vector<Located> written;
    std::vector<std::vector<Value>> buffered;
    bool dirty = false;  // listed in dirty_
  };
  struct KnownFile {
    std::string path;  // as the manifest names it
    std::vector<Value> partition;
  };

  // New file names from `prefix`, and no index: the table may have changed under it (a restart).
  void start_files(std::string prefix) {
    prefix_ = std::move(prefix);
    writer_ = std::make_unique<ice::DataFileWriter>(metadata_, prefix_, writer_options_);
    delta_ = false;
    rows_.clear();
    files_.clear();
    file_ids_.clear();
    dirty_.clear();
    deletes_.clear();
  }

  uint32_t file_id(const ice::DataFile& f) {
    auto [it, added] = file_ids_.emplace(f.path, static_cast<uint32_t>(files_.size()));
    if (added) files_.push_back({f.path, f.partition});
    return it->second;
  }

  std::vector<size_t> key_columns() const {
    if (!key_.empty()) return key_;
    std::vector<size_t> all(columns_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
  }

  // Indexes the table's live rows by key: its current snapshot (deletes applied) and the files
  // written for the next commit; rows buffered for those move into the index's buffer.
  Status start_delta() {
    CF_ASSIGN_OR_RETURN(ice::TableMetadata current, ice::load_table(metadata_.location));
    const std::vector<size_t> key = key_columns();
    auto index = [&](const ice::DataFile& f, int64_t pos, std::vector<Value> row) {
      rows_[key_of(current.columns, key, row)].written.push_back({file_id(f), pos});
      return Status::ok();
    };
    Status s = ice::scan_rows_at(current, index);
    for (size_t i = 0; s.is_ok() && i < pending_.size(); ++i) s = ice::scan_file(current, pending_[i], index);
    if (!s.is_ok()) return s.with_context(fmt::format("table '{}': indexing its rows for updates and deletes", table_));
    delta_ = true;
    for (std::vector<Value>& row : writer_->take()) CF_RETURN_IF_ERROR(apply(RowKind::kInsert, std::move(row)));
    return Status::ok();
  }

  // One changelog row against the index. A table with a key upserts (an insert or update replaces
  // the key's row; -U and -D delete it); one without adds a row, or deletes one equal row (the last
  // written). Deleting a row no longer there is a no-op, as in an upsert sink.
  Status apply(RowKind kind, std::vector<Value> row) {
    std::string key = key_of(metadata_.columns, key_columns(), row);
    auto it = rows_.find(key);
    const bool insert = kind == RowKind::kInsert || kind == RowKind::kUpdateAfter;
    if (it != rows_.end() && (!key_.empty() || !insert)) {
      KeyRows& k = it->second;
      if (!key_.empty()) {
        for (const Located& l : k.written) deletes_.push_back({files_[l.file].path, files_[l.file].partition, l.pos});
        k.written.clear();
        k.buffered.clear();
      } else if (!k.buffered.empty()) {
        k.buffered.pop_back();
      } else if (!k.written.empty()) {
        const Located l = k.written.back();
        deletes_.push_back({files_[l.file].path, files_[l.file].partition, l.pos});
        k.written.pop_back();
      }
      if (k.written.empty() && k.buffered.empty() && !insert) rows_.erase(it);
    }
    if (!insert) return Status::ok();
    KeyRows& k = rows_[key];
    k.buffered.push_back(std::move(row));
    if (!k.dirty) dirty_.push_back(std::move(key));
    k.dirty = true;
    return Status::ok();
  }

  // Writes the index's buffered rows as data files (pending) and the deletes as position delete
  // files; returns those.
  Result<std::vector<ice::DataFile>> write_delta() {
    std::vector<KeyRows*> order;
    for (const std::string& key : dirty_) {
      auto it = rows_.find(key);
      if (it == rows_.end()) continue;
      for (std::vector<Value>& row : it->second.buffered) {
        CF_RETURN_IF_ERROR(writer_->add(std::move(row)));
        order.push_back(&it->second);
      }
      it->second.buffered.clear();
      it->second.dirty = false;
    }
    dirty_.clear();
    std::vector<ice::DataFileWriter::Placement> placed;
    auto files = writer_->flush(&placed);
    if (!files.is_ok()) return files.status().with_context(fmt::format("writing table '{}'", table_));
    for (size_t i = 0; i < placed.size(); ++i) order[i]->written.push_back({file_id((*files)[placed[i].file]), placed[i].pos});
    pending_.insert(pending_.end(), files->begin(), files->end());
    if (deletes_.empty()) return std::vector<ice::DataFile>{};
    auto deletes = ice::write_position_deletes(metadata_, fmt::format("{}-{}", prefix_, delete_round_++), deletes_);
    deletes_.clear();
    if (!deletes.is_ok()) return deletes.status().with_context(fmt::format("writing table '{}'", table_));
    return std::move(*deletes);
  }

  Status roll() {
    auto files = writer_->flush();
    if (!files.is_ok()) return files.status().with_context(fmt::format("writing table '{}'", table_));
    pending_.insert(pending_.end(), files->begin(), files->end());
    return Status::ok();
  }

  // This job's data and delete files that no snapshot names: written for a checkpoint that never
  // completed.
  Status remove_orphans() {
    CF_ASSIGN_OR_RETURN(ice::TableMetadata current, ice::load_table(metadata_.location));
    CF_ASSIGN_OR_RETURN(const std::set<std::string> live, ice::referenced_files(current));
    const std::string prefix = job_ + "+";
    const std::string data = lake::join_path(current.location, "data");
    const lake::Storage& storage = lake::storage_for(data);
    auto files = storage.list_files(data);
    if (!files.is_ok()) return files.status().with_context(fmt::format("table '{}': listing uncommitted files", table_));
    for (const lake::StoredFile& f : *files) {
      const std::string name = f.uri.substr(f.uri.rfind('/') + 1);
      if (name.rfind(prefix, 0) != 0 || !name.ends_with(".parquet") || live.count(f.uri)) continue;
      if (Status removed = storage.remove(f.uri); !removed.is_ok()) {
        return removed.with_context(fmt::format("table '{}': removing an uncommitted file", table_));
      }
    }
    return Status::ok();
  }

  std::string table_;
  ice::TableMetadata metadata_;
  std::vector<int> columns_;  // the row's fields the table stores, in its column order
  std::vector<size_t> key_;   // the PRIMARY KEY's columns among the table's (empty: none)
  lake::WriterOptions writer_options_;  // of the data files
  std::string job_;  // the job's name, once a checkpointed run recovers (file names, snapshot summaries)
  std::string prefix_;  // of the files this sink writes
  std::unique_ptr<ice::DataFileWriter> writer_;
  std::vector<ice::DataFile> pending_;  // written, to be prepared at the next checkpoint
  // Updates and deletes ("delta" mode): the table's live rows by key, the data files they are in,
  // the keys with buffered rows, and the position deletes for the next commit.
  bool delta_ = false;
  std::unordered_map<std::string, KeyRows> rows_;
  std::vector<KnownFile> files_;
  std::unordered_map<std::string, uint32_t> file_ids_;
  std::vector<std::string> dirty_;
  std::vector<ice::PositionDelete> deletes_;
  int64_t delete_round_ = 0;
};

Result<std::unique_ptr<Sink>> make_iceberg_sink(const sql::TableDef& table, const ConnectorContext&) {
  auto refuse = [&](const std::string& what) { return Status::invalid_argument(fmt::format("table '{}': {}", table.name, what)); };
  CF_ASSIGN_OR_RETURN(const std::string location, iceberg_table_location(table));
  if (option_or(table, "write.upsert.enabled", "false") == "true" && table.primary_key.empty()) {
    // As Flink's Iceberg sink: an upsert needs the key it replaces rows by.
    return refuse("'write.upsert.enabled' = 'true' needs a PRIMARY KEY (the columns a row is replaced by)");
  }
  if (const std::string* f = table.option("write.format.default"); f && *f != "parquet") {
    return refuse(fmt::format("'write.format.default' = '{}': careflow writes parquet", *f));
  }

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
  int32_t next_id = static_cast<int32_t>(columns.size()) + 1;
  for (lake::ColumnSpec& c : columns) assign_nested_ids(c.type, &next_id, &c.nested_ids);
  std::vector<size_t> key;
  for (const std::string& name : table.primary_key) {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const lake::ColumnSpec& c) { return c.name == name; });
    if (it == columns.end()) return refuse(fmt::format("PRIMARY KEY column '{}' is not a physical column", name));
    if (!it->type.children.empty()) {
      // Rows are found by their key's bytes (Iceberg's single-value serialization), which only primitives have.
      return refuse(fmt::format("PRIMARY KEY column '{}' of type {} cannot key an Iceberg table", name, it->type.to_string()));
    }
    key.push_back(static_cast<size_t>(it - columns.begin()));
  }

  // careflow's Parquet encodings for the data files, named in the style of Iceberg's write.parquet.*
  // properties: 'write.parquet.integer-encoding' for every INT32 / INT64 column (integers, dates,
  // timestamps, small decimals), 'write.parquet.encoding.column.<col>' for one; values 'auto' (a
  // dictionary while it pays, else PLAIN: the default), 'plain' or 'delta' (DELTA_BINARY_PACKED).
  lake::WriterOptions writer_options;
  constexpr std::string_view kColumnEncoding = "write.parquet.encoding.column.";
  for (const auto& [option, value] : table.options) {
    const bool per_column = option.rfind(kColumnEncoding, 0) == 0;
    if (!per_column && option != "write.parquet.integer-encoding") continue;
    auto encoding = lake::parse_column_encoding(value);
    if (!encoding.is_ok()) return refuse(fmt::format("'{}': {}", option, encoding.status().message()));
    if (per_column) writer_options.column_encodings.emplace_back(option.substr(kColumnEncoding.size()), *encoding);
    else writer_options.integer_encoding = *encoding;
  }
  // Checked now, not at the first checkpoint: the columns named, and the encodings they can take.
  if (Status checked = lake::check_writer_options(columns, writer_options); !checked.is_ok()) return refuse(checked.message());

  // 'partition.spec' (careflow's: Flink's DDL has no transforms) names the new table's partition
  // fields; checked even when the table exists, where it is not applied.
  std::optional<ice::PartitionSpec> spec_option;
  if (const std::string* text = table.option("partition.spec")) {
    if (table.option("partition.day-column")) return refuse("give 'partition.spec' or 'partition.day-column', not both");
    auto parsed = ice::parse_partition_spec(*text, columns);
    if (!parsed.is_ok()) return refuse(fmt::format("'partition.spec': {}", parsed.status().message()));
    spec_option = std::move(*parsed);
  }

  auto existing = ice::load_table(location);
  if (existing.is_ok()) {
    // A table written before (a restart, another job): its schema must be this one.
    if (existing->columns.size() != columns.size()) {
      return refuse(fmt::format("the Iceberg table at {} has {} columns, the table declares {}", location, existing->columns.size(), columns.size()));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto& have = existing->columns[i];
      // A nested column must match all the way down: its leaves are written by the table's types.
      const bool nested_differs = !columns[i].type.children.empty() && !have.type.same_logical_type(columns[i].type);
      if (have.name != columns[i].name || have.type.id != columns[i].type.id || nested_differs) {
        return refuse(fmt::format("column '{}' is {} {} in the Iceberg table at {}", columns[i].name, have.name, have.type.to_string(), location));
      }
    }
    return std::unique_ptr<Sink>(std::make_unique<IcebergSink>(table, std::move(*existing), std::move(indexes), key, std::move(writer_options)));
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status().with_context(fmt::format("table '{}'", table.name));

  ice::CreateOptions create;
  // As Iceberg's Flink sink: the PRIMARY KEY's columns (NOT NULL, as Flink makes them) identify rows.
  for (size_t k : key) create.identifier_field_ids.push_back(*columns[k].field_id);
  std::string day_column = option_or(table, "partition.day-column", table.watermark_column.value_or(""));
  if (spec_option) {
    create.spec = std::move(*spec_option);
  } else if (day_column != "none" && !day_column.empty()) {
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
  return std::unique_ptr<Sink>(std::make_unique<IcebergSink>(table, std::move(*created), std::move(indexes), std::move(key), std::move(writer_options)));
}

}  // namespace

Result<std::string> iceberg_table_location(const sql::TableDef& table) {
  auto refuse = [&](const std::string& what) { return Status::invalid_argument(fmt::format("table '{}': {}", table.name, what)); };
  if (!table.option("catalog-name")) return refuse("the iceberg connector needs 'catalog-name' (as Flink's Iceberg connector)");
  const std::string type = option_or(table, "catalog-type", "hadoop");
  if (type != "hadoop") {
    return refuse(fmt::format("'catalog-type' = '{}' is not supported: careflow writes 'hadoop' tables (folders of the warehouse)", type));
  }
  std::string warehouse = option_or(table, "warehouse", default_iceberg_warehouse());
  if (warehouse.rfind("file://", 0) == 0) warehouse = warehouse.substr(7);
  if (warehouse.empty()) return refuse("no 'warehouse' option and no default warehouse (<data-dir>/warehouse) configured");
  if (warehouse.find("://") != std::string::npos && !lake::is_object_store_uri(warehouse)) {
    return refuse(fmt::format("warehouse '{}': careflow writes local folders (a path or file://) or S3 (s3://bucket/...) only", warehouse));
  }
  return lake::normalize_location(lake::join_path(
      lake::join_path(lake::normalize_location(warehouse), option_or(table, "catalog-database", "default_database")),
      option_or(table, "catalog-table", table.name)));
}

void set_default_iceberg_warehouse(std::string dir) {
  std::lock_guard lock(warehouse_mutex);
  warehouse_default = std::move(dir);
}

std::string default_iceberg_warehouse() {
  std::lock_guard lock(warehouse_mutex);
  return warehouse_default;
}

CF_REGISTER_CONNECTOR({"iceberg", make_iceberg_source, make_iceberg_sink, false});

}  // namespace careflow::exec
