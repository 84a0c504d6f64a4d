#include "jobs/job_manager.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>

#include "common/clock.h"
#include "common/exception_guard.h"
#include "common/logging.h"
#include "exec/connectors/job_runner.h"
#include "exec/checkpoint/checkpoint_files.h"
#include "exec/session_results.h"
#include "jobs/delivery.h"
#include "jobs/restart_strategy.h"

namespace careflow::jobs {

using Clock = std::chrono::steady_clock;

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string group_of(const std::string& id) { return "careflow-job-" + id; }

// "topic 'raw' partition 0 offset 12": the records read by the batch that failed, found by
// comparing where the sources stood before it with where they stood after it.
std::string failing_place(const std::vector<exec::SourcePosition>& before, const std::vector<exec::SourcePosition>& after) {
  std::vector<std::string> places;
  for (const exec::SourcePosition& a : after) {
    int64_t from = a.next_offset;
    for (const exec::SourcePosition& b : before) {
      if (b.topic == a.topic && b.partition == a.partition) from = std::min(from, b.next_offset);
    }
    if (a.next_offset <= from) continue;
    if (a.next_offset - from == 1) {
      places.push_back(fmt::format("topic '{}' partition {} offset {}", a.topic, a.partition, from));
    } else {
      places.push_back(fmt::format("topic '{}' partition {} offsets {} to {} (one batch; the row is among them)", a.topic,
                                   a.partition, from, a.next_offset - 1));
    }
  }
  std::string out;
  for (const std::string& p : places) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

struct JobManager::Job {
  JobDefinition definition;
  RestartStrategy strategy;
  std::string dir;

  mutable std::mutex mu;
  std::condition_variable wake;  // a stop during a restart's delay
  std::string state = "PENDING";
  std::string error, error_location;
  int64_t restarts = 0;
  int64_t rows_in = 0, rows_out = 0;
  std::deque<std::tuple<Clock::time_point, int64_t, int64_t>> samples;  // (when, rows in, rows out), 10 s
  std::map<std::pair<std::string, int32_t>, PartitionLag> lag;
  std::optional<int64_t> watermark;
  std::vector<std::vector<exec::Job::LateCount>> late_rows;  // per INSERT of the attempt running
  bool stopped_by_user = false;
  std::optional<Delivery> delivery;  // decided at submit and by each attempt
  std::vector<exec::CheckpointStats> checkpoint_stats;  // per INSERT, of the attempt running
  int64_t checkpoints = 0;                              // completed since careflow started
  std::vector<std::string> savepoints;

  std::atomic<bool> stop{false};
  std::atomic<bool> savepoint{false};  // set before `stop` for STOP JOB ... WITH SAVEPOINT
  std::thread thread;
};

nlohmann::ordered_json to_json(const JobInfo& j) {
  nlohmann::ordered_json lag = nlohmann::ordered_json::array();
  for (const PartitionLag& l : j.lag) {
    lag.push_back({{"topic", l.topic}, {"partition", l.partition}, {"offset", l.offset}, {"endOffset", l.end_offset},
                   {"lag", std::max<int64_t>(0, l.end_offset - l.offset)}});
  }
  nlohmann::ordered_json late = nlohmann::ordered_json::array();
  for (const exec::Job::LateCount& l : j.late_rows) late.push_back({{"operator", l.op}, {"rows", l.rows}});
  nlohmann::ordered_json checkpoint;  // null until one completed (or was restored)
  if (const auto& c = j.last_checkpoint) {
    checkpoint = {{"id", c->id},         {"timeMs", c->time_ms},   {"durationMs", c->duration_ms},
                  {"bytes", c->bytes},   {"stateBytes", c->state_bytes}, {"count", c->count},
                  {"restoredFrom", c->restored_from ? nlohmann::ordered_json(*c->restored_from) : nlohmann::ordered_json()}};
  }
  return {{"id", j.id},
          {"name", j.name},
          {"state", j.state},
          {"statement", j.statement},
          {"rowsIn", j.rows_in},
          {"rowsOut", j.rows_out},
          {"rowsInPerSecond", j.rows_in_per_second},
          {"rowsOutPerSecond", j.rows_out_per_second},
          {"watermark", j.watermark_ms ? nlohmann::ordered_json(*j.watermark_ms) : nlohmann::ordered_json()},
          {"lateRowsDropped", late},
          {"lag", lag},
          {"restarts", j.restarts},
          {"restartStrategy", j.restart_strategy},
          {"error", j.error.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(j.error)},
          {"errorLocation", j.error_location.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(j.error_location)},
          {"deliveryGuarantee", j.delivery.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(j.delivery)},
          {"stateSize", j.last_checkpoint ? nlohmann::ordered_json(j.last_checkpoint->state_bytes) : nlohmann::ordered_json()},
          {"lastCheckpoint", checkpoint},
          {"savepoints", j.savepoints},
          {"positions", j.positions},
          {"createdMs", j.created_ms},
          {"dir", j.dir}};
}

Result<std::unique_ptr<exec::Session>> session_with(const std::string& catalog,
                                                    const std::map<std::string, std::string>& settings) {
  auto session = std::make_unique<exec::Session>();
  if (!catalog.empty()) {
    auto replayed = session->execute_script(catalog);
    if (!replayed) return replayed.status().with_context("replaying the catalog (catalog.sql)");
  }
  for (const auto& [key, value] : settings) {
    auto set = session->execute_script(fmt::format("SET {} = {}", quote(key), quote(value)));
    if (!set) return set.status().with_context(fmt::format("SET '{}'", key));
  }
  return session;
}

JobManager::JobManager(JobManagerOptions options, JobStore store) : options_(std::move(options)), store_(std::move(store)) {}

Result<std::unique_ptr<JobManager>> JobManager::open(JobManagerOptions options) {
  CF_ASSIGN_OR_RETURN(JobStore store, JobStore::open(options.data_dir));
  std::unique_ptr<JobManager> m(new JobManager(std::move(options), std::move(store)));
  std::vector<std::string> broken;
  for (JobStore::Loaded& loaded : m->store_.load(&broken)) {
    auto job = std::make_shared<Job>();
    job->definition = std::move(loaded.definition);
    job->dir = m->store_.job_dir(job->definition.id);
    job->state = loaded.state.state;
    job->error = loaded.state.error;
    job->error_location = loaded.state.error_location;
    job->restarts = loaded.state.restarts;
    auto strategy = restart_strategy_from(job->definition.settings);
    job->strategy = strategy ? *strategy : RestartStrategy{};
    m->jobs_.push_back(job);
    if (job->state == "RUNNING" || job->state == "PENDING") {
      job->state = "PENDING";  // until its sources are open again
      m->start(job);
      ++m->resumed_;
    }
  }
  for (const std::string& b : broken) log_error("jobs", "a kept job cannot be read; it is skipped", {{"job", b}});
  return m;
}

JobManager::~JobManager() {
  std::vector<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mu_);
    jobs = jobs_;
  }
  for (auto& job : jobs) {
    job->stop = true;
    job->wake.notify_all();
  }
  for (auto& job : jobs) {
    if (job->thread.joinable()) job->thread.join();
  }
}

