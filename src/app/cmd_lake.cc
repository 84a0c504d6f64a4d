// careflow lake list | describe | scan | expire-snapshots | remove-orphan-files | compact: the Iceberg tables of the warehouse
// (<data-dir>/warehouse, where 'connector' = 'iceberg' tables go by default; --warehouse for
// another), read with careflow's own metadata and Parquet readers (docs/lake.md).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "app/cli.h"
#include "common/clock.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_maintenance.h"
#include "lake/storage.h"
#include "lake/iceberg_metadata.h"
#include "values/value_format.h"

namespace careflow::app {

namespace {

namespace fs = std::filesystem;
namespace ice = lake::iceberg;

struct LakeOptions {
  std::string warehouse;  // empty: <data-dir>/warehouse
  std::string table;      // "database.table", or "table" when one database has it
  int64_t limit = -1;
  int64_t snapshot = 0;   // 0: the current one
  std::string older_than;  // maintenance: a duration back from now ("3d", "12h", "30m", "0s"); empty: the command's default
  int retain_last = 1;
  int64_t target_file_bytes = 512LL << 20;
  std::vector<std::string> min, max;  // scan: "column=value", inclusive bounds
};

// The scan's --min / --max bounds as ranges on the table's columns (one range per column, both
// bounds in it). InvalidArgument naming the option for "column" without "=value" or a value that
// is no value of the column's type; NotFound naming an unknown column.
Result<std::vector<lake::ColumnRange>> scan_ranges(const ice::TableMetadata& t, const LakeOptions& o) {
  std::vector<lake::ColumnRange> ranges;
  for (auto [option, bounds, lower] : {std::tuple{"--min", &o.min, true}, std::tuple{"--max", &o.max, false}}) {
    for (const std::string& bound : *bounds) {
      const size_t eq = bound.find('=');
      if (eq == std::string::npos || eq == 0) return Status::invalid_argument(fmt::format("{} '{}': give column=value", option, bound));
      const std::string column = bound.substr(0, eq);
      auto c = std::find_if(t.columns.begin(), t.columns.end(), [&](const lake::ColumnSpec& s) { return s.name == column; });
      if (c == t.columns.end()) return Status::not_found(fmt::format("{} '{}': the table has no column '{}'", option, bound, column));
      auto value = values::parse_value(bound.substr(eq + 1), c->type);
      if (!value.is_ok()) return value.status().with_context(fmt::format("{} '{}'", option, bound));
      auto range = std::find_if(ranges.begin(), ranges.end(), [&](const lake::ColumnRange& r) { return r.column == column; });
      if (range == ranges.end()) range = ranges.insert(ranges.end(), lake::ColumnRange{column, std::nullopt, std::nullopt});
      (lower ? range->lower : range->upper) = std::move(*value);
    }
  }
  return ranges;
}

// "3d" → milliseconds; InvalidArgument naming the text otherwise.
Result<int64_t> duration_ms(const std::string& text) {
  static constexpr std::pair<char, int64_t> kUnits[] = {{'s', 1'000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}};
  if (text.size() >= 2) {
    for (const auto& [unit, ms] : kUnits) {
      if (text.back() != unit) continue;
      const std::string digits = text.substr(0, text.size() - 1);
      if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() <= 9) return std::stoll(digits) * ms;
    }
  }
  return Status::invalid_argument(fmt::format("--older-than '{}': give a duration such as 3d, 12h, 30m or 0s", text));
}

// The cutoff time of --older-than (0: the library's default).
Result<int64_t> cutoff_ms(const LakeOptions& o) {
  if (o.older_than.empty()) return int64_t{0};
  CF_ASSIGN_OR_RETURN(int64_t back, duration_ms(o.older_than));
  return wall_clock_ms() - back + (back == 0 ? 1 : 0);  // 0s: everything up to now
}

std::string warehouse_of(const Config& config, const LakeOptions& o) {
  if (!o.warehouse.empty()) return o.warehouse;
  if (!config.str("lake.warehouse").empty()) return config.str("lake.warehouse");
  return (fs::path(config.str("data_dir")) / "warehouse").string();
}

// Every table of the warehouse as "database.table" → location (<warehouse>/<database>/<table>);
// a local folder or s3://bucket/prefix (lake/storage.h).
std::map<std::string, std::string> tables(const std::string& warehouse) {
  std::map<std::string, std::string> out;
  const lake::Storage& storage = lake::storage_for(warehouse);
  auto dbs = storage.list_dirs(warehouse);
  if (!dbs.is_ok()) return out;
  for (const std::string& db : *dbs) {
    const std::string db_dir = lake::join_path(warehouse, db);
    auto names = storage.list_dirs(db_dir);
    if (!names.is_ok()) continue;
    for (const std::string& t : *names) {
      const std::string location = lake::join_path(db_dir, t);
      auto is_table = storage.is_dir(lake::join_path(location, "metadata"));
      if (is_table.is_ok() && *is_table) out[db + "." + t] = location;
    }
  }
  return out;
}

Result<ice::TableMetadata> find_table(const Config& config, const LakeOptions& o) {
  const std::string warehouse = warehouse_of(config, o);
  const auto all = tables(warehouse);
  std::vector<std::string> matches;
  for (const auto& [name, location] : all) {
    if (name == o.table || name.substr(name.find('.') + 1) == o.table) matches.push_back(name);
  }
  if (matches.size() > 1 && !all.count(o.table)) {
    return Status::invalid_argument(fmt::format("table '{}' is ambiguous in {}: {}", o.table, warehouse, fmt::join(matches, ", ")));
  }
  if (matches.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, location] : all) names.push_back(name);
    return Status::not_found(fmt::format("no table '{}' in the warehouse {} (tables: {})", o.table, warehouse,
                                         names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
  }
  return ice::load_table(all.at(all.count(o.table) ? o.table : matches[0]));
}

// The column a partition field derives from, by name.
std::string source_name(const ice::TableMetadata& t, const ice::PartitionField& f) {
  for (const auto& c : t.columns) {
    if (c.field_id == f.source_id) return c.name;
  }
  return fmt::format("field {}", f.source_id);
}

Status list(const Config& config, const LakeOptions& o) {
  const std::string warehouse = warehouse_of(config, o);
  const auto all = tables(warehouse);
  if (all.empty()) {
    fmt::print("no tables in {}\n", warehouse);
    return Status::ok();
  }
  fmt::print("{:<40} {:>8} {:>10} {:>12}  {}\n", "table", "version", "snapshots", "records", "partitioned by");
  for (const auto& [name, location] : all) {
    auto t = ice::load_table(location);
    if (!t.is_ok()) {
      fmt::print("{:<40} error: {}\n", name, t.status().message());
      continue;
    }
    const ice::Snapshot* s = t->current();
    std::string records = s && s->summary.count("total-records") ? s->summary.at("total-records") : "0";
    std::string spec;
    for (const auto& f : t->spec.fields) spec += (spec.empty() ? "" : ", ") + f.transform + "(" + source_name(*t, f) + ")";
    fmt::print("{:<40} {:>8} {:>10} {:>12}  {}\n", name, t->version, t->snapshots.size(), records, spec.empty() ? "-" : spec);
  }
  return Status::ok();
}

Status describe(const Config& config, const LakeOptions& o) {
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, find_table(config, o));
  fmt::print("location:   {}\nmetadata:   {}\nuuid:       {}\nformat:     Iceberg v2, last sequence number {}\n", t.location, t.path,
             t.table_uuid, t.last_sequence_number);
  fmt::print("columns:\n");
  for (const auto& c : t.columns) fmt::print("  {:>4}  {:<24} {}\n", *c.field_id, c.name, c.type.to_string());
  fmt::print("partition spec {}:{}\n", t.spec.spec_id, t.spec.fields.empty() ? " unpartitioned" : "");
  for (const auto& f : t.spec.fields) fmt::print("  {:>4}  {:<24} {}({})\n", f.field_id, f.name, f.transform, source_name(t, f));
  fmt::print("snapshots ({}; current {}):\n", t.snapshots.size(), t.current_snapshot_id ? std::to_string(*t.current_snapshot_id) : "none");
  for (const auto& s : t.snapshots) {
    auto get = [&](const char* key) { return s.summary.count(key) ? s.summary.at(key) : "-"; };
    const std::string deleted = s.summary.count("added-position-deletes") ? fmt::format(", {} deleted", get("added-position-deletes")) : "";
    fmt::print("  {:>20}  parent {:>20}  seq {:>4}  {}  {} +{} rows{}, {} total{}\n", s.snapshot_id,
               s.parent_snapshot_id ? std::to_string(*s.parent_snapshot_id) : "-", s.sequence_number, s.timestamp_ms, get("operation"),
               get("added-records"), deleted, get("total-records"),
               s.summary.count("careflow.checkpoint-id") ? fmt::format("  (checkpoint {} of {})", get("careflow.checkpoint-id"), get("careflow.job"))
                                                          : "");
  }
  return Status::ok();
}

Status scan(const Config& config, const LakeOptions& o) {
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, find_table(config, o));
  ice::ScanCounters counters;
  ice::ScanFilter filter;
  CF_ASSIGN_OR_RETURN(filter.ranges, scan_ranges(t, o));
  filter.counters = &counters;
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  fmt::print("{}\n", fmt::join(names, "\t"));
  int64_t printed = 0;
  Status s = ice::scan_rows(
      t,
      [&](std::vector<values::Value> row) {
        if (o.limit >= 0 && printed >= o.limit) return Status::out_of_range("limit");
        std::vector<std::string> cells;
        for (size_t i = 0; i < row.size(); ++i) cells.push_back(row[i].is_null() ? "NULL" : values::format_value(row[i], t.columns[i].type));
        fmt::print("{}\n", fmt::join(cells, "\t"));
        ++printed;
        return Status::ok();
      },
      o.snapshot ? std::optional<int64_t>(o.snapshot) : std::nullopt, filter);
  if (!s.is_ok() && s.code() != StatusCode::kOutOfRange) return s;
  fmt::print(stderr, "{} row{}\n", printed, printed == 1 ? "" : "s");
  if (!filter.ranges.empty() && s.is_ok()) {
    fmt::print(stderr, "row groups: {} read, {} skipped by statistics; data pages: {} read, {} skipped by the page index\n",
               counters.row_groups_read, counters.row_groups_skipped, counters.data_pages_read, counters.data_pages_skipped);
  }
  return Status::ok();
}

Status expire(const Config& config, const LakeOptions& o) {
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, find_table(config, o));
  CF_ASSIGN_OR_RETURN(int64_t cutoff, cutoff_ms(o));
  CF_ASSIGN_OR_RETURN(ice::ExpireResult r, ice::expire_snapshots(t.location, {cutoff, o.retain_last, 4}));
  fmt::print("expired {} snapshot{}, deleted {} file{}\n", r.expired.size(), r.expired.size() == 1 ? "" : "s", r.deleted.size(),
             r.deleted.size() == 1 ? "" : "s");
  return Status::ok();
}

