// Checkpointed runs through the job runner over a real embedded log: an INSERT into a topic
// commits its records with each checkpoint, a run that starts again resumes from the committed
// checkpoint (no record read twice, none written twice), a savepoint starts a new job and is
// refused for a plan that does not fit it, damage to a committed checkpoint fails the start
// naming the file, and a checkpoint that never committed is removed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "exec/checkpoint/checkpoint_files.h"
#include "exec/connectors/job_runner.h"
#include "exec/session.h"
#include "log/embedded_log.h"

namespace careflow::exec {
namespace {

namespace fs = std::filesystem;

const char* kDdl =
    "CREATE TABLE readings (device STRING, v BIGINT) WITH ('format' = 'json');"
    "CREATE TABLE totals (device STRING, n BIGINT, s BIGINT, PRIMARY KEY (device) NOT ENFORCED) WITH ('format' = 'json');"
    "CREATE TABLE plain_totals (device STRING, n BIGINT, s BIGINT, PRIMARY KEY (device) NOT ENFORCED) WITH ('format' = 'json');";
const char* kInsert = "INSERT INTO totals SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device";

class CheckpointRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("careflow-ckpt-run-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto log = log::EmbeddedLog::open((root_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    log_ = std::move(*log);
    ASSERT_TRUE(log_->create_topic("readings", {}).is_ok());
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(root_);
  }

  void produce(int from, int to, int devices = 7) {
    std::vector<log::Record> records;
    for (int i = from; i < to; ++i) {
      log::Record r;
      r.value = "{\"device\":\"DEV-" + std::to_string(i % devices) + "\",\"v\":" + std::to_string(i) + "}";
      records.push_back(std::move(r));
    }
    ASSERT_TRUE(log_->append({"readings", 0}, records).is_ok());
  }

  CheckpointSettings settings() const {
    CheckpointSettings s;
    s.directory = (root_ / "checkpoints").string();
    s.savepoint_dir = (root_ / "savepoints").string();
    s.interval = std::chrono::milliseconds(1);  // a checkpoint after every batch
    return s;
  }

  // Runs `insert` bounded, with `options`' checkpoint settings and name.
  Result<RunStats> run(const std::string& insert, RunOptions options) {
    Session session;
    CF_RETURN_IF_ERROR(session.execute_script(kDdl).status());
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, session.execute_script(insert));
    options.bounded = true;
    options.batch_rows = 10;
    return run_jobs({r.back().job.get()}, log_.get(), options);
  }

  std::vector<std::string> values_of(const std::string& topic) {
    std::vector<std::string> out;
    auto fetched = log_->fetch({topic, 0}, 0, {1'000'000, 64 << 20});
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().message();
    if (!fetched.is_ok()) return out;
    for (const log::Record& r : fetched->records) out.push_back(r.key.value_or("") + "=" + r.value.value_or("<tombstone>"));
    return out;
  }

  RunOptions named(const std::string& name) {
    RunOptions o;
    o.checkpoint = settings();
    o.job_names = {name};
    return o;
  }