void JobManager::start(const std::shared_ptr<Job>& job) {
  job->thread = std::thread([this, job] {
    // Guarded: whatever happens in a job, the process goes on (run() reports it in the job's state).
    Status s = catch_exceptions(fmt::format("job {}", job->definition.id), [&] {
      run(job);
      return Status::ok();
    });
    if (!s) log_error("jobs", "job thread failed", {{"job", job->definition.id}, {"error", s.to_string()}});
  });
}

void JobManager::run(const std::shared_ptr<Job>& job) {
  Job& j = *job;
  auto keep = [&](const std::string& state) {
    StoredState s;
    {
      std::lock_guard lock(j.mu);
      j.state = state;
      s = {state, j.error, j.error_location, j.restarts, wall_clock_ms()};
    }
    std::lock_guard lock(mu_);
    if (Status saved = store_.save_state(j.definition.id, s); !saved) {
      log_error("jobs", "cannot keep a job's state", {{"job", j.definition.id}, {"error", saved.to_string()}});
    }
  };
  for (;;) {
    Status outcome = catch_exceptions(fmt::format("job {}", j.definition.id), [&] { return attempt(j); });
    if (j.stop) {
      bool by_user;
      {
        std::lock_guard lock(j.mu);
        by_user = j.stopped_by_user;
      }
      // Stopped by the user: STOPPED for good. Stopped because careflow stops: kept as it was
      // (RUNNING), so the next start resumes it. A last checkpoint or savepoint that failed is
      // the job's error (stop() reports it too).
      if (!outcome) {
        std::lock_guard lock(j.mu);
        j.error = outcome.message();
      }
      if (by_user) keep("STOPPED");
      return;
    }
    if (outcome) {
      log_info("jobs", "job completed", {{"job", j.definition.id}});
      keep("COMPLETED");
      return;
    }
    int64_t restart;
    {
      std::lock_guard lock(j.mu);
      j.error = outcome.message();
      restart = j.restarts + 1;
    }
    auto delay = j.strategy.delay_before(restart);
    log_error("jobs", "job failed",
              {{"job", j.definition.id}, {"error", outcome.message()}, {"restart", delay ? std::to_string(restart) : "none left"}});
    if (!delay) {
      keep("FAILED");
      return;
    }
    {
      std::lock_guard lock(j.mu);
      j.restarts = restart;
    }
    keep("PENDING");
    std::unique_lock lock(j.mu);
    j.wake.wait_for(lock, *delay, [&] { return j.stop.load(); });
  }
}

