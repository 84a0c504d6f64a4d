#include "log/embedded_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <shared_mutex>
#include <thread>

#include "common/clock.h"
#include "common/exception_guard.h"
#include "common/logging.h"
#include "common/numbers.h"
#include "log/partition.h"
#include "log/txn_journal.h"

namespace careflow::log {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOffsetsTopic = "__consumer_offsets";

std::string group_key(const std::string& group, const TopicPartition& tp) {
  std::string key = group;
  key.push_back('\0');
  key += tp.topic;
  key.push_back('\0');
  key += std::to_string(tp.partition);
  return key;
}

Status write_file_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno("creating " + tmp.string(), errno);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::from_errno("writing " + tmp.string(), errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::from_errno("renaming " + tmp.string(), errno);
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

struct Topic {
  std::string name;
  TopicConfig config;
  std::vector<std::unique_ptr<Partition>> partitions;
  // What readers see; guarded by the log's publish mutex.
  std::vector<std::shared_ptr<const PartitionView>> views;
  bool deleted = false;  // guarded by the publish mutex
};

class EmbeddedLogImpl final : public EmbeddedLog {
 public:
  EmbeddedLogImpl(std::string dir, EmbeddedLogOptions options) : dir_(std::move(dir)), options_(std::move(options)) {}
  ~EmbeddedLogImpl() override;

  Status initialize();

  Status create_topic(std::string_view name, const TopicConfig& config) override;
  Status delete_topic(std::string_view name) override;
  std::vector<std::string> list_topics() const override;
  Result<TopicDescription> describe_topic(std::string_view name) const override;
  Result<int64_t> append(const TopicPartition& target, std::span<const Record> records) override;
  Result<std::vector<int64_t>> append_atomic(std::span<const PartitionBatch> batches,
                                             std::span<const OffsetCommit> commits) override;
  Result<FetchResult> fetch(const TopicPartition& source, int64_t offset, FetchLimits limits) const override;
  Result<StoredBatchesRead> read_stored_batches(const TopicPartition& source, int64_t offset, int64_t max_bytes,
                                                const std::function<bool(const StoredBatch&)>& visit) const override;
  Result<bool> wait_for_data(const TopicPartition& source, int64_t offset, std::chrono::microseconds timeout) const override;
  Result<bool> wait_for_any(std::span<const ReadPosition> positions, std::chrono::microseconds timeout) const override;
  Result<std::vector<PartitionInfo>> partition_offsets(std::string_view topic) const override;
  Result<std::optional<int64_t>> offset_for_timestamp(const TopicPartition& source, int64_t ts_ms) const override;
  Status commit_offsets(std::span<const OffsetCommit> commits) override;
  Result<std::optional<int64_t>> committed_offset(std::string_view group, const TopicPartition& partition) const override;
  std::map<std::string, std::map<TopicPartition, int64_t>> list_group_offsets() const override;
  Status run_maintenance(int64_t now_ms) override;
  Status flush() override;

 private:
  Result<std::shared_ptr<Topic>> find_topic(std::string_view name) const;
  // A snapshot of every open topic, to work on without holding the topics lock.
  std::vector<std::shared_ptr<Topic>> all_topics() const;
  // The topic and the partition, or NotFound / OutOfRange naming them.
  Result<std::pair<std::shared_ptr<Topic>, Partition*>> locate(const TopicPartition& tp) const;
  Result<std::shared_ptr<Topic>> open_topic(const std::string& name, const TopicConfig& config, bool create);
  Status load_topics();
  Status recover_atomic_appends();
  Status recover_partition(Topic& topic, Partition& partition);
  Status load_group_offsets();
  // Installs the partitions' current views for readers, all at once, and wakes waiters.
  void publish(std::span<Partition* const> partitions);
  std::shared_ptr<const PartitionView> view_of(const Topic& topic, int32_t partition) const;
  Result<Record> commit_record(const OffsetCommit& commit) const;
  void apply_commits(std::span<const OffsetCommit> commits);
  void background_loop();

  const std::string dir_;
  const EmbeddedLogOptions options_;
  int lock_fd_ = -1;
  std::unique_ptr<TxnJournal> journal_;

  mutable std::shared_mutex topics_mutex_;
  std::map<std::string, std::shared_ptr<Topic>, std::less<>> topics_;

  mutable std::mutex publish_mutex_;
  mutable std::condition_variable published_;

  mutable std::mutex groups_mutex_;
  std::map<std::string, std::map<TopicPartition, int64_t>> groups_;

  std::mutex background_mutex_;
  std::condition_variable background_wake_;
  bool stopping_ = false;
  std::thread background_;
  int trash_counter_ = 0;
};

EmbeddedLogImpl::~EmbeddedLogImpl() {
  {
    std::lock_guard lock(background_mutex_);
    stopping_ = true;
  }
  background_wake_.notify_all();
  if (background_.joinable()) background_.join();
  if (Status s = flush(); !s) log_error("log", "flush at close failed", {{"error", s.to_string()}});
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status EmbeddedLogImpl::initialize() {
  std::error_code ec;
  fs::create_directories(fs::path(dir_) / "topics", ec);
  if (ec) return Status::io_error(fmt::format("creating log directory {}: {}", dir_, ec.message()));
  fs::remove_all(fs::path(dir_) / "trash", ec);  // deletions interrupted by a crash
  const std::string lock_path = dir_ + "/LOCK";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Status::from_errno("opening " + lock_path, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::failed_precondition(
        fmt::format("log directory {} is in use by another careflow process (stop it, or use another data dir)", dir_));
  }
  // FORMAT marks a directory written with the format-2 journal: from then on, a journal that is
  // missing or lacks its header is damage, never mistaken for an older (or empty) one.
  const fs::path format = fs::path(dir_) / "FORMAT";
  const bool format2 = fs::exists(format);
  CF_ASSIGN_OR_RETURN(journal_, TxnJournal::open(dir_ + "/txn.journal", format2));
  CF_RETURN_IF_ERROR(load_topics());
  CF_RETURN_IF_ERROR(recover_atomic_appends());
  if (!format2) CF_RETURN_IF_ERROR(write_file_atomically(format, "careflow-log 2\n"));
  if (!topics_.count(kOffsetsTopic)) {
    TopicConfig offsets = options_.default_topic_config;
    offsets.partitions = 1;
    offsets.cleanup = CleanupPolicy::kCompact;
    offsets.retention_ms = -1;
    offsets.retention_bytes = -1;
    CF_RETURN_IF_ERROR(create_topic(kOffsetsTopic, offsets));
  }
  CF_RETURN_IF_ERROR(load_group_offsets());
  background_ = std::thread([this] { background_loop(); });
  return Status::ok();
}

Result<std::shared_ptr<Topic>> EmbeddedLogImpl::open_topic(const std::string& name, const TopicConfig& config, bool create) {
  auto topic = std::make_shared<Topic>();
  topic->name = name;
  topic->config = config;
  const fs::path root = fs::path(dir_) / "topics" / name;
  for (int32_t p = 0; p < config.partitions; ++p) {
    CF_ASSIGN_OR_RETURN(auto partition,
                        Partition::open((root / std::to_string(p)).string(), {name, p}, config, create, *journal_));
    topic->views.push_back(partition->current_view());
    topic->partitions.push_back(std::move(partition));
  }
  return topic;
}

Status EmbeddedLogImpl::load_topics() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(dir_) / "topics", ec)) {
    const fs::path meta = entry.path() / "topic.json";
    if (!fs::exists(meta)) continue;  // a creation that did not finish
    std::ifstream in(meta);
    nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.contains("config") || !json["config"].is_object()) {
      return Status::corruption(fmt::format("{} is not valid topic metadata", meta.string()));
    }
    std::map<std::string, std::string> settings;
    for (const auto& [k, v] : json["config"].items()) settings[k] = v.is_string() ? v.get<std::string>() : v.dump();
    auto config = parse_topic_config(settings);
    if (!config) return config.status().with_context(meta.string());
    const std::string name = entry.path().filename().string();
    CF_ASSIGN_OR_RETURN(auto topic, open_topic(name, *config, false));
    topics_[name] = std::move(topic);
  }
  if (ec) return Status::io_error(fmt::format("listing {}/topics: {}", dir_, ec.message()));
  return Status::ok();
}

