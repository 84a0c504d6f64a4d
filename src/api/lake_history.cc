#include "api/lake_history.h"

#include <fmt/format.h>

#include "lake/iceberg_files.h"
#include "lake/iceberg_metadata.h"

namespace careflow::api {

namespace iceberg = lake::iceberg;
using values::Value;

// The aggregate of one series and where its columns are in the table's rows.
struct LakeSeries::Fold {
  size_t key = 0, time = 0;                                     // device_id / reading_time, updated_at or first_seen_at
  std::map<std::string, std::pair<int64_t, int64_t>> devices;   // anomalies: device → count, newest reading (ms)
  std::map<std::string, int64_t> days;                          // prescription changes: day → versions
  std::map<std::string, std::string> first_seen;                // new devices: device → day
};

namespace {

Result<size_t> column(const iceberg::TableMetadata& table, const std::string& name, const char* column_name, bool timestamp) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].name != column_name) continue;
    const bool fits = timestamp ? table.columns[i].type.is_timestamp() : table.columns[i].type.is_string();
    if (!fits) {
      return Status::invalid_argument(
          fmt::format("lake table {}: column '{}' is not a {}", name, column_name, timestamp ? "timestamp" : "string"));
    }
    return i;
  }
  return Status::invalid_argument(fmt::format("lake table {} has no column '{}'", name, column_name));
}

const std::string* text(const std::vector<Value>& row, size_t i) {
  return i < row.size() && !row[i].is_null() ? &row[i].as_string() : nullptr;
}

// Microseconds (timestamps as careflow's values hold them) to milliseconds, rounding down.
int64_t millis(int64_t micros) { return micros >= 0 ? micros / 1000 : (micros - 999) / 1000; }

}  // namespace

LakeSeries::LakeSeries(Kind kind, std::string name, std::string location, DashboardLimits limits)
    : kind_(kind), name_(std::move(name)), location_(std::move(location)), limits_(limits) {}

LakeSeries::~LakeSeries() = default;

LakeSeriesStats LakeSeries::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

LakeAnswer LakeSeries::cached_answer() const {
  LakeAnswer out;
  out.table = name_;
  out.snapshot_id = *snapshot_;
  out.committed_ms = committed_ms_;
  if (kind_ == Kind::kAnomaliesPerDevice) {
    out.data = nlohmann::json::array();
    for (const auto& [device, c] : fold_->devices) {
      out.data.push_back({{"device_id", device}, {"count", c.first}, {"last_time", iso_utc(c.second)}});
    }
  } else if (kind_ == Kind::kPrescriptionChangesPerDay) {
    out.data = per_day(fold_->days);
  } else {
    std::map<std::string, int64_t> days;
    for (const auto& [device, day] : fold_->first_seen) ++days[day];
    while (days.size() > limits_.max_days) days.erase(days.begin());
    out.data = per_day(days);
  }
  return out;
}

