#pragma once
// Where the lake's files live: a local folder (paths or file:// URIs) or an S3-compatible object
// store (s3://bucket/key, through s3_client.h). Every reader and writer of the lake — Parquet
// files, manifests, metadata JSON, the catalog's folders, maintenance — goes through storage_for(uri),
// so a warehouse on `s3://bucket/warehouse` works as one on disk.
//
// Atomic commits. An Iceberg commit publishes `metadata/v<N+1>.metadata.json` only if no file has
// that name yet (write_if_absent), and of two committers that read version N exactly one wins.
// On disk that is link(2) of a fsynced temporary file, which fails when the name exists. On S3 it is
// a conditional PUT with `If-None-Match: *` (honoured by AWS S3 since 2024 and by moto; a store
// that ignores the header would let the later writer overwrite: there careflow's REST catalog, which
// serializes the commits of its process per table, is the only guard). The object store has no
// rename: nothing on S3 is renamed, and `version-hint.text` is advisory (readers probe past it).
//
// Thread-safe. Errors are IOError / NotFound naming the file or object key (and the HTTP status).

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::lake {

namespace s3 {
struct S3Config;
}

struct StoredFile {
  std::string uri;  // a local absolute path, or s3://bucket/key
  int64_t size = 0;
  int64_t modified_ms = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // The whole file; NotFound when there is none.
  virtual Result<std::string> read(const std::string& uri) const = 0;
  // Writes the whole file durably (fsynced on disk; an acknowledged PUT on S3), replacing one there.
  virtual Status write(const std::string& uri, const std::string& bytes) const = 0;
  // Writes the file only if none has that name: FailedPrecondition naming it when one does.
  virtual Status write_if_absent(const std::string& uri, const std::string& bytes) const = 0;
  // Replaces the file so a reader sees the old or the new bytes, never a part (rename on disk).
  virtual Status replace(const std::string& uri, const std::string& bytes) const = 0;
  virtual Result<bool> exists(const std::string& uri) const = 0;
  // A folder with anything in it (on S3: any key below `uri/`, or its marker object).
  virtual Result<bool> is_dir(const std::string& uri) const = 0;
  virtual Result<int64_t> size(const std::string& uri) const = 0;
  // Every file below the folder, at any depth (none when it does not exist).
  virtual Result<std::vector<StoredFile>> list_files(const std::string& dir) const = 0;
  // The names of the folders directly inside `dir`.
  virtual Result<std::vector<std::string>> list_dirs(const std::string& dir) const = 0;
  // Removes a file; ok when there was none.
  virtual Status remove(const std::string& uri) const = 0;
  // Removes the folder and everything below it.
  virtual Status remove_all(const std::string& dir) const = 0;
  // Creates the folder (and its parents). On S3 a zero-byte marker object `dir/`, so that an empty
  // namespace of the catalog exists.
  virtual Status make_dirs(const std::string& dir) const = 0;
};

bool is_object_store_uri(const std::string& uri);
// The storage of `uri`: S3 for s3:// (s3a://, s3n://), the local file system otherwise.
const Storage& storage_for(const std::string& uri);
// A table location or file in the one spelling used in metadata: an absolute, lexically normal
// local path ("file://" dropped), or the s3:// URI without a trailing '/'.
std::string normalize_location(const std::string& uri);
// `a` + "/" + `b` for both kinds (no std::filesystem on URIs).
std::string join_path(const std::string& a, const std::string& b);

// The S3 client's configuration. By default S3Config::from_env() on first use; a process may set
// its own (careflow's config, a test's server) before the lake is used. Thread-safe.
void set_s3_config(const s3::S3Config& config);

}  // namespace careflow::lake