Status JobManager::attempt(Job& j) {
  CF_ASSIGN_OR_RETURN(std::unique_ptr<exec::Session> session, session_with(j.definition.catalog, j.definition.settings));
  CF_ASSIGN_OR_RETURN(std::vector<exec::StatementResult> results, session->execute_script(j.definition.statement));
  std::vector<exec::Job*> jobs;
  for (exec::StatementResult& r : results) {
    if (r.kind == exec::StatementResult::Kind::kJob) jobs.push_back(r.job.get());
  }
  if (jobs.empty()) return Status::invalid_argument("the statement makes no job");
  std::unique_ptr<exec::SchemaRegistryClients> registries;
  if (options_.make_registries) registries = options_.make_registries();

  const std::string group = group_of(j.definition.id);
  exec::RunOptions run;
  run.stop = &j.stop;
  run.registries = registries.get();
  CF_ASSIGN_OR_RETURN(const exec::CheckpointSettings settings,
                      job_checkpoint_settings(j.definition.settings, options_.data_dir, j.dir));
  exec::ConnectorContext context;
  context.topics = options_.topics;
  context.registries = registries.get();
  const Delivery delivery = plan_delivery(settings, jobs, context);
  const bool checkpointed = delivery.checkpoint.enabled();
  {
    std::lock_guard lock(j.mu);
    j.delivery = delivery;
    j.checkpoint_stats.assign(jobs.size(), exec::CheckpointStats{});
    j.late_rows.assign(jobs.size(), {});
  }
  if (checkpointed) {
    // Each INSERT resumes from its last committed checkpoint, found by its stable name.
    run.checkpoint = delivery.checkpoint;
    run.job_names = checkpoint_names(j.definition.id, jobs.size());
    run.stop_with_savepoint = &j.savepoint;
    run.on_checkpoint = [&j](size_t index, const exec::CheckpointStats& stats) {
      std::lock_guard lock(j.mu);
      exec::CheckpointStats& before = j.checkpoint_stats.at(index);
      j.checkpoints += std::max<int64_t>(0, stats.checkpoints - before.checkpoints);
      before = stats;
    };
  }
  const auto groups = options_.topics->list_group_offsets();
  const auto committed_offsets = groups.find(group);
  if (committed_offsets != groups.end()) {
    for (const auto& [partition, offset] : committed_offsets->second) {
      run.start_offsets[{partition.topic, partition.partition}] = offset;
    }
  }
  int64_t base_in, base_out;
  {
    std::lock_guard lock(j.mu);
    base_in = j.rows_in;
    base_out = j.rows_out;
    j.error_location.clear();
  }
  // Per job of the run: rows so far and where its sources stand after its last good batch.
  std::vector<std::pair<int64_t, int64_t>> counts(jobs.size());
  std::vector<std::vector<exec::SourcePosition>> good(jobs.size());
  std::map<std::pair<std::string, int32_t>, int64_t> committed;
  auto commit = [&] {
    std::map<std::pair<std::string, int32_t>, int64_t> lowest;
    for (const auto& positions : good) {
      for (const exec::SourcePosition& p : positions) {
        auto [it, inserted] = lowest.emplace(std::make_pair(p.topic, p.partition), p.next_offset);
        if (!inserted) it->second = std::min(it->second, p.next_offset);
      }
    }
    if (lowest == committed) return;
    std::vector<log::OffsetCommit> commits;
    for (const auto& [tp, offset] : lowest) commits.push_back({group, {tp.first, tp.second}, offset});
    if (commits.empty()) return;
    committed = lowest;
    if (Status s = options_.topics->commit_offsets(commits); !s) {
      log_warn("jobs", "cannot commit a job's source offsets", {{"job", j.definition.id}, {"error", s.to_string()}});
    }
  };
  run.on_progress = [&](const exec::JobProgress& p) {
    if (p.failing) {
      std::lock_guard lock(j.mu);
      j.error_location = failing_place(good[p.index], p.positions);
      return;
    }
    counts[p.index] = {p.rows_read, p.rows_written};
    good[p.index] = p.positions;
    std::optional<int64_t> watermark;
    bool all = true;
    for (const exec::SourceSlot& slot : p.job->sources()) {
      if (!slot.assigner) continue;
      const int64_t w = slot.assigner->current_watermark();
      if (w == exec::kNoWatermark) all = false;
      else watermark = std::min(watermark.value_or(w), w);
    }
    const Clock::time_point now = Clock::now();
    {
      std::lock_guard lock(j.mu);
      int64_t in = base_in, out = base_out;
      for (const auto& [r, w] : counts) {
        in += r;
        out += w;
      }
      j.rows_in = in;
      j.rows_out = out;
      if (j.samples.empty() || now - std::get<0>(j.samples.back()) >= std::chrono::milliseconds(200)) {
        j.samples.emplace_back(now, in, out);
        while (j.samples.size() > 2 && now - std::get<0>(j.samples.front()) > std::chrono::seconds(10)) j.samples.pop_front();
      }
      for (const exec::SourcePosition& s : p.positions) {
        j.lag[{s.topic, s.partition}] = {s.topic, s.partition, s.next_offset, s.end_offset};
      }
      if (all) j.watermark = watermark;
      if (p.index < j.late_rows.size()) j.late_rows[p.index] = p.job->late_rows_by_operator();
      if (j.state != "RUNNING") j.state = "RUNNING";
    }
    // At least once, after every batch written: a restart reads again only the batch in flight.
    // Checkpointed, the positions are the checkpoint's.
    if (!checkpointed) commit();
  };
  {
    // Kept as RUNNING once its sources are open (the first progress); kept now so a crash resumes it.
    StoredState s;
    {
      std::lock_guard lock(j.mu);
      s = {"RUNNING", j.error, j.error_location, j.restarts, wall_clock_ms()};
    }
    std::lock_guard lock(mu_);
    (void)store_.save_state(j.definition.id, s);
  }
  auto ran = exec::run_jobs(jobs, options_.topics, run);
  if (!ran) return ran.status();
  if (!checkpointed) commit();  // a clean end: everything read was delivered
  if (!ran->savepoints.empty()) {
    std::lock_guard lock(j.mu);
    j.savepoints = ran->savepoints;
  }
  {
    // The run's totals: rows delivered after the last progress (VALUES, the end of input) count too.
    std::lock_guard lock(j.mu);
    j.rows_in = base_in + ran->rows_read;
    j.rows_out = base_out + ran->rows_written;
  }
  return Status::ok();
}

