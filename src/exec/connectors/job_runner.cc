#include "exec/connectors/job_runner.h"

#include <fmt/format.h>

#include <thread>

#include "exec/connectors/connector.h"

namespace careflow::exec {

namespace {

// One job with its sources (one per scan) and its sink (an INSERT's table; none for a SELECT).
struct Running {
  Job* job;
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<bool> ended;
  std::unique_ptr<Sink> sink;
  int64_t rows_read = 0;
  int64_t rows_written = 0;
};

}  // namespace

Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options) {
  ConnectorContext context;
  context.topics = topics;
  context.bounded = options.bounded;
  context.registries = options.registries;
  context.start_offsets = options.start_offsets;
  std::vector<Running> running;
  for (Job* job : jobs) {
    Running r{job, {}, {}, nullptr, 0, 0};
    for (const SourceSlot& slot : job->sources()) {
      CF_ASSIGN_OR_RETURN(std::unique_ptr<Source> s, make_source(*slot.table, context));
      r.sources.push_back(std::move(s));
      r.ended.push_back(false);
    }
    if (const sql::TableDef* sink = job->sink_table()) {
      CF_ASSIGN_OR_RETURN(r.sink, make_sink(*sink, context));
    }
    CF_RETURN_IF_ERROR(job->start());
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
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (size_t i = 0; i < running.size(); ++i) CF_RETURN_IF_ERROR(deliver(i, running[i]));
  return stats;
}

}  // namespace careflow::exec
