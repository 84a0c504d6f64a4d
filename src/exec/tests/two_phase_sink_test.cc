// Two-phase sinks in checkpointed runs (Sink::two_phase): the checkpointer has the sink prepare
// before a checkpoint's metadata is written and commit after, stores what it prepared in the
// metadata, and on a restart hands the restored checkpoint's prepared data to recover(). Then the
// 'iceberg' connector through the job runner: rows land in a day-partitioned table, a restart after
// a crash between a checkpoint and its commit commits it exactly once, a run without checkpoints
// commits at its end, upserts by primary key and retractions become position deletes, and bad
// options are refused naming the table.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "exec/checkpoint/checkpoint_files.h"
#include "exec/checkpoint/job_checkpointer.h"
#include "exec/connectors/job_runner.h"
#include "exec/session.h"
#include "lake/iceberg_files.h"
#include "lake/parquet_reader.h"
#include "log/embedded_log.h"

namespace careflow::exec {
namespace {

namespace fs = std::filesystem;

// What the fake sink saw, in order; where the checkpoints live (to look for metadata at each call).
std::vector<std::string> calls;
std::string checkpoint_dir;

bool meta_exists(int64_t id) { return fs::exists(checkpoint_dir + "/" + checkpoint::meta_file_name(id)); }

class RecordingSink : public Sink {
 public:
  Result<int64_t> write(const RowBatch& rows) override {
    held_ += static_cast<int64_t>(rows.size());
    return static_cast<int64_t>(rows.size());
  }
  bool two_phase() const override { return true; }
  Status recover(const std::string& job, int64_t id, const std::string& prepared) override {
    calls.push_back("recover " + job + " " + std::to_string(id) + " [" + prepared + "]");
    return Status::ok();
  }
  Result<std::string> prepare_commit(int64_t id) override {
    calls.push_back("prepare " + std::to_string(id) + (meta_exists(id) ? " after-meta" : " before-meta"));
    std::string prepared = std::to_string(held_) + " rows";
    held_ = 0;
    return prepared;
  }
  Status commit(int64_t id, const std::string& prepared) override {
    calls.push_back("commit " + std::to_string(id) + " [" + prepared + "]" + (meta_exists(id) ? " after-meta" : " before-meta"));
    return Status::ok();
  }
  Status finish() override {
    calls.push_back("finish");
    return Status::ok();
  }

 private:
  int64_t held_ = 0;
};

class TwoPhaseSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("careflow-two-phase-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto log = log::EmbeddedLog::open((root_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    log_ = std::move(*log);
    ASSERT_TRUE(log_->create_topic("readings", {}).is_ok());
    calls.clear();
    checkpoint_dir = (root_ / "checkpoints" / "job").string();
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(root_);
  }

  void produce(int from, int to) {
    std::vector<log::Record> records;
    for (int i = from; i < to; ++i) {
      log::Record r;
      r.value = "{\"seq\":" + std::to_string(i) + ",\"ts\":\"2024-05-0" + std::to_string(1 + i % 3) + " 08:00:00.000\"}";
      records.push_back(std::move(r));
    }
    ASSERT_TRUE(log_->append({"readings", 0}, records).is_ok());
  }

  RunOptions checkpointed() const {
    RunOptions o;
    o.checkpoint.directory = (root_ / "checkpoints").string();
    o.checkpoint.interval = std::chrono::milliseconds(1);
    o.job_names = {"job"};
    return o;
  }

  Result<RunStats> run(const std::string& ddl, const std::string& insert, RunOptions options) {
    Session session;
    CF_RETURN_IF_ERROR(session.execute_script("CREATE TABLE readings (seq BIGINT, ts TIMESTAMP(3)) WITH ('format' = 'json');" + ddl).status());
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, session.execute_script(insert));
    options.bounded = true;
    options.batch_rows = 10;
    return run_jobs({r.back().job.get()}, log_.get(), options);
  }

