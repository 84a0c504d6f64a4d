// The private PostgreSQL instance, for real: initdb, start, connect, restart, refuse a second
// server on the same directory, report a taken port.

#include "store/local_postgres.h"

#include "store/pg_connection.h"
#include "store/tests/test_postgres.h"

namespace careflow::store {
namespace {

using LocalPostgresTest = testing::PostgresTest;
using testing::free_port;

TEST_F(LocalPostgresTest, StartsWithLogicalReplicationAndKeepsDataAcrossRestart) {
  {
    auto pg = LocalPostgres::start(options_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    auto conn = PgConnection::connect((*pg)->conninfo());
    ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
    auto wal = (*conn)->exec("SHOW wal_level");
    ASSERT_TRUE(wal.is_ok()) << wal.status().to_string();
    EXPECT_EQ(wal->rows.at(0).at(0), "logical");
    auto senders = (*conn)->exec("SELECT current_setting('max_wal_senders')::int >= 4, "
                                 "current_setting('max_replication_slots')::int >= 4");
    ASSERT_TRUE(senders.is_ok());
    EXPECT_EQ(senders->rows.at(0).at(0), "t");
    EXPECT_EQ(senders->rows.at(0).at(1), "t");
    ASSERT_TRUE((*conn)->exec("CREATE TABLE kept (v text)").is_ok());
    ASSERT_TRUE((*conn)->exec("INSERT INTO kept VALUES ($1)", {std::string("it's kept")}).is_ok());
    // TCP on 127.0.0.1 works too.
    auto tcp = PgConnection::connect((*pg)->url());
    EXPECT_TRUE(tcp.is_ok()) << tcp.status().to_string();
  }
  auto again = LocalPostgres::start(options_);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  auto conn = PgConnection::connect((*again)->conninfo());
  ASSERT_TRUE(conn.is_ok());
  auto rows = (*conn)->exec("SELECT v FROM kept");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0], "it's kept");
  EXPECT_TRUE((*again)->stop().is_ok());
  EXPECT_EQ((*again)->pid(), -1);
}

TEST_F(LocalPostgresTest, RefusesASecondServerOnTheSameDirectory) {
  auto first = LocalPostgres::start(options_);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  LocalPostgresOptions second = options_;
  second.port = free_port();
  auto other = LocalPostgres::start(second);
  ASSERT_FALSE(other.is_ok());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("already running"), std::string::npos) << other.status().message();
}

TEST_F(LocalPostgresTest, ReportsATakenPortWithTheServerLog) {
  auto first = LocalPostgres::start(options_);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  LocalPostgresOptions clash = options_;
  clash.dir = (root_ / "pg2").string();  // another cluster, same port
  auto other = LocalPostgres::start(clash);
  ASSERT_FALSE(other.is_ok());
  EXPECT_NE(other.status().message().find(std::to_string(options_.port)), std::string::npos) << other.status().message();
  EXPECT_NE(other.status().message().find("database.port"), std::string::npos) << other.status().message();
}

TEST_F(LocalPostgresTest, ConstraintViolationsAreFailedPreconditionWithSqlstate) {
  auto pg = LocalPostgres::start(options_);
  ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
  auto conn = PgConnection::connect((*pg)->conninfo());
  ASSERT_TRUE(conn.is_ok());
  ASSERT_TRUE((*conn)->exec("CREATE TABLE t (id text PRIMARY KEY)").is_ok());
  ASSERT_TRUE((*conn)->exec("INSERT INTO t VALUES ($1)", {std::string("a")}).is_ok());
  auto dup = (*conn)->exec("INSERT INTO t VALUES ($1)", {std::string("a")});
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*conn)->last_sqlstate(), "23505");
  auto bad = (*conn)->exec("SELEC 1");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("42601"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace careflow::store
