#include "jobs/flink_gateway.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <random>

#include "common/exception_guard.h"
#include "jobs/flink_operation.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace careflow::jobs {

using Clock = std::chrono::steady_clock;
using StatementKind = sql::Statement::Kind;

struct FlinkGateway::Session {
  std::string name;
  std::map<std::string, std::string> properties;  // its SET keys
  Clock::time_point last_used;
  std::map<std::string, std::shared_ptr<Operation>> operations;
  bool closed = false;  // closed or expired: a statement still running in it adds no operation
};

namespace {

using Operations = std::vector<std::shared_ptr<FlinkGateway::Operation>>;

// Closes a session (under the gateway's lock) and hands back its operations for close_all.
Operations take_operations(FlinkGateway::Session& session) {
  session.closed = true;
  Operations out;
  for (auto& [id, op] : session.operations) out.push_back(op);
  session.operations.clear();
  return out;
}

// CLOSED: their SELECTs stop (operation_output's callbacks see it), their pages are gone.
void close_all(const Operations& operations) {
  for (const auto& op : operations) {
    std::lock_guard lock(op->mu);
    op->status = "CLOSED";
    op->changed.notify_all();
  }
}

std::string new_uuid() {
  static std::mutex mu;
  static std::mt19937_64 random{std::random_device{}()};
  std::lock_guard lock(mu);
  uint64_t hi = random(), lo = random();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFULL);
}

bool configures_session(const sql::Statement& s) {
  switch (s.kind) {
    case StatementKind::kSet:
    case StatementKind::kReset:
    case StatementKind::kUseCatalog:
    case StatementKind::kUseDatabase:
    case StatementKind::kCreateView:
    case StatementKind::kDropTable:
    case StatementKind::kDropView:
    case StatementKind::kAlterTable: return true;
    case StatementKind::kCreateTable: return !s.create_table->as_query;
    default: return false;
  }
}

}  // namespace

FlinkGateway::FlinkGateway(SqlGateway& sql, JobManager& jobs, QueryService& queries, FlinkGatewayOptions options)
    : sql_(sql), jobs_(jobs), queries_(queries), options_(options) {
  expirer_ = std::thread([this] {
    // Guarded: if it fails, idle sessions are still closed when the gateway is next used.
    (void)catch_exceptions("the SQL Gateway's session expiry", [this] {
      std::unique_lock lock(mu_);
      const auto period = std::clamp(options_.idle_timeout / 4, std::chrono::milliseconds(50), std::chrono::milliseconds(60'000));
      while (!closing_) {
        wake_.wait_for(lock, period);
        if (closing_) break;
        lock.unlock();
        expire();
        lock.lock();
      }
      return Status::ok();
    });
  });
}

FlinkGateway::~FlinkGateway() {
  Operations operations;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    for (auto& [handle, session] : sessions_) {
      Operations taken = take_operations(*session);
      operations.insert(operations.end(), taken.begin(), taken.end());
    }
    sessions_.clear();
  }
  wake_.notify_all();
  if (expirer_.joinable()) expirer_.join();
  close_all(operations);
}

void FlinkGateway::expire() {
  Operations operations;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (now - it->second->last_used > options_.idle_timeout) {
        Operations taken = take_operations(*it->second);
        operations.insert(operations.end(), taken.begin(), taken.end());
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  close_all(operations);
}

size_t FlinkGateway::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

Result<std::string> FlinkGateway::open_session(const std::string& name, const std::map<std::string, std::string>& properties) {
  expire();
  std::lock_guard lock(mu_);
  if (sessions_.size() >= options_.max_sessions) {
    return Status::unavailable(fmt::format("{} SQL Gateway sessions are open, the most there may be; close one "
                                           "(DELETE /v2/sessions/<handle>) or wait for an idle one to expire",
                                           sessions_.size()));
  }
  auto session = std::make_shared<Session>();
  session->name = name;
  session->properties = properties;
  session->last_used = Clock::now();
  std::string handle = new_uuid();
  sessions_[handle] = session;
  return handle;
}

Result<std::shared_ptr<FlinkGateway::Session>> FlinkGateway::find(const std::string& session) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return Status::not_found(fmt::format("Session '{}' does not exist (closed, expired after {} s idle, or never opened)",
                                         session, options_.idle_timeout.count() / 1000));
  }
  it->second->last_used = Clock::now();
  return it->second;
}

