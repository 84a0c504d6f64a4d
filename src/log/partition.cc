#include "log/partition.h"
#include "common/clock.h"
#include "common/numbers.h"

#include <fcntl.h>
#include <fmt/format.h>
#include "common/logging.h"
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/crc32c.h"
#include "log/batch_reader.h"

namespace careflow::log {
namespace fs = std::filesystem;

Result<std::unique_ptr<Partition>> Partition::open(const std::string& dir, TopicPartition id, const TopicConfig& config,
                                                   bool create, TxnJournal& journal) {
  std::unique_ptr<Partition> p(new Partition(dir, std::move(id), config, journal));
  std::error_code ec;
  if (create) fs::create_directories(dir, ec);
  if (ec) return Status::io_error(fmt::format("creating {}: {}", dir, ec.message()));
  std::vector<int64_t> bases;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".cleaned")) {  // a compaction that did not finish: the original is intact
      fs::remove(entry.path(), ec);
      continue;
    }
    if (name.size() != 24 || !name.ends_with(".log")) continue;
    // Not a segment careflow wrote (its base offset does not parse): left alone.
    if (const auto base = parse_number<int64_t>(std::string_view(name).substr(0, 20))) bases.push_back(*base);
  }
  if (ec) return Status::io_error(fmt::format("listing {}: {}", dir, ec.message()));
  std::sort(bases.begin(), bases.end());
  const int64_t flushed_end = create ? -1 : journal.flushed_end(p->id_);
  for (size_t i = 0; i < bases.size(); ++i) {
    const bool last = i + 1 == bases.size();
    CF_ASSIGN_OR_RETURN(auto segment, Segment::open(dir, bases[i], config.index_interval_bytes, last, flushed_end));
    p->segments_.push_back(std::move(segment));
  }
  // Whole batches or segments missing at the end: nothing a crash does to flushed data.
  const int64_t end = p->segments_.empty() ? 0 : p->segments_.back()->next_offset();
  if (end < flushed_end) {
    const std::string where = p->segments_.empty() ? fmt::format("{}: no segment file", dir)
                                                   : fmt::format("segment {}: the file ends at byte {} (offset {})",
                                                                 p->segments_.back()->path(), p->segments_.back()->size(), end);
    return Status::corruption(fmt::format("{}, but offsets up to {} of {} were flushed (txn.journal): committed data is missing",
                                          where, flushed_end - 1, p->id_.to_string()));
  }
  if (p->segments_.empty()) {
    CF_ASSIGN_OR_RETURN(auto segment, Segment::create(dir, 0, config.index_interval_bytes));
    p->segments_.push_back(std::move(segment));
  }
  p->start_offset_ = p->segments_.front()->base_offset();
  // The next sync() covers every segment found: what a crash left only in the page cache becomes
  // durable, and the journal learns how far this partition is flushed.
  if (!create) {
    p->older_unsynced_.assign(p->segments_.begin(), std::prev(p->segments_.end()));
    p->dirty_ = true;
  }
  return p;
}

std::shared_ptr<const PartitionView> Partition::current_view() const {
  auto view = std::make_shared<PartitionView>();
  view->segments = segments_;
  view->start_offset = start_offset_;
  view->end_offset = segments_.back()->next_offset();
  view->active_size = segments_.back()->size();
  return view;
}

Status Partition::roll() {
  // Whatever the policy, a segment is complete on disk before the next one exists: a power cut
  // can then tear only the last segment's tail, never leave a gap before a later segment.
  CF_RETURN_IF_ERROR(sync());
  const auto& active = segments_.back();
  CF_ASSIGN_OR_RETURN(auto next, Segment::create(dir_, active->next_offset(), config_.index_interval_bytes));
  segments_.push_back(std::move(next));
  return Status::ok();
}

Result<int64_t> Partition::write(std::span<const Record> records, int64_t txn_id) {
  if (segments_.back()->size() >= config_.segment_bytes) CF_RETURN_IF_ERROR(roll());
  const int64_t base = segments_.back()->next_offset();
  encode_batch(records, base, txn_id, config_.compression, scratch_);
  CF_RETURN_IF_ERROR(segments_.back()->append(scratch_, parse_batch_header(scratch_.data())));
  dirty_ = true;
  if (txn_id != 0) pending_txn_base_ = base;
  return base;
}

int64_t Partition::committed_end() const {
  return pending_txn_base_ >= 0 ? pending_txn_base_ : segments_.back()->next_offset();
}

