#include "jobs/delivery.h"

#include <fmt/format.h>

#include "exec/checkpoint/checkpoint_files.h"

namespace careflow::jobs {

namespace {

constexpr const char* kInterval = "execution.checkpointing.interval";

// Whether the table's rows go to a topic of the log, whose sink holds them for the checkpoint's
// atomic commit (exec/connectors/connector.h: no connector, 'kafka', 'upsert-kafka').
bool commits_with_checkpoints(const sql::TableDef& table) {
  const exec::ConnectorDefinition* c = exec::ConnectorRegistry::global().for_table(table);
  return c && (c->is_default || c->identifier == "kafka" || c->identifier == "upsert-kafka");
}

}  // namespace

Result<exec::CheckpointSettings> job_checkpoint_settings(const std::map<std::string, std::string>& settings,
                                                        const std::string& data_dir, const std::string& job_dir) {
  std::map<std::string, std::string> options = settings;
  // Flink: an interval of 0 means no checkpoints. Checked by value, not text ("0 s", "0 ms").
  if (auto it = options.find(kInterval); it != options.end()) {
    auto interval = exec::parse_flink_duration(it->second);
    if (!interval.is_ok()) return interval.status().with_context(fmt::format("'{}'", kInterval));
    if (interval->count() == 0) return exec::CheckpointSettings{};
  } else {
    options[kInterval] = std::to_string(kDefaultInterval.count()) + " ms";
  }
  // A job's checkpoints are its own: ids restart at job-1 in every data dir, so a shared directory
  // from a script's SET would mix the checkpoints of different jobs.
  options.erase("state.checkpoints.dir");
  options["execution.checkpointing.dir"] = job_dir + "/checkpoints";
  if (!options.count("execution.checkpointing.savepoint-dir") && !options.count("state.savepoints.dir")) {
    options["execution.checkpointing.savepoint-dir"] = data_dir + "/savepoints";
  }
  return exec::parse_checkpoint_settings(options);
}

Delivery plan_delivery(const exec::CheckpointSettings& settings, const std::vector<exec::Job*>& jobs,
                       const exec::ConnectorContext& context) {
  Delivery d;
  if (!settings.enabled()) {
    d.guarantee = fmt::format("at-least-once: checkpointing is off ('{}' = '0')", kInterval);
    return d;
  }
  for (const exec::Job* job : jobs) {
    if (Status s = job->check_checkpointable(); !s.is_ok()) {
      d.guarantee = "at-least-once: " + s.message();
      return d;
    }
    for (const exec::SourceSlot& slot : job->sources()) {
      auto source = exec::make_source(*slot.table, context);
      // A source that cannot open fails the run itself, with its own error.
      if (!source.is_ok()) continue;
      if (auto p = (*source)->position(); !p.is_ok()) {
        d.guarantee = fmt::format("at-least-once: the source of table '{}' cannot resume from a checkpoint ({})",
                                  slot.table->name, p.status().message());
        return d;
      }
    }
  }
  d.checkpoint = settings;
  d.guarantee = "exactly-once";
  for (const exec::Job* job : jobs) {
    const sql::TableDef* sink = job->sink_table();
    if (sink && !commits_with_checkpoints(*sink)) {
      d.guarantee = fmt::format(
          "at-least-once: the sink of table '{}' writes at once rather than with checkpoints (state is checkpointed; "
          "after a crash the rows since the last checkpoint are written again)",
          sink->name);
      break;
    }
  }
  return d;
}

Status check_savepoint(const std::string& path, const Delivery& delivery, const std::vector<exec::Job*>& jobs) {
  if (path.empty()) return Status::ok();
  if (!delivery.checkpoint.enabled()) {
    return Status::invalid_argument(
        fmt::format("a savepoint to start from is set ('execution.savepoint.path'), but the job runs {}", delivery.guarantee));
  }
  if (jobs.size() != 1) {
    return Status::invalid_argument(fmt::format(
        "a savepoint restores one INSERT ('execution.savepoint.path'), and this statement set makes {}", jobs.size()));
  }
  CF_ASSIGN_OR_RETURN(const std::string meta_path, exec::checkpoint::savepoint_meta_path(path));
  CF_ASSIGN_OR_RETURN(const exec::checkpoint::CheckpointMeta meta, exec::checkpoint::read_meta(meta_path));
  CF_RETURN_IF_ERROR(exec::checkpoint::check_plan_fits(meta, jobs[0]->operator_fingerprints(), meta_path));
  if (meta.sources.size() != jobs[0]->sources().size()) {
    return Status::invalid_argument(fmt::format("the state in {} has {} sources, this statement's plan {}", meta_path,
                                                meta.sources.size(), jobs[0]->sources().size()));
  }
  return Status::ok();
}

std::vector<std::string> checkpoint_names(const std::string& id, size_t jobs) {
  std::vector<std::string> names;
  for (size_t i = 0; i < jobs; ++i) names.push_back(i == 0 ? id : fmt::format("{}.{}", id, i));
  return names;
}

}  // namespace careflow::jobs