Status EmbeddedLogImpl::recover_atomic_appends() {
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      CF_RETURN_IF_ERROR(recover_partition(*topic, *partition));
      // Makes what the crash left in the page cache durable and records it as flushed.
      CF_RETURN_IF_ERROR(partition->sync());
    }
  }
  // Every transactional batch left is committed: the journal is rewritten compactly saying so.
  return journal_->settle();
}

// Only this partition's own batches are looked at and removed: whether an atomic append committed
// is the journal's answer, never another partition's state, so damage in one partition cannot
// roll back another's data.
Status EmbeddedLogImpl::recover_partition(Topic& topic, Partition& partition) {
  const int64_t flushed = journal_->flushed_end(partition.id());
  for (int dropped = 0;; ++dropped) {
    BatchHeader header;
    std::string file;
    int64_t position = 0;
    if (!partition.trailing_batch(header, file, position) || !header.transactional()) return Status::ok();
    journal_->note_id(header.txn_id);
    if (journal_->committed(header.txn_id)) return Status::ok();
    // A crash leaves at most the batches written after the last flush uncommitted; one the
    // journal says was flushed, or (journal silent) a second one, means commit records are lost.
    if (header.base_offset < flushed || (flushed < 0 && dropped > 0)) {
      return Status::corruption(fmt::format(
          "segment {}: the batch at byte {} (offset {}) belongs to atomic append {}, which {} does not record as "
          "committed, although {}: the journal is older than the data or damaged; nothing was rolled back",
          file, position, header.base_offset, header.txn_id, journal_->path(),
          flushed >= 0 ? fmt::format("the partition was flushed up to offset {} after it", flushed - 1)
                       : std::string("a crash leaves at most one uncommitted batch per partition")));
    }
    CF_RETURN_IF_ERROR(partition.drop_trailing_batch());
    topic.views[static_cast<size_t>(partition.id().partition)] = partition.current_view();
  }
}