  std::string iceberg_ddl() const {
    return "CREATE TABLE lake (seq BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" +
           (root_ / "wh").string() + "', 'partition.day-column' = 'ts');";
  }
  std::multiset<int64_t> lake_rows() {
    std::multiset<int64_t> out;
    auto t = lake::iceberg::load_table((root_ / "wh" / "default_database" / "lake").string());
    EXPECT_TRUE(t.is_ok()) << t.status().message();
    if (!t.is_ok()) return out;
    EXPECT_TRUE(lake::iceberg::scan_rows(*t, [&](std::vector<values::Value> row) {
                  out.insert(row[0].as_int());
                  return Status::ok();
                }).is_ok());
    return out;
  }

  fs::path root_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

// The INSERT's rows go to `sink` (not its table's connector), through a JobCheckpointer that
// checkpoints after every batch and once at the end, as the job runner does.
Result<int64_t> run_into(RecordingSink& sink, const CheckpointSettings& settings, log::Topics* topics) {
  Session session;
  CF_RETURN_IF_ERROR(session
                         .execute_script("CREATE TABLE readings (seq BIGINT, ts TIMESTAMP(3)) WITH ('format' = 'json');"
                                         "CREATE TABLE copied (seq BIGINT) WITH ('format' = 'json');")
                         .status());
  CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, session.execute_script("INSERT INTO copied SELECT seq FROM readings"));
  Job& job = *r.back().job;
  ConnectorContext context;
  context.topics = topics;
  context.bounded = true;
  CF_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, make_source(*job.sources()[0].table, context));
  JobCheckpointer checkpointer(job, "job", settings, topics, {source.get()}, &sink);
  CF_RETURN_IF_ERROR(checkpointer.start());
  if (!checkpointer.stats().restored_from) CF_RETURN_IF_ERROR(job.start());
  int64_t written = 0;
  for (bool more = true; more;) {
    RowBatch batch;
    CF_ASSIGN_OR_RETURN(more, source->poll(&batch, 10));
    if (batch.empty()) continue;
    CF_RETURN_IF_ERROR(job.push_full(0, std::move(batch)));
    CF_ASSIGN_OR_RETURN(int64_t n, sink.write(job.take_output()));
    written += n;
    CF_RETURN_IF_ERROR(checkpointer.checkpoint());
  }
  CF_RETURN_IF_ERROR(checkpointer.checkpoint());
  return written;
}

TEST_F(TwoPhaseSinkTest, PreparesBeforeTheMetadataCommitsAfterAndRecoversWhatWasPrepared) {
  produce(0, 30);
  RecordingSink sink;
  const CheckpointSettings settings = checkpointed().checkpoint;
  auto first = run_into(sink, settings, log_.get());
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_EQ(*first, 30);
  ASSERT_EQ(calls.size(), 1u + 2 * 4);  // recover, then 3 batches and the last checkpoint
  EXPECT_EQ(calls[0], "recover job 0 []");
  for (size_t i = 1; i < calls.size(); i += 2) {
    const std::string id = std::to_string((i + 1) / 2);
    EXPECT_EQ(calls[i], "prepare " + id + " before-meta");
    EXPECT_TRUE(calls[i + 1].starts_with("commit " + id + " [")) << calls[i + 1];
    EXPECT_TRUE(calls[i + 1].ends_with("after-meta")) << calls[i + 1];
  }
  EXPECT_EQ(calls[2], "commit 1 [10 rows] after-meta");
  EXPECT_EQ(calls[8], "commit 4 [0 rows] after-meta");
  auto meta = checkpoint::read_meta(checkpoint_dir + "/" + checkpoint::meta_file_name(3));
  ASSERT_FALSE(meta.is_ok());  // one checkpoint retained
  meta = checkpoint::read_meta(checkpoint_dir + "/" + checkpoint::meta_file_name(4));
  ASSERT_TRUE(meta.is_ok()) << meta.status().message();
  EXPECT_EQ(meta->sink, "0 rows");  // what the sink prepared, kept with the checkpoint

  calls.clear();
  produce(30, 35);
  RecordingSink restarted;
  auto second = run_into(restarted, settings, log_.get());
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_EQ(calls[0], "recover job 4 [0 rows]");
  EXPECT_EQ(*second, 5);
}

