// The history series read from real Iceberg tables written by careflow's lake (lake_history.h):
// nothing before the first snapshot; an answer per snapshot, kept while the snapshot is current (no
// data file read again), appends read file by file, anything else (a compaction, a delete)
// rescanned without a row counted twice; the routes saying which source answered, and falling back
// to the topics, with the reason, when the lake table does not read.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "api/analytics_routes.h"
#include "api/lake_history.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_deletes.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_maintenance.h"
#include "log/embedded_log.h"
#include "registry/client_implementations.h"
#include "registry/registry.h"

namespace careflow::api {
namespace {

namespace fs = std::filesystem;
namespace iceberg = lake::iceberg;
using values::DataType;
using values::Value;

constexpr int64_t kT0 = 1733529600000;  // 2024-12-07T00:00:00Z, in ms

class LakeHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lake-history-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string location(const char* table) const { return (dir_ / "wh" / kLakeNamespace / table).string(); }

  // hc_fct_dev_anomaly's columns, as the lake sink makes them (TIMESTAMP(3) → Iceberg's microseconds).
  void create_anomalies() {
    const std::vector<lake::ColumnSpec> columns = {{"device_id", DataType::string(), 1},
                                                   {"metric", DataType::string(), 2},
                                                   {"reading_time", DataType::timestamp(6), 3}};
    ASSERT_TRUE(iceberg::create_table(location(kLakeDevAnomalyTable), columns, {}).is_ok());
  }
  // Appends rows (one data file) to a table; the snapshot committed.
  iceberg::Snapshot append(const char* table, const std::vector<std::vector<Value>>& rows,
                           std::vector<iceberg::DataFile>* written = nullptr) {
    auto metadata = iceberg::load_table(location(table));
    EXPECT_TRUE(metadata.is_ok()) << metadata.status().to_string();
    iceberg::DataFileWriter writer(*metadata, fmt::format("f{}", ++files_));
    for (const auto& row : rows) EXPECT_TRUE(writer.add(row).is_ok());
    auto files = writer.flush();
    EXPECT_TRUE(files.is_ok()) << files.status().to_string();
    if (written) *written = *files;
    auto snapshot = iceberg::append_files(location(table), *files, {});
    EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().to_string();
    return snapshot.is_ok() ? *snapshot : iceberg::Snapshot{};
  }
  static std::vector<Value> anomaly(const char* device, int64_t ms) {
    return {Value::string(device), Value::string("Pressure"), Value::integer(ms * 1000)};
  }

