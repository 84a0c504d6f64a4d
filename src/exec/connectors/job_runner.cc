#include "exec/connectors/job_runner.h"

#include <fmt/format.h>

#include <thread>

#include "common/clock.h"
#include "exec/connectors/record_format.h"
#include "exec/connectors/source.h"
#include "log/kafka_partitioner.h"

namespace careflow::exec {

namespace {

// Where one job's output goes.
struct Running {
  Job* job;
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<bool> ended;
  std::unique_ptr<RecordFormat> sink_format;
  std::string sink_topic;
  int32_t sink_partitions = 1;
};

Status write_rows(Running& r, log::Topics* topics, const RowBatch& rows, RunStats* stats) {
  std::vector<log::Record> records;
  for (const Row& row : rows) {
    // Only the physical columns are written; writable metadata columns are not stored in records.
    Row physical{row.kind, {}};
    const sql::TableDef& table = *r.job->sink_table();
    size_t i = 0;
    for (const sql::TableColumn& c : table.columns) {
      if (c.computed || c.is_virtual) continue;
      if (c.is_physical()) physical.fields.push_back(row.fields[i]);
      ++i;
    }
    Status encoded = r.sink_format->encode(physical, &records);
    if (!encoded.is_ok()) return encoded.with_context(fmt::format("writing table '{}'", table.name));
  }
  std::map<int32_t, std::vector<log::Record>> by_partition;
  const int64_t now_ms = wall_clock_ms();
  for (log::Record& rec : records) {
    rec.timestamp_ms = now_ms;  // CreateTime, as a Kafka producer stamps it
    int32_t p = rec.key ? log::kafka_partition_for_key(*rec.key, r.sink_partitions) : 0;
    by_partition[p].push_back(std::move(rec));
  }
  for (auto& [p, recs] : by_partition) {
    auto appended = topics->append({r.sink_topic, p}, recs);
    if (!appended.is_ok()) return appended.status().with_context(fmt::format("writing table '{}'", r.job->sink_table()->name));
    stats->rows_written += static_cast<int64_t>(recs.size());
  }
  return Status::ok();
}

}  // namespace

Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options) {
  std::vector<Running> running;
  for (Job* job : jobs) {
    Running r{job, {}, {}, nullptr, "", 1};
    for (const SourceSlot& slot : job->sources()) {
      SourceOptions so;
      so.bounded = options.bounded;
      so.registries = options.registries;
      CF_ASSIGN_OR_RETURN(std::unique_ptr<Source> s, make_source(*slot.table, topics, so));
      r.sources.push_back(std::move(s));
      r.ended.push_back(false);
    }
    if (const sql::TableDef* sink = job->sink_table()) {
      const std::string* connector = sink->option("connector");
      if (connector && (*connector == "filesystem" || *connector == "datagen")) {
        return Status::invalid_argument(fmt::format("table '{}': writing to the '{}' connector is not supported; write "
                                                    "to a topic (no connector, 'kafka' or 'upsert-kafka')",
                                                    sink->name, *connector));
      }
      if (!topics) return Status::failed_precondition(fmt::format("table '{}' is a topic, but no log is open", sink->name));
      CF_ASSIGN_OR_RETURN(r.sink_format, make_record_format(*sink, options.registries));
      CF_RETURN_IF_ERROR(ensure_topic(*sink, topics));
      r.sink_topic = topic_of(*sink);
      CF_ASSIGN_OR_RETURN(log::TopicDescription d, topics->describe_topic(r.sink_topic));
      r.sink_partitions = static_cast<int32_t>(d.partitions.size());
    }
    CF_RETURN_IF_ERROR(job->start());
    running.push_back(std::move(r));
  }
  RunStats stats;
  auto deliver = [&](size_t index, Running& r) -> Status {
    RowBatch out = r.job->take_output();
    if (out.empty()) return Status::ok();
    if (r.job->sink_table()) return write_rows(r, topics, out, &stats);
    if (options.on_rows) options.on_rows(index, out, r.job->result_types());
    return Status::ok();
  };
  for (size_t i = 0; i < running.size(); ++i) CF_RETURN_IF_ERROR(deliver(i, running[i]));
  while (!(options.stop && options.stop->load())) {
    bool moved = false;
    bool all_ended = true;
    for (size_t i = 0; i < running.size(); ++i) {
      Running& r = running[i];
      for (size_t s = 0; s < r.sources.size(); ++s) {
        RowBatch batch;
        CF_ASSIGN_OR_RETURN(bool more, r.sources[s]->poll(&batch, options.batch_rows));
        if (!more) r.ended[s] = true;
        else all_ended = false;
        if (batch.empty()) continue;
        moved = true;
        stats.rows_read += static_cast<int64_t>(batch.size());
        Status pushed = r.job->push_full(s, std::move(batch));
        if (!pushed.is_ok()) return pushed;
        CF_RETURN_IF_ERROR(deliver(i, r));
      }
    }
    if (moved) continue;
    // Unbounded, the run ends when every source has ended for good (files, datagen, bounded
    // topics). Bounded, when a round moves no row: every source is read to its end and no job
    // wrote anything another could read.
    if (all_ended) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (size_t i = 0; i < running.size(); ++i) CF_RETURN_IF_ERROR(deliver(i, running[i]));
  return stats;
}

}  // namespace careflow::exec