Result<std::shared_ptr<FlinkGateway::Operation>> FlinkGateway::find(const std::string& session, const std::string& operation) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, find(session));
  std::lock_guard lock(mu_);
  auto it = s->operations.find(operation);
  if (it == s->operations.end()) {
    return Status::not_found(fmt::format("Can not find the submitted operation '{}' in session '{}'", operation, session));
  }
  return it->second;
}

Status FlinkGateway::heartbeat(const std::string& session) { return find(session).status(); }

Result<std::map<std::string, std::string>> FlinkGateway::session_config(const std::string& session) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, find(session));
  std::lock_guard lock(mu_);
  return s->properties;
}

Status FlinkGateway::close_session(const std::string& session) {
  Operations operations;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return Status::not_found(fmt::format("Session '{}' does not exist", session));
    operations = take_operations(*it->second);
    sessions_.erase(it);
  }
  close_all(operations);
  return Status::ok();
}

Status FlinkGateway::configure_session(const std::string& session, const std::string& statement) {
  CF_RETURN_IF_ERROR(find(session).status());
  CF_ASSIGN_OR_RETURN(std::vector<sql::ScriptStatement> parsed, sql::parse_script(statement));
  if (parsed.size() != 1) {
    return Status::invalid_argument(fmt::format("configure-session takes one statement, not {}", parsed.size()));
  }
  if (!configures_session(*parsed.front().statement)) {
    const sql::SourcePos pos = parsed.front().statement->pos;
    return Status::invalid_argument(fmt::format(
        "line {}:{}: configure-session takes SET, RESET, CREATE, DROP, ALTER and USE; run other statements with "
        "POST /v2/sessions/<handle>/statements",
        pos.line, pos.column));
  }
  CF_ASSIGN_OR_RETURN(std::string op, execute(session, statement, {}));
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Operation> operation, find(session, op));
  Status outcome;
  {
    std::lock_guard lock(operation->mu);
    outcome = operation->status == "ERROR" ? operation->error : Status::ok();
  }
  (void)close_operation(session, op);
  return outcome;
}

Result<std::string> FlinkGateway::execute(const std::string& session, const std::string& statement,
                                          const std::map<std::string, std::string>& execution_config) {
  expire();
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, find(session));
  GatewayRequest request;
  request.script = statement;
  {
    std::lock_guard lock(mu_);
    size_t open = s->operations.size();
    if (open >= options_.max_operations) {
      return Status::unavailable(fmt::format("session '{}' has {} open operations, the most there may be; close some "
                                             "(DELETE .../operations/<handle>/close)",
                                             session, open));
    }
    request.settings = s->properties;
  }
  for (const auto& [k, v] : execution_config) request.settings[k] = v;

  auto op = std::make_shared<Operation>();
  auto fail = [&](Status error) {
    op->status = "ERROR";
    op->error = std::move(error);
  };
  std::optional<GatewayResult> result;
  bool set_alone = false;
  auto parsed = sql::parse_script(statement);
  if (!parsed) {
    fail(parsed.status());
  } else if (parsed->size() != 1) {
    fail(Status::invalid_argument(fmt::format("the SQL Gateway executes one statement at a time; {} were sent", parsed->size())));
  } else {
    const sql::Statement& s0 = *parsed->front().statement;
    set_alone = s0.kind == StatementKind::kSet && s0.key.empty();
    auto results = sql_.execute(request);
    if (!results) fail(results.status());
    else if (!results->empty()) result = std::move(results->back());
  }

  std::string handle = new_uuid();
  std::optional<std::string> query;
  if (result) answer(*op, *result, set_alone, request.settings, &query);

  {
    std::lock_guard lock(mu_);
    if (result && result->kind == GatewayResult::Kind::kSet) {
      // The session keeps its SET keys (not the statement's execution config), as Flink's does.
      if (!result->key.empty() && !result->value.empty()) s->properties[result->key] = result->value;
      else if (result->key.empty()) s->properties.clear();
      else s->properties.erase(result->key);
    }
    if (s->closed) {
      // The session went while the statement ran: nobody can fetch this, so nothing streams into it.
      close_all({op});
      return Status::not_found(fmt::format("Session '{}' was closed while its statement ran", session));
    }
    s->operations[handle] = op;
  }

  if (query) {
    Status started = queries_.stream(*query, operation_output(op, options_.max_buffered_rows));
    if (!started) {
      std::lock_guard lock(op->mu);
      op->status = "ERROR";
      op->error = started;
      op->ended = true;
    }
  }
  return handle;
}

