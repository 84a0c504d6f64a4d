#include "lake/iceberg_commit.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "common/clock.h"
#include "lake/iceberg_manifest.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;

namespace {

std::mt19937_64& rng() {
  thread_local std::mt19937_64 r{std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32) ^
                                 static_cast<uint64_t>(wall_clock_ms())};
  return r;
}

// Publishes `bytes` as `path` only if no file has that name: the compare-and-swap of a commit
// (storage.h says how on disk and on S3). FailedPrecondition when another writer took the name first.
Status publish_exclusive(const std::string& path, const std::string& bytes) {
  return storage_for(path).write_if_absent(path, bytes);
}

// The hint is advisory (readers probe past it): replaced atomically, never partly written.
Status write_version_hint(const std::string& location, int64_t version) {
  const std::string path = location + "/metadata/version-hint.text";
  return storage_for(path).replace(path, std::to_string(version));
}

int64_t summary_number(const Snapshot* s, const char* key) {
  if (!s) return 0;
  auto it = s->summary.find(key);
  if (it == s->summary.end()) return 0;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

// The manifests of a new snapshot with the data manifests of the default spec merged into one at
// `path` once there are `min_count` of them; the others as they are. Each live entry keeps the
// snapshot that added it and its sequence numbers (made explicit: an EXISTING entry inherits none).
Result<std::vector<ManifestFile>> merge_manifests(const TableMetadata& base, std::vector<ManifestFile> manifests, int min_count,
                                                  const std::string& path, int64_t snapshot_id, int64_t sequence_number) {
  std::vector<ManifestFile> keep, merge;
  for (ManifestFile& m : manifests) {
    (m.content == 0 && m.partition_spec_id == base.spec.spec_id ? merge : keep).push_back(std::move(m));
  }
  if (merge.size() < static_cast<size_t>(min_count)) {
    keep.insert(keep.end(), std::make_move_iterator(merge.begin()), std::make_move_iterator(merge.end()));
    return keep;
  }
  std::vector<ManifestEntry> entries;
  for (const ManifestFile& m : merge) {
    CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> read, read_manifest(m.path, base.spec, base.columns));
    for (ManifestEntry& e : read) {
      if (e.status == EntryStatus::kDeleted) continue;
      const bool inherits = e.status == EntryStatus::kAdded;
      if (!e.snapshot_id && inherits) e.snapshot_id = m.added_snapshot_id;
      if (!e.sequence_number && inherits) e.sequence_number = m.sequence_number;
      if (!e.file_sequence_number && inherits) e.file_sequence_number = m.sequence_number;
      if (!e.sequence_number) return Status::corruption(fmt::format("{}: an EXISTING entry without a sequence number", m.path));
      e.status = EntryStatus::kExisting;
      entries.push_back(std::move(e));
    }
  }
  CF_ASSIGN_OR_RETURN(ManifestFile merged,
                      write_manifest_entries(path, base.schema_json, base.columns, base.spec, entries, snapshot_id, sequence_number));
  keep.insert(keep.begin(), std::move(merged));
  return keep;
}

}  // namespace

std::string random_uuid() {
  uint64_t hi = rng()(), lo = rng()();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                // version 4
  lo = (lo & ~(0xc0ULL << 56)) | (0x80ULL << 56);     // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                     lo & 0xffffffffffffULL);
}

