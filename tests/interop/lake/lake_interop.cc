// careflow's side of the Parquet interop check (tests/interop/lake/run):
//   lake_interop write SPEC OUT     JSON lines → a Parquet file by careflow's writer. The first line
//                                   is {"columns": [{"name", "type" (Flink SQL), "field_id"}],
//                                   "options": {"codec", "dictionary", "page_version",
//                                   "row_group_rows", "page_bytes", "dictionary_page_bytes",
//                                   "integer_encoding" ("auto" / "plain" / "delta"),
//                                   "column_encodings" ({name: encoding}), "page_index"}}, each
//                                   further line a row as a JSON array.
//   lake_interop dump IN OUT        a Parquet file (any writer's) by careflow's reader → the same
//                                   JSON lines (the header with "row_groups" instead of options)
//   lake_interop page-index IN      every column chunk's page index (ColumnIndex, OffsetIndex) as
//                                   careflow's reader decodes it, as JSON (see page_index below)
//   lake_interop prune IN RANGES    the row groups careflow's pruning keeps for
//                                   RANGES = [{"column", "lower", "upper"}], as a JSON array
//   lake_interop iceberg SPEC LOC   the spec's rows as two Parquet data files of a new Iceberg v2
//                                   table at LOC; prints the metadata JSON's path
//   lake_interop iceberg-grow SPEC LOC COLUMN   a new table partitioned by day of COLUMN, the spec's
//                                   rows appended in three commits (thirds, one snapshot each; the
//                                   third merges the manifests of the first two);
//                                   prints the newest metadata JSON's path
//   lake_interop iceberg-scan LOC OUT   the current snapshot of the table at LOC (any writer's)
//                                   by careflow's Iceberg reader → JSON lines as dump writes them
//   lake_interop iceberg-sink DIR ROWS [WAREHOUSE]   runs INSERTs of ROWS readings (seq i, ts 2024-05-0<1 + i % 3>
//                                   08:00 + i ms) through the 'iceberg' sink into WAREHOUSE (default
//                                   DIR/wh; s3://bucket/... too), checkpointing
//                                   every 10 rows: an upsert table default_database.counts (k = seq % 7,
//                                   n, m = MAX(ts); HAVING COUNT(*) < 25; partitioned by day of m) and
//                                   a retracting one default_database.total (COUNT(*)), and
//                                   default_database.spread (seq, ts, tag 'd<seq % 3>x') partitioned by
//                                   year, month, hour of ts, bucket[2] of seq, truncate[2] of tag;
//                                   prints their newest metadata JSON paths
//   lake_interop iceberg-fill LOC N appends N rows (id i, name 'n<i % 3>', ts i half-hours) to the
//                                   table at LOC (columns id long, name string, ts timestamptz), with
//                                   its own partition spec
//   lake_interop iceberg-append LOC ROWS   appends ROWS (JSON lines, one array per row in the
//                                   table's columns' order and the JSON form below) to the table at
//                                   LOC as one snapshot
//   lake_interop maintain LOC STEP  runs one maintenance step on the table at LOC: compact,
//                                   expire (every snapshot but the current one) or orphans (files
//                                   no snapshot names, however new); prints what it did as JSON
//   lake_interop rest WAREHOUSE     serves careflow's Iceberg REST catalog over WAREHOUSE at
//                                   http://127.0.0.1:<port>/iceberg; prints the port, stops at EOF
//                                   on stdin
// Every LOC and WAREHOUSE may be a local folder or s3://bucket/prefix (the S3 client's configuration
// from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION: see src/lake/storage.h).
// The JSON form of a value: booleans, integers (DATE in days, TIME in ms, TIMESTAMP in µs) and
// strings as themselves; FLOAT / DOUBLE as numbers or "NaN" / "Infinity" / "-Infinity"; bytes as
// hex; DECIMAL as its unscaled integer in a string; ARRAY as an array, ROW as an object by field
// name, MAP as an array of [key, value] pairs. A column's "nested_ids" (optional) are
// ColumnSpec::nested_ids.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "exec/connectors/job_runner.h"
#include "exec/session.h"
#include "interop/registry/hex.h"
#include "lake/iceberg_commit.h"
#include "http/http_server.h"
#include "common/clock.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_maintenance.h"
#include "lake/iceberg_rest.h"
#include "lake/iceberg_table.h"
#include "lake/page_codec.h"
#include "log/embedded_log.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"
#include "lake/storage.h"
#include "sql/parser.h"
#include "values/value_format.h"

