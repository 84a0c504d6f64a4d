#pragma once
// The dashboards' history series answered from the lake: the Iceberg tables the lake pipelines
// commit once per checkpoint (pipelines/lake, docs/pipelines.md), so that what a topic's retention
// has dropped still counts — as the reference stack's backend answers them from its Tableflow
// tables with DuckDB.
//   anomalies per device         <warehouse>/healthcare/hc_fct_dev_anomaly       (hc_lake_dev_anomaly)
//   prescription changes per day <warehouse>/healthcare/hc_prescription_changes  (hc_lake_prescription_changes)
//   new devices per day          <warehouse>/healthcare/hc_device_first_seen     (hc_lake_device_first_seen)
// Each answer is the table's current snapshot, whole: everything committed, nothing of the topic
// past it (so at most one checkpoint interval behind the topic, as Tableflow is; no row is counted
// twice). The aggregate is kept per snapshot and never rebuilt per request: a request whose table
// has the cached snapshot reads no data file; a newer snapshot whose ancestors since the cached one
// are all appends reads only the data files they added; anything else (a compaction, a delete, an
// expired cached snapshot) rescans the table's live files, its position deletes applied.
// Thread-safe: requests for one series wait for each other while a file is read.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/dashboard_state.h"
#include "common/status.h"
#include "values/value.h"

namespace careflow::api {

inline constexpr const char* kLakeNamespace = "healthcare";
inline constexpr const char* kLakeDevAnomalyTable = "hc_fct_dev_anomaly";
inline constexpr const char* kLakePrescriptionChangesTable = "hc_prescription_changes";
inline constexpr const char* kLakeDeviceFirstSeenTable = "hc_device_first_seen";

// A series as a lake table's snapshot has it.
struct LakeAnswer {
  nlohmann::json data;        // the route's `data`, the shape the topics' answer has
  std::string table;          // "healthcare.hc_fct_dev_anomaly"
  int64_t snapshot_id = 0;
  int64_t committed_ms = 0;   // the snapshot's timestamp-ms: when its checkpoint committed
};

// How a series was kept: counts since it was made.
struct LakeSeriesStats {
  int64_t cached = 0;       // answers that read no data file (the snapshot was the cached one)
  int64_t incremental = 0;  // answers that read only the files appended since the cached snapshot
  int64_t full = 0;         // answers that scanned every live file
  int64_t files_read = 0;   // data files read, in all
};

// One series over one table: the rows it reads folded into an aggregate.
class LakeSeries {
 public:
  enum class Kind {
    kAnomaliesPerDevice,        // [{device_id, count, last_time}]: device_id, reading_time
    kPrescriptionChangesPerDay, // [{date, count}]: a row per version, dated by updated_at's day
    kNewDevicesPerDay,          // [{date, count}]: a row per device, dated by first_seen_at's day
  };
  // `location`: the table's folder (or s3:// prefix); `name` names it in answers and errors.
  LakeSeries(Kind kind, std::string name, std::string location, DashboardLimits limits = {});
  ~LakeSeries();

  // The series at the table's current snapshot; nullopt while there is no table at the location or
  // it has no snapshot yet. An error names the table and what did not read (damaged metadata, a
  // data file, a column the series needs missing or of another type); the next call tries again.
  Result<std::optional<LakeAnswer>> answer();
  LakeSeriesStats stats() const;
  const std::string& name() const { return name_; }

 private:
  struct Fold;
  LakeAnswer cached_answer() const;

  const Kind kind_;
  const std::string name_, location_;
  const DashboardLimits limits_;
  mutable std::mutex mutex_;
  int64_t version_ = -1;                     // the metadata version the cache was checked against
  std::string uuid_;                         // the table's (a table dropped and made again is another)
  std::optional<int64_t> snapshot_;          // the snapshot the aggregate is of
  int64_t committed_ms_ = 0;
  std::set<std::string> files_;              // the data files folded into it
  std::unique_ptr<Fold> fold_;
  LakeSeriesStats stats_;
};

// The three series over one warehouse.
class LakeHistory {
 public:
  explicit LakeHistory(const std::string& warehouse, DashboardLimits limits = {});
  LakeSeries& anomalies_per_device() { return anomalies_; }
  LakeSeries& prescription_changes_per_day() { return changes_; }
  LakeSeries& new_devices_per_day() { return devices_; }

 private:
  LakeSeries anomalies_, changes_, devices_;
};

}  // namespace careflow::api