Result<TableMetadata> create_table(const std::string& location_in, const std::vector<ColumnSpec>& columns, const CreateOptions& o) {
  const std::string location = normalize_location(location_in);
  CF_ASSIGN_OR_RETURN(std::string schema_text, schema_json(columns));
  json schema = json::parse(schema_text);
  CF_RETURN_IF_ERROR(check_partition_spec(o.spec, columns));
  for (int32_t id : o.identifier_field_ids) {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const ColumnSpec& c) { return c.field_id == id; });
    if (it == columns.end()) return Status::invalid_argument(fmt::format("identifier field id {} is not a top-level column's", id));
    const values::DataType& t = it->type;
    if (t.nullable || !t.children.empty() || t.id == values::TypeId::kFloat || t.id == values::TypeId::kDouble) {
      return Status::invalid_argument(fmt::format("column '{}' ({}) cannot identify rows: identifier fields are NOT NULL primitives, not FLOAT or DOUBLE",
                                                  it->name, t.to_string()));
    }
  }
  if (!o.identifier_field_ids.empty()) schema["identifier-field-ids"] = o.identifier_field_ids;
  if (current_version(location).is_ok()) {
    return Status::already_exists(fmt::format("{} exists: the table was created already", metadata_file(location, 1)));
  }
  if (!is_object_store_uri(location)) {  // an object store has no folders to create
    CF_RETURN_IF_ERROR(storage_for(location).make_dirs(location + "/metadata"));
    CF_RETURN_IF_ERROR(storage_for(location).make_dirs(location + "/data"));
  }

  const int32_t last_column_id = highest_field_id(columns);
  int32_t last_partition_id = 999;
  for (const PartitionField& f : o.spec.fields) last_partition_id = std::max(last_partition_id, f.field_id);
  std::map<std::string, std::string> properties = o.properties;
  properties.emplace("write.format.default", "parquet");
  const int64_t now = o.timestamp_ms ? o.timestamp_ms : wall_clock_ms();
  json metadata = {
      {"format-version", 2},
      {"table-uuid", o.table_uuid.empty() ? random_uuid() : o.table_uuid},
      {"location", location},
      {"last-sequence-number", 0},
      {"last-updated-ms", now},
      {"last-column-id", last_column_id},
      {"current-schema-id", 0},
      {"schemas", json::array({schema})},
      {"default-spec-id", o.spec.spec_id},
      {"partition-specs", json::array({{{"spec-id", o.spec.spec_id}, {"fields", partition_fields_json(o.spec)}}})},
      {"last-partition-id", last_partition_id},
      {"default-sort-order-id", 0},
      {"sort-orders", json::array({{{"order-id", 0}, {"fields", json::array()}}})},
      {"properties", properties},
      {"current-snapshot-id", -1},
      {"refs", json::object()},
      {"snapshots", json::array()},
      {"snapshot-log", json::array()},
      {"metadata-log", json::array()},
  };
  const std::string path = metadata_file(location, 1);
  const std::string text = metadata.dump(2);
  Status published = publish_exclusive(path, text);
  if (published.code() == StatusCode::kFailedPrecondition) {
    return Status::already_exists(fmt::format("{} exists: the table was created already", path));
  }
  CF_RETURN_IF_ERROR(published);
  CF_RETURN_IF_ERROR(write_version_hint(location, 1));
  CF_ASSIGN_OR_RETURN(TableMetadata m, parse_metadata(path, text));
  m.version = 1;
  return m;
}

Result<Snapshot> commit_append(const TableMetadata& base, const std::vector<DataFile>& files, const CommitOptions& o) {
  return commit_row_delta(base, files, {}, o);
}

Result<Snapshot> commit_row_delta(const TableMetadata& base, const std::vector<DataFile>& files, const std::vector<DataFile>& deletes,
                                  const CommitOptions& o) {
  for (const DataFile& f : files) {
    if (f.content != FileContent::kData) return Status::invalid_argument(fmt::format("{} is a delete file, not a data file", f.path));
  }
  for (const DataFile& f : deletes) {
    if (f.content == FileContent::kData) return Status::invalid_argument(fmt::format("{} is a data file, not a delete file", f.path));
  }
  const std::string& location = base.location;
  const std::string metadata_dir = location + "/metadata";
  const int64_t snapshot_id = o.snapshot_id ? o.snapshot_id : static_cast<int64_t>(rng()() >> 1);
  if (base.find(snapshot_id)) return Status::already_exists(fmt::format("snapshot {} exists in {}", snapshot_id, base.path));
  const std::string uuid = o.commit_uuid.empty() ? random_uuid() : o.commit_uuid;
  const int64_t now = o.timestamp_ms ? o.timestamp_ms : wall_clock_ms();
  const int64_t sequence_number = base.last_sequence_number + 1;
  const Snapshot* parent = base.current();

  // The new snapshot's manifests: its parent's, as they are, one of the new data files and one of
  // the new delete files (which apply to data files of this sequence number and older).
  std::vector<ManifestFile> manifests;
  if (parent) {
    CF_ASSIGN_OR_RETURN(manifests, read_manifest_list(parent->manifest_list));
  }
  ManifestFile added;
  if (!files.empty() || deletes.empty()) {
    CF_ASSIGN_OR_RETURN(added, write_manifest(fmt::format("{}/{}-m0.avro", metadata_dir, uuid), base.schema_json, base.columns, base.spec,
                                              files, snapshot_id, sequence_number));
  }
  if (o.manifest_merge_min_count > 0) {
    CF_ASSIGN_OR_RETURN(manifests, merge_manifests(base, std::move(manifests), o.manifest_merge_min_count,
                                                   fmt::format("{}/{}-m1.avro", metadata_dir, uuid), snapshot_id, sequence_number));
  }
  int64_t added_positions = 0, added_equalities = 0;
  if (!deletes.empty()) {
    CF_ASSIGN_OR_RETURN(ManifestFile deleted, write_manifest(fmt::format("{}/{}-m2.avro", metadata_dir, uuid), base.schema_json, base.columns,
                                                             base.spec, deletes, snapshot_id, sequence_number));
    for (const DataFile& f : deletes) (f.content == FileContent::kPositionDeletes ? added_positions : added_equalities) += f.record_count;
    manifests.insert(manifests.begin(), std::move(deleted));
  }
  if (!added.path.empty()) manifests.insert(manifests.begin(), added);
  const std::string list_path = fmt::format("{}/snap-{}-1-{}.avro", metadata_dir, snapshot_id, uuid);
  CF_RETURN_IF_ERROR(write_manifest_list(list_path, snapshot_id, parent ? std::optional(parent->snapshot_id) : std::nullopt,
                                         sequence_number, manifests));

  // Iceberg's RowDelta names a commit "delete" when it adds deletes only, "overwrite" when both.
  std::map<std::string, std::string> summary = o.summary;
  summary["operation"] = deletes.empty() ? "append" : files.empty() ? "delete" : "overwrite";
  summary["added-data-files"] = std::to_string(files.size());
  summary["added-records"] = std::to_string(added.added_rows_count);
  summary["total-data-files"] = std::to_string(summary_number(parent, "total-data-files") + static_cast<int64_t>(files.size()));
  summary["total-records"] = std::to_string(summary_number(parent, "total-records") + added.added_rows_count);
  if (!deletes.empty()) {
    summary["added-delete-files"] = std::to_string(deletes.size());
    if (added_positions) summary["added-position-deletes"] = std::to_string(added_positions);
    if (added_equalities) summary["added-equality-deletes"] = std::to_string(added_equalities);
  }
  summary["total-delete-files"] = std::to_string(summary_number(parent, "total-delete-files") + static_cast<int64_t>(deletes.size()));
  summary["total-position-deletes"] = std::to_string(summary_number(parent, "total-position-deletes") + added_positions);
  summary["total-equality-deletes"] = std::to_string(summary_number(parent, "total-equality-deletes") + added_equalities);
  return commit_snapshot(base, snapshot_id, list_path, std::move(summary), now);
}