namespace {

using careflow::Result;
using careflow::Status;
using careflow::interop::from_hex;
using careflow::interop::to_hex;
using careflow::lake::ColumnSpec;
using careflow::values::DataType;
using careflow::values::TypeId;
using careflow::values::Value;
using nlohmann::json;

careflow::values::int128 int128_from_string(const std::string& s) {
  careflow::values::int128 v = 0;
  if (!careflow::values::parse_decimal(s, 38, 0, &v)) throw std::invalid_argument("not an unscaled DECIMAL: " + s);
  return v;
}

json to_json(const DataType& t, const Value& v) {
  if (v.is_null()) return nullptr;
  switch (t.id) {
    case TypeId::kArray: {
      json out = json::array();
      for (const Value& item : v.as_list()) out.push_back(to_json(t.children[0], item));
      return out;
    }
    case TypeId::kRow: {
      json out = json::object();
      for (size_t i = 0; i < t.children.size(); ++i) out[t.field_names[i]] = to_json(t.children[i], v.as_list()[i]);
      return out;
    }
    case TypeId::kMap: {
      json out = json::array();
      for (const auto& [key, value] : v.as_map()) out.push_back(json::array({to_json(t.children[0], key), to_json(t.children[1], value)}));
      return out;
    }
    case TypeId::kBoolean: return v.as_bool();
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = v.as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return d;
    }
    case TypeId::kDecimal: return careflow::values::int128_to_string(v.as_decimal());
    case TypeId::kChar:
    case TypeId::kVarChar: return v.as_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary: return to_hex(v.as_bytes());
    default: return v.as_int();
  }
}

Value from_json(const DataType& t, const json& j) {
  if (j.is_null()) return Value();
  switch (t.id) {
    case TypeId::kArray: {
      std::vector<Value> items;
      for (const json& item : j) items.push_back(from_json(t.children[0], item));
      return Value::list(std::move(items));
    }
    case TypeId::kRow: {
      std::vector<Value> fields;
      for (size_t i = 0; i < t.children.size(); ++i) fields.push_back(from_json(t.children[i], j.value(t.field_names[i], json())));
      return Value::list(std::move(fields));
    }
    case TypeId::kMap: {
      careflow::values::MapEntries entries;
      for (const json& kv : j) entries.emplace_back(from_json(t.children[0], kv.at(0)), from_json(t.children[1], kv.at(1)));
      return Value::map(std::move(entries));
    }
    case TypeId::kBoolean: return Value::boolean(j.get<bool>());
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (j.is_string()) {
        std::string s = j.get<std::string>();
        return Value::real(s == "NaN" ? NAN : s == "Infinity" ? INFINITY : -INFINITY);
      }
      return Value::real(j.get<double>());
    case TypeId::kDecimal: return Value::decimal(int128_from_string(j.get<std::string>()));
    case TypeId::kChar:
    case TypeId::kVarChar: return Value::string(j.get<std::string>());
    case TypeId::kBinary:
    case TypeId::kVarBinary: return Value::bytes(from_hex(j.get<std::string>()));
    default: return Value::integer(j.get<int64_t>());
  }
}

json columns_json(const std::vector<ColumnSpec>& columns) {
  json out = json::array();
  for (const ColumnSpec& c : columns) {
    out.push_back({{"name", c.name}, {"type", c.type.to_string()}, {"field_id", c.field_id ? json(*c.field_id) : json(nullptr)},
                   {"nested_ids", c.nested_ids}});
  }
  return out;
}

struct Spec {
  std::vector<ColumnSpec> columns;
  careflow::lake::WriterOptions options;
  std::vector<json> rows;
};