Status EmbeddedLogImpl::load_group_offsets() {
  const TopicPartition tp{kOffsetsTopic, 0};
  int64_t offset = 0;
  CF_ASSIGN_OR_RETURN(auto infos, partition_offsets(kOffsetsTopic));
  offset = infos.at(0).start_offset;
  for (;;) {
    CF_ASSIGN_OR_RETURN(FetchResult batch, fetch(tp, offset, {}));
    if (batch.records.empty()) break;
    for (const Record& r : batch.records) {
      if (!r.key) continue;
      const std::string& key = *r.key;
      const size_t a = key.find('\0'), b = key.find('\0', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      TopicPartition target{key.substr(a + 1, b - a - 1), std::atoi(key.c_str() + b + 1)};
      if (r.value) {
        const std::optional<int64_t> committed = parse_number<int64_t>(*r.value);
        if (!committed) return Status::corruption(fmt::format("consumer offsets: committed offset '{}' is not a number", *r.value));
        groups_[key.substr(0, a)][target] = *committed;
      } else {
        groups_[key.substr(0, a)].erase(target);
      }
    }
    offset = batch.next_offset;
  }
  return Status::ok();
}

Result<std::shared_ptr<Topic>> EmbeddedLogImpl::find_topic(std::string_view name) const {
  std::shared_lock lock(topics_mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::not_found(fmt::format("topic '{}' does not exist", name));
  return it->second;
}

// An append that fails to become durable is taken back, so it never shows up later.
Status sync_or_drop(Partition& p) {
  if (p.config().fsync != FsyncPolicy::kEveryBatch) return Status::ok();
  Status synced = p.sync();
  if (!synced) (void)p.drop_trailing_batch();
  return synced;
}

std::vector<std::shared_ptr<Topic>> EmbeddedLogImpl::all_topics() const {
  std::shared_lock lock(topics_mutex_);
  std::vector<std::shared_ptr<Topic>> topics;
  for (const auto& [_, t] : topics_) topics.push_back(t);
  return topics;
}

Result<std::pair<std::shared_ptr<Topic>, Partition*>> EmbeddedLogImpl::locate(const TopicPartition& tp) const {
  CF_ASSIGN_OR_RETURN(auto topic, find_topic(tp.topic));
  const auto n = static_cast<int32_t>(topic->partitions.size());
  if (tp.partition < 0 || tp.partition >= n) {
    return Status::out_of_range(fmt::format("partition {} out of range for topic '{}' ({} partition{}: 0..{})", tp.partition,
                                            tp.topic, n, n == 1 ? "" : "s", n - 1));
  }
  Partition* p = topic->partitions[static_cast<size_t>(tp.partition)].get();
  return std::pair{std::move(topic), p};
}

std::shared_ptr<const PartitionView> EmbeddedLogImpl::view_of(const Topic& topic, int32_t partition) const {
  std::lock_guard lock(publish_mutex_);
  return topic.views[static_cast<size_t>(partition)];
}

void EmbeddedLogImpl::publish(std::span<Partition* const> partitions) {
  std::vector<std::shared_ptr<const PartitionView>> views;
  views.reserve(partitions.size());
  for (Partition* p : partitions) views.push_back(p->current_view());  // outside the lock: allocation
  std::vector<std::shared_ptr<Topic>> topics;
  for (Partition* p : partitions) {
    auto topic = find_topic(p->id().topic);
    topics.push_back(topic ? *topic : nullptr);
  }
  {
    std::lock_guard lock(publish_mutex_);
    for (size_t i = 0; i < partitions.size(); ++i) {
      if (topics[i]) topics[i]->views[static_cast<size_t>(partitions[i]->id().partition)] = std::move(views[i]);
    }
  }
  published_.notify_all();
}

Status EmbeddedLogImpl::create_topic(std::string_view name, const TopicConfig& config) {
  CF_RETURN_IF_ERROR(validate_topic_name(name));
  if (config.partitions < 1 || config.partitions > 10000) {
    return Status::invalid_argument(fmt::format("topic '{}': partitions must be 1..10000, got {}", name, config.partitions));
  }
  if (config.segment_bytes < 1024) return Status::invalid_argument("segment.bytes must be at least 1024");
  std::unique_lock lock(topics_mutex_);
  if (topics_.count(name)) return Status::already_exists(fmt::format("topic '{}' already exists", name));
  const fs::path root = fs::path(dir_) / "topics" / std::string(name);
  std::error_code ec;
  fs::remove_all(root, ec);  // leftovers of a creation that did not finish
  fs::create_directories(root, ec);
  if (ec) return Status::io_error(fmt::format("creating {}: {}", root.string(), ec.message()));
  CF_ASSIGN_OR_RETURN(auto topic, open_topic(std::string(name), config, true));
  // The journal knows the new partitions from the start (replacing what it knew of a deleted
  // topic of the same name): any uncommitted batch after a crash is above what was flushed.
  for (int32_t p = 0; p < config.partitions; ++p) {
    CF_RETURN_IF_ERROR(journal_->record_flushed({std::string(name), p}, 0, /*durable=*/p + 1 == config.partitions));
  }
  // topic.json last: a topic exists once its metadata does.
  nlohmann::json meta = {{"name", name}, {"config", topic_config_to_map(config)}};
  CF_RETURN_IF_ERROR(write_file_atomically(root / "topic.json", meta.dump(2)));
  topics_[std::string(name)] = std::move(topic);
  return Status::ok();
}

Status EmbeddedLogImpl::delete_topic(std::string_view name) {
  if (name == kOffsetsTopic) return Status::invalid_argument("the internal topic __consumer_offsets cannot be deleted");
  std::shared_ptr<Topic> topic;
  {
    std::unique_lock lock(topics_mutex_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return Status::not_found(fmt::format("topic '{}' does not exist", name));
    // First, so a topic created later under this name is not held to what this one flushed.
    CF_RETURN_IF_ERROR(journal_->forget_topic(name));
    topic = it->second;
    topics_.erase(it);
    // Moved aside first, so a crash mid-deletion never leaves a half-deleted topic behind.
    const fs::path trash = fs::path(dir_) / "trash" / fmt::format("{}-{}", name, ++trash_counter_);
    std::error_code ec;
    fs::create_directories(trash.parent_path(), ec);
    fs::rename(fs::path(dir_) / "topics" / std::string(name), trash, ec);
    if (ec) return Status::io_error(fmt::format("removing topic '{}': {}", name, ec.message()));
    fs::remove_all(trash, ec);  // open segments stay readable until their last reader lets go
  }
  {
    std::lock_guard lock(publish_mutex_);
    topic->deleted = true;
  }
  published_.notify_all();
  return Status::ok();
}

std::vector<std::string> EmbeddedLogImpl::list_topics() const {
  std::shared_lock lock(topics_mutex_);
  std::vector<std::string> names;
  for (const auto& [name, _] : topics_) names.push_back(name);
  return names;
}

Result<std::vector<PartitionInfo>> EmbeddedLogImpl::partition_offsets(std::string_view name) const {
  CF_ASSIGN_OR_RETURN(auto topic, find_topic(name));
  std::vector<std::shared_ptr<const PartitionView>> views;
  {
    std::lock_guard lock(publish_mutex_);  // one consistent snapshot of every partition
    views = topic->views;
  }
  std::vector<PartitionInfo> out;
  for (size_t i = 0; i < views.size(); ++i) {
    const PartitionView& v = *views[i];
    PartitionInfo info;
    info.partition = static_cast<int32_t>(i);
    info.start_offset = v.start_offset;
    info.end_offset = v.end_offset;
    info.segments = static_cast<int32_t>(v.segments.size());
    for (size_t s = 0; s < v.segments.size(); ++s) {
      info.size_bytes += s + 1 == v.segments.size() ? v.active_size : v.segments[s]->size();
    }
    out.push_back(info);
  }
  return out;
}

Result<TopicDescription> EmbeddedLogImpl::describe_topic(std::string_view name) const {
  CF_ASSIGN_OR_RETURN(auto topic, find_topic(name));
  CF_ASSIGN_OR_RETURN(auto partitions, partition_offsets(name));
  return TopicDescription{topic->name, topic->config, std::move(partitions)};
}

Result<int64_t> EmbeddedLogImpl::append(const TopicPartition& target, std::span<const Record> records) {
  if (records.empty()) return Status::invalid_argument(fmt::format("nothing to append to {}", target.to_string()));
  CF_RETURN_IF_ERROR(check_batch_size(target.to_string(), records));
  CF_ASSIGN_OR_RETURN(auto located, locate(target));
  Partition* p = located.second;
  std::lock_guard lock(p->write_mutex());
  CF_ASSIGN_OR_RETURN(int64_t base, p->write(records, 0));
  if (Status synced = sync_or_drop(*p); !synced) return synced;
  Partition* const one[] = {p};
  publish(one);
  return base;
}

Result<Record> EmbeddedLogImpl::commit_record(const OffsetCommit& c) const {
  if (c.group.empty()) return Status::invalid_argument("consumer group name is empty");
  if (c.offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", c.offset));
  CF_RETURN_IF_ERROR(locate(c.partition).status());
  Record r;
  r.key = group_key(c.group, c.partition);
  r.value = std::to_string(c.offset);
  r.timestamp_ms = wall_clock_ms();
  return r;
}

void EmbeddedLogImpl::apply_commits(std::span<const OffsetCommit> commits) {
  std::lock_guard lock(groups_mutex_);
  for (const OffsetCommit& c : commits) groups_[c.group][c.partition] = c.offset;
}

Result<std::vector<int64_t>> EmbeddedLogImpl::append_atomic(std::span<const PartitionBatch> batches,
                                                            std::span<const OffsetCommit> commits) {
  // Gather every participant: the batches, plus the group commits as one more batch.
  struct Participant {
    Partition* partition;
    std::shared_ptr<Topic> topic;
    std::span<const Record> records;
    int64_t input_index;  // -1 for the commits
  };
  std::vector<Participant> parts;
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].records.empty()) {
      return Status::invalid_argument(fmt::format("atomic append: the batch for {} is empty", batches[i].target.to_string()));
    }
    CF_RETURN_IF_ERROR(check_batch_size("atomic append: " + batches[i].target.to_string(), batches[i].records));
    CF_ASSIGN_OR_RETURN(auto located, locate(batches[i].target));
    parts.push_back({located.second, located.first, batches[i].records, static_cast<int64_t>(i)});
  }
  std::vector<Record> commit_records;
  for (const OffsetCommit& c : commits) {
    CF_ASSIGN_OR_RETURN(Record r, commit_record(c));
    commit_records.push_back(std::move(r));
  }
  if (!commit_records.empty()) {
    CF_ASSIGN_OR_RETURN(auto located, locate({kOffsetsTopic, 0}));
    for (const Participant& p : parts) {
      if (p.partition == located.second) return Status::invalid_argument("atomic append: commit offsets with the commits argument, not by writing __consumer_offsets");
    }
    parts.push_back({located.second, located.first, commit_records, -1});
  }
  if (parts.empty()) return Status::invalid_argument("atomic append: nothing to append");
  std::sort(parts.begin(), parts.end(), [](const Participant& a, const Participant& b) { return a.partition->id() < b.partition->id(); });
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].partition == parts[i - 1].partition) {
      return Status::invalid_argument(
          fmt::format("atomic append: two batches for {}; merge them into one", parts[i].partition->id().to_string()));
    }
  }

  // Locks in one global order, so two atomic appends never wait for each other in a cycle.
  std::vector<std::unique_lock<std::mutex>> locks;
  for (const Participant& p : parts) locks.emplace_back(p.partition->write_mutex());
  const int64_t txn = journal_->begin();
  // Takes back the batches written so far and records the abort, so that neither recovery nor a
  // later rotation of the journal takes them for committed.
  auto abort = [&](size_t written, Status why) {
    for (size_t k = 0; k < written; ++k) (void)parts[k].partition->drop_trailing_batch();
    if (Status s = journal_->abort(txn); !s) log_error("log", "recording an aborted atomic append failed", {{"error", s.to_string()}});
    return why;
  };
  bool durable = false;
  std::vector<int64_t> bases(batches.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    auto written = parts[i].partition->write(parts[i].records, txn);
    if (!written) return abort(i, written.status());
    if (parts[i].input_index >= 0) bases[static_cast<size_t>(parts[i].input_index)] = *written;
    durable = durable || parts[i].partition->config().fsync == FsyncPolicy::kEveryBatch;
  }
  // Durable batches before the commit record: the journal must never name a batch that is lost.
  Status committed;
  if (durable) {
    for (const Participant& p : parts) {
      if (committed = p.partition->sync(); !committed) break;
    }
  }
  if (committed) committed = journal_->commit(txn, durable);
  // Nothing of a failed atomic append may stay behind a later batch, where recovery (which only
  // looks at the last batch) could not remove it.
  if (!committed) return abort(parts.size(), committed);
  for (const Participant& p : parts) {
    if (Status s = p.partition->committed(durable); !s) log_error("log", "recording a flush failed", {{"error", s.to_string()}});
  }
  std::vector<Partition*> published;
  for (const Participant& p : parts) published.push_back(p.partition);
  publish(published);
  apply_commits(commits);
  return bases;
}

