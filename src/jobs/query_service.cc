#include "jobs/query_service.h"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <nlohmann/json.hpp>

#include "common/exception_guard.h"
#include "exec/connectors/job_runner.h"
#include "exec/row.h"

namespace careflow::jobs {

using Clock = std::chrono::steady_clock;

struct QueryService::Query {
  std::unique_ptr<exec::Job> job;
  bool bounded = false;
  Clock::time_point added;
  bool claimed = false;
  QueryOutput output;
  std::atomic<bool> stop{false};
  std::atomic<bool> done{false};
  Clock::time_point finished;  // set before `done`
  std::thread thread;
};

QueryService::QueryService(QueryServiceOptions options) : options_(std::move(options)) {
  watcher_ = std::thread([this] {
    // Guarded: the watcher failing must not end careflow; queries then end with their clients' connections.
    (void)catch_exceptions("the query watcher", [this] {
      watch();
      return Status::ok();
    });
  });
}

QueryService::~QueryService() {
  std::map<std::string, std::shared_ptr<Query>> queries;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    queries = queries_;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  for (auto& [id, q] : queries) q->stop = true;
  for (auto& [id, q] : queries) {
    if (q->thread.joinable()) q->thread.join();
  }
}

void QueryService::watch() {
  std::unique_lock lock(mu_);
  while (!closing_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    const Clock::time_point now = Clock::now();
    for (auto it = queries_.begin(); it != queries_.end();) {
      Query& q = *it->second;
      if (q.claimed && q.output.is_open && !q.output.is_open()) q.stop = true;
      const bool expired = !q.claimed && now - q.added > options_.unclaimed_for;
      const bool finished = q.done && (!q.output.is_open || !q.output.is_open() || now - q.finished > std::chrono::seconds(5));
      if (expired || finished) {
        if (q.thread.joinable()) q.thread.join();
        if (q.output.close) q.output.close();
        it = queries_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

Result<std::string> QueryService::add(std::unique_ptr<exec::Job> job, bool bounded) {
  std::lock_guard lock(mu_);
  if (queries_.size() >= options_.max_queries) {
    return Status::unavailable(fmt::format("{} queries are already waiting or running; end one first", queries_.size()));
  }
  auto q = std::make_shared<Query>();
  q->job = std::move(job);
  q->bounded = bounded;
  q->added = Clock::now();
  std::string id = fmt::format("q-{}", next_id_++);
  queries_[id] = q;
  return id;
}

Status QueryService::stream(const std::string& id, QueryOutput output) {
  std::shared_ptr<Query> q;
  {
    std::lock_guard lock(mu_);
    auto it = queries_.find(id);
    if (it == queries_.end() || it->second->claimed) {
      return Status::not_found(fmt::format("no query '{}' waiting for its stream (a query streams once, within {} s of being sent)",
                                           id, options_.unclaimed_for.count() / 1000));
    }
    q = it->second;
    q->claimed = true;
    q->output = std::move(output);
  }
  // Under the lock: the watcher joins finished threads, and this one may finish at once.
  std::lock_guard lock(mu_);
  q->thread = std::thread([this, q] {
    Status ran = catch_exceptions("a query", [&]() -> Status {
      std::unique_ptr<exec::SchemaRegistryClients> registries;
      if (options_.make_registries) registries = options_.make_registries();
      exec::RunOptions run;
      run.bounded = q->bounded;
      run.stop = &q->stop;
      run.registries = registries.get();
      run.on_rows = [&](size_t, const exec::RowBatch& rows, const std::vector<values::DataType>& types) {
        if (q->output.rows) {
          if (!q->output.rows(rows, types)) q->stop = true;
          return;
        }
        nlohmann::json lines = nlohmann::json::array();
        for (const exec::Row& row : rows) lines.push_back(exec::format_row(row, types));
        if (!q->output.send("rows", lines.dump())) q->stop = true;
      };
      auto stats = exec::run_jobs({q->job.get()}, options_.topics, run);
      if (!stats) return stats.status();
      q->output.send("end", nlohmann::json{{"rowsRead", stats->rows_read}, {"cancelled", q->stop.load()}}.dump());
      return Status::ok();
    });
    if (!ran) q->output.send("error", nlohmann::json{{"message", ran.message()}}.dump());
    // Not closed here: closing at once could cut the last events still being written. The client
    // closes after "end" or "error"; the watcher closes a stream left open after a grace period.
    q->finished = Clock::now();
    q->done = true;
    wake_.notify_all();
  });
  return Status::ok();
}

}  // namespace careflow::jobs