TEST_F(TwoPhaseSinkTest, IcebergSinkCommitsEachRowOnceAcrossARestart) {
  produce(0, 60);
  auto first = run(iceberg_ddl(), "INSERT INTO lake SELECT seq, ts FROM readings", checkpointed());
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  std::multiset<int64_t> want;
  for (int64_t i = 0; i < 60; ++i) want.insert(i);
  EXPECT_EQ(lake_rows(), want);
  auto table = lake::iceberg::load_table((root_ / "wh" / "default_database" / "lake").string());
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(table->spec.fields.size(), 1u);
  EXPECT_EQ(table->current()->summary.at("careflow.job"), "job");
  EXPECT_GE(table->snapshots.size(), 2u);

  // One more run whose only checkpoint is its last: then a crash after that checkpoint's metadata,
  // before its commit — the table never got its version, and a stray file of an uncommitted
  // checkpoint lies there. The restart commits the checkpoint again, once, and removes the file.
  produce(60, 90);
  for (int64_t i = 60; i < 90; ++i) want.insert(i);
  RunOptions rare = checkpointed();
  rare.checkpoint.interval = std::chrono::hours(1);
  ASSERT_TRUE(run(iceberg_ddl(), "INSERT INTO lake SELECT seq, ts FROM readings", rare).is_ok());
  table = lake::iceberg::load_table((root_ / "wh" / "default_database" / "lake").string());
  ASSERT_TRUE(table.is_ok());
  const size_t snapshots = table->snapshots.size();
  const std::string location = table->location;
  const std::string some_file = lake::iceberg::live_files(*table)->front().path;
  fs::remove(lake::iceberg::metadata_file(location, table->version));
  fs::remove(location + "/metadata/version-hint.text");
  ASSERT_EQ(lake::iceberg::load_table(location)->snapshots.size(), snapshots - 1);
  const fs::path stray = fs::path(location) / "data" / "ts_day=2024-05-01" / "job+deadbeef-00000.parquet";
  fs::copy_file(some_file, stray);
  auto second = run(iceberg_ddl(), "INSERT INTO lake SELECT seq, ts FROM readings", rare);
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_EQ(second->rows_read, 0);
  EXPECT_EQ(lake_rows(), want);
  EXPECT_FALSE(fs::exists(stray));
  EXPECT_EQ(lake::iceberg::load_table(location)->snapshots.size(), snapshots);

  // Without checkpoints the job's rows land when it ends.
  ASSERT_TRUE(run("CREATE TABLE lake2 (seq BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                  "'warehouse' = '" + (root_ / "wh").string() + "');",
                  "INSERT INTO lake2 SELECT seq, ts FROM readings", {})
                  .is_ok());
  auto plain = lake::iceberg::load_table((root_ / "wh" / "default_database" / "lake2").string());
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(plain->snapshots.size(), 1u);
  EXPECT_TRUE(plain->spec.fields.empty());
  EXPECT_EQ(plain->current()->summary.at("total-records"), "90");
  EXPECT_EQ(plain->current()->summary.count("careflow.checkpoint-id"), 0u);  // committed by the run's end, not a checkpoint
}

// The rows of an iceberg table of BIGINT columns, as careflow's reader scans them (deletes applied).
std::multiset<std::vector<int64_t>> table_rows(const std::string& location) {
  std::multiset<std::vector<int64_t>> out;
  auto t = lake::iceberg::load_table(location);
  EXPECT_TRUE(t.is_ok()) << t.status().message();
  if (!t.is_ok()) return out;
  Status s = lake::iceberg::scan_rows(*t, [&](std::vector<values::Value> row) {
    std::vector<int64_t> ints;
    for (const values::Value& v : row) ints.push_back(v.as_int());
    out.insert(std::move(ints));
    return Status::ok();
  });
  EXPECT_TRUE(s.is_ok()) << s.message();
  return out;
}

