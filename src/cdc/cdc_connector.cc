#include "cdc/cdc_connector.h"

#include <fmt/format.h>

#include <algorithm>

#include "cdc/cdc_session.h"
#include "common/clock.h"
#include "common/exception_guard.h"
#include "common/logging.h"

namespace careflow::cdc {
namespace {

bool is_identifier(std::string_view s) {
  return !s.empty() && s.size() <= 63 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

}  // namespace

Result<SnapshotMode> parse_snapshot_mode(std::string_view text) {
  if (text == "initial") return SnapshotMode::kInitial;
  if (text == "never") return SnapshotMode::kNever;
  if (text == "when_needed") return SnapshotMode::kWhenNeeded;
  return Status::invalid_argument(fmt::format("snapshot.mode '{}': expected initial, never or when_needed", text));
}

Result<EventFormat> parse_event_format(std::string_view text) {
  if (text == "json") return EventFormat::kJson;
  if (text == "avro") return EventFormat::kAvro;
  return Status::invalid_argument(fmt::format("cdc.format '{}': expected json or avro", text));
}

Result<std::unique_ptr<CdcConnector>> CdcConnector::start(CdcOptions options, log::Topics& topics) {
  if (options.format == EventFormat::kAvro) {
    if (options.registry == nullptr) {
      return Status::invalid_argument("cdc.format avro needs a schema registry (the embedded one or schema_registry.url)");
    }
    options.envelope.schemas_enable = true;  // the Avro schemas are converted from the Connect ones
  }
  if (!is_identifier(options.slot)) {
    return Status::invalid_argument(
        fmt::format("slot.name '{}': use 1 to 63 lower-case letters, digits and underscores", options.slot));
  }
  if (!is_identifier(options.publication)) {
    return Status::invalid_argument(
        fmt::format("publication.name '{}': use 1 to 63 lower-case letters, digits and underscores", options.publication));
  }
  if (options.tables.empty()) return Status::invalid_argument("table.include.list is empty: name at least one schema.table");
  for (const std::string& t : options.tables) {
    const size_t dot = t.find('.');
    if (dot == std::string::npos || !is_identifier(t.substr(0, dot)) || !is_identifier(t.substr(dot + 1))) {
      return Status::invalid_argument(fmt::format("table.include.list: '{}' is not schema.table (lower-case names)", t));
    }
  }
  std::unique_ptr<CdcConnector> c(new CdcConnector(std::move(options), topics));
  c->status_.slot = c->options_.slot;
  c->status_.publication = c->options_.publication;
  c->thread_ = std::thread([raw = c.get()] { raw->run(); });
  return c;
}

CdcConnector::~CdcConnector() { stop(); }

void CdcConnector::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

CdcStatus CdcConnector::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void CdcConnector::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    const int64_t started = steady_clock_ms();
    // A bug in a session is a failed session (retried, reported in /cdc/status), never the process.
    Status ended = catch_exceptions("the capture's session", [this] { return CdcSession(*this).run(); });
    if (stopping_) break;
    if (steady_clock_ms() - started > 10'000) backoff = std::chrono::milliseconds(100);  // it ran a while: start over
    {
      std::lock_guard lock(mutex_);
      status_.last_error = ended.to_string();
      status_.state = is_permanent(ended) ? "failed" : "retrying";
    }
    if (is_permanent(ended)) {
      log_error("cdc", "stopped", {{"error", ended.to_string()}});
      return;
    }
    log_warn("cdc", "retrying", {{"error", ended.to_string()}, {"backoff_ms", std::to_string(backoff.count())}});
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_; waited += std::chrono::milliseconds(20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  std::lock_guard lock(mutex_);
  status_.state = "stopped";
}

}  // namespace careflow::cdc
