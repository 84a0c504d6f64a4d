#include "exec/connectors/job_runner.h"

#include <fmt/format.h>

#include <cctype>
#include <thread>

#include "common/clock.h"
#include "exec/connectors/connector.h"

namespace careflow::exec {

namespace {

// One job with its sources (one per scan) and its sink (an INSERT's table; none for a SELECT).
struct Running {
  Job* job;
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<bool> ended;
  std::unique_ptr<Sink> sink;
  std::unique_ptr<JobCheckpointer> checkpointer;
  bool moved_since_checkpoint = false;
  int64_t rows_read = 0;
  int64_t rows_written = 0;
};

// Letters, digits, '.', '_' and '-' only: the name becomes a directory and a consumer group.
std::string job_name(const RunOptions& options, size_t index, const Job& job) {
  std::string name = index < options.job_names.size() ? options.job_names[index] : "";
  if (name.empty()) name = fmt::format("job-{}-{}", index, job.sink_table() ? job.sink_table()->name : "select");
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return name;
}

// careflow's late-row side output: the topic exists before the job runs (one partition, made
// when missing; an existing one is used as it is).
Status ensure_late_rows_topic(const Job& job, log::Topics* topics) {
  const std::string& topic = job.late_rows_topic();
  if (topic.empty()) return Status::ok();
  if (!topics) {
    return Status::invalid_argument(
        fmt::format("'table.exec.late-rows.topic' = '{}' needs the log, and none is open here", topic));
  }
  for (const std::string& t : topics->list_topics()) {
    if (t == topic) return Status::ok();
  }
  Status s = topics->create_topic(topic, log::TopicConfig{});
  if (s.code() == StatusCode::kAlreadyExists) return Status::ok();
  return s.with_context("creating the late-rows topic");
}

// The late rows the job dropped since the last call, appended to its late-rows topic, keyed by the
// job's name. Written at once, not with the checkpoints: after a restore, rows dropped between the
// checkpoint and the failure are dropped, and written, again (at least once).
Status write_late_rows(Job& job, const std::string& name, log::Topics* topics) {
  if (job.late_rows_topic().empty()) return Status::ok();
  std::vector<std::string> values = job.take_late_rows();
  if (values.empty()) return Status::ok();
  std::vector<log::Record> records(values.size());
  const int64_t now = wall_clock_ms();
  for (size_t i = 0; i < values.size(); ++i) {
    records[i].key = name;
    records[i].value = std::move(values[i]);
    records[i].timestamp_ms = now;
  }
  auto appended = topics->append({job.late_rows_topic(), 0}, records);
  if (!appended) {
    return appended.status().with_context(fmt::format("writing late rows to topic '{}'", job.late_rows_topic()));
  }
  return Status::ok();
}

}  // namespace

Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options) {
  ConnectorContext context;
  context.topics = topics;
  context.bounded = options.bounded;
  context.registries = options.registries;
  context.start_offsets = options.start_offsets;
  std::vector<Running> running;
  for (Job* job : jobs) {
    CF_RETURN_IF_ERROR(ensure_late_rows_topic(*job, topics));
    Running r{job, {}, {}, nullptr, nullptr, false, 0, 0};
    for (const SourceSlot& slot : job->sources()) {
      CF_ASSIGN_OR_RETURN(std::unique_ptr<Source> s, make_source(*slot.table, context));
      r.sources.push_back(std::move(s));
      r.ended.push_back(false);
    }
    if (const sql::TableDef* sink = job->sink_table()) {
      CF_ASSIGN_OR_RETURN(r.sink, make_sink(*sink, context));
    }
    bool restored = false;
    if (options.checkpoint.enabled()) {
      std::vector<Source*> sources;
      for (auto& s : r.sources) sources.push_back(s.get());
      r.checkpointer = std::make_unique<JobCheckpointer>(*job, job_name(options, running.size(), *job), options.checkpoint,
                                                         topics, std::move(sources), r.sink.get());
      CF_RETURN_IF_ERROR(r.checkpointer->start());
      restored = r.checkpointer->stats().restored_from.has_value();
      if (restored && options.on_checkpoint) options.on_checkpoint(running.size(), r.checkpointer->stats());
    }
    // A restored job's constant rows (VALUES) were part of the input its state already holds.
    if (!restored) CF_RETURN_IF_ERROR(job->start());
    running.push_back(std::move(r));
  }
  RunStats stats;
  auto progress = [&](size_t index, const Running& r, bool failing) {
    if (!options.on_progress) return;
    JobProgress p{index, r.job, r.rows_read, r.rows_written, {}, failing};
    for (const auto& source : r.sources) {
      for (SourcePosition& position : source->positions()) p.positions.push_back(std::move(position));
    }
    options.on_progress(p);
  };
  auto deliver = [&](size_t index, Running& r) -> Status {
    CF_RETURN_IF_ERROR(write_late_rows(*r.job, job_name(options, index, *r.job), topics));
    RowBatch out = r.job->take_output();
    if (out.empty()) return Status::ok();
    if (r.sink) {
      CF_ASSIGN_OR_RETURN(int64_t written, r.sink->write(out));
      stats.rows_written += written;
      r.rows_written += written;
      return Status::ok();
    }
    if (options.on_rows) options.on_rows(index, out, r.job->result_types());
    return Status::ok();
  };
  for (size_t i = 0; i < running.size(); ++i) progress(i, running[i], false);  // where each starts
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
        r.rows_read += static_cast<int64_t>(batch.size());
        Status pushed = r.job->push_full(s, std::move(batch));
        if (pushed.is_ok()) pushed = r.job->emit_watermarks();
        if (pushed.is_ok()) pushed = deliver(i, r);
        if (!pushed.is_ok()) {
          progress(i, r, true);
          return pushed;
        }
        progress(i, r, false);
        r.moved_since_checkpoint = true;
      }
      // Between two batches, everything pushed has run through and reached the sink: the
      // consistent cut a checkpoint needs (job_checkpointer.h). An idle job skips its turn.
      if (r.checkpointer && r.checkpointer->due(std::chrono::steady_clock::now())) {
        if (r.moved_since_checkpoint) {
          CF_RETURN_IF_ERROR(r.checkpointer->checkpoint());
          if (options.on_checkpoint) options.on_checkpoint(i, r.checkpointer->stats());
        }
        r.moved_since_checkpoint = false;
      }
    }
    if (moved) continue;
    // Unbounded, the run ends when every source has ended for good (files, datagen, bounded
    // topics). Bounded, when a round moves no row: every source is read to its end and no job
    // wrote anything another could read.
    if (all_ended) {
      // Every input has ended: Flink's final MAX watermark fires what is still open.
      for (Running& r : running) CF_RETURN_IF_ERROR(r.job->end_input());
      break;
    }
    // No row this round. Processing time still passes, so watermarks are emitted anyway (Flink
    // emits them periodically, rows or not): a source idle for its timeout stops holding back
    // the others, and what that fires goes out and into the next checkpoint.
    for (size_t i = 0; i < running.size(); ++i) {
      Running& r = running[i];
      CF_RETURN_IF_ERROR(r.job->emit_watermarks());
      if (r.job->has_output()) {
        CF_RETURN_IF_ERROR(deliver(i, r));
        r.moved_since_checkpoint = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (size_t i = 0; i < running.size(); ++i) CF_RETURN_IF_ERROR(deliver(i, running[i]));
  // The end of the run commits what it produced: a last checkpoint, or the savepoint asked for.
  const bool savepoint = options.stop_with_savepoint && options.stop_with_savepoint->load();
  const bool savepoint_dir = !options.checkpoint.savepoint_dir.empty();
  for (size_t i = 0; i < running.size(); ++i) {
    Running& r = running[i];
    if (!r.checkpointer) {
      // Without checkpoints, a sink that commits itself (Iceberg) commits once, at the end.
      if (r.sink) CF_RETURN_IF_ERROR(r.sink->finish());
      continue;
    }
    if (savepoint && savepoint_dir) {
      CF_ASSIGN_OR_RETURN(std::string where, r.checkpointer->savepoint(options.checkpoint.savepoint_dir));
      stats.savepoints.push_back(std::move(where));
    } else {
      CF_RETURN_IF_ERROR(r.checkpointer->checkpoint());
    }
    stats.checkpoints.push_back(r.checkpointer->stats());
    if (options.on_checkpoint) options.on_checkpoint(i, r.checkpointer->stats());
  }
  if (savepoint && !savepoint_dir && !running.empty()) {
    return Status::failed_precondition(
        "no savepoint written (a last checkpoint was): a stop with savepoint needs 'execution.checkpointing.savepoint-dir'");
  }
  return stats;
}

}  // namespace careflow::exec