// An upsert table (PRIMARY KEY) fed an updating aggregate whose HAVING turns updates into
// deletes: after checkpoints every 10 rows, a restart and a crash between a checkpoint and its
// commit, the table holds exactly the aggregate's final rows, through position deletes.
TEST_F(TwoPhaseSinkTest, IcebergSinkUpsertsByPrimaryKeyAcrossRestarts) {
  const std::string ddl = "CREATE TABLE counts (k BIGINT, n BIGINT, m BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'iceberg', "
                          "'catalog-name' = 'c', 'warehouse' = '" + (root_ / "wh").string() + "');";
  const std::string insert = "INSERT INTO counts SELECT seq % 7, COUNT(*), MAX(seq) FROM readings GROUP BY seq % 7 HAVING COUNT(*) < 9";
  const std::string location = (root_ / "wh" / "default_database" / "counts").string();
  auto want = [](int64_t rows) {
    std::multiset<std::vector<int64_t>> out;
    for (int64_t k = 0; k < 7; ++k) {
      int64_t n = 0, m = -1;
      for (int64_t i = k; i < rows; i += 7) ++n, m = i;
      if (n > 0 && n < 9) out.insert({k, n, m});
    }
    return out;
  };
  produce(0, 40);
  auto first = run(ddl, insert, checkpointed());
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_EQ(table_rows(location), want(40));
  auto table = lake::iceberg::load_table(location);
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(table->current()->summary.at("operation"), "overwrite");
  EXPECT_GT(std::stoll(table->current()->summary.at("total-position-deletes")), 0);

  produce(40, 60);  // keys 0..3 reach 9 rows: deleted
  ASSERT_TRUE(run(ddl, insert, checkpointed()).is_ok());
  EXPECT_EQ(table_rows(location), want(60));
  EXPECT_EQ(table_rows(location).size(), 3u);

  // A run whose only checkpoint is its last, then a crash after its metadata and before its
  // commit: the restart commits it once, deletes included.
  produce(60, 75);
  RunOptions rare = checkpointed();
  rare.checkpoint.interval = std::chrono::hours(1);
  ASSERT_TRUE(run(ddl, insert, rare).is_ok());
  table = lake::iceberg::load_table(location);
  ASSERT_TRUE(table.is_ok());
  fs::remove(lake::iceberg::metadata_file(location, table->version));
  fs::remove(location + "/metadata/version-hint.text");
  EXPECT_NE(table_rows(location), want(75));
  auto again = run(ddl, insert, rare);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->rows_read, 0);
  EXPECT_EQ(table_rows(location), want(75));
}