Result<JobInfo> JobManager::submit(JobDefinition definition) {
  CF_ASSIGN_OR_RETURN(RestartStrategy strategy, restart_strategy_from(definition.settings));
  // Checked here against a placeholder folder (the id comes later); each run uses the job's own.
  CF_ASSIGN_OR_RETURN(const exec::CheckpointSettings settings,
                      job_checkpoint_settings(definition.settings, options_.data_dir, store_.job_dir("job-0")));
  Delivery delivery;
  // Planned once here, so that a statement that cannot run is refused with its line:column.
  {
    CF_ASSIGN_OR_RETURN(std::unique_ptr<exec::Session> session, session_with(definition.catalog, definition.settings));
    CF_ASSIGN_OR_RETURN(std::vector<exec::StatementResult> results, session->execute_script(definition.statement));
    std::vector<std::string> tables;
    std::vector<exec::Job*> jobs;
    for (const exec::StatementResult& r : results) {
      if (r.kind == exec::StatementResult::Kind::kJob && r.is_insert) {
        tables.push_back(r.job->sink_table()->name);
        jobs.push_back(r.job.get());
      }
    }
    if (tables.empty()) {
      return Status::invalid_argument(
          "line 1:1: the statement makes no job; a job is an INSERT INTO, an EXECUTE STATEMENT SET or a CREATE TABLE AS");
    }
    if (definition.name.empty()) {
      definition.name = "insert-into_";
      for (size_t i = 0; i < tables.size(); ++i) definition.name += (i ? "," : "") + tables[i];
    }
    std::unique_ptr<exec::SchemaRegistryClients> registries;
    if (options_.make_registries) registries = options_.make_registries();
    exec::ConnectorContext context;
    context.topics = options_.topics;
    context.registries = registries.get();
    delivery = plan_delivery(settings, jobs, context);
    CF_RETURN_IF_ERROR(check_savepoint(settings.restore_from, delivery, jobs));
  }
  auto job = std::make_shared<Job>();
  {
    std::lock_guard lock(mu_);
    definition.id = store_.next_id();
    definition.created_ms = wall_clock_ms();
    CF_RETURN_IF_ERROR(store_.save_definition(definition));
    CF_RETURN_IF_ERROR(store_.save_state(definition.id, {"PENDING", "", "", 0, definition.created_ms}));
    job->definition = definition;
    job->strategy = strategy;
    job->dir = store_.job_dir(definition.id);
    job->delivery = delivery;
    jobs_.push_back(job);
  }
  log_info("jobs", "job submitted", {{"job", definition.id}, {"name", definition.name}, {"delivery", delivery.guarantee}});
  start(job);
  return info(*job);
}