Status EmbeddedLogImpl::commit_offsets(std::span<const OffsetCommit> commits) {
  if (commits.empty()) return Status::ok();
  std::vector<Record> records;
  for (const OffsetCommit& c : commits) {
    CF_ASSIGN_OR_RETURN(Record r, commit_record(c));
    records.push_back(std::move(r));
  }
  CF_ASSIGN_OR_RETURN(auto located, locate({kOffsetsTopic, 0}));
  Partition* p = located.second;
  std::lock_guard lock(p->write_mutex());  // the map follows the log's order
  CF_RETURN_IF_ERROR(p->write(records, 0).status());
  if (Status synced = sync_or_drop(*p); !synced) return synced;
  Partition* const one[] = {p};
  publish(one);
  apply_commits(commits);
  return Status::ok();
}

Result<std::optional<int64_t>> EmbeddedLogImpl::committed_offset(std::string_view group, const TopicPartition& tp) const {
  std::lock_guard lock(groups_mutex_);
  auto g = groups_.find(std::string(group));
  if (g == groups_.end()) return std::optional<int64_t>();
  auto it = g->second.find(tp);
  if (it == g->second.end()) return std::optional<int64_t>();
  return std::optional<int64_t>(it->second);
}

std::map<std::string, std::map<TopicPartition, int64_t>> EmbeddedLogImpl::list_group_offsets() const {
  std::lock_guard lock(groups_mutex_);
  return groups_;
}