// The sink's Parquet encoding options ('write.parquet.integer-encoding', per column
// 'write.parquet.encoding.column.<col>') reach its data files, which read back whole; a bad value or
// a column that cannot take the encoding is refused naming the option. The upsert table's schema
// names its PRIMARY KEY in identifier-field-ids.
TEST_F(TwoPhaseSinkTest, IcebergSinkEncodingOptionsAndIdentifierFields) {
  produce(0, 30);
  const std::string wh = (root_ / "wh").string();
  const std::string ddl = "CREATE TABLE counts (k BIGINT, n BIGINT, m BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'iceberg', "
                          "'catalog-name' = 'c', 'warehouse' = '" + wh + "', 'write.parquet.integer-encoding' = 'delta', "
                          "'write.parquet.encoding.column.m' = 'plain');";
  auto ran = run(ddl, "INSERT INTO counts SELECT seq % 5, COUNT(*), MAX(seq) FROM readings GROUP BY seq % 5", checkpointed());
  ASSERT_TRUE(ran.is_ok()) << ran.status().message();
  const std::string location = wh + "/default_database/counts";
  EXPECT_EQ(table_rows(location), (std::multiset<std::vector<int64_t>>{{0, 6, 25}, {1, 6, 26}, {2, 6, 27}, {3, 6, 28}, {4, 6, 29}}));
  auto table = lake::iceberg::load_table(location);
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(nlohmann::json::parse(table->schema_json)["identifier-field-ids"], nlohmann::json::array({1}));
  auto files = lake::iceberg::live_files(*table);
  ASSERT_TRUE(files.is_ok() && !files->empty());
  auto reader = lake::ParquetReader::open(files->front().path);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  using lake::parquet::Encoding;
  const auto& chunks = (*reader)->metadata().row_groups[0].columns;
  EXPECT_EQ(chunks[0].meta_data->encodings, (std::vector<Encoding>{Encoding::kRle, Encoding::kDeltaBinaryPacked}));
  EXPECT_EQ(chunks[1].meta_data->encodings, (std::vector<Encoding>{Encoding::kRle, Encoding::kDeltaBinaryPacked}));
  EXPECT_EQ(chunks[2].meta_data->encodings, (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));

  for (const auto& [options, message] :
       {std::pair{"'write.parquet.integer-encoding' = 'zigzag'", "'write.parquet.integer-encoding': unknown Parquet column encoding 'zigzag'"},
        std::pair{"'write.parquet.encoding.column.tag' = 'delta'", "DELTA_BINARY_PACKED encodes INT32 and INT64 columns only"},
        std::pair{"'write.parquet.encoding.column.nope' = 'plain'", "column_encodings: no column 'nope'"}}) {
    const std::string bad = std::string("CREATE TABLE bad (seq BIGINT, tag STRING) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                                        "'warehouse' = '") + wh + "', " + options + ");";
    auto refused = run(bad, "INSERT INTO bad SELECT seq, 'x' FROM readings", {});
    ASSERT_FALSE(refused.is_ok()) << options;
    EXPECT_NE(refused.status().message().find(message), std::string::npos) << refused.status().message();
  }
}

// A table without a key takes retractions: -U / -D delete one equal row, so a running COUNT(*)
// leaves one row, and rows inserted and retracted between checkpoints never reach a file.
TEST_F(TwoPhaseSinkTest, IcebergSinkAppliesRetractionsToATableWithoutAKey) {
  produce(0, 45);
  const std::string ddl = "CREATE TABLE total (n BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" +
                          (root_ / "wh").string() + "');";
  auto counted = run(ddl, "INSERT INTO total SELECT COUNT(*) FROM readings", checkpointed());
  ASSERT_TRUE(counted.is_ok()) << counted.status().message();
  const std::string location = (root_ / "wh" / "default_database" / "total").string();
  EXPECT_EQ(table_rows(location), (std::multiset<std::vector<int64_t>>{{45}}));
  // Without checkpoints: one commit at the end, holding the last count only, no delete file.
  const std::string ddl2 = "CREATE TABLE total2 (n BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" +
                           (root_ / "wh").string() + "');";
  auto plain = run(ddl2, "INSERT INTO total2 SELECT COUNT(*) FROM readings", {});
  ASSERT_TRUE(plain.is_ok()) << plain.status().message();
  const std::string location2 = (root_ / "wh" / "default_database" / "total2").string();
  EXPECT_EQ(table_rows(location2), (std::multiset<std::vector<int64_t>>{{45}}));
  auto t2 = lake::iceberg::load_table(location2);
  ASSERT_TRUE(t2.is_ok());
  EXPECT_EQ(t2->current()->summary.at("total-records"), "1");
  EXPECT_EQ(t2->current()->summary.at("total-delete-files"), "0");
}

