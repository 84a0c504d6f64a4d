#include "exec/checkpoint/job_checkpointer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/clock.h"

namespace careflow::exec {

namespace fs = std::filesystem;
using checkpoint::CheckpointMeta;

namespace {

// Copies a file and fsyncs the copy (a savepoint must survive a power cut once it is reported).
Status copy_synced(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::io_error(fmt::format("copying {} to {}: {}", from, to, ec.message()));
  int fd = ::open(to.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno("opening " + to, errno);
  int rc = ::fdatasync(fd);
  ::close(fd);
  if (rc != 0) return Status::from_errno("fsync of " + to, errno);
  return Status::ok();
}

// What a restore of the checkpoint reads: its base and the deltas after it.
int64_t total_bytes(const CheckpointMeta& meta) {
  int64_t total = 0;
  for (int64_t b : meta.file_bytes) total += b;
  return total;
}

}  // namespace

JobCheckpointer::JobCheckpointer(Job& job, std::string name, CheckpointSettings settings, log::Topics* topics,
                                 std::vector<Source*> sources, Sink* sink)
    : job_(job), name_(std::move(name)), settings_(std::move(settings)), topics_(topics), sources_(std::move(sources)),
      sink_(sink) {
  dir_ = settings_.directory + "/" + name_;
}

Status JobCheckpointer::start() {
  CF_RETURN_IF_ERROR(job_.check_checkpointable());
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (auto p = sources_[i]->position(); !p.is_ok()) {
      return Status::failed_precondition(fmt::format("the job cannot be checkpointed: the source of table '{}' cannot resume ({})",
                                                     job_.sources()[i].table->name, p.status().message()));
    }
  }
  transactional_ = sink_ && topics_ && sink_->begin_transactions();
  if (transactional_) (void)sink_->take_transaction(&marker_);
  two_phase_ = !transactional_ && sink_ && sink_->two_phase();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::io_error(fmt::format("creating checkpoint directory {}: {}", dir_, ec.message()));

  // What the directory holds: unfinished files (a crash while writing) go at once.
  std::vector<int64_t> ids;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
      fs::remove(entry.path(), ec);
      continue;
    }
    if (int64_t id = checkpoint::meta_file_id(name); id >= 0) ids.push_back(id);
  }
  if (ec) return Status::io_error(fmt::format("listing checkpoint directory {}: {}", dir_, ec.message()));
  std::sort(ids.begin(), ids.end());

  // The committed checkpoint: the id in the log for a transactional sink, else the newest metadata.
  std::optional<int64_t> committed;
  if (transactional_) {
    CF_ASSIGN_OR_RETURN(committed, topics_->committed_offset(group(), marker_));
  } else if (!ids.empty()) {
    committed = ids.back();
  }
  std::vector<int64_t> kept;
  for (int64_t id : ids) {
    if (committed && id <= *committed) kept.push_back(id);
  }
  if (kept.size() > static_cast<size_t>(settings_.num_retained)) kept.erase(kept.begin(), kept.end() - settings_.num_retained);
  if (committed && !kept.empty() && kept.back() != *committed) {
    return Status::corruption(fmt::format(
        "job '{}': the log records checkpoint {} as committed, but {} holds none newer than {} (its metadata {} is missing)",
        name_, *committed, dir_, kept.back(), checkpoint::meta_file_name(*committed)));
  }
  if (transactional_ && committed && kept.empty() && settings_.restore_from.empty()) {
    return Status::corruption(fmt::format(
        "job '{}': the log records checkpoint {} as committed, but {} holds no checkpoint: restore the directory, start "
        "from a savepoint ('execution.state-recovery.path') or give the job another name",
        name_, *committed, dir_));
  }
  for (int64_t id : kept) {
    CF_ASSIGN_OR_RETURN(CheckpointMeta meta, checkpoint::read_meta(dir_ + "/" + checkpoint::meta_file_name(id)));
    retained_.push_back(std::move(meta));
  }
  // Removes the checkpoints that never committed, the older ones and the files no kept one uses.
  CF_RETURN_IF_ERROR(remove_unreferenced());

  next_id_ = committed.value_or(0) + 1;
  if (!retained_.empty()) {
    CF_RETURN_IF_ERROR(restore_meta(dir_, retained_.back()));
  } else if (!settings_.restore_from.empty()) {
    CF_ASSIGN_OR_RETURN(const std::string meta_path, checkpoint::savepoint_meta_path(settings_.restore_from));
    const std::string dir = fs::path(meta_path).parent_path().string();
    CF_ASSIGN_OR_RETURN(CheckpointMeta meta, checkpoint::read_meta(meta_path));
    CF_RETURN_IF_ERROR(restore_meta(dir, meta));
    next_id_ = std::max(next_id_, meta.id + 1);
  }
  if (two_phase_) {
    const CheckpointMeta* restored = restored_meta_ ? &*restored_meta_ : nullptr;
    Status recovered = sink_->recover(name_, restored ? restored->id : 0, restored ? restored->sink : std::string());
    if (!recovered.is_ok()) return recovered.with_context(fmt::format("recovering the sink of job '{}'", name_));
    restored_meta_.reset();
  }
  if (settings_.incremental) job_.track_changes();
  last_ = std::chrono::steady_clock::now();
  return Status::ok();
}

