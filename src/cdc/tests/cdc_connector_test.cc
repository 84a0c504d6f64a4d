// The CDC connector against careflow's real PostgreSQL and the real embedded log: Debezium
// envelopes field by field, snapshot, resume, restarts, schema changes, slot loss.

#include "cdc/cdc_connector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>

#include "cdc/capture_report.h"
#include "cdc/offset_store.h"
#include "cdc/tests/cdc_fixture.h"

namespace careflow::cdc {
namespace {

using testing::CdcTest;
using testing::Event;
using testing::kDevices;
using testing::kPatients;
using testing::kPrescriptions;

const char* kInsertRx =
    "INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, start_date, parameters, "
    "created_at, updated_at) VALUES ('RX-DEV-P001-test', 'P001', 'DEV-P001', 'insulin', 1767225600000, "
    "'[{\"parameter_name\": \"Pressure\", \"parameter_value\": 12}]', '2026-01-01 10:00:00+00', '2026-01-01 10:00:00+00')";

TEST_F(CdcTest, SnapshotThenInsertUpdateDeleteTruncateAsDebeziumEnvelopes) {
  const int64_t seeded = std::stoll(*sql("SELECT count(*) FROM prescriptions").rows[0][0]);
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  // The snapshot: every seeded row once as op "r", markers as Debezium sets them.
  auto snapshot = events(kPatients);
  ASSERT_EQ(snapshot.size(), 6u);
  EXPECT_EQ(snapshot[0].payload()["source"]["snapshot"], "first");
  EXPECT_EQ(snapshot[1].payload()["source"]["snapshot"], "true");
  EXPECT_EQ(snapshot[5].payload()["source"]["snapshot"], "last_in_data_collection");
  EXPECT_EQ(events(kDevices)[0].payload()["source"]["snapshot"], "first_in_data_collection");
  for (const Event& e : snapshot) {
    EXPECT_EQ(e.op(), "r");
    EXPECT_TRUE(e.payload()["before"].is_null());
    EXPECT_EQ(e.payload()["source"]["sequence"].get<std::string>().substr(0, 6), "[null,");
  }
  EXPECT_EQ(count(kPrescriptions), seeded);
  if (seeded > 0) {
    EXPECT_EQ(events(kPrescriptions).back().payload()["source"]["snapshot"], "last");
  }

  script(std::string("BEGIN; ") + kInsertRx + "; COMMIT;");
  const std::string txid = *sql("SELECT xmin::text FROM prescriptions WHERE prescription_id = 'RX-DEV-P001-test'").rows[0][0];
  sql("UPDATE prescriptions SET end_date = 1767312000000 WHERE prescription_id = 'RX-DEV-P001-test'");
  sql("DELETE FROM prescriptions WHERE prescription_id = 'RX-DEV-P001-test'");
  sql("TRUNCATE prescriptions");
  ASSERT_TRUE(wait_until([&] { return count(kPrescriptions) == seeded + 5; }));
  auto all = events(kPrescriptions);
  std::vector<Event> stream(all.begin() + seeded, all.end());
  ASSERT_EQ(stream.size(), 5u);

  // Insert: key = the primary key, value = the envelope.
  const Event& c = stream[0];
  EXPECT_EQ(c.key->dump(),
            R"({"payload":{"prescription_id":"RX-DEV-P001-test"},"schema":{"fields":[{"field":"prescription_id",)"
            R"("optional":false,"type":"string"}],"name":"healthcare.public.prescriptions.Key","optional":false,"type":"struct"}})");
  EXPECT_EQ(c.op(), "c");
  EXPECT_TRUE(c.payload()["before"].is_null());
  EXPECT_EQ(c.payload()["after"].dump(),
            R"({"created_at":"2026-01-01T10:00:00.000000Z","device_id":"DEV-P001","end_date":null,)"
            R"("medication_or_therapy":"insulin","parameters":"[{\"parameter_name\": \"Pressure\", \"parameter_value\": 12}]",)"
            R"("patient_id":"P001","prescription_id":"RX-DEV-P001-test","start_date":1767225600000,)"
            R"("updated_at":"2026-01-01T10:00:00.000000Z"})");
  const auto& source = c.payload()["source"];
  EXPECT_EQ(source["connector"], "postgresql");
  EXPECT_EQ(source["name"], "healthcare");
  EXPECT_EQ(source["db"], "careflow");
  EXPECT_EQ(source["schema"], "public");
  EXPECT_EQ(source["table"], "prescriptions");
  EXPECT_EQ(source["snapshot"], "false");
  EXPECT_EQ(std::to_string(source["txId"].get<int64_t>()), txid);
  EXPECT_TRUE(source["xmin"].is_null());
  EXPECT_GT(source["lsn"].get<int64_t>(), 0);
  EXPECT_EQ(source["sequence"].get<std::string>().find(std::to_string(source["lsn"].get<int64_t>())) != std::string::npos, true);
  EXPECT_EQ(source["ts_us"].get<int64_t>() / 1000, source["ts_ms"].get<int64_t>());
  EXPECT_EQ(source["ts_ns"].get<int64_t>(), source["ts_us"].get<int64_t>() * 1000);
  EXPECT_TRUE(c.payload()["transaction"].is_null());
  EXPECT_GE(c.payload()["ts_ms"].get<int64_t>(), source["ts_ms"].get<int64_t>());
  const auto& schema = (*c.value)["schema"];
  EXPECT_EQ(schema["name"], "healthcare.public.prescriptions.Envelope");
  EXPECT_EQ(schema["version"], 2);
  EXPECT_EQ(schema["fields"][0]["fields"][6].dump(),
            R"({"field":"parameters","name":"io.debezium.data.Json","optional":false,"type":"string","version":1})");

  // Update: before image (REPLICA IDENTITY FULL) and after image.
  const Event& u = stream[1];
  EXPECT_EQ(u.op(), "u");
  EXPECT_TRUE(u.payload()["before"]["end_date"].is_null());
  EXPECT_EQ(u.payload()["after"]["end_date"], 1767312000000);
  EXPECT_EQ(u.payload()["before"]["prescription_id"], "RX-DEV-P001-test");
  // The sequence's first element is the end of the previous transaction.
  EXPECT_NE(u.payload()["source"]["sequence"].get<std::string>().substr(0, 6), "[null,");

  // Delete, then the tombstone with the same key.
  const Event& d = stream[2];
  EXPECT_EQ(d.op(), "d");
  EXPECT_TRUE(d.payload()["after"].is_null());
  EXPECT_EQ(d.payload()["before"]["end_date"], 1767312000000);
  EXPECT_EQ(stream[3].op(), "tombstone");
  EXPECT_EQ(*stream[3].key, *d.key);

  // Truncate: no key, neither image.
  const Event& t = stream[4];
  EXPECT_EQ(t.op(), "t");
  EXPECT_FALSE(t.key.has_value());
  EXPECT_TRUE(t.payload()["before"].is_null());
  EXPECT_TRUE(t.payload()["after"].is_null());

  // The log's offset is the end of the last transaction, and PostgreSQL was told no more.
  auto offset = read_stored_offset(*log_, "careflow");
  ASSERT_TRUE(offset.is_ok() && offset->has_value());
  ASSERT_TRUE(wait_until([&] { return connector_->status().confirmed_lsn == (*offset)->lsn; }));
  const auto slot = sql("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'careflow'");
  EXPECT_LE(*parse_lsn(*slot.rows[0][0]), (*offset)->lsn);
}

TEST_F(CdcTest, WithoutSchemasTheRecordsAreThePayloads) {
  CdcOptions o = cdc_options();
  o.envelope.schemas_enable = false;
  o.tables = {"public.patients"};
  start_cdc(o);
  ASSERT_TRUE(wait_streaming());
  auto e = events(kPatients);
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].key->dump(), R"({"patient_id":"P001"})");
  EXPECT_FALSE(e[0].value->contains("schema"));
  EXPECT_EQ((*e[0].value)["op"], "r");
  EXPECT_EQ((*e[0].value)["after"]["birth_date"], 3784);  // 1980-05-12 as days since 1970-01-01
}

TEST_F(CdcTest, SnapshotWithConcurrentWritersHasEveryRowExactlyOnce) {
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto conn = store::PgConnection::connect(pg_->conninfo());
    for (int i = 0; !done && i < 100'000; ++i) {
      if ((*conn)->exec("INSERT INTO patients (patient_id, name) VALUES ($1, 'w')", {"W" + std::to_string(i)}).is_ok()) {
        written = i + 1;
      }
    }
  });
  while (written < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  writer.join();
  const int64_t total = 6 + written;
  ASSERT_TRUE(wait_until([&] { return count(kPatients) >= total; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::map<std::string, int> seen;
  int snapshot_rows = 0;
  for (const Event& e : events(kPatients)) {
    seen[e.payload()["after"]["patient_id"].get<std::string>()]++;
    snapshot_rows += e.op() == "r";
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), total);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  EXPECT_GT(snapshot_rows, 5);               // some writes were in the snapshot...
  EXPECT_LT(snapshot_rows, total);           // ...and some were streamed after it
}

TEST_F(CdcTest, ResumesAfterTheLastLsnInTheLogWithoutGapOrDuplicate) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  sql("INSERT INTO patients (patient_id, name) VALUES ('A1', 'a')");
  ASSERT_TRUE(wait_until([&] { return count(kPatients) == 7; }));
  connector_.reset();
  // A graceful stop leaves the slot confirmed exactly up to what the log holds.
  auto offset = read_stored_offset(*log_, "careflow");
  ASSERT_TRUE(offset.is_ok() && offset->has_value());
  const auto slot = sql("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'careflow'");
  EXPECT_EQ(*parse_lsn(*slot.rows[0][0]), (*offset)->lsn);
  sql("INSERT INTO patients (patient_id, name) VALUES ('A2', 'b')");
  sql("UPDATE patients SET name = 'bb' WHERE patient_id = 'A2'");
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_until([&] { return count(kPatients) == 9; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto e = events(kPatients);
  ASSERT_EQ(e.size(), 9u);
  EXPECT_EQ(e[6].payload()["after"]["patient_id"], "A1");
  EXPECT_EQ(e[7].payload()["after"]["patient_id"], "A2");
  EXPECT_EQ(e[8].op(), "u");
  EXPECT_EQ(e[8].payload()["after"]["name"], "bb");
}

TEST_F(CdcTest, PostgresRestartWhileStreamingLosesNothing) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  for (int i = 0; i < 20; ++i) sql("INSERT INTO patients (patient_id, name) VALUES ($1, 'x')", {"B" + std::to_string(i)});
  db_.reset();
  ASSERT_TRUE(pg_->stop().is_ok());
  pg_.reset();
  start_postgres();
  auto db = store::Database::open(pg_->conninfo(), 2);
  ASSERT_TRUE(db.is_ok());
  db_ = std::move(db).value();
  for (int i = 20; i < 40; ++i) sql("INSERT INTO patients (patient_id, name) VALUES ($1, 'x')", {"B" + std::to_string(i)});
  ASSERT_TRUE(wait_until([&] { return count(kPatients) >= 46; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto e = events(kPatients);
  ASSERT_EQ(e.size(), 46u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(e[6 + i].payload()["after"]["patient_id"], "B" + std::to_string(i));
}

TEST_F(CdcTest, LongAndMultiTableTransactionsKeepCommitOrderAndOneTxId) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  std::string tx = "BEGIN;";
  for (int i = 0; i < 3000; ++i) tx += "INSERT INTO patients (patient_id, name) VALUES ('L" + std::to_string(i) + "', 'l');";
  tx += "INSERT INTO devices (device_id, patient_id) VALUES ('DEV-L0', 'L0');";
  tx += "UPDATE patients SET name = 'last' WHERE patient_id = 'L0'; COMMIT;";
  script(tx);
  script("BEGIN; INSERT INTO patients (patient_id, name) VALUES ('M1', 'm'); "
         "INSERT INTO devices (device_id, patient_id) VALUES ('DEV-M1', 'M1'); COMMIT;");
  ASSERT_TRUE(wait_until([&] { return count(kPatients) == 6 + 3002 && count(kDevices) == 8; }));
  auto patients = events(kPatients);
  auto devices = events(kDevices);
  const auto long_tx = patients[6].payload()["source"]["txId"];
  int64_t previous_lsn = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto& p = patients[6 + i].payload();
    EXPECT_EQ(p["after"]["patient_id"], "L" + std::to_string(i));
    EXPECT_EQ(p["source"]["txId"], long_tx);
    EXPECT_GT(p["source"]["lsn"].get<int64_t>(), previous_lsn);
    previous_lsn = p["source"]["lsn"].get<int64_t>();
  }
  // Across tables the lsn orders the changes of one transaction as they were made.
  const auto& device = devices[6].payload();
  const auto& update = patients[6 + 3000].payload();
  EXPECT_EQ(device["source"]["txId"], long_tx);
  EXPECT_EQ(update["op"], "u");
  EXPECT_GT(device["source"]["lsn"].get<int64_t>(), previous_lsn);
  EXPECT_GT(update["source"]["lsn"].get<int64_t>(), device["source"]["lsn"].get<int64_t>());
  EXPECT_GT(patients.back().payload()["source"]["lsn"].get<int64_t>(), update["source"]["lsn"].get<int64_t>());
  EXPECT_EQ(patients.back().payload()["source"]["txId"], devices.back().payload()["source"]["txId"]);
}

TEST_F(CdcTest, AddColumnShowsInLaterEvents) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  sql("INSERT INTO patients (patient_id, name) VALUES ('C1', 'before')");
  sql("ALTER TABLE patients ADD COLUMN allergy TEXT DEFAULT 'none'");
  sql("INSERT INTO patients (patient_id, name, allergy) VALUES ('C2', 'after', 'latex')");
  ASSERT_TRUE(wait_until([&] { return count(kPatients) == 8; }));
  auto e = events(kPatients);
  EXPECT_FALSE(e[6].payload()["after"].contains("allergy"));
  EXPECT_EQ(e[7].payload()["after"]["allergy"], "latex");
  const auto fields = (*e[7].value)["schema"]["fields"][1]["fields"];
  EXPECT_EQ(fields.back().dump(), R"({"default":"none","field":"allergy","optional":true,"type":"string"})");
}

TEST_F(CdcTest, TableWithoutPrimaryKeyIsReportedAndHasNullKeys) {
  sql("CREATE TABLE readings (device_id TEXT, value DOUBLE PRECISION)");
  sql("ALTER TABLE readings REPLICA IDENTITY FULL");
  CdcOptions o = cdc_options();
  o.tables = {"public.patients", "public.readings"};
  start_cdc(o);
  ASSERT_TRUE(wait_streaming());
  EXPECT_EQ(connector_->status().tables_without_primary_key, std::vector<std::string>{"public.readings"});
  sql("INSERT INTO readings VALUES ('DEV-P001', 1.5)");
  sql("DELETE FROM readings");
  ASSERT_TRUE(wait_until([&] { return count("healthcare.public.readings") == 2; }));
  auto e = events("healthcare.public.readings");
  EXPECT_FALSE(e[0].key.has_value());
  EXPECT_EQ(e[1].op(), "d");  // and no tombstone: there is no key to delete
}

TEST_F(CdcTest, MissingTableIsAnErrorNamingIt) {
  CdcOptions o = cdc_options();
  o.tables = {"public.patients", "public.nope"};
  start_cdc(o);
  ASSERT_TRUE(wait_until([&] { return !connector_->status().last_error.empty(); }));
  EXPECT_NE(connector_->status().last_error.find("public.nope does not exist"), std::string::npos);
  o.tables = {"Public.x"};
  auto bad = CdcConnector::start(o, *log_);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("table.include.list: 'Public.x'"), std::string::npos);
}

TEST_F(CdcTest, LostSlotFailsClearlyUnlessWhenNeededTakesANewSnapshot) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  connector_.reset();
  ASSERT_TRUE(wait_until([&] {
    return db_->exec("SELECT pg_drop_replication_slot('careflow')").is_ok();
  }));
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_until([&] { return connector_->status().state == "failed"; }));
  EXPECT_NE(connector_->status().last_error.find("replication slot 'careflow' no longer exists"), std::string::npos);
  EXPECT_NE(connector_->status().last_error.find("when_needed"), std::string::npos);
  connector_.reset();

  CdcOptions o = cdc_options();
  o.snapshot_mode = SnapshotMode::kWhenNeeded;
  start_cdc(o);
  ASSERT_TRUE(wait_streaming());
  EXPECT_EQ(count(kPatients), 12);  // the snapshot again
}