Status Partition::committed(bool synced) {
  pending_txn_base_ = -1;
  if (!synced) {
    unsynced_commit_ = true;
    return Status::ok();
  }
  return journal_.record_flushed(id_, committed_end(), /*durable=*/false);
}

Status Partition::sync() {
  last_sync_ms_ = steady_clock_ms();
  const bool dirty = dirty_.exchange(false);
  if (!dirty) return Status::ok();
  // Commit records first: a batch on disk through this sync must not lack its commit record.
  // (Only when this partition holds such a batch: plain appends pay no journal fsync.)
  if (unsynced_commit_) {
    CF_RETURN_IF_ERROR(journal_.sync_commits());
    unsynced_commit_ = false;
  }
  if (!older_unsynced_.empty()) {
    for (const auto& s : older_unsynced_) CF_RETURN_IF_ERROR(s->sync());
    older_unsynced_.clear();
  }
  CF_RETURN_IF_ERROR(segments_.back()->sync());
  return journal_.record_flushed(id_, committed_end(), /*durable=*/false);
}

bool Partition::trailing_batch(BatchHeader& header, std::string& file, int64_t& position) const {
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if ((*it)->last_batch(header, position)) {
      file = (*it)->path();
      return true;
    }
  }
  return false;
}

Status Partition::drop_trailing_batch() {
  pending_txn_base_ = -1;
  // A segment left empty by a roll (or a rollback) is removed, so the batch before it is last.
  while (segments_.size() > 1 && segments_.back()->size() == 0) {
    segments_.back()->remove_files_when_unused();
    segments_.pop_back();
  }
  BatchHeader header;
  int64_t position;
  if (!segments_.back()->last_batch(header, position)) return Status::ok();
  log_warn("log", "rolled back a batch that did not commit",
           {{"partition", id_.to_string()}, {"txn", std::to_string(header.txn_id)}, {"offset", std::to_string(header.base_offset)}});
  CF_RETURN_IF_ERROR(segments_.back()->truncate(position));
  // The journal must never name as flushed what is no longer there (durably: else a later open
  // would take the rollback for lost data).
  if (journal_.flushed_end(id_) > header.base_offset) {
    CF_RETURN_IF_ERROR(journal_.record_flushed(id_, header.base_offset, /*durable=*/true));
  }
  return Status::ok();
}

Status Partition::apply_retention(int64_t now_ms) {
  int64_t total = 0;
  for (const auto& s : segments_) total += s->size();
  while (segments_.size() > 1) {
    const auto& oldest = segments_.front();
    const bool too_old = config_.retention_ms >= 0 && oldest->max_timestamp() < now_ms - config_.retention_ms;
    const bool too_big = config_.retention_bytes >= 0 && total - oldest->size() >= config_.retention_bytes;
    if (!too_old && !too_big) break;
    total -= oldest->size();
    oldest->remove_files_when_unused();
    segments_.erase(segments_.begin());
  }
  start_offset_ = std::max(start_offset_, segments_.front()->base_offset());
  return Status::ok();
}

Status Partition::read_segment(const Segment& segment, int64_t limit, std::vector<Record>& out) const {
  BatchReader reader(segment.fd(), segment.path(), 0, limit);
  for (;;) {
    switch (reader.next()) {
      case BatchReader::Step::kBatch:
        CF_RETURN_IF_ERROR(decode_records(reader.header(), reader.bytes(), 0, out));
        reader.advance();
        break;
      case BatchReader::Step::kEnd:
        return Status::ok();
      case BatchReader::Step::kTorn:
        return Status::corruption(fmt::format("segment {}: incomplete batch at byte {}", segment.path(), reader.position()));
      case BatchReader::Step::kCorrupt:
        return reader.error();
    }
  }
}