Status JobCheckpointer::restore_meta(const std::string& dir, const CheckpointMeta& meta) {
  const std::string where = dir + "/" + checkpoint::meta_file_name(meta.id);
  CF_RETURN_IF_ERROR(checkpoint::check_plan_fits(meta, job_.operator_fingerprints(), where));
  if (meta.sources.size() != sources_.size()) {
    return Status::invalid_argument(fmt::format("the state in {} has {} sources, this plan {}", where, meta.sources.size(), sources_.size()));
  }
  for (const std::string& file : meta.files) {
    CF_RETURN_IF_ERROR(checkpoint::read_state_file(dir + "/" + file, [&](uint32_t op, const StateRecord& r) { return job_.restore(op, r); }));
  }
  CF_RETURN_IF_ERROR(job_.finish_restore());
  for (size_t i = 0; i < sources_.size(); ++i) CF_RETURN_IF_ERROR(sources_[i]->seek(meta.sources[i]));
  stats_.restored_from = meta.id;
  restored_meta_ = meta;
  stats_.last_id = meta.id;
  stats_.last_time_ms = meta.created_ms;
  stats_.state_bytes = total_bytes(meta);
  return Status::ok();
}

Status JobCheckpointer::remove_unreferenced() {
  std::set<std::string> keep;
  for (const CheckpointMeta& m : retained_) {
    keep.insert(checkpoint::meta_file_name(m.id));
    keep.insert(m.files.begin(), m.files.end());
  }
  std::error_code ec;
  std::vector<fs::path> metas, states;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (keep.count(name)) continue;
    if (checkpoint::meta_file_id(name) >= 0) metas.push_back(entry.path());
    else if (name.rfind("state-", 0) == 0) states.push_back(entry.path());
  }
  // Metadata first: a crash in between leaves unused state files (removed next time), never a
  // checkpoint whose files are gone.
  for (const fs::path& p : metas) fs::remove(p, ec);
  for (const fs::path& p : states) fs::remove(p, ec);
  const bool removed = !metas.empty() || !states.empty();
  if (ec) return Status::io_error(fmt::format("removing old checkpoint files in {}: {}", dir_, ec.message()));
  return removed ? checkpoint::sync_directory(dir_) : Status::ok();
}

Status JobCheckpointer::checkpoint() { return take(false); }

