#include "jobs/flink_operation.h"

#include <fmt/format.h>

#include "jobs/flink_job_id.h"
#include "values/value_format.h"

namespace careflow::jobs {

namespace {

FlinkColumn string_column(std::string name, bool nullable = false) {
  return FlinkColumn{std::move(name), values::DataType::string().with_nullable(nullable)};
}

exec::Row text_row(const std::vector<std::string>& fields) {
  exec::Row row;
  for (const std::string& f : fields) row.fields.push_back(values::Value::string(f));
  return row;
}

// Flink's JobStatus names for careflow's job states.
std::string flink_status(const std::string& state) {
  if (state == "PENDING") return "INITIALIZING";
  if (state == "STOPPED") return "CANCELED";
  if (state == "COMPLETED") return "FINISHED";
  return state;  // RUNNING, FAILED
}

// java.time.Instant#toString: 2024-01-31T10:00:05.123Z.
std::string instant_text(int64_t ms) {
  const values::Value v = values::Value::integer(ms * 1000);
  std::string text = values::format_value(v, values::DataType::timestamp(3));
  if (auto space = text.find(' '); space != std::string::npos) text[space] = 'T';
  return text + "Z";
}

}  // namespace

void answer(FlinkGateway::Operation& op, GatewayResult& r, bool set_alone, const std::map<std::string, std::string>& settings,
            std::optional<std::string>* query) {
  op.status = "FINISHED";
  op.ended = true;
  switch (r.kind) {
    case GatewayResult::Kind::kJob: {
      op.job_id = flink_job_id(r.job.id).value_or("");
      op.result_kind = "SUCCESS_WITH_CONTENT";
      op.columns = {string_column("job id")};
      op.buffer.push_back(text_row({op.job_id.empty() ? r.job.id : op.job_id}));
      if (auto sync = settings.find("table.dml-sync"); sync != settings.end() && sync->second == "true") {
        op.status = "RUNNING";
        op.awaited_job = r.job.id;
      }
      break;
    }
    case GatewayResult::Kind::kQuery: {
      op.status = "RUNNING";
      op.ended = false;
      op.is_query = true;
      op.result_kind = "SUCCESS_WITH_CONTENT";
      for (size_t i = 0; i < r.columns.size(); ++i) {
        op.columns.push_back(FlinkColumn{r.columns[i], i < r.column_types.size() ? r.column_types[i] : values::DataType::string()});
      }
      *query = r.query;
      break;
    }
    case GatewayResult::Kind::kJobList: {
      op.result_kind = "SUCCESS_WITH_CONTENT";
      op.columns = {string_column("job id"), string_column("job name"), string_column("status"), string_column("start time")};
      for (const JobInfo& j : r.jobs) {
        op.buffer.push_back(text_row({flink_job_id(j.id).value_or(j.id), j.name, flink_status(j.state), instant_text(j.created_ms)}));
      }
      break;
    }
    case GatewayResult::Kind::kStopped: {
      if (r.with_savepoint && !r.job.savepoints.empty()) {
        op.result_kind = "SUCCESS_WITH_CONTENT";
        op.columns = {string_column("savepoint path")};
        op.buffer.push_back(text_row({r.job.savepoints.back()}));
      } else {
        op.columns = {string_column("result")};
        op.buffer.push_back(text_row({"OK"}));
      }
      break;
    }
    case GatewayResult::Kind::kSet:
    case GatewayResult::Kind::kInfo: {
      op.columns = {string_column("result")};
      op.buffer.push_back(text_row({"OK"}));
      break;
    }
    case GatewayResult::Kind::kText: {
      op.result_kind = "SUCCESS_WITH_CONTENT";
      if (set_alone) {
        op.columns = {string_column("key"), string_column("value")};
        for (const auto& [k, v] : settings) op.buffer.push_back(text_row({k, v}));
      } else {
        // careflow answers SHOW / DESCRIBE / EXPLAIN as text: one row per line.
        op.columns = {string_column("result")};
        size_t start = 0;
        while (start < r.text.size()) {
          size_t end = r.text.find('\n', start);
          if (end == std::string::npos) end = r.text.size();
          op.buffer.push_back(text_row({r.text.substr(start, end - start)}));
          start = end + 1;
        }
      }
      break;
    }
  }
}

QueryOutput operation_output(const std::weak_ptr<FlinkGateway::Operation>& weak, size_t max_rows) {
  QueryOutput output;
  output.rows = [weak, max_rows](const std::vector<exec::Row>& rows, const std::vector<values::DataType>&) {
    auto o = weak.lock();
    if (!o) return false;
    std::unique_lock lock(o->mu);
    for (const exec::Row& row : rows) {
      // Back-pressure: the query waits while its reader is behind, and stops once nobody reads.
      while (o->buffer.size() >= max_rows && o->status == "RUNNING") o->changed.wait_for(lock, std::chrono::milliseconds(200));
      if (o->status != "RUNNING") return false;
      o->buffer.push_back(row);
    }
    o->changed.notify_all();
    return true;
  };
  output.send = [weak](const std::string& event, const std::string& data) {
    auto o = weak.lock();
    if (!o) return false;
    std::lock_guard lock(o->mu);
    if (event == "error" && o->status == "RUNNING") {
      auto event_data = nlohmann::json::parse(data, nullptr, false);
      std::string message = event_data.is_object() && event_data.contains("message") && event_data["message"].is_string()
                                ? event_data["message"].get<std::string>()
                                : data;
      o->status = "ERROR";
      o->error = Status::internal(message);
    } else if (event == "end" && o->status == "RUNNING") {
      o->status = "FINISHED";
    }
    o->ended = true;
    o->changed.notify_all();
    return true;
  };
  output.is_open = [weak] {
    auto o = weak.lock();
    if (!o) return false;
    std::lock_guard lock(o->mu);
    return o->status == "RUNNING" || (o->status == "FINISHED" && !o->buffer.empty());
  };
  output.close = [] {};
  return output;
}

}  // namespace careflow::jobs