Status Partition::compact(int64_t now_ms) {
  if (config_.cleanup != CleanupPolicy::kCompact || segments_.size() < 2) return Status::ok();
  // The latest offset of every key in the whole partition.
  std::map<std::string, int64_t> latest;
  std::vector<std::vector<Record>> records(segments_.size());
  for (size_t i = 0; i < segments_.size(); ++i) {
    CF_RETURN_IF_ERROR(read_segment(*segments_[i], segments_[i]->size(), records[i]));
    for (const Record& r : records[i]) {
      if (r.key) latest[*r.key] = r.offset;
    }
  }
  std::vector<std::shared_ptr<Segment>> result;
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {  // never the active segment
    const auto& segment = segments_[i];
    std::vector<Record> kept;
    for (Record& r : records[i]) {
      const bool newest = !r.key || latest[*r.key] == r.offset;
      const bool expired_tombstone = !r.value && r.timestamp_ms < now_ms - config_.delete_retention_ms;
      if (newest && !expired_tombstone) kept.push_back(std::move(r));
    }
    if (kept.size() == records[i].size()) {
      result.push_back(segment);
      continue;
    }
    if (kept.empty()) {
      segment->remove_files_when_unused();
      continue;
    }
    // Write the survivors with their original offsets, then swap the files in.
    const std::string cleaned = segment->cleaned_path();
    {
      int fd = ::open(cleaned.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) return Status::from_errno("creating " + cleaned, errno);
      Status written;
      std::string batch;
      for (size_t from = 0; from < kept.size() && written.is_ok(); from += 1000) {
        const size_t n = std::min<size_t>(1000, kept.size() - from);
        std::vector<int64_t> offsets;
        for (size_t k = from; k < from + n; ++k) offsets.push_back(kept[k].offset);
        encode_batch(std::span(kept).subspan(from, n), offsets.front(), 0, config_.compression, batch, &offsets);
        if (::write(fd, batch.data(), batch.size()) != static_cast<ssize_t>(batch.size())) {
          written = Status::from_errno("writing " + cleaned, errno);
        }
      }
      if (written.is_ok() && ::fdatasync(fd) != 0) written = Status::from_errno("fdatasync " + cleaned, errno);
      ::close(fd);
      CF_RETURN_IF_ERROR(written);
    }
    const std::string base = fs::path(segment->path()).replace_extension("").string();
    ::unlink((base + ".index").c_str());  // rebuilt from the new file when it is opened below
    ::unlink((base + ".timeindex").c_str());
    if (::rename(cleaned.c_str(), segment->path().c_str()) != 0) return Status::from_errno("renaming " + cleaned, errno);
    CF_ASSIGN_OR_RETURN(auto reopened, Segment::open(dir_, segment->base_offset(), config_.index_interval_bytes, false));
    result.push_back(std::move(reopened));
  }
  result.push_back(segments_.back());
  segments_ = std::move(result);
  return Status::ok();
}