  fs::path root_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

TEST_F(CheckpointRunnerTest, ARestartedRunResumesAndWritesEachResultOnce) {
  produce(0, 100);
  auto first = run(kInsert, named("totals-job"));
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  ASSERT_EQ(first->checkpoints.size(), 1u);
  EXPECT_GT(first->checkpoints[0].checkpoints, 5);
  produce(100, 230);
  auto second = run(kInsert, named("totals-job"));
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  ASSERT_TRUE(second->checkpoints[0].restored_from.has_value());
  EXPECT_EQ(second->rows_read, 130);  // only what the first run had not read

  // The same input in one uninterrupted run without checkpoints.
  auto plain = run("INSERT INTO plain_totals SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device", {});
  ASSERT_TRUE(plain.is_ok()) << plain.status().message();
  EXPECT_EQ(values_of("totals"), values_of("plain_totals"));
  EXPECT_FALSE(values_of("totals").empty());
}

TEST_F(CheckpointRunnerTest, IncrementalCheckpointsWriteDeltasAndKeepOneChain) {
  // 200 devices, 10 rows a batch and a checkpoint after each: a delta holds at most 10 groups, so
  // deltas follow a base until they outweigh it.
  produce(0, 600, 200);
  RunOptions o = named("deltas");
  o.checkpoint.num_retained = 1;
  int written_bases = 0, written_deltas = 0;
  o.on_checkpoint = [&](size_t, const CheckpointStats& s) { ++(s.last_was_base ? written_bases : written_deltas); };
  auto r = run(kInsert, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_GT(r->checkpoints[0].checkpoints, 50);
  EXPECT_GT(written_deltas, 3 * written_bases);  // mostly deltas; now and then a new base
  EXPECT_GE(written_bases, 2);                   // (the deltas came to outweigh the first)
  // What the directory keeps is the one checkpoint retained and its chain: a base and the deltas
  // after it (older checkpoints and the chains they used are removed).
  std::vector<std::string> metas, states;
  for (const auto& e : fs::directory_iterator(root_ / "checkpoints" / "deltas")) {
    const std::string name = e.path().filename().string();
    (checkpoint::meta_file_id(name) >= 0 ? metas : states).push_back(name);
  }
  ASSERT_EQ(metas.size(), 1u);
  auto kept = checkpoint::read_meta((root_ / "checkpoints" / "deltas" / metas[0]).string());
  ASSERT_TRUE(kept.is_ok()) << kept.status().message();
  std::sort(states.begin(), states.end());
  EXPECT_EQ(states, kept->files);
  EXPECT_TRUE(kept->files[0].ends_with(".base"));
  for (size_t i = 1; i < kept->files.size(); ++i) EXPECT_TRUE(kept->files[i].ends_with(".delta")) << kept->files[i];
  auto plain = run("INSERT INTO plain_totals SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device", {});
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(values_of("totals"), values_of("plain_totals"));
}

TEST_F(CheckpointRunnerTest, ASavepointStartsANewJobAndRefusesAnotherPlan) {
  produce(0, 50);
  RunOptions stop = named("first");
  const std::atomic<bool> with_savepoint{true};
  stop.stop_with_savepoint = &with_savepoint;
  auto first = run(kInsert, stop);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  ASSERT_EQ(first->savepoints.size(), 1u);
  const std::string savepoint = first->savepoints[0];
  EXPECT_TRUE(fs::exists(savepoint));

  // Another plan: its operators are not the savepoint's.
  RunOptions other = named("other-plan");
  other.checkpoint.restore_from = savepoint;
  auto refused = run("INSERT INTO totals SELECT device, COUNT(*), MAX(v) FROM readings GROUP BY device", other);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("does not fit this statement's plan"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("MAX"), std::string::npos) << refused.status().message();

  // The same plan under a new name continues from the savepoint's counts and offsets.
  produce(50, 80);
  RunOptions resumed = named("second");
  resumed.checkpoint.restore_from = savepoint;
  auto second = run(kInsert, resumed);
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_EQ(second->rows_read, 30);
  auto plain = run("INSERT INTO plain_totals SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device", {});
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(values_of("totals"), values_of("plain_totals"));
}

TEST_F(CheckpointRunnerTest, AStopWithSavepointWithoutItsDirectoryCommitsAndSaysWhatIsMissing) {
  produce(0, 30);
  RunOptions o = named("no-savepoint-dir");
  o.checkpoint.savepoint_dir.clear();
  const std::atomic<bool> with_savepoint{true};
  o.stop_with_savepoint = &with_savepoint;
  auto r = run(kInsert, o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("execution.checkpointing.savepoint-dir"), std::string::npos) << r.status().message();
  auto plain = run("INSERT INTO plain_totals SELECT device, COUNT(*), SUM(v) FROM readings GROUP BY device", {});
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(values_of("totals"), values_of("plain_totals"));  // the last checkpoint committed
}

TEST_F(CheckpointRunnerTest, DamageToTheCommittedCheckpointFailsNamingFileAndByte) {
  produce(0, 60);
  ASSERT_TRUE(run(kInsert, named("damaged")).is_ok());
  fs::path state;
  for (const auto& e : fs::directory_iterator(root_ / "checkpoints" / "damaged")) {
    if (e.path().extension() == ".base") state = e.path();
  }
  ASSERT_FALSE(state.empty());
  std::fstream f(state, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(20);
  f.put('\x7f');
  f.close();
  auto r = run(kInsert, named("damaged"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(state.string()), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("at byte 8"), std::string::npos) << r.status().message();
  EXPECT_TRUE(fs::exists(state));  // nothing removed
}

TEST_F(CheckpointRunnerTest, ACheckpointThatNeverCommittedIsRemoved) {
  produce(0, 40);
  auto first = run(kInsert, named("uncommitted"));
  ASSERT_TRUE(first.is_ok());
  const int64_t committed = first->checkpoints[0].last_id;
  // A checkpoint written up to its metadata, then the process died before the log's commit.
  const fs::path dir = root_ / "checkpoints" / "uncommitted";
  fs::copy_file(dir / checkpoint::meta_file_name(committed), dir / "copy");
  auto meta = checkpoint::read_meta((dir / "copy").string());
  ASSERT_TRUE(meta.is_ok());
  // An id the second run's own checkpoints cannot reach, so a base it writes is never taken for
  // the uncommitted one's file (its first checkpoint is a base when the chain's deltas outweigh it).
  const int64_t uncommitted = committed + 1000;
  meta->id = uncommitted;
  ASSERT_TRUE(checkpoint::write_meta(dir.string(), *meta).is_ok());
  fs::remove(dir / "copy");
  std::ofstream(dir / checkpoint::state_file_name(uncommitted, true)) << "half";
  produce(40, 50);
  auto second = run(kInsert, named("uncommitted"));
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_EQ(second->checkpoints[0].restored_from, committed);
  EXPECT_FALSE(fs::exists(dir / checkpoint::state_file_name(uncommitted, true)));
  EXPECT_FALSE(fs::exists(dir / checkpoint::meta_file_name(uncommitted)));
  EXPECT_EQ(second->rows_read, 10);
}

TEST_F(CheckpointRunnerTest, AJobThatCannotCheckpointIsRefusedByName) {
  Session session;
  ASSERT_TRUE(session.execute_script(kDdl).is_ok());
  auto r = session.execute_script(
      "CREATE TABLE g (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');"
      "INSERT INTO plain_totals SELECT 'x', CAST(n AS BIGINT), CAST(n AS BIGINT) FROM g");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  RunOptions o = named("datagen");
  o.bounded = true;
  auto ran = run_jobs({r->back().job.get()}, log_.get(), o);
  ASSERT_FALSE(ran.is_ok());
  EXPECT_EQ(ran.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(ran.status().message().find("table 'g'"), std::string::npos) << ran.status().message();
}

}  // namespace
}  // namespace careflow::exec