Status JobCheckpointer::take(bool force_base) {
  const auto started = std::chrono::steady_clock::now();
  last_ = started;
  const int64_t id = next_id_;
  // A delta builds on the newest checkpoint's files; once the deltas outweigh their base, the
  // state is written in full again (Flink's materialization), so a restore never reads more
  // than about twice the state and old deltas can go.
  bool base = force_base || !settings_.incremental || retained_.empty();
  if (!base) {
    const CheckpointMeta& prev = retained_.back();
    int64_t deltas = 0;
    for (size_t i = 1; i < prev.file_bytes.size(); ++i) deltas += prev.file_bytes[i];
    base = deltas >= prev.file_bytes[0];
  }
  const std::string file = checkpoint::state_file_name(id, base);
  CF_ASSIGN_OR_RETURN(std::unique_ptr<checkpoint::StateFileWriter> writer, checkpoint::StateFileWriter::create(dir_ + "/" + file));
  CF_RETURN_IF_ERROR(job_.snapshot(!base, [&](uint32_t op, const StateRecord& r) { writer->add(op, r); }));
  CF_ASSIGN_OR_RETURN(int64_t bytes, writer->finish());

  CheckpointMeta meta;
  meta.id = id;
  meta.created_ms = wall_clock_ms();
  if (!base) {
    meta.files = retained_.back().files;
    meta.file_bytes = retained_.back().file_bytes;
  }
  meta.files.push_back(file);
  meta.file_bytes.push_back(bytes);
  for (Source* s : sources_) {
    CF_ASSIGN_OR_RETURN(std::vector<int64_t> p, s->position());
    meta.sources.push_back(std::move(p));
  }
  meta.operators = job_.operator_fingerprints();
  if (two_phase_) {
    auto prepared = sink_->prepare_commit(id);
    if (!prepared.is_ok()) return prepared.status().with_context(fmt::format("checkpoint {} of job '{}'", id, name_));
    meta.sink = std::move(*prepared);
  }
  CF_RETURN_IF_ERROR(checkpoint::write_meta(dir_, meta));
  // The checkpoint is taken: a two-phase sink's commit is redone at a restore if it fails now.
  if (two_phase_) {
    Status committed = sink_->commit(id, meta.sink);
    if (!committed.is_ok()) return committed.with_context(fmt::format("committing checkpoint {} of job '{}'", id, name_));
  }

  // The commit point: the held records and the checkpoint's id, in one atomic append.
  if (transactional_) {
    std::vector<log::PartitionBatch> batches = sink_->take_transaction(&marker_);
    const log::OffsetCommit commit{group(), marker_, id};
    auto appended = topics_->append_atomic(batches, std::span<const log::OffsetCommit>(&commit, 1));
    if (!appended.is_ok()) return appended.status().with_context(fmt::format("committing checkpoint {} of job '{}'", id, name_));
  }
  next_id_ = id + 1;
  retained_.push_back(std::move(meta));
  if (retained_.size() > static_cast<size_t>(settings_.num_retained)) {
    retained_.erase(retained_.begin(), retained_.end() - settings_.num_retained);
  }
  CF_RETURN_IF_ERROR(remove_unreferenced());
  ++stats_.checkpoints;
  stats_.last_id = id;
  stats_.last_bytes = bytes;
  stats_.last_was_base = base;
  stats_.last_time_ms = retained_.back().created_ms;
  stats_.state_bytes = total_bytes(retained_.back());
  stats_.last_duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  return Status::ok();
}

Result<std::string> JobCheckpointer::savepoint(const std::string& dir) {
  CF_RETURN_IF_ERROR(take(true));
  const CheckpointMeta& meta = retained_.back();
  const std::string target = fmt::format("{}/savepoint-{}-{}", dir, name_, meta.id);
  std::error_code ec;
  fs::create_directories(target, ec);
  if (ec) return Status::io_error(fmt::format("creating savepoint directory {}: {}", target, ec.message()));
  CF_RETURN_IF_ERROR(copy_synced(dir_ + "/" + meta.files[0], target + "/" + meta.files[0]));
  CheckpointMeta copy = meta;
  copy.savepoint = true;
  CF_RETURN_IF_ERROR(checkpoint::write_meta(target, copy));
  CF_RETURN_IF_ERROR(checkpoint::sync_directory(dir));
  return target;
}

}  // namespace careflow::exec