Status remove_orphans(const Config& config, const LakeOptions& o) {
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, find_table(config, o));
  CF_ASSIGN_OR_RETURN(int64_t cutoff, cutoff_ms(o));
  CF_ASSIGN_OR_RETURN(std::vector<std::string> removed, ice::remove_orphan_files(t.location, cutoff));
  for (const std::string& f : removed) fmt::print("{}\n", f);
  fmt::print(stderr, "removed {} orphan file{}\n", removed.size(), removed.size() == 1 ? "" : "s");
  return Status::ok();
}

Status compact(const Config& config, const LakeOptions& o) {
  CF_ASSIGN_OR_RETURN(ice::TableMetadata t, find_table(config, o));
  ice::CompactOptions options;
  options.target_file_bytes = o.target_file_bytes;
  CF_ASSIGN_OR_RETURN(ice::CompactResult r, ice::compact(t.location, options));
  if (!r.snapshot_id) {
    fmt::print("nothing to compact\n");
  } else {
    fmt::print("snapshot {}: {} files rewritten into {} ({} rows), {} delete files dropped\n", r.snapshot_id, r.rewritten_files,
               r.added_files, r.rows, r.removed_delete_files);
  }
  return Status::ok();
}

void run(Cli& cli, Status status) {
  if (!status.is_ok()) cli.fail(status);
}

}  // namespace