JobInfo JobManager::info(const Job& j) const {
  JobInfo i;
  i.id = j.definition.id;
  i.name = j.definition.name;
  i.statement = j.definition.statement;
  i.created_ms = j.definition.created_ms;
  i.dir = j.dir;
  i.restart_strategy = j.strategy.describe();
  std::lock_guard lock(j.mu);
  if (j.delivery && j.delivery->checkpoint.enabled()) {
    const exec::CheckpointSettings& c = j.delivery->checkpoint;
    i.positions = fmt::format("checkpoints every {} ms into {}/checkpoints ({}); a restart resumes from the last completed one",
                              c.interval.count(), j.dir, c.incremental ? "incremental" : "full");
  } else {
    i.positions = fmt::format("source offsets committed for consumer group '{}' after each batch written; a restart "
                              "resumes there with empty operator state",
                              group_of(j.definition.id));
  }
  if (j.delivery) i.delivery = j.delivery->guarantee;
  i.savepoints = j.savepoints;
  for (const exec::CheckpointStats& c : j.checkpoint_stats) {
    if (c.last_id == 0) continue;
    if (!i.last_checkpoint) {
      i.last_checkpoint = CheckpointInfo{};
      i.last_checkpoint->id = c.last_id;
      i.last_checkpoint->restored_from = c.restored_from;
    }
    CheckpointInfo& info = *i.last_checkpoint;
    info.time_ms = std::max(info.time_ms, c.last_time_ms);
    info.duration_ms += static_cast<double>(c.last_duration.count()) / 1000.0;
    info.bytes += c.last_bytes;
    info.state_bytes += c.state_bytes;
  }
  if (i.last_checkpoint) i.last_checkpoint->count = j.checkpoints;
  i.state = j.state;
  i.error = j.error;
  i.error_location = j.error_location;
  i.restarts = j.restarts;
  i.rows_in = j.rows_in;
  i.rows_out = j.rows_out;
  i.watermark_ms = j.watermark;
  for (const auto& per_job : j.late_rows) i.late_rows.insert(i.late_rows.end(), per_job.begin(), per_job.end());
  for (const auto& [key, lag] : j.lag) i.lag.push_back(lag);
  // Rows per second over the last 5 seconds (0 when nothing moved in them).
  const Clock::time_point now = Clock::now();
  if (!j.samples.empty() && i.state == "RUNNING") {
    const auto& newest = j.samples.back();
    auto oldest = j.samples.front();
    for (const auto& s : j.samples) {
      if (now - std::get<0>(s) <= std::chrono::seconds(5)) break;
      oldest = s;
    }
    const double seconds = std::chrono::duration<double>(now - std::get<0>(oldest)).count();
    if (seconds > 0.05) {
      i.rows_in_per_second = static_cast<double>(std::get<1>(newest) - std::get<1>(oldest)) / seconds;
      i.rows_out_per_second = static_cast<double>(std::get<2>(newest) - std::get<2>(oldest)) / seconds;
    }
  }
  return i;
}