TEST_F(CdcTest, SnapshotModeNeverStreamsOnlyNewChanges) {
  CdcOptions o = cdc_options();
  o.snapshot_mode = SnapshotMode::kNever;
  start_cdc(o);
  ASSERT_TRUE(wait_streaming());
  sql("INSERT INTO patients (patient_id, name) VALUES ('N1', 'n')");
  ASSERT_TRUE(wait_until([&] { return count(kPatients) == 1; }));
  EXPECT_EQ(events(kPatients)[0].op(), "c");
  EXPECT_FALSE(parse_snapshot_mode("always").is_ok());
}

TEST_F(CdcTest, HeartbeatsMoveTheConfirmedLsnOfAnIdleCapture) {
  CdcOptions o = cdc_options();
  o.heartbeat_interval = std::chrono::milliseconds(100);
  o.tables = {"public.patients"};
  start_cdc(o);
  ASSERT_TRUE(wait_streaming());
  const Lsn before = connector_->status().confirmed_lsn;
  // Changes to a table that is not captured still grow the WAL.
  for (int i = 0; i < 5; ++i) sql("UPDATE devices SET model_type = $1", {std::to_string(i)});
  ASSERT_TRUE(wait_until([&] { return connector_->status().confirmed_lsn > before; }));
  EXPECT_GE(count("__debezium-heartbeat.healthcare"), 1);
  EXPECT_EQ(count(kPatients), 6);
}