Result<FetchResult> EmbeddedLogImpl::fetch(const TopicPartition& source, int64_t offset, FetchLimits limits) const {
  CF_ASSIGN_OR_RETURN(auto located, locate(source));
  auto view = view_of(*located.first, source.partition);
  return located.second->fetch(*view, offset, limits);
}

Result<StoredBatchesRead> EmbeddedLogImpl::read_stored_batches(const TopicPartition& source, int64_t offset,
                                                               int64_t max_bytes,
                                                               const std::function<bool(const StoredBatch&)>& visit) const {
  CF_ASSIGN_OR_RETURN(auto located, locate(source));
  auto view = view_of(*located.first, source.partition);
  return located.second->read_stored_batches(*view, offset, max_bytes, visit);
}

Result<bool> EmbeddedLogImpl::wait_for_data(const TopicPartition& source, int64_t offset,
                                            std::chrono::microseconds timeout) const {
  CF_ASSIGN_OR_RETURN(auto located, locate(source));
  const Topic& topic = *located.first;
  const auto index = static_cast<size_t>(source.partition);
  std::unique_lock lock(publish_mutex_);
  const bool ready = published_.wait_for(lock, timeout, [&] { return topic.deleted || topic.views[index]->end_offset > offset; });
  if (topic.deleted) return Status::not_found(fmt::format("topic '{}' was deleted", source.topic));
  return ready;
}