  fs::path dir_;
  int files_ = 0;
};

TEST_F(LakeHistoryTest, AnomaliesPerSnapshotCachedAppendedFileByFileAndRescannedOtherwise) {
  LakeHistory history((dir_ / "wh").string());
  LakeSeries& series = history.anomalies_per_device();
  auto none = series.answer();
  ASSERT_TRUE(none.is_ok()) << none.status().to_string();
  EXPECT_FALSE(none->has_value());  // no table
  create_anomalies();
  EXPECT_FALSE(series.answer()->has_value());  // a table without a snapshot

  const iceberg::Snapshot first =
      append(kLakeDevAnomalyTable, {anomaly("DEV-P001", kT0 + 5), anomaly("DEV-P002", kT0), anomaly("DEV-P001", kT0 + 1)});
  auto a = series.answer();
  ASSERT_TRUE(a.is_ok() && a->has_value()) << a.status().to_string();
  EXPECT_EQ((*a)->table, "healthcare.hc_fct_dev_anomaly");
  EXPECT_EQ((*a)->snapshot_id, first.snapshot_id);
  EXPECT_EQ((*a)->committed_ms, first.timestamp_ms);
  EXPECT_EQ((*a)->data, nlohmann::json::parse(R"([{"device_id":"DEV-P001","count":2,"last_time":"2024-12-07T00:00:00.005Z"},
                                                 {"device_id":"DEV-P002","count":1,"last_time":"2024-12-07T00:00:00.000Z"}])"));
  EXPECT_EQ(series.stats().full, 1);
  EXPECT_EQ(series.stats().files_read, 1);

  // The same snapshot: the cached answer, no file read.
  EXPECT_EQ(series.answer()->value().data, (*a)->data);
  EXPECT_EQ(series.stats().cached, 1);
  EXPECT_EQ(series.stats().files_read, 1);

  // Two appends later: only their two files are read.
  append(kLakeDevAnomalyTable, {anomaly("DEV-P002", kT0 + 9)});
  const iceberg::Snapshot third = append(kLakeDevAnomalyTable, {anomaly("DEV-P003", kT0 + 2)});
  auto b = series.answer();
  ASSERT_TRUE(b.is_ok() && b->has_value()) << b.status().to_string();
  EXPECT_EQ((*b)->snapshot_id, third.snapshot_id);
  EXPECT_EQ((*b)->data, nlohmann::json::parse(R"([{"device_id":"DEV-P001","count":2,"last_time":"2024-12-07T00:00:00.005Z"},
                                                 {"device_id":"DEV-P002","count":2,"last_time":"2024-12-07T00:00:00.009Z"},
                                                 {"device_id":"DEV-P003","count":1,"last_time":"2024-12-07T00:00:00.002Z"}])"));
  EXPECT_EQ(series.stats().incremental, 1);
  EXPECT_EQ(series.stats().files_read, 3);

  // A compaction rewrites the same rows into one file (a "replace" snapshot): rescanned, each row
  // counted once.
  auto compacted = iceberg::compact(location(kLakeDevAnomalyTable));
  ASSERT_TRUE(compacted.is_ok()) << compacted.status().to_string();
  ASSERT_GT(compacted->rewritten_files, 1);
  auto c = series.answer();
  ASSERT_TRUE(c.is_ok() && c->has_value()) << c.status().to_string();
  EXPECT_NE((*c)->snapshot_id, third.snapshot_id);
  EXPECT_EQ((*c)->data, (*b)->data);
  EXPECT_EQ(series.stats().full, 2);
}

TEST_F(LakeHistoryTest, ADeleteIsRescannedAndAppendsAfterItReadIncrementally) {
  create_anomalies();
  LakeSeries series(LakeSeries::Kind::kAnomaliesPerDevice, "healthcare.hc_fct_dev_anomaly", location(kLakeDevAnomalyTable));
  std::vector<iceberg::DataFile> files;
  append(kLakeDevAnomalyTable, {anomaly("DEV-P001", kT0), anomaly("DEV-P001", kT0 + 1)}, &files);
  ASSERT_EQ(series.answer()->value().data[0]["count"], 2);
  // A position delete of the second row: a "delete" snapshot.
  auto table = iceberg::load_table(location(kLakeDevAnomalyTable));
  auto deletes = iceberg::write_position_deletes(*table, "del", {{files[0].path, files[0].partition, 1}});
  ASSERT_TRUE(deletes.is_ok()) << deletes.status().to_string();
  ASSERT_TRUE(iceberg::commit_files(location(kLakeDevAnomalyTable), {}, *deletes, {}).is_ok());
  auto after = series.answer();
  ASSERT_TRUE(after.is_ok() && after->has_value()) << after.status().to_string();
  EXPECT_EQ((*after)->data[0]["count"], 1);
  EXPECT_EQ((*after)->data[0]["last_time"], "2024-12-07T00:00:00.000Z");
  EXPECT_EQ(series.stats().full, 2);
  append(kLakeDevAnomalyTable, {anomaly("DEV-P001", kT0 + 7)});
  EXPECT_EQ(series.answer()->value().data[0]["count"], 2);
  EXPECT_EQ(series.stats().incremental, 1);
}

TEST_F(LakeHistoryTest, ChangesPerDayOfUpdatedAtAndEachDeviceOnceByItsFirstSeenDay) {
  const std::vector<lake::ColumnSpec> changes = {{"prescription_id", DataType::string(), 1}, {"updated_at", DataType::string(), 2}};
  ASSERT_TRUE(iceberg::create_table(location(kLakePrescriptionChangesTable), changes, {}).is_ok());
  const std::vector<lake::ColumnSpec> devices = {{"device_id", DataType::string().with_nullable(false), 1},
                                                 {"first_seen_at", DataType::string(), 2}};
  ASSERT_TRUE(iceberg::create_table(location(kLakeDeviceFirstSeenTable), devices, {}).is_ok());
  LakeHistory history((dir_ / "wh").string());

  // Two versions of one prescription on two days, one of another; a row without a date is no day.
  append(kLakePrescriptionChangesTable, {{Value::string("RX-1"), Value::string("2026-12-01T08:00:00.123456Z")},
                                         {Value::string("RX-2"), Value::string("2026-12-01T09:00:00Z")},
                                         {Value::string("RX-3"), Value()}});
  append(kLakePrescriptionChangesTable, {{Value::string("RX-1"), Value::string("2026-12-03T10:00:00Z")}});
  auto per_day = history.prescription_changes_per_day().answer();
  ASSERT_TRUE(per_day.is_ok() && per_day->has_value()) << per_day.status().to_string();
  EXPECT_EQ((*per_day)->data, nlohmann::json::parse(R"([{"date":"2026-12-01","count":2},{"date":"2026-12-03","count":1}])"));
  EXPECT_EQ((*per_day)->table, "healthcare.hc_prescription_changes");

  // A device whose row comes again (another image) is still one device, on its first-seen day.
  append(kLakeDeviceFirstSeenTable, {{Value::string("DEV-P001"), Value::string("2026-12-01T08:00:00Z")},
                                     {Value::string("DEV-P002"), Value::string("2026-12-02T08:00:00Z")}});
  EXPECT_EQ(history.new_devices_per_day().answer()->value().data,
            nlohmann::json::parse(R"([{"date":"2026-12-01","count":1},{"date":"2026-12-02","count":1}])"));
  append(kLakeDeviceFirstSeenTable, {{Value::string("DEV-P001"), Value::string("2026-12-01T08:00:00Z")},
                                     {Value::string("DEV-P003"), Value::string("2026-12-02T09:00:00Z")}});
  EXPECT_EQ(history.new_devices_per_day().answer()->value().data,
            nlohmann::json::parse(R"([{"date":"2026-12-01","count":1},{"date":"2026-12-02","count":2}])"));
}

TEST_F(LakeHistoryTest, ATableThatDoesNotFitOrDoesNotReadIsAnErrorNamingIt) {
  // No reading_time column.
  ASSERT_TRUE(iceberg::create_table(location(kLakeDevAnomalyTable), {{"device_id", DataType::string(), 1}}, {}).is_ok());
  append(kLakeDevAnomalyTable, {{Value::string("DEV-P001")}});
  LakeHistory history((dir_ / "wh").string());
  auto missing = history.anomalies_per_device().answer();
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("lake table healthcare.hc_fct_dev_anomaly has no column 'reading_time'"),
            std::string::npos)
      << missing.status().to_string();

