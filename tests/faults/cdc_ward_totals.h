#pragma once
// The change-data-capture variant of the ward totals job (ward_totals_job.h), for up_crash_test:
// two tables of a PostgreSQL, captured by `careflow up` onto topics in Debezium JSON — readings
// (id → device, v) and device_wards (device → ward; not `devices`, which is up's own table in
// the same database) — and a job that joins the group aggregate of the
// readings per device with the devices into an upsert topic.
//
// The database changes in three steps, each made while up is down and captured and run to the end
// before the next: the devices (a snapshot, before the job exists), then the readings' inserts,
// updates and deletes, then the devices' own changes (wards moved, devices added and removed: the
// join retracts what it emitted). The job reads two topics that the capture fills while it runs,
// and the order it sees their records in (hence its changelog) is fixed only while one of them
// stands still; that is why the readings and the devices never change in the same step.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "store/database.h"

namespace careflow::faults {

inline constexpr const char* kCdcReadingsTopic = "healthcare.public.readings";
inline constexpr const char* kCdcDevicesTopic = "healthcare.public.device_wards";
inline constexpr const char* kCdcSink = "ward_totals";
inline constexpr const char* kCdcTables = "cdc.tables=public.device_wards,public.readings";

// 1000 devices, each with 20 readings: a thousand keys in each of the job's three keyed states, so
// that a checkpoint takes long enough to be killed in.
inline constexpr int kCdcDevices = 1000;
inline constexpr int kCdcRows = 20000;

// The tables and the INSERT (no SET: the test adds its checkpoint settings before them).
inline constexpr const char* kCdcWardTotalsJob =
    "CREATE TABLE readings_cdc (id INT, device STRING, v INT, PRIMARY KEY (id) NOT ENFORCED) WITH ("
    "'connector' = 'kafka', 'topic' = 'healthcare.public.readings', 'value.format' = 'debezium-json');\n"
    "CREATE TABLE devices_cdc (device STRING, ward STRING, PRIMARY KEY (device) NOT ENFORCED) WITH ("
    "'connector' = 'kafka', 'topic' = 'healthcare.public.device_wards', 'value.format' = 'debezium-json');\n"
    "CREATE TABLE ward_totals (device STRING, ward STRING, n BIGINT, s BIGINT, PRIMARY KEY (device) NOT ENFORCED)"
    " WITH ('format' = 'json');\n"
    "INSERT INTO ward_totals SELECT a.device, d.ward, a.n, a.s FROM "
    "(SELECT device, COUNT(*) AS n, SUM(v) AS s FROM readings_cdc GROUP BY device) a "
    "JOIN devices_cdc d ON a.device = d.device";

// Which devices the steps touch, by number: one in 25 is missing until the third step adds it; of
// the others, one in 7 moves to another ward and one in 50 is removed then.
inline bool added_late(int d) { return d % 25 == 24; }
inline bool moved(int d) { return d % 7 == 2 && !added_late(d); }
inline bool removed(int d) { return d % 50 == 11; }

// The events each step puts on each topic (a delete is an event and a tombstone, as Debezium's).
inline int64_t device_snapshot_events() {
  int64_t n = 0;
  for (int d = 0; d < kCdcDevices; ++d) n += !added_late(d);
  return n;
}
inline constexpr int64_t kCdcReadingEvents =
    kCdcRows + (kCdcRows + 5) / 6 + (kCdcRows + 6) / 10 + 2 * ((kCdcRows + 13) / 15);
inline int64_t device_change_events() {
  int64_t n = 0;
  for (int d = 0; d < kCdcDevices; ++d) n += added_late(d) + moved(d) + 2 * removed(d);
  return n;
}

inline void exec_all(const std::string& conninfo, const std::vector<std::string>& statements) {
  auto db = store::Database::open(conninfo, 1);
  ASSERT_TRUE(db.is_ok()) << db.status().to_string();
  for (const std::string& sql : statements) ASSERT_TRUE((*db)->exec(sql).is_ok()) << sql.substr(0, 200);
}

// Step 1 (before up first starts: its snapshot captures them): both tables, the devices in them.
inline void create_cdc_tables(const std::string& conninfo) {
  std::string devices = "INSERT INTO device_wards VALUES ";
  for (int d = 0, first = 1; d < kCdcDevices; ++d) {
    if (added_late(d)) continue;
    devices += fmt::format("{}('DEV-{}', 'W{}')", first ? "" : ", ", d, d % 9);
    first = 0;
  }
  exec_all(conninfo, {"CREATE TABLE readings (id INT PRIMARY KEY, device TEXT NOT NULL, v INT NOT NULL)",
                      "CREATE TABLE device_wards (device TEXT PRIMARY KEY, ward TEXT NOT NULL)",
                      // updates and deletes carry their before image, which the join retracts
                      "ALTER TABLE readings REPLICA IDENTITY FULL", "ALTER TABLE device_wards REPLICA IDENTITY FULL", devices});
}

// Step 2: kCdcRows inserts in transactions of 100, updates of every 6th and 10th row (the 10th
// moving to another device), deletes of every 15th.
inline void change_readings(const std::string& conninfo) {
  std::vector<std::string> statements;
  for (int t = 0; t < kCdcRows / 100; ++t) {
    std::string sql = "INSERT INTO readings VALUES ";
    for (int i = t * 100; i < (t + 1) * 100; ++i) {
      sql += fmt::format("{}({}, 'DEV-{}', {})", i % 100 ? ", " : "", i, (i * 37) % kCdcDevices, (i * 11) % 1000);
    }
    statements.push_back(std::move(sql));
  }
  statements.push_back("UPDATE readings SET v = v + 7 WHERE id % 6 = 0");
  statements.push_back(fmt::format("UPDATE readings SET device = 'DEV-' || ((id * 7) % {}) WHERE id % 10 = 3", kCdcDevices));
  statements.push_back("DELETE FROM readings WHERE id % 15 = 1");
  exec_all(conninfo, statements);
}

// Step 3: the devices' changes of added_late, moved and removed, one device per statement.
inline void change_devices(const std::string& conninfo) {
  std::vector<std::string> statements;
  for (int d = 0; d < kCdcDevices; ++d) {
    if (moved(d)) statements.push_back(fmt::format("UPDATE device_wards SET ward = 'W{}' WHERE device = 'DEV-{}'", (d + 4) % 9, d));
  }
  for (int d = 0; d < kCdcDevices; ++d) {
    if (added_late(d)) statements.push_back(fmt::format("INSERT INTO device_wards VALUES ('DEV-{}', 'W{}')", d, d % 9));
  }
  for (int d = 0; d < kCdcDevices; ++d) {
    if (removed(d)) statements.push_back(fmt::format("DELETE FROM device_wards WHERE device = 'DEV-{}'", d));
  }
  exec_all(conninfo, statements);
}

}  // namespace careflow::faults