Result<bool> EmbeddedLogImpl::wait_for_any(std::span<const ReadPosition> positions,
                                           std::chrono::microseconds timeout) const {
  std::vector<std::shared_ptr<Topic>> topics;
  for (const ReadPosition& p : positions) {
    CF_ASSIGN_OR_RETURN(auto located, locate(p.partition));
    topics.push_back(located.first);
  }
  std::unique_lock lock(publish_mutex_);
  bool deleted = false;
  const bool ready = published_.wait_for(lock, timeout, [&] {
    for (size_t i = 0; i < positions.size(); ++i) {
      if (topics[i]->deleted) deleted = true;
      if (deleted || topics[i]->views[static_cast<size_t>(positions[i].partition.partition)]->end_offset > positions[i].offset) {
        return true;
      }
    }
    return false;
  });
  if (deleted) return Status::not_found("a topic being read was deleted");
  return ready;
}

Result<std::optional<int64_t>> EmbeddedLogImpl::offset_for_timestamp(const TopicPartition& source, int64_t ts_ms) const {
  CF_ASSIGN_OR_RETURN(auto located, locate(source));
  auto view = view_of(*located.first, source.partition);
  return located.second->offset_for_timestamp(*view, ts_ms);
}

Status EmbeddedLogImpl::run_maintenance(int64_t now_ms) {
  for (const auto& topic : all_topics()) {
    for (const auto& partition : topic->partitions) {
      std::lock_guard lock(partition->write_mutex());
      CF_RETURN_IF_ERROR(partition->apply_retention(now_ms));
      CF_RETURN_IF_ERROR(partition->compact(now_ms).with_context("compacting " + partition->id().to_string()));
      Partition* const one[] = {partition.get()};
      publish(one);
    }
  }
  return Status::ok();
}

