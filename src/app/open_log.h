#pragma once
// The embedded log under <data_dir>/log with the topic defaults from the configuration.

#include <memory>

#include "common/config.h"
#include "log/embedded_log.h"

namespace careflow::app {

log::TopicConfig default_topic_config(const Config& config);
// FailedPrecondition, explained for a person, when `careflow up` holds the directory.
Result<std::unique_ptr<log::EmbeddedLog>> open_embedded_log(const Config& config, bool background_maintenance);

}  // namespace careflow::app
