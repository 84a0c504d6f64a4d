// Exactly once through crashes: a process running the CDC connector is SIGKILLed at random
// points (during the snapshot, mid-stream, while confirming) while a writer commits 10,000
// transactions; at the end the topic holds every change once, in commit order.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <random>

#include "cdc/offset_store.h"
#include "cdc/tests/cdc_fixture.h"

namespace careflow::cdc {
namespace {

using testing::CdcTest;
using testing::Event;
using testing::kPatients;

// Starts the capture process; with `wait_streaming`, returns once it printed "streaming".
pid_t spawn_capture(const std::string& conninfo, const std::string& log_dir, bool wait_streaming = false) {
  int out[2];
  if (pipe(out) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    // Not waited for, the line goes nowhere (a pipe without a reader would kill it by SIGPIPE).
    const int target = wait_streaming ? out[1] : open("/dev/null", O_WRONLY);
    dup2(target, STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CDC_CAPTURE_BIN, CDC_CAPTURE_BIN, conninfo.c_str(), log_dir.c_str(), static_cast<char*>(nullptr));
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
  std::mt19937 random(::testing::UnitTest::GetInstance()->random_seed());
  for (int kill = 0; kill < kKills; ++kill) {
    const pid_t pid = kill == 0 ? first : spawn_capture(pg_->conninfo(), log_dir);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 600)(random)));
    ::kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the capture process ended by itself before kill " << kill;
  }
  writer.join();
  ASSERT_EQ(committed, kTransactions);

  // A last run catches up: PostgreSQL's slot is confirmed only up to what the log holds
  // durably, so once it passes the end of the writer's WAL the log holds everything.
  const int64_t expected = 5 + kTransactions + kTransactions / 10;
  const Lsn writer_end = *parse_lsn(*sql("SELECT pg_current_wal_lsn()::text").rows[0][0]);
  const pid_t last = spawn_capture(pg_->conninfo(), log_dir);
  const bool caught_up = wait_until([&] {
    auto slot = db_->exec("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'careflow'");
    return slot.is_ok() && !slot->rows.empty() && slot->rows[0][0] && *parse_lsn(*slot->rows[0][0]) >= writer_end;
  }, std::chrono::seconds(60));
  ::kill(last, SIGTERM);
  int status = 0;
  waitpid(last, &status, 0);
  ASSERT_TRUE(caught_up);
  open_log();
  auto all = events(kPatients);
  EXPECT_EQ(static_cast<int64_t>(all.size()), expected);
  size_t next = 5;
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

}  // namespace
}  // namespace careflow::cdc