// ROW, ARRAY and MAP columns through the sink (rows from a JSON topic): the new table's schema
// numbers every nested field, the rows read back whole, NULLs and empty arrays included, and the
// table reads as a bounded source too. A column of a type Iceberg tables of careflow cannot hold,
// even deep inside, is refused by name.
TEST_F(TwoPhaseSinkTest, IcebergSinkWritesNestedColumns) {
  ASSERT_TRUE(log_->create_topic("nested_in", {}).is_ok());
  std::vector<log::Record> records;
  for (int i = 0; i < 30; ++i) {
    const std::string tags = i % 3 == 0 ? "null" : i % 3 == 1 ? fmt::format(R"(["{}", null])", i) : "[]";
    const std::string info = i % 4 == 0 ? "null" : fmt::format(R"({{"n":{},"label":"x"}})", i);
    log::Record r;
    r.value = fmt::format(R"({{"seq":{0},"tags":{1},"info":{2},"attrs":{{"k":{0}}}}})", i, tags, info);
    records.push_back(std::move(r));
  }
  ASSERT_TRUE(log_->append({"nested_in", 0}, records).is_ok());
  const std::string wh = (root_ / "wh").string();
  const std::string columns = "(seq BIGINT, tags ARRAY<STRING>, info ROW<n BIGINT, label STRING>, attrs MAP<STRING, BIGINT>)";
  const std::string ddl = "CREATE TABLE nested_in " + columns + " WITH ('format' = 'json');"
                          "CREATE TABLE nested " + columns + " WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" + wh + "');";
  auto ran = run(ddl, "INSERT INTO nested SELECT * FROM nested_in", checkpointed());
  ASSERT_TRUE(ran.is_ok()) << ran.status().message();
  auto table = lake::iceberg::load_table(wh + "/default_database/nested");
  ASSERT_TRUE(table.is_ok()) << table.status().message();
  ASSERT_EQ(table->columns.size(), 4u);
  EXPECT_EQ(table->columns[1].nested_ids, (std::vector<int32_t>{5}));
  EXPECT_EQ(table->columns[2].nested_ids, (std::vector<int32_t>{6, 7}));
  EXPECT_EQ(table->columns[3].nested_ids, (std::vector<int32_t>{8, 9}));
  EXPECT_EQ(table->json.at("last-column-id"), 9);
  using values::Value;
  std::map<int64_t, std::vector<Value>> rows;
  ASSERT_TRUE(lake::iceberg::scan_rows(*table, [&](std::vector<Value> row) {
                rows[row[0].as_int()] = std::move(row);
                return Status::ok();
              }).is_ok());
  ASSERT_EQ(rows.size(), 30u);
  for (const auto& [seq, row] : rows) {
    Value tags = seq % 3 == 0   ? Value()
                 : seq % 3 == 1 ? Value::list({Value::string(std::to_string(seq)), Value()})
                                : Value::list({});
    EXPECT_TRUE(row[1] == tags) << seq;
    Value info = seq % 4 == 0 ? Value() : Value::list({Value::integer(seq), Value::string("x")});
    EXPECT_TRUE(row[2] == info) << seq;
    EXPECT_TRUE(row[3] == Value::map({{Value::string("k"), Value::integer(seq)}})) << seq;
  }

  // The table read back as a bounded source, into a second nested table: the same rows.
  auto copied = run("CREATE TABLE src " + columns + " WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'catalog-table' = 'nested', "
                    "'warehouse' = '" + wh + "');"
                    "CREATE TABLE nested_copy " + columns + " WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" + wh + "');",
                    "INSERT INTO nested_copy SELECT * FROM src", {});
  ASSERT_TRUE(copied.is_ok()) << copied.status().message();
  auto copy = lake::iceberg::load_table(wh + "/default_database/nested_copy");
  ASSERT_TRUE(copy.is_ok()) << copy.status().message();
  size_t same = 0;
  ASSERT_TRUE(lake::iceberg::scan_rows(*copy, [&](std::vector<Value> row) {
                auto it = rows.find(row[0].as_int());
                if (it != rows.end() && it->second == row) ++same;
                return Status::ok();
              }).is_ok());
  EXPECT_EQ(same, rows.size());

  // The same table declared with another element type is refused before a row is written.
  auto other = run("CREATE TABLE nested_in " + columns + " WITH ('format' = 'json');"
                   "CREATE TABLE nested2 (seq BIGINT, tags ARRAY<INT>, info ROW<n BIGINT, label STRING>, attrs MAP<STRING, BIGINT>) WITH ("
                   "'connector' = 'iceberg', 'catalog-name' = 'c', 'catalog-table' = 'nested', 'warehouse' = '" + wh + "');",
                   "INSERT INTO nested2 SELECT seq, CAST(NULL AS ARRAY<INT>), info, attrs FROM nested_in", {});
  ASSERT_FALSE(other.is_ok());
  EXPECT_NE(other.status().message().find("column 'tags'"), std::string::npos) << other.status().message();

  auto refused = run("CREATE TABLE bad (seq BIGINT, times ARRAY<ROW<t TIME>>) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                     "'warehouse' = '" + wh + "');",
                     "INSERT INTO bad SELECT seq, CAST(NULL AS ARRAY<ROW<t TIME>>) FROM readings", {});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("column 'times'"), std::string::npos) << refused.status().message();
}