Status Partition::check_read_offset(const PartitionView& view, int64_t offset) const {
  if (offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", offset));
  if (offset < view.start_offset) {
    return Status::out_of_range(fmt::format("offset {} of {} is before the start offset {} (removed by retention)", offset,
                                            id_.to_string(), view.start_offset));
  }
  if (offset > view.end_offset) {
    return Status::out_of_range(
        fmt::format("offset {} is past the end of {} (end offset {})", offset, id_.to_string(), view.end_offset));
  }
  return Status::ok();
}

Status Partition::for_each_batch(const PartitionView& view, int64_t offset, int64_t read_hint,
                                 const BatchVisitor& visit) const {
  auto first = std::upper_bound(view.segments.begin(), view.segments.end(), offset,
                                [](int64_t o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
  if (first != view.segments.begin()) --first;
  for (auto it = first; it != view.segments.end(); ++it) {
    const Segment& segment = **it;
    const bool active = std::next(it) == view.segments.end();
    const int64_t limit = active ? view.active_size : segment.size();
    const int64_t position = it == first ? segment.position_for_offset(offset) : 0;
    // Read about what the caller wants, not a whole buffer, when it wants little.
    const size_t buffer = static_cast<size_t>(std::clamp<int64_t>(read_hint, 64 * 1024, 4 << 20));
    BatchReader reader(segment.fd(), segment.path(), position, limit, buffer, segment.checked_bytes(), read_hint);
    for (;;) {
      const BatchReader::Step step = reader.next();
      if (step == BatchReader::Step::kEnd) break;
      if (step == BatchReader::Step::kCorrupt) return reader.error();
      if (step == BatchReader::Step::kTorn) {
        return Status::corruption(fmt::format("segment {}: incomplete or damaged batch at byte {}", segment.path(), reader.position()));
      }
      const BatchHeader& h = reader.header();
      if (h.base_offset >= view.end_offset) return Status::ok();
      segment.note_checked(reader.position(), reader.position() + h.total_size());
      if (h.last_offset() >= offset) {
        CF_ASSIGN_OR_RETURN(const bool more, visit(h, reader.bytes(), segment.path()));
        if (!more) return Status::ok();
      }
      reader.advance();
    }
  }
  return Status::ok();
}

Result<FetchResult> Partition::fetch(const PartitionView& view, int64_t offset, const FetchLimits& limits) const {
  CF_RETURN_IF_ERROR(check_read_offset(view, offset));
  FetchResult result;
  result.end_offset = view.end_offset;
  result.next_offset = offset;
  if (offset == view.end_offset) return result;
  int64_t bytes = 0;
  bool limited = false;
  const Status walked = for_each_batch(
      view, offset, limits.max_bytes, [&](const BatchHeader& h, const char* batch, const std::string& path) -> Result<bool> {
        const size_t before = result.records.size();
        CF_RETURN_IF_ERROR(decode_records(h, batch, offset, result.records).with_context(path));
        // max_bytes bounds the records handed back, not the batches read: a compressed batch
        // can hold a hundred times its size.
        for (size_t i = before; i < result.records.size(); ++i) bytes += result.records[i].payload_bytes();
        result.next_offset = h.last_offset() + 1;
        if (static_cast<int64_t>(result.records.size()) >= limits.max_records) {
          if (static_cast<int64_t>(result.records.size()) > limits.max_records) {
            result.records.resize(static_cast<size_t>(std::max<int64_t>(limits.max_records, 1)));
            result.next_offset = result.records.back().offset + 1;
          }
          limited = true;
          return false;
        }
        limited = bytes >= limits.max_bytes && !result.records.empty();
        return !limited;
      });
  CF_RETURN_IF_ERROR(walked);
  // Whatever remains up to the end was removed by compaction.
  if (!limited && result.records.empty()) result.next_offset = std::max(result.next_offset, view.end_offset);
  return result;
}

Result<StoredBatchesRead> Partition::read_stored_batches(const PartitionView& view, int64_t offset, int64_t max_bytes,
                                                         const std::function<bool(const StoredBatch&)>& visit) const {
  CF_RETURN_IF_ERROR(check_read_offset(view, offset));
  StoredBatchesRead read{view.end_offset, offset};
  if (offset == view.end_offset) return read;
  int64_t bytes = 0;
  bool stopped = false;
  CF_RETURN_IF_ERROR(for_each_batch(view, offset, max_bytes, [&](const BatchHeader& h, const char* batch, const std::string&) -> Result<bool> {
    StoredBatch stored;
    stored.base_offset = h.base_offset;
    stored.last_offset_delta = h.last_offset_delta;
    stored.first_timestamp = h.first_timestamp;
    stored.max_timestamp = h.max_timestamp;
    stored.record_count = h.record_count;
    stored.codec = h.codec();
    stored.records = std::string_view(batch + kBatchHeaderSize, static_cast<size_t>(h.total_size()) - kBatchHeaderSize);
    // The batch CRC covers bytes 20.. (header tail + records) and was checked (now or earlier, see
    // Segment::checked_bytes): the records' own CRC follows from it by taking the header tail off,
    // without a second pass over them.
    const uint32_t header_tail = crc32c(batch + 20, kBatchHeaderSize - 20);
    stored.records_crc = h.crc ^ crc32c_combine(header_tail, 0, stored.records.size());
    read.next_offset = h.last_offset() + 1;
    bytes += static_cast<int64_t>(stored.records.size());
    stopped = !visit(stored) || bytes >= max_bytes;
    return !stopped;
  }));
  if (!stopped && bytes == 0) read.next_offset = std::max(read.next_offset, view.end_offset);  // compacted away
  return read;
}

Result<std::optional<int64_t>> Partition::offset_for_timestamp(const PartitionView& view, int64_t ts) const {
  for (size_t i = 0; i < view.segments.size(); ++i) {
    const Segment& segment = *view.segments[i];
    if (segment.max_timestamp() < ts) continue;
    const bool active = i + 1 == view.segments.size();
    BatchReader reader(segment.fd(), segment.path(), segment.position_for_timestamp(ts), active ? view.active_size : segment.size());
    for (;;) {
      const BatchReader::Step step = reader.next();
      if (step == BatchReader::Step::kEnd) break;
      if (step != BatchReader::Step::kBatch) {
        return step == BatchReader::Step::kCorrupt ? reader.error()
                                                   : Status::corruption(fmt::format("segment {}: incomplete batch at byte {}",
                                                                                    segment.path(), reader.position()));
      }
      const BatchHeader& h = reader.header();
      if (h.base_offset >= view.end_offset) break;
      if (h.max_timestamp >= ts) {
        std::vector<Record> records;
        CF_RETURN_IF_ERROR(decode_records(h, reader.bytes(), view.start_offset, records));
        for (const Record& r : records) {
          if (r.timestamp_ms >= ts) return std::optional<int64_t>(r.offset);
        }
      }
      reader.advance();
    }
  }
  return std::optional<int64_t>();
}

}  // namespace careflow::log