Result<Spec> read_spec(const std::string& spec_path) {
  std::ifstream in(spec_path);
  std::string line;
  if (!std::getline(in, line)) return Status::invalid_argument(spec_path + ": empty spec");
  json header = json::parse(line);
  Spec spec;
  for (const json& c : header.at("columns")) {
    CF_ASSIGN_OR_RETURN(DataType t, careflow::sql::parse_type(c.at("type").get<std::string>()));
    spec.columns.push_back({c.at("name").get<std::string>(), t, c.at("field_id").get<int32_t>(),
                            c.value("nested_ids", std::vector<int32_t>())});
  }
  careflow::lake::WriterOptions& o = spec.options;
  const json& opts = header.value("options", json::object());
  if (opts.contains("codec")) {
    CF_ASSIGN_OR_RETURN(o.codec, careflow::lake::parse_codec(opts["codec"].get<std::string>()));
  }
  o.dictionary = opts.value("dictionary", o.dictionary);
  o.data_page_version = opts.value("page_version", o.data_page_version);
  o.row_group_rows = opts.value("row_group_rows", o.row_group_rows);
  o.page_bytes = opts.value("page_bytes", o.page_bytes);
  o.dictionary_page_bytes = opts.value("dictionary_page_bytes", o.dictionary_page_bytes);
  o.page_index = opts.value("page_index", o.page_index);
  if (opts.contains("integer_encoding")) {
    CF_ASSIGN_OR_RETURN(o.integer_encoding, careflow::lake::parse_column_encoding(opts["integer_encoding"].get<std::string>()));
  }
  const json column_encodings = opts.value("column_encodings", json::object());
  for (const auto& [name, encoding] : column_encodings.items()) {
    CF_ASSIGN_OR_RETURN(careflow::lake::ColumnEncoding e, careflow::lake::parse_column_encoding(encoding.get<std::string>()));
    o.column_encodings.emplace_back(name, e);
  }
  while (std::getline(in, line)) {
    if (!line.empty()) spec.rows.push_back(json::parse(line));
  }
  return spec;
}

Status write_rows(const Spec& spec, size_t begin, size_t end, const std::string& out_path) {
  CF_ASSIGN_OR_RETURN(auto writer, careflow::lake::ParquetWriter::open(out_path, spec.columns, spec.options));
  std::vector<Value> row(spec.columns.size());
  for (size_t r = begin; r < end; ++r) {
    for (size_t i = 0; i < spec.columns.size(); ++i) row[i] = from_json(spec.columns[i].type, spec.rows[r].at(i));
    CF_RETURN_IF_ERROR(writer->write_row(row));
  }
  return writer->close();
}

Status write(const std::string& spec_path, const std::string& out_path) {
  CF_ASSIGN_OR_RETURN(Spec spec, read_spec(spec_path));
  return write_rows(spec, 0, spec.rows.size(), out_path);
}

// The spec's rows in two data files (first half, second half) of a new Iceberg table.
Status iceberg(const std::string& spec_path, const std::string& location) {
  CF_ASSIGN_OR_RETURN(Spec spec, read_spec(spec_path));
  std::filesystem::create_directories(std::filesystem::path(location) / "data");
  std::vector<careflow::lake::iceberg::DataFile> files;
  const size_t half = spec.rows.size() / 2;
  for (int f = 0; f < 2; ++f) {
    std::string path = (std::filesystem::path(location) / "data" / fmt::format("part-{}.parquet", f)).string();
    CF_RETURN_IF_ERROR(write_rows(spec, f ? half : 0, f ? spec.rows.size() : half, path));
    CF_ASSIGN_OR_RETURN(auto file, careflow::lake::iceberg::data_file_from_parquet(path));
    files.push_back(std::move(file));
  }
  careflow::lake::iceberg::AppendOptions o{"6e1b3a52-7c1d-4c5e-9a51-0a3c8f7d2b10", 3051729675574597004LL, 1'764'547'200'000,
                                           "9b2d1c3e-4f5a-4b6c-8d7e-1f2a3b4c5d6e"};
  CF_ASSIGN_OR_RETURN(std::string metadata, careflow::lake::iceberg::create_table_with_append(location, spec.columns, files, o));
  std::cout << metadata << "\n";
  return Status::ok();
}

