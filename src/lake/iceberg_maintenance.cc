#include "lake/iceberg_maintenance.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_deletes.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_partition.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::Value;

namespace {

constexpr int64_t kDayMs = 86'400'000;

std::string normal(const std::string& uri) { return normalize_location(uri); }

// Every file the given snapshots name: manifest lists, manifests, and the data and delete files of
// their entries, as normalized local paths. Without `with_deleted`, a file only in DELETED entries
// (removed by that snapshot) does not count: no snapshot reads it.
Result<std::set<std::string>> files_of(const TableMetadata& t, const std::vector<const Snapshot*>& snapshots, bool with_deleted) {
  std::set<std::string> out, seen;
  for (const Snapshot* s : snapshots) {
    out.insert(normal(s->manifest_list));
    CF_ASSIGN_OR_RETURN(std::vector<ManifestFile> list, read_manifest_list(s->manifest_list));
    for (const ManifestFile& m : list) {
      if (!seen.insert(m.path).second) continue;
      out.insert(normal(m.path));
      CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, read_manifest(m.path, t.spec, t.columns));
      for (const ManifestEntry& e : entries) {
        if (with_deleted || e.status != EntryStatus::kDeleted) out.insert(normal(e.file.path));
      }
    }
  }
  return out;
}

std::vector<const Snapshot*> all_snapshots(const TableMetadata& t) {
  std::vector<const Snapshot*> out;
  for (const Snapshot& s : t.snapshots) out.push_back(&s);
  return out;
}

int64_t total(const Snapshot* s, const char* key) {
  if (!s || !s->summary.count(key)) return 0;
  try {
    return std::stoll(s->summary.at(key));
  } catch (const std::exception&) {
    return 0;
  }
}

// A manifest's entries with what they inherit made explicit (an EXISTING or DELETED copy of an
// ADDED entry must carry its snapshot and sequence numbers).
Result<std::vector<ManifestEntry>> explicit_entries(const TableMetadata& t, const ManifestFile& m) {
  CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, read_manifest(m.path, t.spec, t.columns));
  for (ManifestEntry& e : entries) {
    if (!e.snapshot_id) e.snapshot_id = m.added_snapshot_id;
    if (!e.sequence_number) e.sequence_number = m.sequence_number;
    if (!e.file_sequence_number) e.file_sequence_number = m.sequence_number;
  }
  return entries;
}

}  // namespace

Result<ExpireResult> expire_snapshots(const std::string& location_in, ExpireOptions o) {
  const std::string location = normalize_location(location_in);
  const int64_t cutoff = o.older_than_ms ? o.older_than_ms : wall_clock_ms() - 5 * kDayMs;
  for (int attempt = 0;; ++attempt) {
    CF_ASSIGN_OR_RETURN(TableMetadata base, load_table(location));
    std::set<int64_t> keep;
    int kept = 0;
    for (const Snapshot* s : base.ancestry()) {
      if (kept++ < std::max(1, o.retain_last)) keep.insert(s->snapshot_id);
    }
    if (base.json.contains("refs") && base.json["refs"].is_object()) {
      for (const auto& [name, ref] : base.json["refs"].items()) keep.insert(ref.value("snapshot-id", int64_t{-1}));
    }
    ExpireResult result;
    std::vector<const Snapshot*> retained;
    for (const Snapshot& s : base.snapshots) {
      if (!keep.count(s.snapshot_id) && s.timestamp_ms < cutoff) result.expired.push_back(s.snapshot_id);
      else retained.push_back(&s);
    }
    if (result.expired.empty()) return result;
    const std::set<int64_t> expired(result.expired.begin(), result.expired.end());
    json next = base.json;
    json snapshots = json::array(), log = json::array();
    for (const json& s : next["snapshots"]) {
      if (!expired.count(s.at("snapshot-id").get<int64_t>())) snapshots.push_back(s);
    }
    for (const json& l : next.value("snapshot-log", json::array())) {
      if (!expired.count(l.at("snapshot-id").get<int64_t>())) log.push_back(l);
    }
    next["snapshots"] = std::move(snapshots);
    next["snapshot-log"] = std::move(log);
    next["last-updated-ms"] = wall_clock_ms();
    auto committed = commit_metadata(base, std::move(next));
    if (committed.status().code() == StatusCode::kFailedPrecondition && attempt < o.retries) continue;
    CF_RETURN_IF_ERROR(committed.status());
    // Files only the expired snapshots named; read after the commit, from the version it replaced.
    CF_ASSIGN_OR_RETURN(std::set<std::string> before, files_of(base, all_snapshots(base), true));
    CF_ASSIGN_OR_RETURN(std::set<std::string> still, files_of(*committed, all_snapshots(*committed), false));
    for (const std::string& f : before) {
      if (still.count(f)) continue;
      if (storage_for(f).remove(f).is_ok()) result.deleted.push_back(f);
    }
    return result;
  }
}

