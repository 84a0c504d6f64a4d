// Exactly once into an Iceberg table through crashes, with real processes: `careflow sql -f` runs a
// checkpointed INSERT from a topic into a day-partitioned 'connector' = 'iceberg' table and is
// killed with SIGKILL at random moments — some while it writes, some as soon as a data file of an
// unfinished checkpoint appears — and started again, 16 times over the same data directory. The
// table, read back with careflow's Iceberg reader, must hold every input row exactly once, as an
// uninterrupted run's does; and no data file is left that no snapshot names. The same for an
// upsert table whose rows each checkpoint replaces through position deletes.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lake/iceberg_files.h"
#include "log/embedded_log.h"
#include "tests/faults/sql_process.h"

namespace {

namespace fs = std::filesystem;
namespace ice = careflow::lake::iceberg;

constexpr int kReadings = 40000;

std::string script(const fs::path& dir, const std::string& name) {
  return "SET 'execution.checkpointing.dir' = '" + (dir / (name + "-checkpoints")).string() + "';\n"
         "SET 'execution.checkpointing.interval' = '30 ms';\n"
         "CREATE TABLE readings (seq BIGINT, device STRING, v BIGINT, ts TIMESTAMP(3)) WITH ('format' = 'json');\n"
         "CREATE TABLE lake_readings (seq BIGINT, device STRING, v BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', "
         "'catalog-name' = 'lake', 'catalog-database' = 'hc', 'warehouse' = '" + (dir / (name + "-warehouse")).string() +
         "', 'partition.day-column' = 'ts');\n"
         "INSERT INTO lake_readings SELECT seq, device, v, ts FROM readings WHERE v >= 0;\n";
}

void write_input(const fs::path& data_dir) {
  auto log = careflow::log::EmbeddedLog::open((data_dir / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().message();
  ASSERT_TRUE((*log)->create_topic("readings", {}).is_ok());
  std::mt19937 rng(2024);
  std::vector<careflow::log::Record> records;
  for (int i = 0; i < kReadings; ++i) {
    careflow::log::Record r;
    const int day = 1 + i * 5 / kReadings;  // five days
    r.value = "{\"seq\":" + std::to_string(i) + ",\"device\":\"DEV-" + std::to_string(rng() % 50) + "\",\"v\":" +
              std::to_string(rng() % 1000) + ",\"ts\":\"2024-03-0" + std::to_string(day) + " 10:00:00.000\"}";
    records.push_back(std::move(r));
    if (records.size() == 1000) {
      ASSERT_TRUE((*log)->append({"readings", 0}, records).is_ok());
      records.clear();
    }
  }
}

using careflow::faults::read_text;
using careflow::faults::wait_exit;

pid_t spawn(const fs::path& data_dir, const fs::path& sql, const fs::path& output) {
  return careflow::faults::spawn_sql(data_dir, sql, output);
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

fs::path table_location(const fs::path& dir, const std::string& name) { return dir / (name + "-warehouse") / "hc" / "lake_readings"; }

// seq → how many times the table holds it.
std::map<int64_t, int> table_rows(const fs::path& location) {
  std::map<int64_t, int> out;
  auto table = ice::load_table(location.string());
  EXPECT_TRUE(table.is_ok()) << table.status().message();
  if (!table.is_ok()) return out;
  careflow::Status s = ice::scan_rows(*table, [&](std::vector<careflow::values::Value> row) {
    ++out[row[0].as_int()];
    return careflow::Status::ok();
  });
  EXPECT_TRUE(s.is_ok()) << s.message();
  return out;
}

size_t parquet_files(const fs::path& location) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(location / "data", ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    n += it->path().extension() == ".parquet";
  }
  return n;
}

// Runs `<name>.sql` over `data_dir` `rounds` times, each killed with SIGKILL — at random within the
// first sixth of `run_time`, or (every third round) as soon as a new Parquet file appears under the
// table: between a checkpoint's files and its commit. Returns how many runs the kill ended.
int crash_and_restart(const fs::path& dir, const fs::path& data_dir, const std::string& name, const fs::path& table,
                      std::chrono::steady_clock::duration run_time, int rounds) {
  std::mt19937 rng(7);
  const auto window_us = std::chrono::duration_cast<std::chrono::microseconds>(run_time).count();
  int killed = 0;
  for (int round = 0; round < rounds; ++round) {
    const size_t files_before = parquet_files(table);
    pid_t pid = spawn(data_dir, dir / (name + ".sql"), dir / (name + ".out"));
    if (round % 3 == 1) {
      const auto give_up = std::chrono::steady_clock::now() + run_time;
      while (parquet_files(table) <= files_before && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<uint64_t>(window_us / 6 + 1)));
    }
    kill(pid, SIGKILL);
    const int code = wait_exit(pid);
    killed += code == -SIGKILL;
    EXPECT_TRUE(code == 0 || code == -SIGKILL) << "exit " << code << "\n" << read_text(dir / (name + ".out"));
  }
  return killed;
}

TEST(IcebergCrash, KilledAndRestartedRunsCommitEachRowOnce) {
  const fs::path dir = fs::temp_directory_path() / ("careflow-iceberg-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  const fs::path ref = dir / "reference";
  write_input(ref);
  std::ofstream(dir / "reference.sql") << script(dir, "reference");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(spawn(ref, dir / "reference.sql", dir / "reference.out")), 0) << read_text(dir / "reference.out");
  const auto run_time = std::chrono::steady_clock::now() - started;
  const std::map<int64_t, int> expected = table_rows(table_location(dir, "reference"));
  ASSERT_EQ(expected.size(), static_cast<size_t>(kReadings));
  for (const auto& [seq, n] : expected) ASSERT_EQ(n, 1) << "seq " << seq;

  const fs::path crashed = dir / "crashed";
  write_input(crashed);
  std::ofstream(dir / "crashed.sql") << script(dir, "crashed");
  const int killed = crash_and_restart(dir, crashed, "crashed", table_location(dir, "crashed"), run_time, 16);
  ASSERT_EQ(wait_exit(spawn(crashed, dir / "crashed.sql", dir / "crashed.out")), 0) << read_text(dir / "crashed.out");
  EXPECT_GE(killed, 10);
  const std::map<int64_t, int> actual = table_rows(table_location(dir, "crashed"));
  EXPECT_EQ(actual, expected);

  // Every file on disk is named by a snapshot: the restarts removed what uncommitted checkpoints wrote.
  auto table = ice::load_table(table_location(dir, "crashed").string());
  ASSERT_TRUE(table.is_ok());
  std::set<std::string> named;
  for (const ice::Snapshot& s : table->snapshots) {
    auto files = ice::live_files(*table, s.snapshot_id);
    ASSERT_TRUE(files.is_ok());
    for (const auto& f : *files) named.insert(f.path);
  }
  EXPECT_EQ(parquet_files(table_location(dir, "crashed")), named.size());
  std::printf("reference run %.2f s, %zu snapshots; %d runs killed; crashed table: %zu snapshots, %zu files\n",
              std::chrono::duration<double>(run_time).count(), ice::load_table(table_location(dir, "reference").string())->snapshots.size(),
              killed, table->snapshots.size(), named.size());

  // `careflow lake` reads the same table.
  const std::string lake = std::string(CAREFLOW_BINARY) + " --data-dir " + crashed.string() + " lake --warehouse " +
                           (dir / "crashed-warehouse").string() + " ";
  const std::string listed = run_command(lake + "list");
  EXPECT_NE(listed.find("hc.lake_readings"), std::string::npos) << listed;
  EXPECT_NE(listed.find(std::to_string(kReadings)), std::string::npos) << listed;
  EXPECT_NE(listed.find("day(ts)"), std::string::npos) << listed;
  const std::string described = run_command(lake + "describe lake_readings");
  EXPECT_NE(described.find("ts_day"), std::string::npos) << described;
  EXPECT_NE(described.find("TIMESTAMP(6)"), std::string::npos) << described;
  EXPECT_NE(described.find("(checkpoint "), std::string::npos) << described;
  const std::string scanned = run_command(lake + "scan hc.lake_readings 2>&1");
  EXPECT_EQ(std::count(scanned.begin(), scanned.end(), '\n'), kReadings + 2) << scanned.substr(0, 500);  // header, rows, count
  EXPECT_NE(scanned.find(std::to_string(kReadings) + " rows"), std::string::npos);
  const std::string missing = run_command(lake + "scan nope 2>&1");
  EXPECT_NE(missing.find("no table 'nope' in the warehouse"), std::string::npos) << missing;
  fs::remove_all(dir);
}

// The same through updates: an upsert table (PRIMARY KEY device) fed a running COUNT / SUM per
// device, so every checkpoint replaces rows of earlier ones through position delete files. After
// 12 killed runs and a last whole one the table holds exactly one row per device with its final
// count and sum, as the input says, and every file on disk is one a snapshot names.
TEST(IcebergCrash, KilledAndRestartedUpsertRunsKeepOneRowPerKey) {
  const fs::path dir = fs::temp_directory_path() / ("careflow-iceberg-upsert-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto upsert_script = [&](const std::string& name) {
    return "SET 'execution.checkpointing.dir' = '" + (dir / (name + "-checkpoints")).string() + "';\n"
           "SET 'execution.checkpointing.interval' = '30 ms';\n"
           "CREATE TABLE readings (seq BIGINT, device STRING, v BIGINT, ts TIMESTAMP(3)) WITH ('format' = 'json');\n"
           "CREATE TABLE lake_readings (device STRING, n BIGINT, total BIGINT, PRIMARY KEY (device) NOT ENFORCED) WITH ("
           "'connector' = 'iceberg', 'catalog-name' = 'lake', 'catalog-database' = 'hc', 'warehouse' = '" +
           (dir / (name + "-warehouse")).string() + "');\n"
           "INSERT INTO lake_readings SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device;\n";
  };
  const fs::path ref = dir / "reference";
  write_input(ref);
  std::ofstream(dir / "reference.sql") << upsert_script("reference");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(spawn(ref, dir / "reference.sql", dir / "reference.out")), 0) << read_text(dir / "reference.out");
  const auto run_time = std::chrono::steady_clock::now() - started;

  auto rows_of = [](const fs::path& location) {
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> out;
    auto table = ice::load_table(location.string());
    EXPECT_TRUE(table.is_ok()) << table.status().message();
    if (!table.is_ok()) return out;
    careflow::Status s = ice::scan_rows(*table, [&](std::vector<careflow::values::Value> row) {
      out[row[0].as_string()].emplace_back(row[1].as_int(), row[2].as_int());
      return careflow::Status::ok();
    });
    EXPECT_TRUE(s.is_ok()) << s.message();
    return out;
  };
  // The uninterrupted run: one row per device, counts adding up to the input.
  const auto expected = rows_of(table_location(dir, "reference"));
  ASSERT_EQ(expected.size(), 50u);
  int64_t counted = 0;
  for (const auto& [device, rows] : expected) {
    ASSERT_EQ(rows.size(), 1u) << device;
    counted += rows[0].first;
  }
  EXPECT_EQ(counted, kReadings);

  const fs::path crashed = dir / "crashed";
  write_input(crashed);
  std::ofstream(dir / "crashed.sql") << upsert_script("crashed");
  const int killed = crash_and_restart(dir, crashed, "crashed", table_location(dir, "crashed"), run_time, 12);
  ASSERT_EQ(wait_exit(spawn(crashed, dir / "crashed.sql", dir / "crashed.out")), 0) << read_text(dir / "crashed.out");
  EXPECT_GE(killed, 6);
  EXPECT_EQ(rows_of(table_location(dir, "crashed")), expected);

  auto table = ice::load_table(table_location(dir, "crashed").string());
  ASSERT_TRUE(table.is_ok());
  EXPECT_GT(std::stoll(table->current()->summary.at("total-position-deletes")), 0);
  auto named = ice::referenced_files(*table);
  ASSERT_TRUE(named.is_ok());
  size_t parquet_named = 0;
  for (const std::string& f : *named) parquet_named += fs::path(f).extension() == ".parquet";
  EXPECT_EQ(parquet_files(table_location(dir, "crashed")), parquet_named);
  std::printf("upsert: reference run %.2f s; %d runs killed; crashed table: %zu snapshots, %zu data and delete files\n",
              std::chrono::duration<double>(run_time).count(), killed, table->snapshots.size(), parquet_named);
  fs::remove_all(dir);
}

}  // namespace
