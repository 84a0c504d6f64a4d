#include <fmt/format.h>

#include <charconv>

#include "log/topics.h"

namespace careflow::log {
namespace {

Result<int64_t> parse_int(const std::string& name, const std::string& value, int64_t min) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Status::invalid_argument(fmt::format("topic setting {}={}: not an integer", name, value));
  }
  if (out < min) return Status::invalid_argument(fmt::format("topic setting {}={}: must be at least {}", name, value, min));
  return out;
}

}  // namespace

Result<TopicConfig> parse_topic_config(const std::map<std::string, std::string>& settings, TopicConfig base) {
  TopicConfig c = base;
  for (const auto& [name, value] : settings) {
    if (name == "partitions") {
      CF_ASSIGN_OR_RETURN(int64_t n, parse_int(name, value, 1));
      if (n > 10000) return Status::invalid_argument(fmt::format("topic setting partitions={}: at most 10000", value));
      c.partitions = static_cast<int32_t>(n);
    } else if (name == "flush.policy") {
      if (value == "every-batch") c.fsync = FsyncPolicy::kEveryBatch;
      else if (value == "interval") c.fsync = FsyncPolicy::kInterval;
      else if (value == "never") c.fsync = FsyncPolicy::kNever;
      else return Status::invalid_argument(fmt::format("topic setting flush.policy={}: expected every-batch, interval or never", value));
    } else if (name == "flush.ms") {
      CF_ASSIGN_OR_RETURN(c.fsync_interval_ms, parse_int(name, value, 1));
    } else if (name == "segment.bytes") {
      CF_ASSIGN_OR_RETURN(c.segment_bytes, parse_int(name, value, 1024));
    } else if (name == "retention.ms") {
      CF_ASSIGN_OR_RETURN(c.retention_ms, parse_int(name, value, -1));
    } else if (name == "retention.bytes") {
      CF_ASSIGN_OR_RETURN(c.retention_bytes, parse_int(name, value, -1));
    } else if (name == "cleanup.policy") {
      if (value == "delete") c.cleanup = CleanupPolicy::kDelete;
      else if (value == "compact") c.cleanup = CleanupPolicy::kCompact;
      else return Status::invalid_argument(fmt::format("topic setting cleanup.policy={}: expected delete or compact", value));
    } else if (name == "delete.retention.ms") {
      CF_ASSIGN_OR_RETURN(c.delete_retention_ms, parse_int(name, value, 0));
    } else if (name == "index.interval.bytes") {
      CF_ASSIGN_OR_RETURN(c.index_interval_bytes, parse_int(name, value, 1));
    } else if (name == "compression.type") {
      if (value == "zstd") c.compression = Compression::kZstd;
      else if (value == "uncompressed") c.compression = Compression::kUncompressed;
      else return Status::invalid_argument(fmt::format("topic setting compression.type={}: expected zstd or uncompressed", value));
    } else {
      return Status::invalid_argument(fmt::format(
          "unknown topic setting '{}'; known: partitions, flush.policy, flush.ms, segment.bytes, retention.ms, "
          "retention.bytes, cleanup.policy, delete.retention.ms, index.interval.bytes, compression.type",
          name));
    }
  }
  return c;
}

std::map<std::string, std::string> topic_config_to_map(const TopicConfig& c) {
  return {{"partitions", std::to_string(c.partitions)},
          {"flush.policy", c.fsync == FsyncPolicy::kEveryBatch ? "every-batch" : c.fsync == FsyncPolicy::kInterval ? "interval" : "never"},
          {"flush.ms", std::to_string(c.fsync_interval_ms)},
          {"segment.bytes", std::to_string(c.segment_bytes)},
          {"retention.ms", std::to_string(c.retention_ms)},
          {"retention.bytes", std::to_string(c.retention_bytes)},
          {"cleanup.policy", c.cleanup == CleanupPolicy::kCompact ? "compact" : "delete"},
          {"delete.retention.ms", std::to_string(c.delete_retention_ms)},
          {"index.interval.bytes", std::to_string(c.index_interval_bytes)},
          {"compression.type", c.compression == Compression::kZstd ? "zstd" : "uncompressed"}};
}

}  // namespace careflow::log