// 'iceberg' tables as bounded sources: the current snapshot (deletes applied), an older one by
// 'snapshot-id', with a filter and a renamed column order; errors name the table.
TEST_F(TwoPhaseSinkTest, IcebergTablesReadAsBoundedSources) {
  produce(0, 60);
  ASSERT_TRUE(run(iceberg_ddl(), "INSERT INTO lake SELECT seq, ts FROM readings", checkpointed()).is_ok());
  const std::string wh = (root_ / "wh").string();
  auto lake_table = lake::iceberg::load_table(wh + "/default_database/lake");
  ASSERT_TRUE(lake_table.is_ok());
  ASSERT_GE(lake_table->snapshots.size(), 2u);
  const lake::iceberg::Snapshot& first = lake_table->snapshots.front();
  auto copy = [&](const std::string& source_options, const std::string& target, const std::string& where) {
    return run("CREATE TABLE src (ts TIMESTAMP(3), seq BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'catalog-table' = 'lake', "
               "'warehouse' = '" + wh + "'" + source_options + ");"
               "CREATE TABLE " + target + " (seq BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'warehouse' = '" +
                   wh + "', 'partition.day-column' = 'none');",
               "INSERT INTO " + target + " SELECT seq, ts FROM src" + where, {});
  };
  auto all = copy("", "copy_all", " WHERE seq >= 10");
  ASSERT_TRUE(all.is_ok()) << all.status().message();
  std::multiset<std::vector<int64_t>> want;
  auto all_rows = table_rows(wh + "/default_database/lake");
  for (const auto& r : all_rows) {
    if (r[0] >= 10) want.insert(r);
  }
  EXPECT_EQ(want.size(), 50u);
  EXPECT_EQ(table_rows(wh + "/default_database/copy_all"), want);
  auto old = copy(", 'snapshot-id' = '" + std::to_string(first.snapshot_id) + "'", "copy_first", "");
  ASSERT_TRUE(old.is_ok()) << old.status().message();
  EXPECT_EQ(static_cast<int64_t>(table_rows(wh + "/default_database/copy_first").size()), std::stoll(first.summary.at("added-records")));
  EXPECT_LT(table_rows(wh + "/default_database/copy_first").size(), all_rows.size());

  auto missing = run("CREATE TABLE m (nope BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'catalog-table' = 'lake', "
                     "'warehouse' = '" + wh + "');" + "CREATE TABLE out_m (nope BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                     "'warehouse' = '" + wh + "');", "INSERT INTO out_m SELECT nope FROM m", {});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("table 'm': the Iceberg table at"), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find("has no column 'nope'"), std::string::npos) << missing.status().message();
  auto streaming = copy(", 'streaming' = 'true'", "copy_streaming", "");
  ASSERT_FALSE(streaming.is_ok());
  EXPECT_NE(streaming.status().message().find("'streaming' = 'true' is not supported"), std::string::npos) << streaming.status().message();
  auto bad_id = copy(", 'snapshot-id' = '12x'", "copy_bad", "");
  ASSERT_FALSE(bad_id.is_ok());
  EXPECT_NE(bad_id.status().message().find("'snapshot-id' = '12x'"), std::string::npos) << bad_id.status().message();
}

