#include "cdc/offset_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace careflow::cdc {

log::Record offset_record(const std::string& slot, const StoredOffset& offset, int64_t now_ms) {
  nlohmann::ordered_json v;
  v["lsn"] = offset.lsn;
  v["lsn_commit"] = offset.last_commit_lsn ? nlohmann::ordered_json(*offset.last_commit_lsn) : nullptr;
  v["txId"] = offset.tx_id ? nlohmann::ordered_json(*offset.tx_id) : nullptr;
  v["ts_usec"] = offset.commit_time_us;
  v["snapshot_completed"] = offset.snapshot_completed;
  if (offset.partial) {
    v["partial_tx"] = {{"commit_lsn", offset.partial->commit_lsn},
                       {"txId", offset.partial->tx_id},
                       {"records", offset.partial->records}};
  }
  log::Record r;
  r.key = slot;
  r.value = v.dump();
  r.timestamp_ms = now_ms;
  return r;
}

Result<std::optional<StoredOffset>> read_stored_offset(const log::Topics& topics, const std::string& slot) {
  auto partitions = topics.partition_offsets(kOffsetsTopic);
  if (!partitions) {
    if (partitions.status().code() == StatusCode::kNotFound) return std::optional<StoredOffset>();
    return partitions.status();
  }
  const int64_t start = partitions->at(0).start_offset;
  // Walk back from the end in chunks: the newest record of this slot is usually the last one.
  for (int64_t end = partitions->at(0).end_offset; end > start;) {
    const int64_t from = std::max(start, end - 256);
    CF_ASSIGN_OR_RETURN(log::FetchResult fetched, topics.fetch({kOffsetsTopic, 0}, from, {.max_records = end - from}));
    for (auto it = fetched.records.rbegin(); it != fetched.records.rend(); ++it) {
      if (it->offset >= end || it->key != slot || !it->value) continue;
      auto v = nlohmann::json::parse(*it->value, nullptr, false);
      if (v.is_discarded() || !v.contains("lsn") || !v["lsn"].is_number_unsigned()) {
        return Status::corruption(fmt::format("{} offset {}: not a CDC offset record: {}", kOffsetsTopic, it->offset, *it->value));
      }
      StoredOffset o;
      o.lsn = v["lsn"].get<Lsn>();
      if (v.contains("lsn_commit") && v["lsn_commit"].is_number()) o.last_commit_lsn = v["lsn_commit"].get<Lsn>();
      if (v.contains("txId") && v["txId"].is_number()) o.tx_id = v["txId"].get<int64_t>();
      o.commit_time_us = v.value("ts_usec", int64_t{0});
      o.snapshot_completed = v.value("snapshot_completed", true);
      if (v.contains("partial_tx")) {
        const auto& p = v["partial_tx"];
        if (!p.is_object() || !p.contains("commit_lsn") || !p["commit_lsn"].is_number_unsigned() || !p.contains("records") ||
            !p["records"].is_number_integer() || !p.contains("txId") || !p["txId"].is_number_integer()) {
          return Status::corruption(
              fmt::format("{} offset {}: partial_tx needs commit_lsn, txId and records: {}", kOffsetsTopic, it->offset, *it->value));
        }
        o.partial = PartialTransaction{p["commit_lsn"].get<Lsn>(), p["txId"].get<int64_t>(), p["records"].get<int64_t>()};
      }
      return std::optional<StoredOffset>(o);
    }
    end = from;
  }
  return std::optional<StoredOffset>();
}

Status ensure_offsets_topic(log::Topics& topics, log::TopicConfig base) {
  base.partitions = 1;
  base.cleanup = log::CleanupPolicy::kCompact;
  base.retention_ms = -1;
  Status created = topics.create_topic(kOffsetsTopic, base);
  if (!created && created.code() != StatusCode::kAlreadyExists) return created;
  return Status::ok();
}

}  // namespace careflow::cdc
