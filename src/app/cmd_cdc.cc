// careflow cdc status: where change data capture stands — the slot, the LSN written to the log
// and the one confirmed to PostgreSQL, the lag in bytes and seconds. Asks the running `careflow
// up` (GET /cdc/status) when there is one, else reads the log and the database directly.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/cli.h"
#include "app/open_log.h"
#include "cdc/capture_report.h"
#include "cdc/offset_store.h"
#include "common/json_parse.h"
#include "store/local_postgres.h"

namespace careflow::app {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

// GET <path> from the running instance's API; Unavailable when it does not answer.
Result<std::string> get_from_running(const Config& config, const std::string& path) {
  std::string host = config.str("http.host");
  if (host == "0.0.0.0") host = "127.0.0.1";
  const std::string port = std::to_string(config.integer("http.port"));
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(resolver.resolve(host, port));
    http::request<http::empty_body> request(http::verb::get, path, 11);
    request.set(http::field::host, host);
    if (!config.str("api.token").empty()) request.set(http::field::authorization, "Bearer " + config.str("api.token"));
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (response.result_int() != 200) {
      return Status::unavailable(fmt::format("{}:{}{} answered {}: {}", host, port, path, response.result_int(), response.body()));
    }
    return response.body();
  } catch (const std::exception& e) {
    return Status::unavailable(fmt::format("the running careflow did not answer on {}:{} ({}); is http.port right?", host,
                                           port, e.what()));
  }
}

// The report of a stopped instance: the offset read from the log and the database's slot.
Result<nlohmann::ordered_json> stopped_report(const Config& config, const std::optional<cdc::StoredOffset>& offset) {
  cdc::CdcStatus status;
  status.state = "stopped";
  status.slot = config.str("cdc.slot");
  status.publication = config.str("cdc.publication");
  if (offset) {
    status.written_lsn = offset->lsn;
    status.last_commit_time_us = offset->commit_time_us;
  }
  std::string conninfo = config.str("database.url");
  std::unique_ptr<store::LocalPostgres> postgres;
  if (conninfo.empty()) {
    const std::string dir = (std::filesystem::path(config.str("data_dir")) / "pg").string();
    if (!std::filesystem::exists(std::filesystem::path(dir) / "PG_VERSION")) {
      return Status::not_found(fmt::format("no database yet in {}: run careflow up first", dir));
    }
    store::LocalPostgresOptions options;
    options.dir = dir;
    options.port = static_cast<int>(config.integer("database.port"));
    CF_ASSIGN_OR_RETURN(postgres, store::LocalPostgres::start(options));
    conninfo = postgres->conninfo();
  }
  CF_ASSIGN_OR_RETURN(auto conn, store::PgConnection::connect(conninfo));
  return cdc::capture_report(*conn, status);
}

Status status_command(const Config& config, bool json) {
  nlohmann::ordered_json report;
  auto log = open_embedded_log(config, false);
  if (!log && log.status().code() == StatusCode::kFailedPrecondition) {
    CF_ASSIGN_OR_RETURN(std::string body, get_from_running(config, "/cdc/status"));
    auto parsed = parse_ordered_json(body);
    if (!parsed) return Status::internal("GET /cdc/status answered with something that is not JSON: " + body);
    report = std::move(*parsed);
  } else {
    CF_RETURN_IF_ERROR(log.status());
    CF_ASSIGN_OR_RETURN(auto offset, cdc::read_stored_offset(**log, config.str("cdc.slot")));
    // Let go of the log before the slower database part: a `careflow up` starting meanwhile
    // needs the directory's lock.
    log->reset();
    CF_ASSIGN_OR_RETURN(report, stopped_report(config, offset));
  }
  if (json) {
    fmt::print("{}\n", report.dump(2));
  } else {
    fmt::print("{}", cdc::format_capture_report(report));
  }
  return Status::ok();
}

}  // namespace

void add_cdc_commands(Cli& cli) {
  auto* cdc = cli.app().add_subcommand("cdc", "Change data capture (PostgreSQL → Debezium events)");
  cdc->require_subcommand(1);
  auto* status = cdc->add_subcommand("status", "Slot, written and confirmed LSN, lag in bytes and seconds");
  auto json = std::make_shared<bool>(false);
  status->add_flag("--json", *json, "Print the report as JSON");
  status->callback([&cli, json] {
    if (Status s = status_command(cli.config(), *json); !s) cli.fail(s);
  });
}

}  // namespace careflow::app