TEST_F(TwoPhaseSinkTest, IcebergSinkRefusesBadOptionsNamingTheTable) {
  produce(0, 10);
  auto upsert = run("CREATE TABLE counts (n BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'write.upsert.enabled' = 'true', "
                    "'warehouse' = '" + (root_ / "wh").string() + "');",
                    "INSERT INTO counts SELECT COUNT(*) FROM readings", {});
  ASSERT_FALSE(upsert.is_ok());
  EXPECT_NE(upsert.status().message().find("table 'counts': 'write.upsert.enabled' = 'true' needs a PRIMARY KEY"), std::string::npos)
      << upsert.status().message();
  auto spec = run("CREATE TABLE z (seq BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                  "'partition.spec' = 'hour(seq)', 'warehouse' = '" + (root_ / "wh").string() + "');",
                  "INSERT INTO z SELECT seq, ts FROM readings", {});
  ASSERT_FALSE(spec.is_ok());
  EXPECT_NE(spec.status().message().find("table 'z': 'partition.spec': partition spec 'hour(seq)': hour cannot apply to column 'seq'"),
            std::string::npos)
      << spec.status().message();
  // A spec of transforms: the table is created with it, rows land in its partition folders.
  ASSERT_TRUE(run("CREATE TABLE p (seq BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', "
                  "'partition.spec' = 'month(ts), bucket(3, seq), truncate(5, seq)', 'warehouse' = '" + (root_ / "wh").string() + "');",
                  "INSERT INTO p SELECT seq, ts FROM readings", {})
                  .is_ok());
  auto partitioned = lake::iceberg::load_table((root_ / "wh" / "default_database" / "p").string());
  ASSERT_TRUE(partitioned.is_ok());
  ASSERT_EQ(partitioned->spec.fields.size(), 3u);
  EXPECT_EQ(partitioned->spec.fields[1].transform, "bucket[3]");
  auto files = lake::iceberg::live_files(*partitioned);
  ASSERT_TRUE(files.is_ok());
  ASSERT_FALSE(files->empty());
  for (const lake::iceberg::DataFile& f : *files) {
    EXPECT_NE(f.path.find("/data/ts_month=2024-05/seq_bucket="), std::string::npos) << f.path;
    EXPECT_NE(f.path.find("/seq_trunc="), std::string::npos) << f.path;
    EXPECT_EQ(f.partition.size(), 3u);
  }
  EXPECT_EQ(table_rows(partitioned->location).size(), 10u);
  auto no_catalog = run("CREATE TABLE x (seq BIGINT) WITH ('connector' = 'iceberg');", "INSERT INTO x SELECT seq FROM readings", {});
  ASSERT_FALSE(no_catalog.is_ok());
  EXPECT_NE(no_catalog.status().message().find("table 'x': the iceberg connector needs 'catalog-name'"), std::string::npos)
      << no_catalog.status().message();
  auto hive = run("CREATE TABLE y (seq BIGINT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c', 'catalog-type' = 'hive');",
                  "INSERT INTO y SELECT seq FROM readings", {});
  ASSERT_FALSE(hive.is_ok());
  EXPECT_NE(hive.status().message().find("'catalog-type' = 'hive' is not supported"), std::string::npos) << hive.status().message();
}

}  // namespace
}  // namespace careflow::exec