void add_lake_commands(Cli& cli) {
  static LakeOptions o;
  auto* lake = cli.app().add_subcommand("lake", "List, describe, scan and maintain the Iceberg tables of the warehouse");
  lake->require_subcommand(1);
  lake->add_option("--warehouse", o.warehouse, "The warehouse folder (default: <data-dir>/warehouse)");
  lake->add_subcommand("list", "List the tables with their version, snapshots and records")->callback([&cli] {
    run(cli, list(cli.config(), o));
  });
  auto* describe_cmd = lake->add_subcommand("describe", "Show a table's schema, partition spec and snapshots");
  describe_cmd->add_option("table", o.table, "database.table, or table when unambiguous")->required();
  describe_cmd->callback([&cli] { run(cli, describe(cli.config(), o)); });
  auto* scan_cmd = lake->add_subcommand("scan", "Print the rows of a table's current snapshot (tab-separated)");
  scan_cmd->add_option("table", o.table, "database.table, or table when unambiguous")->required();
  scan_cmd->add_option("--limit", o.limit, "Print at most this many rows");
  scan_cmd->add_option("--snapshot", o.snapshot, "Read this snapshot instead of the current one");
  scan_cmd->add_option("--min", o.min, "Only rows with column >= value (column=value; repeatable); pages that cannot hold one are not read");
  scan_cmd->add_option("--max", o.max, "Only rows with column <= value (column=value; repeatable)");
  scan_cmd->callback([&cli] { run(cli, scan(cli.config(), o)); });
  auto* expire_cmd = lake->add_subcommand("expire-snapshots", "Drop old snapshots and the files only they name");
  expire_cmd->add_option("table", o.table, "database.table, or table when unambiguous")->required();
  expire_cmd->add_option("--older-than", o.older_than, "Expire snapshots older than this (3d, 12h, 30m, 0s; default 5d)");
  expire_cmd->add_option("--retain-last", o.retain_last, "Keep at least this many snapshots of the current one's history (default 1)");
  expire_cmd->callback([&cli] { run(cli, expire(cli.config(), o)); });
  auto* orphans_cmd = lake->add_subcommand("remove-orphan-files", "Delete files under the table that no snapshot names");
  orphans_cmd->add_option("table", o.table, "database.table, or table when unambiguous")->required();
  orphans_cmd->add_option("--older-than", o.older_than, "Only files last modified before this (3d, 12h, 30m, 0s; default 3d)");
  orphans_cmd->callback([&cli] { run(cli, remove_orphans(cli.config(), o)); });
  auto* compact_cmd = lake->add_subcommand("compact", "Rewrite small data files into fewer as a replace snapshot");
  compact_cmd->add_option("table", o.table, "database.table, or table when unambiguous")->required();
  compact_cmd->add_option("--target-file-size", o.target_file_bytes, "Files below this many bytes are compacted (default 512 MiB)");
  compact_cmd->callback([&cli] { run(cli, compact(cli.config(), o)); });
}

}  // namespace careflow::app