Status EmbeddedLogImpl::flush() {
  for (const auto& topic : all_topics()) {
    for (const auto& partition : topic->partitions) {
      std::lock_guard lock(partition->write_mutex());
      CF_RETURN_IF_ERROR(partition->sync());
    }
  }
  return journal_ ? journal_->sync() : Status::ok();  // the flushed marks just recorded
}

void EmbeddedLogImpl::background_loop() {
  int64_t last_maintenance = steady_clock_ms();
  std::unique_lock lock(background_mutex_);
  while (!stopping_) {
    background_wake_.wait_for(lock, std::chrono::milliseconds(20));
    if (stopping_) break;
    lock.unlock();
    // A bug in one round is logged and the next round runs: the thread never takes the process down.
    Status round = catch_exceptions("the log's background round", [&] {
      const int64_t now = steady_clock_ms();
      for (const auto& topic : all_topics()) {
        if (topic->config.fsync != FsyncPolicy::kInterval) continue;
        for (const auto& partition : topic->partitions) {
          if (!partition->dirty() || now - partition->last_sync_ms() < topic->config.fsync_interval_ms) continue;
          std::lock_guard partition_lock(partition->write_mutex());
          if (Status s = partition->sync(); !s) log_error("log", "background fsync failed", {{"error", s.to_string()}});
        }
      }
      if (options_.maintenance_interval_ms > 0 && now - last_maintenance >= options_.maintenance_interval_ms) {
        last_maintenance = now;
        if (Status s = run_maintenance(wall_clock_ms()); !s) log_error("log", "maintenance failed", {{"error", s.to_string()}});
      }
      return Status::ok();
    });
    if (!round) log_error("log", "background round failed", {{"error", round.to_string()}});
    lock.lock();
  }
}

}  // namespace

Result<std::unique_ptr<EmbeddedLog>> EmbeddedLog::open(const std::string& dir, EmbeddedLogOptions options) {
  auto log = std::make_unique<EmbeddedLogImpl>(dir, std::move(options));
  CF_RETURN_IF_ERROR(log->initialize().with_context(fmt::format("opening log {}", dir)));
  return std::unique_ptr<EmbeddedLog>(std::move(log));
}

}  // namespace careflow::log