Result<std::optional<LakeAnswer>> LakeSeries::answer() {
  std::lock_guard lock(mutex_);
  auto version = iceberg::current_version(location_);
  if (!version.is_ok()) {
    if (version.status().code() == StatusCode::kNotFound) return std::optional<LakeAnswer>();  // no table yet
    return version.status().with_context(fmt::format("lake table {}", name_));
  }
  if (*version == version_ && snapshot_) {
    ++stats_.cached;
    return std::optional<LakeAnswer>(cached_answer());
  }
  auto table = iceberg::load_table(location_);
  if (!table.is_ok()) return table.status().with_context(fmt::format("lake table {}", name_));
  const iceberg::Snapshot* current = table->current();
  if (!current) {
    snapshot_.reset();
    return std::optional<LakeAnswer>();  // created, nothing committed yet
  }
  if (snapshot_ && *snapshot_ == current->snapshot_id && uuid_ == table->table_uuid) {
    version_ = table->version;
    ++stats_.cached;
    return std::optional<LakeAnswer>(cached_answer());
  }
  // Only appends since the cached snapshot: the files already folded stay folded.
  bool incremental = false;
  if (snapshot_ && uuid_ == table->table_uuid) {
    for (const iceberg::Snapshot* s : table->ancestry()) {
      if (s->snapshot_id == *snapshot_) {
        incremental = true;
        break;
      }
      auto op = s->summary.find("operation");
      if (op == s->summary.end() || op->second != "append") break;
    }
  }
  // Whatever fails below leaves no half-folded aggregate behind: the next call starts over.
  snapshot_.reset();
  version_ = -1;
  if (!incremental) {
    fold_ = std::make_unique<Fold>();
    files_.clear();
  }
  const bool anomalies = kind_ == Kind::kAnomaliesPerDevice;
  const char* key_column = kind_ == Kind::kPrescriptionChangesPerDay ? "prescription_id" : "device_id";
  const char* time_column = anomalies ? "reading_time" : kind_ == Kind::kPrescriptionChangesPerDay ? "updated_at" : "first_seen_at";
  CF_ASSIGN_OR_RETURN(fold_->key, column(*table, name_, key_column, false));
  CF_ASSIGN_OR_RETURN(fold_->time, column(*table, name_, time_column, /*timestamp=*/anomalies));
  auto tasks = iceberg::plan_scan(*table, current->snapshot_id);
  if (!tasks.is_ok()) return tasks.status().with_context(fmt::format("lake table {}", name_));
  Fold& fold = *fold_;
  const auto add = [&](const iceberg::DataFile&, int64_t, std::vector<Value> row) {
    const std::string* key = text(row, fold.key);
    if (!key) return Status::ok();
    if (anomalies) {
      if (fold.time >= row.size() || row[fold.time].is_null()) return Status::ok();
      auto it = fold.devices.find(*key);
      if (it == fold.devices.end()) {
        if (fold.devices.size() >= limits_.max_series) return Status::ok();
        it = fold.devices.emplace(*key, std::pair<int64_t, int64_t>{0, 0}).first;
      }
      ++it->second.first;
      it->second.second = std::max(it->second.second, millis(row[fold.time].as_int()));
      return Status::ok();
    }
    const std::string* at = text(row, fold.time);
    const std::optional<std::string> day = at ? leading_date(*at) : std::nullopt;
    if (!day) return Status::ok();
    if (kind_ == Kind::kPrescriptionChangesPerDay) {
      ++fold.days[*day];
      while (fold.days.size() > limits_.max_days) fold.days.erase(fold.days.begin());
    } else if (fold.first_seen.size() < limits_.max_devices || fold.first_seen.contains(*key)) {
      fold.first_seen[*key] = *day;
    }
    return Status::ok();
  };
  for (const iceberg::ScanTask& task : *tasks) {
    if (incremental && files_.contains(task.file.path)) continue;
    Status read = iceberg::scan_task(*table, task, add);
    if (!read.is_ok()) return read.with_context(fmt::format("lake table {}", name_));
    files_.insert(task.file.path);
    ++stats_.files_read;
  }
  ++(incremental ? stats_.incremental : stats_.full);
  version_ = table->version;
  uuid_ = table->table_uuid;
  snapshot_ = current->snapshot_id;
  committed_ms_ = current->timestamp_ms;
  return std::optional<LakeAnswer>(cached_answer());
}

LakeHistory::LakeHistory(const std::string& warehouse, DashboardLimits limits)
    : anomalies_(LakeSeries::Kind::kAnomaliesPerDevice, fmt::format("{}.{}", kLakeNamespace, kLakeDevAnomalyTable),
                 fmt::format("{}/{}/{}", warehouse, kLakeNamespace, kLakeDevAnomalyTable), limits),
      changes_(LakeSeries::Kind::kPrescriptionChangesPerDay, fmt::format("{}.{}", kLakeNamespace, kLakePrescriptionChangesTable),
               fmt::format("{}/{}/{}", warehouse, kLakeNamespace, kLakePrescriptionChangesTable), limits),
      devices_(LakeSeries::Kind::kNewDevicesPerDay, fmt::format("{}.{}", kLakeNamespace, kLakeDeviceFirstSeenTable),
               fmt::format("{}/{}/{}", warehouse, kLakeNamespace, kLakeDeviceFirstSeenTable), limits) {}

}  // namespace careflow::api