Result<Snapshot> commit_snapshot(const TableMetadata& base, int64_t snapshot_id, const std::string& manifest_list,
                                 std::map<std::string, std::string> summary, int64_t now) {
  const Snapshot* parent = base.current();
  const int64_t sequence_number = base.last_sequence_number + 1;
  json snapshot = {
      {"snapshot-id", snapshot_id},
      {"sequence-number", sequence_number},
      {"timestamp-ms", now},
      {"summary", summary},
      {"manifest-list", manifest_list},
      {"schema-id", base.json.value("current-schema-id", 0)},
  };
  if (parent) snapshot["parent-snapshot-id"] = parent->snapshot_id;

  json metadata = base.json;
  metadata["last-sequence-number"] = sequence_number;
  metadata["last-updated-ms"] = now;
  metadata["current-snapshot-id"] = snapshot_id;
  metadata["refs"]["main"] = {{"snapshot-id", snapshot_id}, {"type", "branch"}};
  metadata["snapshots"].push_back(snapshot);
  metadata["snapshot-log"].push_back({{"snapshot-id", snapshot_id}, {"timestamp-ms", now}});
  CF_RETURN_IF_ERROR(commit_metadata(base, std::move(metadata)).status());
  Snapshot s;
  s.snapshot_id = snapshot_id;
  s.parent_snapshot_id = parent ? std::optional(parent->snapshot_id) : std::nullopt;
  s.sequence_number = sequence_number;
  s.timestamp_ms = now;
  s.manifest_list = manifest_list;
  s.summary = std::move(summary);
  return s;
}

int64_t random_snapshot_id() { return static_cast<int64_t>(rng()() >> 1); }

Result<TableMetadata> commit_metadata(const TableMetadata& base, json next) {
  next["metadata-log"].push_back({{"metadata-file", base.path}, {"timestamp-ms", base.last_updated_ms}});
  const int64_t version = base.version + 1;
  const std::string path = metadata_file(base.location, version);
  const std::string text = next.dump(2);
  CF_ASSIGN_OR_RETURN(TableMetadata parsed, parse_metadata(path, text));  // never publish what does not read back
  Status published = publish_exclusive(path, text);
  if (published.code() == StatusCode::kFailedPrecondition) {
    return Status::failed_precondition(fmt::format("commit conflict on table {}: version {} was committed by another writer after this "
                                                   "commit read version {}",
                                                   base.location, version, base.version));
  }
  CF_RETURN_IF_ERROR(published);
  CF_RETURN_IF_ERROR(write_version_hint(base.location, version));
  parsed.version = version;
  return parsed;
}

Result<Snapshot> append_files(const std::string& location, const std::vector<DataFile>& files, CommitOptions o) {
  return commit_files(location, files, {}, std::move(o));
}

Result<Snapshot> commit_files(const std::string& location, const std::vector<DataFile>& files, const std::vector<DataFile>& deletes,
                              CommitOptions o) {
  const std::string where = normalize_location(location);
  Status last;
  for (int attempt = 0; attempt <= std::max(0, o.retries); ++attempt) {
    CF_ASSIGN_OR_RETURN(TableMetadata base, load_table(where));
    if (attempt > 0) o.commit_uuid.clear();  // the lost attempt's manifests stay unreferenced
    auto committed = commit_row_delta(base, files, deletes, o);
    if (committed.is_ok() || committed.status().code() != StatusCode::kFailedPrecondition) return committed;
    last = committed.status();
  }
  return last.with_context(fmt::format("after {} attempts", std::max(0, o.retries) + 1));
}

}  // namespace careflow::lake::iceberg
