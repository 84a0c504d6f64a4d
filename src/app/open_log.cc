#include "app/open_log.h"

#include <fmt/format.h>

#include <filesystem>

namespace careflow::app {

log::TopicConfig default_topic_config(const Config& config) {
  log::TopicConfig c;
  c.partitions = static_cast<int32_t>(config.integer("topics.partitions"));
  const std::string& policy = config.str("topics.flush_policy");
  c.fsync = policy == "every-batch" ? log::FsyncPolicy::kEveryBatch
            : policy == "never"     ? log::FsyncPolicy::kNever
                                    : log::FsyncPolicy::kInterval;
  c.fsync_interval_ms = config.integer("topics.flush_ms");
  c.segment_bytes = config.integer("topics.segment_bytes");
  c.retention_ms = config.integer("topics.retention_ms");
  return c;
}

Result<std::unique_ptr<log::EmbeddedLog>> open_embedded_log(const Config& config, bool background_maintenance) {
  log::EmbeddedLogOptions options;
  options.default_topic_config = default_topic_config(config);
  if (!background_maintenance) options.maintenance_interval_ms = 0;
  const std::string dir = (std::filesystem::path(config.str("data_dir")) / "log").string();
  auto opened = log::EmbeddedLog::open(dir, options);
  if (!opened && opened.status().code() == StatusCode::kFailedPrecondition) {
    return Status::failed_precondition(fmt::format(
        "the data dir {} is in use by another running careflow (careflow up); stop it or use another --data-dir "
        "(the topic commands work on a stopped instance for now)",
        config.str("data_dir")));
  }
  return opened;
}

}  // namespace careflow::app
