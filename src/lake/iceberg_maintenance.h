#pragma once
// Table maintenance on a local Iceberg table (Iceberg's ExpireSnapshots, DeleteOrphanFiles and
// RewriteDataFiles actions): dropping old snapshots and the files only they name, removing files
// no snapshot names, and compacting small data files into fewer as a `replace` snapshot. Each
// commits through commit_metadata's compare-and-swap and retries a lost race on the new version.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/iceberg_metadata.h"

namespace careflow::lake::iceberg {

struct ExpireOptions {
  int64_t older_than_ms = 0;  // snapshots committed before this time may go (0: now − 5 days, as Iceberg)
  int retain_last = 1;        // the current snapshot and this many of its newest ancestors always stay (≥ 1)
  int retries = 4;
};
struct ExpireResult {
  std::vector<int64_t> expired;        // snapshot ids
  std::vector<std::string> deleted;    // files removed (manifest lists, manifests, data and delete files)
};
// Removes snapshots older than `older_than_ms` except the current one, its `retain_last` newest
// ancestors and those a ref names, as a new metadata version (snapshot log trimmed), then deletes
// the files that only expired snapshots named. NotFound without a table; FailedPrecondition when
// every attempt lost a race.
Result<ExpireResult> expire_snapshots(const std::string& location, ExpireOptions options);

// Deletes the files under the table's data/ and metadata/ folders that no snapshot names — neither
// a manifest list, a manifest, a data nor a delete file — and that were last modified before
// `older_than_ms` (0: now − 3 days, as Iceberg's default), so that the files of a commit in flight
// (written, not yet committed) survive. Metadata JSON files and the version hint are never removed.
// Returns the paths deleted.
Result<std::vector<std::string>> remove_orphan_files(const std::string& location, int64_t older_than_ms = 0);

struct CompactOptions {
  int64_t target_file_bytes = 512LL << 20;  // Iceberg's write.target-file-size-bytes
  int min_input_files = 2;                  // a partition with fewer small files is left alone
  int retries = 4;
};
struct CompactResult {
  int64_t snapshot_id = 0;  // 0: nothing to compact, no snapshot
  int rewritten_files = 0, added_files = 0, removed_delete_files = 0;
  int64_t rows = 0;
};
// Rewrites, per partition, the live rows (deletes applied) of data files smaller than the target
// into one file, committed as a `replace` snapshot: the old files DELETED, the new ones ADDED, and
// position delete files that named only rewritten files removed. Appends committed meanwhile are
// kept (the commit retries on the newest version); a delete committed meanwhile against a file being
// rewritten fails the compaction with FailedPrecondition rather than lose it.
Result<CompactResult> compact(const std::string& location, CompactOptions options = {});

}  // namespace careflow::lake::iceberg
