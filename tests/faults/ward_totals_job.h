#pragma once
// The job the exactly-once crash tests run (checkpoint_crash_test: `careflow sql -f`;
// up_crash_test: a job of `careflow up`): readings → a group aggregate per device → a join with the
// devices → an upsert sink `ward_totals` in the log, over a fixed input written before the first
// run; and what a test reads back.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "log/embedded_log.h"

namespace careflow::faults {

// The tables and the INSERT (no SET: each test adds its checkpoint settings before them).
inline constexpr const char* kWardTotalsJob =
    "CREATE TABLE readings (device STRING, v BIGINT) WITH ('format' = 'json');\n"
    "CREATE TABLE devices (device STRING, ward STRING) WITH ('format' = 'json');\n"
    "CREATE TABLE ward_totals (device STRING, ward STRING, n BIGINT, s BIGINT, PRIMARY KEY (device) NOT ENFORCED)"
    " WITH ('format' = 'json');\n"
    "INSERT INTO ward_totals SELECT a.device, d.ward, a.n, a.s FROM "
    "(SELECT device, COUNT(*) AS n, SUM(v) AS s FROM readings GROUP BY device) a "
    "JOIN devices d ON a.device = d.device";

// `readings` random readings of `devices` devices (seeded), then every device with its ward, into
// the log of a fresh data directory.
inline void write_ward_input(const std::filesystem::path& data_dir, int readings, int devices, uint32_t seed) {
  auto log = log::EmbeddedLog::open((data_dir / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().message();
  ASSERT_TRUE((*log)->create_topic("readings", {}).is_ok());
  ASSERT_TRUE((*log)->create_topic("devices", {}).is_ok());
  std::mt19937 rng(seed);
  std::vector<log::Record> records;
  for (int i = 0; i < readings; ++i) {
    const auto device = rng() % static_cast<uint32_t>(devices);
    const auto v = rng() % 1000;
    log::Record r;
    r.value = "{\"device\":\"DEV-" + std::to_string(device) + "\",\"v\":" + std::to_string(v) + "}";
    records.push_back(std::move(r));
    if (records.size() == 1000) {
      ASSERT_TRUE((*log)->append({"readings", 0}, records).is_ok());
      records.clear();
    }
  }
  ASSERT_TRUE(records.empty() || (*log)->append({"readings", 0}, records).is_ok());
  records.clear();
  for (int d = 0; d < devices; ++d) {
    log::Record r;
    r.value = "{\"device\":\"DEV-" + std::to_string(d) + "\",\"ward\":\"W" + std::to_string(d % 9) + "\"}";
    records.push_back(std::move(r));
  }
  ASSERT_TRUE((*log)->append({"devices", 0}, records).is_ok());
}

// key=value of every committed record of `topic` (partition 0), in offset order (no process holds the log).
inline std::vector<std::string> committed_records(const std::filesystem::path& data_dir, const std::string& topic = "ward_totals") {
  std::vector<std::string> out;
  auto log = log::EmbeddedLog::open((data_dir / "log").string());
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  if (!log.is_ok()) return out;
  int64_t offset = 0;
  while (true) {
    auto fetched = (*log)->fetch({topic, 0}, offset, {100000, 64 << 20});
    if (!fetched.is_ok() || fetched->records.empty()) break;
    for (const auto& r : fetched->records) out.push_back(r.key.value_or("") + "=" + r.value.value_or("<tombstone>"));
    offset = fetched->next_offset;
  }
  return out;
}

// Whether a checkpoint file is being written below `checkpoints`: its temporary name exists,
// written at or after `since` (a process killed inside a checkpoint leaves its file behind until
// the next one starts the job: `since` = that start tells the new process's files from it).
inline bool checkpoint_in_progress(const std::filesystem::path& checkpoints,
                                   std::filesystem::file_time_type since = std::filesystem::file_time_type::min()) {
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(checkpoints, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".tmp") continue;
    std::error_code time_ec;
    const auto written = std::filesystem::last_write_time(it->path(), time_ec);
    if (!time_ec && written >= since) return true;  // (an error: the file went in between)
  }
  return false;
}

}  // namespace careflow::faults