// A day-partitioned table grown by three appends.
Status iceberg_grow(const std::string& spec_path, const std::string& location, const std::string& column) {
  namespace ice = careflow::lake::iceberg;
  CF_ASSIGN_OR_RETURN(Spec spec, read_spec(spec_path));
  ice::CreateOptions create;
  create.spec = ice::day_partition(spec.columns, column);
  CF_ASSIGN_OR_RETURN(ice::TableMetadata table, ice::create_table(location, spec.columns, create));
  const size_t n = spec.rows.size();
  for (size_t part = 0; part < 3; ++part) {
    ice::DataFileWriter writer(table, fmt::format("append-{}", part), spec.options);
    for (size_t r = part * n / 3; r < (part + 1) * n / 3; ++r) {
      std::vector<Value> row(spec.columns.size());
      for (size_t i = 0; i < spec.columns.size(); ++i) row[i] = from_json(spec.columns[i].type, spec.rows[r].at(i));
      CF_RETURN_IF_ERROR(writer.add(std::move(row)));
    }
    CF_ASSIGN_OR_RETURN(std::vector<ice::DataFile> files, writer.flush());
    ice::CommitOptions merging;
    merging.manifest_merge_min_count = 2;  // the third append merges the first two's manifests
    CF_RETURN_IF_ERROR(ice::append_files(location, files, merging).status());
  }
  CF_ASSIGN_OR_RETURN(ice::TableMetadata grown, ice::load_table(table.location));
  std::cout << grown.path << "\n";
  return Status::ok();
}

Status iceberg_scan(const std::string& location, const std::string& out_path) {
  namespace ice = careflow::lake::iceberg;
  CF_ASSIGN_OR_RETURN(ice::TableMetadata table, ice::load_table(location));
  std::ofstream out(out_path);
  out << json{{"columns", columns_json(table.columns)}, {"snapshots", table.snapshots.size()}}.dump() << "\n";
  return ice::scan_rows(table, [&](std::vector<Value> row) {
    json line = json::array();
    for (size_t i = 0; i < row.size(); ++i) line.push_back(to_json(table.columns[i].type, row[i]));
    out << line.dump() << "\n";
    return Status::ok();
  });
}

// Updates and deletes through the iceberg sink, as a job runs them (checkpoints every batch).
Status iceberg_sink(const std::string& dir, int64_t rows, const std::string& warehouse) {
  namespace ice = careflow::lake::iceberg;
  CF_ASSIGN_OR_RETURN(auto log, careflow::log::EmbeddedLog::open(dir + "/log"));
  CF_RETURN_IF_ERROR(log->create_topic("readings", {}));
  std::vector<careflow::log::Record> records;
  for (int64_t i = 0; i < rows; ++i) {
    careflow::log::Record r;
    r.value = fmt::format(R"({{"seq":{},"ts":"2024-05-0{} 08:00:00.{:03}"}})", i, 1 + i % 3, i % 1000);
    records.push_back(std::move(r));
  }
  CF_RETURN_IF_ERROR(log->append({"readings", 0}, records).status());
  const std::string wh = warehouse.empty() ? dir + "/wh" : warehouse;
  careflow::exec::Session session;
  CF_RETURN_IF_ERROR(session.execute_script(fmt::format(
      "CREATE TABLE readings (seq BIGINT, ts TIMESTAMP(3)) WITH ('format' = 'json');"
      "CREATE TABLE counts (k BIGINT, n BIGINT, m TIMESTAMP(3), PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'iceberg', "
      "'catalog-name' = 'c', 'warehouse' = '{0}', 'partition.day-column' = 'm');"
      "CREATE TABLE total (n BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '{0}');"
      "CREATE TABLE spread (seq BIGINT, ts TIMESTAMP(3), tag STRING) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
      "'warehouse' = '{0}', 'partition.spec' = 'year(ts), month(ts), hour(ts), bucket(2, seq), truncate(2, tag)');",
      wh)).status());
  std::vector<careflow::exec::Job*> jobs;
  std::vector<careflow::exec::StatementResult> results;
  for (const char* insert : {"INSERT INTO counts SELECT seq % 7, COUNT(*), MAX(ts) FROM readings GROUP BY seq % 7 HAVING COUNT(*) < 25",
                             "INSERT INTO total SELECT COUNT(*) FROM readings",
                             "INSERT INTO spread SELECT seq, ts, CONCAT('d', CAST(seq % 3 AS STRING), 'x') FROM readings"}) {
    CF_ASSIGN_OR_RETURN(auto r, session.execute_script(insert));
    results.push_back(std::move(r.back()));
    jobs.push_back(results.back().job.get());
  }
  careflow::exec::RunOptions o;
  o.bounded = true;
  o.batch_rows = 10;
  o.checkpoint.directory = dir + "/checkpoints";
  o.checkpoint.interval = std::chrono::milliseconds(1);
  o.job_names = {"counts", "total", "spread"};
  CF_RETURN_IF_ERROR(careflow::exec::run_jobs(jobs, log.get(), o).status());
  for (const char* table : {"counts", "total", "spread"}) {
    CF_ASSIGN_OR_RETURN(ice::TableMetadata t, ice::load_table(careflow::lake::join_path(wh, std::string("default_database/") + table)));
    std::cout << t.path << "\n";
  }
  return Status::ok();
}