std::vector<JobInfo> JobManager::list() const {
  std::vector<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mu_);
    jobs = jobs_;
  }
  std::vector<JobInfo> out;
  for (const auto& j : jobs) out.push_back(info(*j));
  return out;
}

Result<JobInfo> JobManager::describe(const std::string& id) const {
  std::lock_guard lock(mu_);
  std::string ids;
  for (const auto& j : jobs_) {
    if (j->definition.id == id) return info(*j);
    ids += (ids.empty() ? "" : ", ") + j->definition.id;
  }
  return Status::not_found(fmt::format("no job '{}'; the jobs are: {}", id, ids.empty() ? "none yet" : ids));
}

Result<JobInfo> JobManager::stop(const std::string& id, bool savepoint) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard lock(mu_);
    for (const auto& j : jobs_) {
      if (j->definition.id == id) job = j;
    }
  }
  if (!job) return describe(id).status();
  {
    std::lock_guard lock(job->mu);
    if (job->state != "RUNNING" && job->state != "PENDING") {
      return Status::failed_precondition(fmt::format("job '{}' is {}, not running", id, job->state));
    }
    if (savepoint && job->state != "RUNNING") {
      return Status::failed_precondition(fmt::format(
          "job '{}' is {} (its sources are not open): a savepoint is taken of a RUNNING job; STOP JOB '{}' stops it without one",
          id, job->state, id));
    }
    if (savepoint && !(job->delivery && job->delivery->checkpoint.enabled())) {
      return Status::failed_precondition(fmt::format("job '{}' has no checkpointed state to save: it runs {}", id,
                                                     job->delivery ? job->delivery->guarantee : "without checkpoints"));
    }
    job->stopped_by_user = true;
    job->savepoints.clear();
  }
  job->savepoint = savepoint;
  job->stop = true;
  job->wake.notify_all();
  if (job->thread.joinable() && job->thread.get_id() != std::this_thread::get_id()) job->thread.join();
  JobInfo stopped = info(*job);
  if (savepoint && stopped.savepoints.empty()) {
    return Status::internal(fmt::format("job '{}' stopped, but no savepoint was written: {}", id,
                                        stopped.error.empty() ? "its run ended before the savepoint" : stopped.error));
  }
  return stopped;
}

