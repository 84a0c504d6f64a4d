#include "app/sql_remote.h"

#include <fmt/format.h>

#include <map>

#include "app/shell_input.h"
#include "app/sql_location.h"

namespace careflow::app {

namespace {

// The answer's error as a Status: a SQL error keeps its "line L:C:" for locate_sql_error.
Status answer_error(const UpAddress& up, const UpAnswer& answer) {
  std::string message;
  if (answer.body.is_object() && answer.body.contains("detail") && answer.body["detail"].is_string()) {
    message = answer.body["detail"].get<std::string>();
  } else {
    message = answer.body.dump();
  }
  if (answer.status == 422) return Status::invalid_argument(message);
  if (answer.status == 404) return Status::not_found(message);
  if (answer.status == 409) return Status::failed_precondition(message);
  if (answer.status == 401) {
    return Status::failed_precondition(fmt::format("careflow up at {} needs its token: set api.token (CAREFLOW_API_TOKEN)", up.text()));
  }
  return Status::unavailable(fmt::format("careflow up at {} answered {}: {}", up.text(), answer.status, message));
}

// Streams query `id`: each row through `print`; Ctrl-C (`interrupted`) ends it.
Status stream_query(const UpAddress& up, const std::string& id, const std::atomic<bool>& interrupted,
                    const std::function<void(const std::string&)>& print, int64_t* rows_read) {
  Status failure;
  bool ended = false;
  Status streamed = up_stream(up, "/sql/results?query=" + id, interrupted, [&](const std::string& event, const std::string& data) {
    nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
    if (event == "rows" && j.is_array()) {
      for (const auto& row : j) print(row.is_string() ? row.get<std::string>() : row.dump());
      std::fflush(stdout);
      return true;
    }
    if (event == "end") {
      if (rows_read && j.is_object()) *rows_read = j.value("rowsRead", int64_t{0});
      ended = true;
      return false;
    }
    if (event == "error") {
      failure = Status::invalid_argument(j.is_object() ? j.value("message", data) : data);
      ended = true;
      return false;
    }
    return true;
  });
  CF_RETURN_IF_ERROR(streamed);
  // Never a silently short result: a stream that stops without its end was cut (up stopped, or
  // this client read more slowly than up's 1 MiB per-stream queue allows).
  if (!ended && !interrupted) {
    return Status::unavailable(fmt::format("the result of query {} stopped before its end: careflow up at {} closed the "
                                           "stream (it stopped, or the rows came faster than they were read)",
                                           id, up.text()));
  }
  return failure;
}

// Prints the results of one request; queries are streamed in order.
Status print_results(const UpAddress& up, const nlohmann::json& results, const std::atomic<bool>& interrupted,
                     std::map<std::string, std::string>* settings, bool shell) {
  size_t queries = 0;
  for (const auto& r : results) queries += r.value("kind", "") == "query" ? 1 : 0;
  size_t query_number = 0;
  for (const auto& r : results) {
    const std::string kind = r.value("kind", "");
    if (kind == "info") {
      fmt::print(shell ? stdout : stderr, "[INFO] {}\n", r.value("text", ""));
    } else if (kind == "text") {
      fmt::print("{}", r.value("text", ""));
    } else if (kind == "set") {
      const std::string key = r.value("key", ""), value = r.value("value", "");
      if (settings) {
        if (key.empty()) settings->clear();
        else if (value.empty()) settings->erase(key);
        else (*settings)[key] = value;
      }
      fmt::print(shell ? stdout : stderr, "[INFO] {}\n", value.empty() ? std::string("reset") : fmt::format("'{}' set to '{}'", key, value));
    } else if (kind == "job") {
      const nlohmann::json& job = r["job"];
      const std::string id = job.value("id", "");
      fmt::print(shell ? stdout : stderr, "[INFO] submitted to careflow up at {}: job {} '{}' runs there (SHOW JOBS; STOP JOB '{}')\n",
                 up.text(), id, job.value("name", ""), id);
      fmt::print("Job ID: {}\n", id);
    } else if (kind == "query") {
      ++query_number;
      const std::string prefix = queries > 1 ? fmt::format("[{}] ", query_number) : "";
      if (shell) {
        std::string header;
        for (const auto& c : r["columns"]) header += (header.empty() ? "" : ", ") + c.get<std::string>();
        fmt::print("op[{}]\n", header);
      }
      int64_t rows_read = 0;
      CF_RETURN_IF_ERROR(stream_query(up, r.value("query", ""), interrupted,
                                      [&](const std::string& row) { fmt::print("{}{}\n", prefix, row); }, &rows_read));
      if (shell) fmt::print("[INFO] {} rows read{}\n", rows_read, interrupted ? " (cancelled)" : "");
    }
    std::fflush(stdout);
  }
  return Status::ok();
}

}  // namespace

Status run_remote_script(const UpAddress& up, const std::string& text, bool bounded, const std::string& origin,
                         const std::atomic<bool>& interrupted) {
  fmt::print(stderr, "[INFO] careflow up is running: statements go to it at {}\n", up.text());
  nlohmann::json body = {{"statement", text}, {"bounded", bounded}};
  CF_ASSIGN_OR_RETURN(UpAnswer answer, up_request(up, "POST", "/sql/statements", &body));
  if (answer.status != 200) return locate_sql_error(answer_error(up, answer), {origin});
  return print_results(up, answer.body["results"], interrupted, nullptr, false);
}

void remote_shell(const UpAddress& up, std::atomic<bool>& interrupted) {
  fmt::print("careflow SQL shell, connected to careflow up at {}: statements run there; INSERTs become jobs "
             "(SHOW JOBS). ';' ends a statement, Ctrl-C cancels a running query, Ctrl-D quits.\n",
             up.text());
  std::map<std::string, std::string> settings;
  std::string statement;
  while (read_statement(&statement)) {
    nlohmann::json body = {{"statement", statement}, {"settings", settings}};
    auto answer = up_request(up, "POST", "/sql/statements", &body);
    if (!answer) {
      fmt::print("[ERROR] {}\n", answer.status().message());
      continue;
    }
    if (answer->status != 200) {
      fmt::print("[ERROR] {}\n", answer_error(up, *answer).message());
      continue;
    }
    interrupted = false;
    if (Status s = print_results(up, answer->body["results"], interrupted, &settings, true); !s) {
      fmt::print("[ERROR] {}\n", s.message());
    }
  }
  fmt::print("\n");
}

}  // namespace careflow::app
