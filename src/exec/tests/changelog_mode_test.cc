// The changelog a table declares is the changelog its source gives and its operators emit
// (issue 23). A Debezium table in append mode ('changelog.mode' = 'append', in CREATE TABLE or by
// ALTER TABLE ... SET) is planned insert-only, so its reader turns each change event into one +I
// row as Confluent Cloud does (debezium_ops.h cites the page): three changes into an append sink
// are three records, not the five a retract reading gives. And in a debug build a source or an
// operator that emits a kind its plan does not declare fails the job with an Internal error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <tuple>

#include "exec/connectors/job_runner.h"
#include "exec/tests/registry_formats_fixture.h"
#include "exec/session.h"
#include "log/embedded_log.h"
#include "registry/registry.h"
#include "registry/client_implementations.h"
#include "serde/confluent_avro.h"
#include "sql/parser.h"

namespace careflow::exec {
namespace {

class ChangelogModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("careflow-changelog-mode-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto log = log::EmbeddedLog::open((dir_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    log_ = std::move(log).value();
    embedded_.open(dir_ / "registry");
  }
  void TearDown() override {
    embedded_.close();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  void run(const std::string& sql) {
    auto r = session_.execute_script(sql);
    ASSERT_TRUE(r.is_ok()) << sql << "\n" << r.status().to_string();
    jobs_.clear();
    for (StatementResult& s : *r) {
      if (s.kind == StatementResult::Kind::kJob) jobs_.push_back(std::move(s.job));
    }
  }
  Result<RunStats> run_jobs_bounded() {
    std::vector<Job*> jobs;
    for (auto& j : jobs_) jobs.push_back(j.get());
    RunOptions options;
    options.bounded = true;
    options.registries = registries_.get();
    return run_jobs(jobs, log_.get(), options);
  }
  void append(const std::string& topic, const std::vector<std::string>& values) {
    ASSERT_TRUE(log_->create_topic(topic, {}).is_ok());
    std::vector<log::Record> records;
    for (const std::string& v : values) records.push_back(log::Record{std::nullopt, v, {}, 0, -1});
    ASSERT_TRUE(log_->append({topic, 0}, records).is_ok());
  }
  std::vector<std::string> values_of(const std::string& topic) {
    auto fetched = log_->fetch({topic, 0}, 0);
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().to_string();
    std::vector<std::string> out;
    if (!fetched.is_ok()) return out;
    for (const log::Record& r : fetched->records) {
      std::string headers;
      for (const log::Header& h : r.headers) headers += " " + h.key + "=" + h.value.value_or("");
      out.push_back(r.value.value_or("<tombstone>") + headers);
    }
    return out;
  }

  // Runs `source_ddl` (a table 'rx'), copies rx into an append table and returns what it stored.
  std::vector<std::string> copied_into_append_table(const std::string& source_ddl) {
    run(source_ddl +
        ";CREATE TABLE rx_history (id STRING, dose DOUBLE) WITH ('changelog.mode' = 'append');"
        "INSERT INTO rx_history SELECT * FROM rx");
    auto stats = run_jobs_bounded();
    EXPECT_TRUE(stats.is_ok()) << stats.status().to_string();
    return values_of("rx_history");
  }

  std::filesystem::path dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
  test_support::EmbeddedRegistry embedded_;
  std::unique_ptr<serde::RegistryClient>& client_ = embedded_.client;
  std::unique_ptr<SchemaRegistryClients>& registries_ = embedded_.clients;
  Session session_;
  std::vector<std::unique_ptr<Job>> jobs_;
};

// Three changes of one prescription, as Debezium writes them: created, updated, deleted.
const std::vector<std::string> kThreeChanges = {
    R"({"before":null,"after":{"id":"RX1","dose":5.0},"op":"c"})",
    R"({"before":{"id":"RX1","dose":5.0},"after":{"id":"RX1","dose":6.0},"op":"u"})",
    R"({"before":{"id":"RX1","dose":6.0},"after":null,"op":"d"})",
};

// What Confluent Cloud gives for the three changes in append mode: one +I per event.
const std::vector<std::string> kThreeInserts = {R"({"id":"RX1","dose":5.0})", R"({"id":"RX1","dose":6.0})",
                                                R"({"id":"RX1","dose":6.0})"};

TEST_F(ChangelogModeTest, DebeziumJsonAppendTableGivesOneInsertPerChange) {
  append("rx_changes", kThreeChanges);
  EXPECT_EQ(copied_into_append_table("CREATE TABLE rx (id STRING, dose DOUBLE) WITH ('topic' = 'rx_changes', "
                                     "'value.format' = 'debezium-json', 'changelog.mode' = 'append')"),
            kThreeInserts);
}

TEST_F(ChangelogModeTest, AppendSetByAlterTableIsHonouredToo) {
  append("rx_changes", kThreeChanges);
  EXPECT_EQ(copied_into_append_table("CREATE TABLE rx (id STRING, dose DOUBLE) WITH ('topic' = 'rx_changes', "
                                     "'value.format' = 'debezium-json');"
                                     "ALTER TABLE rx SET ('changelog.mode' = 'append')"),
            kThreeInserts);
}

TEST_F(ChangelogModeTest, DebeziumJsonRetractTableStillGivesTheFullChangelog) {
  append("rx_changes", kThreeChanges);
  run("CREATE TABLE rx (id STRING, dose DOUBLE) WITH ('topic' = 'rx_changes', 'value.format' = 'debezium-json');"
      "CREATE TABLE rx_copy (id STRING, dose DOUBLE) WITH ('changelog.mode' = 'retract');"
      "INSERT INTO rx_copy SELECT * FROM rx");
  auto stats = run_jobs_bounded();
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  EXPECT_EQ(values_of("rx_copy"), (std::vector<std::string>{
                                      R"({"id":"RX1","dose":5.0} op=+I)", R"({"id":"RX1","dose":5.0} op=-U)",
                                      R"({"id":"RX1","dose":6.0} op=+U)", R"({"id":"RX1","dose":6.0} op=-D)"}));
}

TEST_F(ChangelogModeTest, DebeziumAvroAppendTableGivesOneInsertPerChange) {
  // The three changes in Confluent's Avro as Debezium's AvroConverter writes them (its own record
  // names, a source field).
  const std::string value = R"({"type":"record","name":"Value","namespace":"pg.public.rx","fields":[)"
                            R"({"name":"id","type":"string"},{"name":"dose","type":["null","double"],"default":null}]})";
  const std::string envelope = R"({"type":"record","name":"Envelope","namespace":"pg.public.rx","fields":[)"
                               R"({"name":"before","type":["null",)" + value + R"(],"default":null},)"
                               R"({"name":"after","type":["null","Value"],"default":null},)"
                               R"({"name":"source","type":"string"},{"name":"op","type":"string"}]})";
  auto schema = serde::avro::Schema::parse(envelope);
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  serde::AvroSerializer serializer(*client_, *schema, envelope, {});
  using D = serde::avro::Datum;
  auto row = [](double dose) { return D::branch(1, D::list({D::text("RX1"), D::branch(1, D::real(dose))})); };
  std::vector<std::string> events;
  for (auto [before, after, op] : {std::tuple{D::branch(0, D::null()), row(5), "c"}, std::tuple{row(5), row(6), "u"},
                                   std::tuple{row(6), D::branch(0, D::null()), "d"}}) {
    auto bytes = serializer.serialize("rx_avro", D::list({before, after, D::text("postgres"), D::text(op)}));
    ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    events.push_back(*bytes);
  }
  append("rx_avro", events);
  EXPECT_EQ(copied_into_append_table("CREATE TABLE rx (id STRING, dose DOUBLE) WITH ('topic' = 'rx_avro', "
                                     "'value.format' = 'debezium-avro-registry', 'changelog.mode' = 'append')"),
            kThreeInserts);
}

TEST_F(ChangelogModeTest, ASourceThatLiesAboutItsModeFailsTheJob) {
#ifdef NDEBUG
  GTEST_SKIP() << "the changelog check runs in debug builds";
#endif
  run("CREATE TABLE events (id STRING, v INT) WITH ('changelog.mode' = 'append');"
      "SELECT id, v + 1 FROM events");
  Job& job = *jobs_.at(0);
  ASSERT_TRUE(job.start().is_ok());
  ASSERT_TRUE(job.push("events", {Row{RowKind::kInsert, {Value::string("a"), Value::integer(1)}}}).is_ok());
  Status lied = job.push("events", {Row{RowKind::kUpdateBefore, {Value::string("a"), Value::integer(1)}}});
  EXPECT_EQ(lied.code(), StatusCode::kInternal);
  EXPECT_NE(lied.message().find("table 'events' gave a -U row"), std::string::npos) << lied.message();
}

TEST_F(ChangelogModeTest, AnOperatorThatEmitsKindsItsPlanDoesNotDeclareFailsTheJob) {
#ifdef NDEBUG
  GTEST_SKIP() << "the changelog check runs in debug builds";
#endif
  run("CREATE TABLE events (id STRING, v INT) WITH ('changelog.mode' = 'append')");
  auto statement = sql::parse_statement("SELECT id, COUNT(*) FROM events GROUP BY id");
  ASSERT_TRUE(statement.is_ok()) << statement.status().to_string();
  auto plan = session_.plan(**statement);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  // Make the plan wrong on purpose: the aggregate updates its counts, but claims it only inserts.
  std::vector<sql::PlanNode*> stack = {plan->get()};
  while (!stack.empty()) {
    sql::PlanNode* n = stack.back();
    stack.pop_back();
    if (n->kind == sql::PlanKind::kGroupAggregate) n->insert_only = true;
    for (auto& in : n->inputs) stack.push_back(in.get());
  }
  auto job = Job::build(*plan, session_.options());
  ASSERT_TRUE(job.is_ok());
  ASSERT_TRUE((*job)->start().is_ok());
  Row a{RowKind::kInsert, {Value::string("a"), Value::integer(1)}};
  ASSERT_TRUE((*job)->push("events", {a}).is_ok());
  Status lied = (*job)->push("events", {a});
  EXPECT_EQ(lied.code(), StatusCode::kInternal);
  EXPECT_NE(lied.message().find("operator GroupAggregate(groupBy=[id]"), std::string::npos) << lied.message();
  EXPECT_NE(lied.message().find("emitted a -U row, but the plan declares changelogMode=[I]"), std::string::npos)
      << lied.message();
}

}  // namespace
}  // namespace careflow::exec