Result<std::vector<std::string>> remove_orphan_files(const std::string& location_in, int64_t older_than_ms) {
  const std::string location = normalize_location(location_in);
  const int64_t cutoff = older_than_ms ? older_than_ms : wall_clock_ms() - 3 * kDayMs;
  CF_ASSIGN_OR_RETURN(TableMetadata t, load_table(location));
  CF_ASSIGN_OR_RETURN(std::set<std::string> live, files_of(t, all_snapshots(t), true));
  std::vector<std::string> removed;
  const Storage& storage = storage_for(location);
  for (const char* folder : {"data", "metadata"}) {
    auto files = storage.list_files(join_path(location, folder));
    if (!files.is_ok()) return files.status().with_context(fmt::format("listing {}/{}", location, folder));
    for (const StoredFile& f : files.value()) {
      const std::string name = f.uri.substr(f.uri.rfind('/') + 1);
      if (name.ends_with(".metadata.json") || name == "version-hint.text" || live.count(f.uri)) continue;
      if (f.modified_ms >= cutoff) continue;  // maybe a commit in flight
      if (storage.remove(f.uri).is_ok()) removed.push_back(f.uri);
    }
  }
  return removed;
}

Result<CompactResult> compact(const std::string& location_in, CompactOptions o) {
  const std::string location = normalize_location(location_in);
  CF_ASSIGN_OR_RETURN(TableMetadata base, load_table(location));
  CompactResult result;
  if (!base.current()) return result;
  CF_ASSIGN_OR_RETURN(std::vector<ScanTask> tasks, plan_scan(base));
  // Small files by partition; partitions with enough of them are rewritten.
  std::map<std::string, std::vector<const ScanTask*>> small;
  for (const ScanTask& t : tasks) {
    if (t.file.file_size_in_bytes < o.target_file_bytes) small[partition_path(base.spec, base.columns, t.file.partition)].push_back(&t);
  }
  std::map<std::string, std::vector<std::string>> rewritten;  // path → the delete files that applied to it
  for (const auto& [_, group] : small) {
    if (static_cast<int>(group.size()) < std::max(2, o.min_input_files)) continue;
    for (const ScanTask* t : group) rewritten[t->file.path] = t->position_deletes;
  }
  if (rewritten.empty()) return result;

  DataFileWriter writer(base, "compact-" + random_uuid().substr(0, 8));
  CF_RETURN_IF_ERROR(scan_rows_at(base, [&](const DataFile& f, int64_t, std::vector<Value> row) {
    if (!rewritten.count(f.path)) return Status::ok();
    ++result.rows;
    return writer.add(std::move(row));
  }));
  CF_ASSIGN_OR_RETURN(std::vector<DataFile> added, writer.flush());

  for (int attempt = 0;; ++attempt) {
    CF_ASSIGN_OR_RETURN(TableMetadata current, load_table(location));
    CF_ASSIGN_OR_RETURN(std::vector<ScanTask> now, plan_scan(current));
    size_t still_live = 0;
    for (const ScanTask& t : now) {
      auto it = rewritten.find(t.file.path);
      if (it == rewritten.end()) continue;
      ++still_live;
      if (t.position_deletes != it->second) {
        return Status::failed_precondition(
            fmt::format("compacting {}: rows of {} were deleted after the compaction read it; run it again", location, t.file.path));
      }
    }
    if (still_live != rewritten.size()) {
      return Status::failed_precondition(fmt::format("compacting {}: another commit removed files being rewritten; run it again", location));
    }
    const int64_t snapshot_id = random_snapshot_id();
    const int64_t sequence_number = current.last_sequence_number + 1;
    const std::string uuid = random_uuid();
    const std::string dir = location + "/metadata";
    // Delete files that named rewritten files only: their rows are gone from the new files.
    std::set<std::string> obsolete_deletes;
    for (const auto& [_, deletes] : rewritten) {
      for (const std::string& d : deletes) {
        if (obsolete_deletes.count(d)) continue;
        CF_ASSIGN_OR_RETURN(auto named, read_position_deletes(local_path(d)));
        if (std::all_of(named.begin(), named.end(), [&](const auto& n) { return rewritten.count(n.first) > 0; })) obsolete_deletes.insert(d);
      }
    }
    CF_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, read_manifest_list(current.current()->manifest_list));
    std::vector<ManifestFile> next;
    int64_t removed_rows = 0, removed_positions = 0;
    int k = 0;
    for (const ManifestFile& m : manifests) {
      CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, explicit_entries(current, m));
      bool touched = false;
      std::vector<ManifestEntry> kept;
      for (ManifestEntry& e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;  // deleted by an older snapshot: not carried on
        const bool gone = m.content == 0 ? rewritten.count(e.file.path) > 0 : obsolete_deletes.count(e.file.path) > 0;
        if (gone) {
          touched = true;
          e.status = EntryStatus::kDeleted;
          e.snapshot_id = snapshot_id;
          (m.content == 0 ? removed_rows : removed_positions) += e.file.record_count;
        } else {
          e.status = EntryStatus::kExisting;
        }
        kept.push_back(std::move(e));
      }
      if (!touched) {
        next.push_back(m);
        continue;
      }
      CF_ASSIGN_OR_RETURN(ManifestFile rewrote, write_manifest_entries(fmt::format("{}/{}-r{}.avro", dir, uuid, k++), current.schema_json,
                                                                      current.columns, current.spec, kept, snapshot_id, sequence_number));
      rewrote.content = m.content;
      next.push_back(std::move(rewrote));
    }
    if (!added.empty()) {
      CF_ASSIGN_OR_RETURN(ManifestFile m, write_manifest(fmt::format("{}/{}-m0.avro", dir, uuid), current.schema_json, current.columns,
                                                         current.spec, added, snapshot_id, sequence_number));
      next.insert(next.begin(), std::move(m));
    }
    const std::string list = fmt::format("{}/snap-{}-1-{}.avro", dir, snapshot_id, uuid);
    const Snapshot* parent = current.current();
    CF_RETURN_IF_ERROR(write_manifest_list(list, snapshot_id, parent->snapshot_id, sequence_number, next));
    int64_t added_rows = 0;
    for (const DataFile& f : added) added_rows += f.record_count;
    const auto n_rewritten = static_cast<int64_t>(rewritten.size()), n_added = static_cast<int64_t>(added.size());
    std::map<std::string, std::string> summary = {
        {"operation", "replace"},
        {"added-data-files", std::to_string(n_added)},
        {"deleted-data-files", std::to_string(n_rewritten)},
        {"added-records", std::to_string(added_rows)},
        {"deleted-records", std::to_string(removed_rows)},
        {"removed-delete-files", std::to_string(obsolete_deletes.size())},
        {"removed-position-deletes", std::to_string(removed_positions)},
        {"total-data-files", std::to_string(total(parent, "total-data-files") - n_rewritten + n_added)},
        {"total-records", std::to_string(total(parent, "total-records") - removed_rows + added_rows)},
        {"total-delete-files", std::to_string(total(parent, "total-delete-files") - static_cast<int64_t>(obsolete_deletes.size()))},
        {"total-position-deletes", std::to_string(total(parent, "total-position-deletes") - removed_positions)},
        {"total-equality-deletes", std::to_string(total(parent, "total-equality-deletes"))},
    };
    auto committed = commit_snapshot(current, snapshot_id, list, std::move(summary), wall_clock_ms());
    if (committed.status().code() == StatusCode::kFailedPrecondition && attempt < o.retries) continue;  // an append meanwhile: again on it
    CF_RETURN_IF_ERROR(committed.status());
    result.snapshot_id = snapshot_id;
    result.rewritten_files = static_cast<int>(n_rewritten);
    result.added_files = static_cast<int>(n_added);
    result.removed_delete_files = static_cast<int>(obsolete_deletes.size());
    return result;
  }
}

}  // namespace careflow::lake::iceberg