  // A damaged metadata file.
  const std::vector<lake::ColumnSpec> changes = {{"prescription_id", DataType::string(), 1}, {"updated_at", DataType::string(), 2}};
  ASSERT_TRUE(iceberg::create_table(location(kLakePrescriptionChangesTable), changes, {}).is_ok());
  append(kLakePrescriptionChangesTable, {{Value::string("RX-1"), Value::string("2026-12-01T08:00:00Z")}});
  const int64_t version = *iceberg::current_version(location(kLakePrescriptionChangesTable));
  std::ofstream(iceberg::metadata_file(location(kLakePrescriptionChangesTable), version), std::ios::trunc) << "{\"format-version\": ";
  auto damaged = history.prescription_changes_per_day().answer();
  ASSERT_FALSE(damaged.is_ok());
  EXPECT_NE(damaged.status().message().find("lake table healthcare.hc_prescription_changes"), std::string::npos)
      << damaged.status().to_string();
}

// The routes: from the topics while the lake has nothing, from the lake (with its snapshot) once
// it has, from the topics again with `lake_error` when the table does not read.
TEST_F(LakeHistoryTest, RoutesSayWhichSourceAnswered) {
  auto log = log::EmbeddedLog::open((dir_ / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  auto registry = registry::SchemaRegistry::open((dir_ / "registry").string());
  ASSERT_TRUE(registry.is_ok()) << registry.status().to_string();
  registry::SchemaRegistry& reg = **registry;
  {
    DashboardFeed feed(**log, [&reg]() -> Result<std::unique_ptr<serde::RegistryClient>> { return registry::embedded_client(reg, "."); },
                       nullptr);
    LakeHistory history((dir_ / "wh").string());
    http::Router router;
    add_analytics_routes(router, feed, &history);
    const auto get = [&router](const char* path, std::string source = "", int status = 200) {
      http::HttpRequest request;
      request.method = "GET";
      request.path = path;
      if (!source.empty()) request.query["source"] = source;
      http::HttpResponse response = router.dispatch(request);
      EXPECT_EQ(response.status, status) << path << " " << response.body;
      return nlohmann::json::parse(response.body);
    };
    nlohmann::json topics = get("/analytics/anomalies-per-device");
    EXPECT_EQ(topics["source"], "topics");
    EXPECT_EQ(topics["available"], false);
    EXPECT_TRUE(topics["snapshot_id"].is_null());
    nlohmann::json no_lake = get("/analytics/anomalies-per-device", "lake");
    EXPECT_EQ(no_lake["source"], "lake");
    EXPECT_EQ(no_lake["available"], false);
    EXPECT_NE(no_lake["message"].get<std::string>().find("lake table healthcare.hc_fct_dev_anomaly has no snapshot yet"),
              std::string::npos)
        << no_lake.dump();
    nlohmann::json bad = get("/analytics/anomalies-per-device", "parquet", 422);
    EXPECT_EQ(bad["error"]["field"], "source");

    create_anomalies();
    const iceberg::Snapshot s = append(kLakeDevAnomalyTable, {anomaly("DEV-P001", kT0)});
    nlohmann::json lake = get("/analytics/anomalies-per-device");
    EXPECT_EQ(lake["source"], "lake");
    EXPECT_EQ(lake["available"], true);
    EXPECT_EQ(lake["table"], "healthcare.hc_fct_dev_anomaly");
    EXPECT_EQ(lake["snapshot_id"], s.snapshot_id);
    EXPECT_EQ(lake["committed_at"], iso_utc(s.timestamp_ms));
    EXPECT_EQ(lake["data"][0]["device_id"], "DEV-P001");
    EXPECT_EQ(get("/analytics/anomalies-per-device", "topics")["source"], "topics");  // asked for
    nlohmann::json dashboard = get("/analytics/dashboard");
    EXPECT_EQ(dashboard["sources"]["anomalies_per_device"]["source"], "lake");
    EXPECT_EQ(dashboard["sources"]["config_changes_over_time"]["source"], "topics");
    EXPECT_EQ(dashboard["anomalies_per_device"], lake["data"]);
    EXPECT_EQ(dashboard["available"], false);  // the CDC topics have nothing yet

    // A newer version that does not parse: the topics answer, and say why.
    const int64_t version = *iceberg::current_version(location(kLakeDevAnomalyTable));
    std::ofstream(iceberg::metadata_file(location(kLakeDevAnomalyTable), version + 1)) << "not json";
    nlohmann::json fallback = get("/analytics/anomalies-per-device");
    EXPECT_EQ(fallback["source"], "topics");
    EXPECT_NE(fallback["lake_error"].get<std::string>().find("healthcare.hc_fct_dev_anomaly"), std::string::npos) << fallback.dump();
  }
  log->reset();
}

}  // namespace
}  // namespace careflow::api
