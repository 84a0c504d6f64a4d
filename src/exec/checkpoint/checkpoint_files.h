#pragma once
// The files of a checkpoint directory (docs/checkpoints.md):
//
//   state-<id>.base   every operator's state in full at checkpoint <id>
//   state-<id>.delta  what changed between checkpoint <id - n> and <id> (incremental)
//   chk-<id>.meta     the checkpoint: its state files (a base and the deltas after it, in order),
//                     the sources' positions, the operators' fingerprints, and what a two-phase
//                     sink prepared for its commit (an Iceberg sink's data files)
//
// A state file is the magic "CFCKPT01" then chunks: [u32 length][u32 CRC32C of the rest][u8 type]
// [payload], type 0 holding records (varint operator, u8 kind, u8 space, key and value as
// length-prefixed bytes where the kind has them), type 2 the same records as one zstd frame
// (written whenever compressing makes a chunk smaller) and type 1, last, the record count. A meta file
// is one JSON line then "crc32c=<8 hex digits>" of that line. Every file is written beside its
// name, fsynced and renamed, so a file that exists is whole; anything that does not check out is
// damage, reported with the file and the byte.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/checkpoint/state_io.h"

struct ZSTD_CCtx_s;

namespace careflow::exec::checkpoint {

std::string state_file_name(int64_t id, bool base);
std::string meta_file_name(int64_t id);
// The id of a "chk-<id>.meta" name; -1 for any other name.
int64_t meta_file_id(const std::string& name);

// Writes one state file. Not thread-safe.
class StateFileWriter {
 public:
  // Creates `path`.tmp; finish() renames it to `path`.
  static Result<std::unique_ptr<StateFileWriter>> create(std::string path);
  ~StateFileWriter();
  void add(uint32_t op, const StateRecord& record);
  // Writes the last chunks, fsyncs and renames; returns the file's size in bytes.
  Result<int64_t> finish();

 private:
  struct ZstdFree {
    void operator()(ZSTD_CCtx_s* c) const;
  };
  StateFileWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status write_chunk(uint8_t type, const std::string& payload);
  Status write_records();
  std::string path_;
  int fd_ = -1;
  std::string chunk_;   // records not written yet
  std::string packed_;  // their compressed form, reused
  std::unique_ptr<ZSTD_CCtx_s, ZstdFree> zstd_;
  int64_t records_ = 0;
  int64_t bytes_ = 0;
  Status error_;
};

// Reads every record of a state file in order into `apply`. Corruption naming the file and byte
// for a wrong magic, a chunk whose CRC fails, a file cut short or a record that does not parse;
// the first error `apply` returns, with the file named.
Status read_state_file(const std::string& path, const std::function<Status(uint32_t, const StateRecord&)>& apply);

struct CheckpointMeta {
  int64_t id = 0;
  bool savepoint = false;
  int64_t created_ms = 0;
  std::vector<std::string> files;       // base first, then deltas, names in the meta's directory
  std::vector<int64_t> file_bytes;      // each file's size
  std::vector<std::vector<int64_t>> sources;  // each source's position (Source::position)
  std::vector<std::string> operators;   // Job::operator_fingerprints
  std::string sink;                     // what a two-phase sink prepared (Sink::prepare_commit); "" for none
};

// Writes `dir`/chk-<id>.meta atomically (temporary file, fsync, rename, fsync of the directory).
Status write_meta(const std::string& dir, const CheckpointMeta& meta);
// Corruption naming the file and byte when it is damaged; NotFound when it is missing.
Result<CheckpointMeta> read_meta(const std::string& path);

// The metadata file a savepoint path names: the path itself when it is a chk-*.meta file, else the
// newest chk-*.meta in that directory. NotFound naming the directory when it holds none.
Result<std::string> savepoint_meta_path(const std::string& path);

// Whether state written by the plan `meta` came from fits a plan whose operators are `operators`
// (Job::operator_fingerprints): InvalidArgument naming `where` and the first operator that differs.
Status check_plan_fits(const CheckpointMeta& meta, const std::vector<std::string>& operators, const std::string& where);

// fsyncs a directory (after a rename or an unlink in it).
Status sync_directory(const std::string& dir);

}  // namespace careflow::exec::checkpoint