void FlinkGateway::settle(Operation& op) {
  if (op.awaited_job.empty() || op.status != "RUNNING") return;
  auto job = jobs_.describe(op.awaited_job);
  if (!job) {
    op.status = "ERROR";
    op.error = job.status();
  } else if (job->state == "COMPLETED") {
    op.status = "FINISHED";
  } else if (job->state == "FAILED") {
    op.status = "ERROR";
    op.error = Status::internal(fmt::format("job '{}' failed: {}", job->id, job->error));
  } else if (job->state == "STOPPED") {
    op.status = "ERROR";
    op.error = Status::failed_precondition(fmt::format("job '{}' was stopped before it completed", job->id));
  } else {
    return;  // PENDING or RUNNING
  }
  op.awaited_job.clear();
}

Result<std::string> FlinkGateway::operation_status(const std::string& session, const std::string& operation) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Operation> op, find(session, operation));
  std::lock_guard lock(op->mu);
  settle(*op);
  return op->status;
}

Result<std::string> FlinkGateway::cancel(const std::string& session, const std::string& operation) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Operation> op, find(session, operation));
  std::lock_guard lock(op->mu);
  settle(*op);
  if (op->status != "RUNNING") {
    return Status::failed_precondition(
        fmt::format("Can not cancel the operation '{}': its status is {}", operation, op->status));
  }
  op->status = "CANCELED";
  op->changed.notify_all();
  return op->status;
}

Result<std::string> FlinkGateway::close_operation(const std::string& session, const std::string& operation) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Operation> op, find(session, operation));
  {
    std::lock_guard lock(mu_);
    auto s = sessions_.find(session);
    if (s != sessions_.end()) s->second->operations.erase(operation);
  }
  std::lock_guard lock(op->mu);
  op->status = "CLOSED";
  op->changed.notify_all();
  return op->status;
}

Result<FetchPage> FlinkGateway::fetch(const std::string& session, const std::string& operation, int64_t token) {
  CF_ASSIGN_OR_RETURN(std::shared_ptr<Operation> op, find(session, operation));
  std::unique_lock lock(op->mu);
  settle(*op);
  if (op->status == "ERROR") return op->error;
  if (!op->awaited_job.empty()) {
    FetchPage waiting;
    waiting.type = FetchPage::Type::kNotReady;
    waiting.next_token = token;
    return waiting;
  }
  if (op->status == "CANCELED" || op->status == "CLOSED") {
    return Status::failed_precondition(
        fmt::format("Can not fetch results from the operation '{}': its status is {}", operation, op->status));
  }
  if (token == op->token - 1 && op->last_page) return *op->last_page;
  if (token != op->token) {
    return Status::invalid_argument(op->token == 0 ? fmt::format("Expecting token to be 0, but found {}.", token)
                                                   : fmt::format("Expecting token to be {} or {}, but found {}.",
                                                                 op->token - 1, op->token, token));
  }
  if (op->buffer.empty() && !op->ended) {
    op->changed.wait_for(lock, options_.fetch_wait, [&] { return !op->buffer.empty() || op->ended; });
    if (op->status == "ERROR") return op->error;
  }
  FetchPage page;
  page.is_query = op->is_query;
  page.job_id = op->job_id;
  page.result_kind = op->result_kind;
  page.columns = op->columns;
  if (op->buffer.empty() && op->ended) {
    page.type = FetchPage::Type::kEos;
  } else {
    page.type = FetchPage::Type::kPayload;
    const size_t n = std::min(op->buffer.size(), options_.max_page_rows);
    page.rows.assign(std::make_move_iterator(op->buffer.begin()), std::make_move_iterator(op->buffer.begin() + n));
    op->buffer.erase(op->buffer.begin(), op->buffer.begin() + n);
    page.next_token = token + 1;
    op->changed.notify_all();
  }
  op->token = token + 1;
  op->last_page = page;
  return page;
}

}  // namespace careflow::jobs