Status iceberg_fill(const std::string& location, int64_t n) {
  namespace ice = careflow::lake::iceberg;
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, ice::load_table(location));
  ice::DataFileWriter writer(t, "fill-" + ice::random_uuid());  // unique: fills may run at once
  for (int64_t i = 0; i < n; ++i) {
    CF_RETURN_IF_ERROR(writer.add({Value::integer(i), Value::string(fmt::format("n{}", i % 3)), Value::integer(i * 1'800'000'000LL)}));
  }
  CF_ASSIGN_OR_RETURN(std::vector<ice::DataFile> files, writer.flush());
  return ice::append_files(location, files, {}).status();
}

// The rows of ROWS (JSON lines, one array per row in the table's column order and JSON form)
// appended to the table at LOC as one snapshot.
Status iceberg_append(const std::string& location, const std::string& rows_path) {
  namespace ice = careflow::lake::iceberg;
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, ice::load_table(location));
  ice::DataFileWriter writer(t, "append-" + ice::random_uuid());
  std::ifstream in(rows_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    std::vector<Value> row;
    for (size_t i = 0; i < t.columns.size(); ++i) row.push_back(from_json(t.columns[i].type, j.at(i)));
    CF_RETURN_IF_ERROR(writer.add(std::move(row)));
  }
  CF_ASSIGN_OR_RETURN(std::vector<ice::DataFile> files, writer.flush());
  return ice::append_files(location, files, {}).status();
}

Status maintain(const std::string& location, const std::string& step) {
  namespace ice = careflow::lake::iceberg;
  if (step == "compact") {
    CF_ASSIGN_OR_RETURN(ice::CompactResult r, ice::compact(location));
    std::cout << json{{"snapshot", r.snapshot_id}, {"rewritten", r.rewritten_files}, {"added", r.added_files},
                      {"deletes_removed", r.removed_delete_files}}.dump() << "\n";
  } else if (step == "expire") {
    CF_ASSIGN_OR_RETURN(ice::ExpireResult r, ice::expire_snapshots(location, {careflow::wall_clock_ms() + 1'000, 1, 4}));
    std::cout << json{{"expired", r.expired.size()}, {"deleted", r.deleted.size()}}.dump() << "\n";
  } else if (step == "orphans") {
    CF_ASSIGN_OR_RETURN(std::vector<std::string> removed, ice::remove_orphan_files(location, careflow::wall_clock_ms() + 1'000));
    std::cout << json{{"removed", removed}}.dump() << "\n";
  } else {
    return Status::invalid_argument("maintain: compact, expire or orphans");
  }
  return Status::ok();
}

Status rest(const std::string& warehouse) {
  careflow::http::Router router;
  careflow::lake::iceberg::add_rest_catalog_routes(router, warehouse);
  careflow::http::HttpServerOptions options;
  options.port = 0;
  careflow::http::HttpServer server(options, router);
  CF_RETURN_IF_ERROR(server.start());
  std::cout << server.port() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.stop();
  return Status::ok();
}

Status dump(const std::string& in_path, const std::string& out_path) {
  CF_ASSIGN_OR_RETURN(auto reader, careflow::lake::ParquetReader::open(in_path));
  std::ofstream out(out_path);
  const auto& columns = reader->columns();
  out << json{{"columns", columns_json(columns)}, {"row_groups", reader->num_row_groups()}}.dump() << "\n";
  std::vector<size_t> all(columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    CF_ASSIGN_OR_RETURN(auto vectors, reader->read_row_group(g, all));
    size_t rows = vectors.empty() ? 0 : vectors[0].size();
    for (size_t r = 0; r < rows; ++r) {
      json row = json::array();
      for (const auto& v : vectors) row.push_back(to_json(v.column.type, v.value(r)));
      out << row.dump() << "\n";
    }
  }
  return Status::ok();
}

// Every column chunk's page index as careflow's reader decodes it: per row group, per chunk,
// {"offsets": [[offset, compressed_page_size, first_row_index], ...], "column": null or
// {"null_pages", "min", "max" (hex), "order", "null_counts"}}; a chunk without one is null.
Status page_index(const std::string& in_path) {
  CF_ASSIGN_OR_RETURN(auto reader, careflow::lake::ParquetReader::open(in_path));
  json out = json::array();
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    json chunks = json::array();
    for (size_t c = 0; c < reader->leaves().size(); ++c) {
      CF_ASSIGN_OR_RETURN(auto index, reader->page_index(g, c));
      if (!index) {
        chunks.push_back(nullptr);
        continue;
      }
      json offsets = json::array();
      for (const auto& p : index->offsets.page_locations) offsets.push_back({p.offset, p.compressed_page_size, p.first_row_index});
      json column = nullptr;
      if (index->column) {
        json min = json::array(), max = json::array();
        for (const std::string& v : index->column->min_values) min.push_back(to_hex(v));
        for (const std::string& v : index->column->max_values) max.push_back(to_hex(v));
        column = {{"null_pages", index->column->null_pages}, {"min", min}, {"max", max},
                  {"order", static_cast<int>(index->column->boundary_order)}, {"null_counts", index->column->null_counts}};
      }
      chunks.push_back({{"offsets", offsets}, {"column", column}});
    }
    out.push_back(chunks);
  }
  std::cout << out.dump() << "\n";
  return Status::ok();
}

Status prune(const std::string& in_path, const std::string& ranges_json) {
  CF_ASSIGN_OR_RETURN(auto reader, careflow::lake::ParquetReader::open(in_path));
  std::vector<careflow::lake::ColumnRange> ranges;
  for (const json& r : json::parse(ranges_json)) {
    std::string name = r.at("column").get<std::string>();
    CF_ASSIGN_OR_RETURN(size_t c, reader->column_index(name));
    const DataType& t = reader->columns()[c].type;
    careflow::lake::ColumnRange range{name, std::nullopt, std::nullopt};
    if (r.contains("lower") && !r["lower"].is_null()) range.lower = from_json(t, r["lower"]);
    if (r.contains("upper") && !r["upper"].is_null()) range.upper = from_json(t, r["upper"]);
    ranges.push_back(std::move(range));
  }
  CF_ASSIGN_OR_RETURN(auto groups, reader->prune(ranges));
  std::cout << json(groups).dump() << "\n";
  return Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Status s = Status::invalid_argument("usage: lake_interop write SPEC OUT | dump IN OUT | prune IN RANGES | page-index IN | iceberg SPEC LOCATION | iceberg-grow SPEC LOCATION COLUMN | iceberg-scan LOCATION OUT | rest WAREHOUSE | iceberg-sink DIR ROWS [WAREHOUSE] | maintain LOC STEP | iceberg-fill LOC N | iceberg-append LOC ROWS");
  try {
    if (args.size() == 3 && args[0] == "write") s = write(args[1], args[2]);
    if (args.size() == 3 && args[0] == "dump") s = dump(args[1], args[2]);
    if (args.size() == 3 && args[0] == "prune") s = prune(args[1], args[2]);
    if (args.size() == 2 && args[0] == "page-index") s = page_index(args[1]);
    if (args.size() == 3 && args[0] == "iceberg") s = iceberg(args[1], args[2]);
    if (args.size() == 3 && args[0] == "iceberg-scan") s = iceberg_scan(args[1], args[2]);
    if (args.size() == 2 && args[0] == "rest") s = rest(args[1]);
    if (args.size() == 3 && args[0] == "maintain") s = maintain(args[1], args[2]);
    if (args.size() == 3 && args[0] == "iceberg-fill") s = iceberg_fill(args[1], std::stoll(args[2]));
    if (args.size() == 3 && args[0] == "iceberg-append") s = iceberg_append(args[1], args[2]);
    if (args.size() == 3 && args[0] == "iceberg-sink") s = iceberg_sink(args[1], std::stoll(args[2]), "");
    if (args.size() == 4 && args[0] == "iceberg-sink") s = iceberg_sink(args[1], std::stoll(args[2]), args[3]);
    if (args.size() == 4 && args[0] == "iceberg-grow") s = iceberg_grow(args[1], args[2], args[3]);
  } catch (const std::exception& e) {
    s = Status::invalid_argument(fmt::format("bad JSON input: {}", e.what()));
  }
  if (!s.is_ok()) {
    std::cerr << "lake_interop: " << s.to_string() << "\n";
    return 1;
  }
  return 0;
}
