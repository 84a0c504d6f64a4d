// Exactly once through crashes: a process running the CDC connector is SIGKILLed at random
// points (during the snapshot, mid-stream, while confirming, in the middle of a large transaction
// appended in chunks) while a writer commits; at the end the topic holds every change once, in
// commit order.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>

#include "cdc/offset_store.h"
#include "cdc/tests/cdc_fixture.h"

namespace careflow::cdc {
namespace {

using testing::CdcTest;
using testing::Event;
using testing::kPatients;

// Starts the capture process; with `wait_streaming`, returns once it printed "streaming".
pid_t spawn_capture(const std::string& conninfo, const std::string& log_dir, bool wait_streaming = false,
                    const std::string& max_records_per_append = "4096") {
  int out[2];
  if (pipe(out) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    // Not waited for, the line goes nowhere (a pipe without a reader would kill it by SIGPIPE).
    const int target = wait_streaming ? out[1] : open("/dev/null", O_WRONLY);
    dup2(target, STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CDC_CAPTURE_BIN, CDC_CAPTURE_BIN, conninfo.c_str(), log_dir.c_str(), max_records_per_append.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  if (wait_streaming) {
    char line[64] = {};
    if (read(out[0], line, sizeof line - 1) <= 0 || std::string(line).find("streaming") == std::string::npos) {
      close(out[0]);
      return -1;
    }
  }
  close(out[0]);
  return pid;
}

class CdcKillTest : public CdcTest {
 protected:
  // The capture process owns the log while it runs; the test opens it only in between.
  void SetUp() override {
    CdcTest::SetUp();
    log_.reset();
  }

  // SIGKILLs `kills` capture processes, the first one `first`, each after a random pause of
  // `min_ms` to `max_ms`; every one must still be running when killed.
  void kill_at_random_points(pid_t first, const std::string& log_dir, int kills, int min_ms, int max_ms,
                             const std::string& max_records_per_append) {
    std::mt19937 random(::testing::UnitTest::GetInstance()->random_seed());
    for (int kill = 0; kill < kills; ++kill) {
      const pid_t pid = kill == 0 ? first : spawn_capture(pg_->conninfo(), log_dir, false, max_records_per_append);
      ASSERT_GT(pid, 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(min_ms, max_ms)(random)));
      ::kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      ASSERT_TRUE(WIFSIGNALED(status)) << "the capture process ended by itself before kill " << kill;
    }
  }

  // A last run catches up: PostgreSQL's slot is confirmed only up to what the log holds durably,
  // so once it passes the end of the writers' WAL the log holds everything. Then the log is opened.
  bool catch_up(const std::string& log_dir, const std::string& max_records_per_append) {
    const Lsn writer_end = *parse_lsn(*sql("SELECT pg_current_wal_lsn()::text").rows[0][0]);
    const pid_t last = spawn_capture(pg_->conninfo(), log_dir, false, max_records_per_append);
    const bool caught_up = wait_until([&] {
      auto slot = db_->exec("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'careflow'");
      return slot.is_ok() && !slot->rows.empty() && slot->rows[0][0] && *parse_lsn(*slot->rows[0][0]) >= writer_end;
    }, std::chrono::seconds(60));
    ::kill(last, SIGTERM);
    int status = 0;
    waitpid(last, &status, 0);
    open_log();
    return caught_up;
  }
};

TEST_F(CdcKillTest, SigkillAtRandomPointsLosesAndDuplicatesNothing) {
  constexpr int kTransactions = 10'000;
  constexpr int kKills = 12;
  const std::string log_dir = (root_ / "log").string();
  // The first run takes the snapshot of the seeded rows; every later change is streamed.
  const pid_t first = spawn_capture(pg_->conninfo(), log_dir, true);
  ASSERT_GT(first, 0);
  std::atomic<int> committed{0};
  std::thread writer([&] {
    auto conn = store::PgConnection::connect(pg_->conninfo());
    ASSERT_TRUE(conn.is_ok());
    ASSERT_TRUE((*conn)->exec("SET synchronous_commit = off").is_ok());
    for (int i = 0; i < kTransactions; ++i) {
      // The last commit waits for its WAL to be flushed, and with it every earlier one: catch_up
      // waits for the slot to pass pg_current_wal_lsn(), which with asynchronous commits can
      // still lie before the last commit records (seen once under load: the final four
      // transactions were still unflushed, so not yet decodable, when the slot passed it).
      if (i == kTransactions - 1) {
        ASSERT_TRUE((*conn)->exec("SET synchronous_commit = on").is_ok());
      }
      // Every tenth transaction changes two rows: one event each, in order.
      Status s = (i % 10 == 9) ? (*conn)->exec_script("BEGIN; INSERT INTO patients (patient_id, name) VALUES ('K" +
                                                      std::to_string(i) + "', 'k'); UPDATE patients SET name = 'k2' "
                                                      "WHERE patient_id = 'K" + std::to_string(i) + "'; COMMIT;")
                               : (*conn)->exec("INSERT INTO patients (patient_id, name) VALUES ($1, 'k')",
                                               {"K" + std::to_string(i)}).status();
      ASSERT_TRUE(s.is_ok()) << s.to_string();
      committed = i + 1;
      if (i % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  ASSERT_NO_FATAL_FAILURE(kill_at_random_points(first, log_dir, kKills, 20, 600, "4096"));
  writer.join();
  ASSERT_EQ(committed, kTransactions);

  const int64_t expected = 6 + kTransactions + kTransactions / 10;
  ASSERT_TRUE(catch_up(log_dir, "4096"));
  auto all = events(kPatients);
  EXPECT_EQ(static_cast<int64_t>(all.size()), expected);
  size_t next = 6;
  for (int i = 0; i < kTransactions; ++i) {
    ASSERT_LT(next, all.size());
    const Event& e = all[next++];
    ASSERT_EQ(e.op(), "c") << "event " << next - 1;
    ASSERT_EQ(e.payload()["after"]["patient_id"], "K" + std::to_string(i)) << "event " << next - 1;
    if (i % 10 == 9) {
      ASSERT_LT(next, all.size());
      const Event& u = all[next++];
      ASSERT_EQ(u.op(), "u");
      ASSERT_EQ(u.payload()["after"]["patient_id"], "K" + std::to_string(i));
      ASSERT_EQ(u.payload()["source"]["txId"], e.payload()["source"]["txId"]);
    }
  }
}

// Transactions of 500 inserts and deletes (deletes bring tombstones) captured in chunks of 7
// records: nearly every kill lands inside a transaction that is partly in the log, and a chunk
// may end between a delete and its tombstone.
TEST_F(CdcKillTest, SigkillInsideChunkedTransactionsLosesAndDuplicatesNothing) {
  constexpr int kTransactions = 24;
  constexpr int kRows = 500;
  constexpr int kKills = 10;
  const std::string log_dir = (root_ / "log").string();
  const pid_t first = spawn_capture(pg_->conninfo(), log_dir, true, "7");
  ASSERT_GT(first, 0);
  std::atomic<int> committed{0};
  std::thread writer([&] {
    auto conn = store::PgConnection::connect(pg_->conninfo());
    ASSERT_TRUE(conn.is_ok());
    for (int i = 0; i < kTransactions; ++i) {
      // Odd transactions delete the rows the even one before inserted.
      const std::string statement =
          i % 2 == 0 ? fmt::format("INSERT INTO patients (patient_id, name) SELECT 'T{}-' || g, 'bulk' "
                                   "FROM generate_series(1, {}) g",
                                   i, kRows)
                     : fmt::format("DELETE FROM patients WHERE patient_id LIKE 'T{}-%'", i - 1);
      Status s = (*conn)->exec(statement).status();
      ASSERT_TRUE(s.is_ok()) << s.to_string();
      committed = i + 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
  });
  ASSERT_NO_FATAL_FAILURE(kill_at_random_points(first, log_dir, kKills, 100, 700, "7"));
  writer.join();
  ASSERT_EQ(committed, kTransactions);

  ASSERT_TRUE(catch_up(log_dir, "7"));
  auto all = events(kPatients);
  // 6 snapshot rows; per pair of transactions 500 creates, then 500 deletes each with a tombstone.
  ASSERT_EQ(static_cast<int64_t>(all.size()), 6 + (kTransactions / 2) * kRows * 3);
  size_t next = 6;
  for (int i = 0; i < kTransactions; ++i) {
    std::set<std::string> ids;
    std::optional<int64_t> tx_id;
    for (int r = 0; r < kRows; ++r) {
      const Event& e = all[next++];
      ASSERT_EQ(e.op(), i % 2 == 0 ? "c" : "d") << "transaction " << i << " event " << next - 1;
      const auto& row = e.payload()[i % 2 == 0 ? "after" : "before"];
      ids.insert(row["patient_id"].get<std::string>());
      const int64_t tx = e.payload()["source"]["txId"].get<int64_t>();
      if (tx_id) {
        ASSERT_EQ(tx, *tx_id) << "transaction " << i << " event " << next - 1;
      }
      tx_id = tx;
      if (i % 2 == 1) {
        const Event& t = all[next++];
        ASSERT_EQ(t.op(), "tombstone") << "transaction " << i << " event " << next - 1;
        ASSERT_EQ((*t.key)["payload"]["patient_id"], row["patient_id"]);
      }
    }
    ASSERT_EQ(ids.size(), static_cast<size_t>(kRows)) << "transaction " << i;
    ASSERT_EQ(*ids.begin(), fmt::format("T{}-1", i - i % 2)) << "transaction " << i;
  }
}

}  // namespace
}  // namespace careflow::cdc