Result<std::string> JobManager::catalog() const {
  std::lock_guard lock(mu_);
  return store_.catalog();
}

Status JobManager::append_catalog(const std::string& statement) {
  std::lock_guard lock(mu_);
  return store_.append_catalog(statement);
}

std::string jobs_table(const std::vector<JobInfo>& jobs) {
  std::vector<std::string> header = {"id", "name", "state", "delivery", "rows in", "rows out", "rows/s in", "restarts", "error"};
  auto cut = [](std::string text, size_t width) {
    if (text.size() > width) text = text.substr(0, width - 3) + "...";
    return text;
  };
  std::vector<std::vector<std::string>> rows;
  for (const JobInfo& j : jobs) {
    rows.push_back({j.id, j.name, j.state, cut(j.delivery, 48), std::to_string(j.rows_in), std::to_string(j.rows_out),
                    fmt::format("{:.1f}", j.rows_in_per_second), std::to_string(j.restarts), cut(j.error, 60)});
  }
  return exec::session_results::table_text(header, rows);
}

std::string job_description(const JobInfo& j) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) { out += fmt::format("{:<17} {}\n", std::string(key) + ":", value); };
  add("id", j.id);
  add("name", j.name);
  add("state", j.state);
  add("statement", j.statement);
  add("rows in", fmt::format("{} ({:.1f}/s)", j.rows_in, j.rows_in_per_second));
  add("rows out", fmt::format("{} ({:.1f}/s)", j.rows_out, j.rows_out_per_second));
  add("watermark", j.watermark_ms ? std::to_string(*j.watermark_ms) : "none");
  for (const exec::Job::LateCount& l : j.late_rows) add("late rows", fmt::format("{} dropped by {}", l.rows, l.op));
  add("restarts", fmt::format("{} ({})", j.restarts, j.restart_strategy));
  if (!j.error.empty()) add("error", j.error);
  if (!j.error_location.empty()) add("error at", j.error_location);
  add("delivery", j.delivery.empty() ? "decided when it runs" : j.delivery);
  if (const auto& c = j.last_checkpoint) {
    add("state size", fmt::format("{} bytes", c->state_bytes));
    if (c->count == 0 && c->restored_from) {
      add("last checkpoint", fmt::format("{} (restored at start; none taken since)", c->id));
    } else {
      // The time in UTC as the log's lines print it, to the millisecond.
      const auto at = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(c->time_ms));
      add("last checkpoint", fmt::format("{} at {:%Y-%m-%dT%H:%M:%S}Z, took {:.1f} ms, wrote {} bytes", c->id,
                                         at, c->duration_ms, c->bytes));
    }
    add("checkpoints", fmt::format("{} since careflow started{}", c->count,
                                   c->restored_from ? fmt::format(" (restored from {})", *c->restored_from) : ""));
  } else {
    add("state size", "no checkpoint yet");
    add("last checkpoint", "none yet");
  }
  for (const std::string& path : j.savepoints) add("savepoint", path);
  add("positions", j.positions);
  add("folder", j.dir);
  for (const PartitionLag& l : j.lag) {
    out += fmt::format("  source {} partition {}: offset {} of {}, lag {}\n", l.topic, l.partition, l.offset, l.end_offset,
                       std::max<int64_t>(0, l.end_offset - l.offset));
  }
  return out;
}

}  // namespace careflow::jobs