TEST_F(CdcTest, CaptureReportJoinsTheConnectorAndTheSlot) {
  start_cdc(cdc_options());
  ASSERT_TRUE(wait_streaming());
  sql("INSERT INTO patients (patient_id, name) VALUES ('R1', 'r')");
  ASSERT_TRUE(wait_until([&] { return connector_->status().confirmed_lsn == connector_->status().written_lsn &&
                                      connector_->status().transactions_written == 1; }));
  auto conn = store::PgConnection::connect(pg_->conninfo());
  ASSERT_TRUE(conn.is_ok());
  auto report = capture_report(**conn, connector_->status());
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const auto& r = *report;
  EXPECT_EQ(r["state"], "streaming");
  EXPECT_EQ(r["slot"], "careflow");
  EXPECT_EQ(r["slot_exists"], true);
  EXPECT_EQ(r["written_lsn"], format_lsn(connector_->status().written_lsn));
  EXPECT_TRUE(parse_lsn(r["confirmed_lsn"].get<std::string>()).is_ok());
  EXPECT_LE(*parse_lsn(r["confirmed_lsn"].get<std::string>()), connector_->status().written_lsn);
  EXPECT_GE(r["lag_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(r["transactions_written"], 1);
  EXPECT_EQ(r["events_written"], 19);  // 18 snapshot rows + the insert
  const std::string text = format_capture_report(r);
  EXPECT_EQ(text.rfind("state:", 0), 0u) << text;
  EXPECT_NE(text.find("tables_without_primary_key: none"), std::string::npos) << text;
}

TEST(CdcConfig, OptionsFromConfigurationAndBadValuesNamed) {
  auto config = Config::load({});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  auto o = cdc_options_from_config(*config, "host=/tmp");
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->tables, (std::vector<std::string>{"public.patients", "public.devices", "public.prescriptions"}));
  EXPECT_EQ(o->envelope.topic_prefix, "healthcare");
  EXPECT_EQ(o->snapshot_mode, SnapshotMode::kInitial);
  EXPECT_TRUE(o->emit_truncate);
  EXPECT_EQ(o->format, EventFormat::kAvro);  // cdc.format: Avro by default, as the reference stack's AvroConverter

  ConfigSources json_sources;
  json_sources.flags.emplace_back("cdc.format", "json", "--set");
  auto json_config = Config::load(json_sources);
  ASSERT_TRUE(json_config.is_ok()) << json_config.status().to_string();
  auto json = cdc_options_from_config(*json_config, "host=/tmp");
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_EQ(json->format, EventFormat::kJson);
  ConfigSources xml_sources;
  xml_sources.flags.emplace_back("cdc.format", "xml", "--set");
  auto xml_config = Config::load(xml_sources);
  const Status xml = xml_config.is_ok() ? cdc_options_from_config(*xml_config, "host=/tmp").status() : xml_config.status();
  ASSERT_FALSE(xml.is_ok());
  EXPECT_NE(xml.message().find("cdc.format"), std::string::npos) << xml.to_string();

  ConfigSources sources;
  sources.flags.emplace_back("cdc.topic_prefix", "bad prefix", "--set");
  auto bad_config = Config::load(sources);
  ASSERT_TRUE(bad_config.is_ok()) << bad_config.status().to_string();
  auto bad = cdc_options_from_config(*bad_config, "host=/tmp");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("cdc.topic_prefix 'bad prefix'"), std::string::npos) << bad.status().to_string();
}

}  // namespace
}  // namespace careflow::cdc
