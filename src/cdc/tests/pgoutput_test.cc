// The pgoutput decoder on messages built byte by byte as PostgreSQL's protocol documentation
// lays them out ("Logical Replication Message Formats").

#include "cdc/pgoutput.h"

#include <gtest/gtest.h>

#include "cdc/lsn.h"

namespace careflow::cdc {
namespace {

class Bytes {
 public:
  Bytes& u8(uint8_t v) { s_.push_back(static_cast<char>(v)); return *this; }
  Bytes& be(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) s_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }
  Bytes& str(const std::string& v) { s_ += v; s_.push_back('\0'); return *this; }
  Bytes& text(const std::string& v) { u8('t'); be(v.size(), 4); s_ += v; return *this; }
  std::string done() const { return s_; }

 private:
  std::string s_;
};

TEST(Lsn, FormatsAndParsesLikePostgres) {
  EXPECT_EQ(format_lsn(0x16B374D848ull), "16/B374D848");
  EXPECT_EQ(format_lsn(0), "0/0");
  EXPECT_EQ(*parse_lsn("16/B374D848"), 0x16B374D848ull);
  EXPECT_EQ(*parse_lsn("0/1"), 1u);
  for (const char* bad : {"", "16", "/1", "1/", "x/1", "1/2/3", "1/ 2"}) {
    auto parsed = parse_lsn(bad);
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_NE(parsed.status().message().find("not a PostgreSQL LSN"), std::string::npos);
  }
}

TEST(PgOutput, DecodesBeginAndCommitWithUnixTimes) {
  // 2024-01-01T00:00:00Z is 757382400 s after PostgreSQL's epoch.
  const int64_t pg_us = 757'382'400'000'000;
  auto begin = decode_pgoutput(Bytes().u8('B').be(0x1000, 8).be(pg_us, 8).be(742, 4).done());
  ASSERT_TRUE(begin.is_ok()) << begin.status().to_string();
  const auto& b = std::get<BeginMessage>(*begin);
  EXPECT_EQ(b.final_lsn, 0x1000u);
  EXPECT_EQ(b.commit_time_us, 1'704'067'200'000'000);
  EXPECT_EQ(b.xid, 742u);

  auto commit = decode_pgoutput(Bytes().u8('C').u8(0).be(0x1000, 8).be(0x1030, 8).be(pg_us, 8).done());
  ASSERT_TRUE(commit.is_ok());
  const auto& c = std::get<CommitMessage>(*commit);
  EXPECT_EQ(c.commit_lsn, 0x1000u);
  EXPECT_EQ(c.end_lsn, 0x1030u);
  EXPECT_EQ(c.commit_time_us, 1'704'067'200'000'000);
}

TEST(PgOutput, DecodesRelationColumnsAndKeyFlags) {
  auto decoded = decode_pgoutput(Bytes()
                                     .u8('R').be(16384, 4).str("public").str("prescriptions").u8('f').be(2, 2)
                                     .u8(1).str("prescription_id").be(25, 4).be(static_cast<uint32_t>(-1), 4)
                                     .u8(0).str("amount").be(1700, 4).be(((10 << 16) | 3) + 4, 4)
                                     .done());
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  const auto& r = std::get<RelationMessage>(*decoded);
  EXPECT_EQ(r.relation_oid, 16384u);
  EXPECT_EQ(r.schema, "public");
  EXPECT_EQ(r.table, "prescriptions");
  EXPECT_EQ(r.replica_identity, 'f');
  ASSERT_EQ(r.columns.size(), 2u);
  EXPECT_TRUE(r.columns[0].part_of_key);
  EXPECT_EQ(r.columns[0].name, "prescription_id");
  EXPECT_EQ(r.columns[0].type_oid, 25u);
  EXPECT_EQ(r.columns[0].type_modifier, -1);
  EXPECT_FALSE(r.columns[1].part_of_key);
  EXPECT_EQ(r.columns[1].type_modifier, ((10 << 16) | 3) + 4);
}

TEST(PgOutput, DecodesInsertUpdateDeleteTuples) {
  auto insert = decode_pgoutput(Bytes().u8('I').be(7, 4).u8('N').be(3, 2).text("RX-1").u8('n').u8('u').done());
  ASSERT_TRUE(insert.is_ok()) << insert.status().to_string();
  const auto& i = std::get<InsertMessage>(*insert);
  EXPECT_EQ(i.relation_oid, 7u);
  ASSERT_EQ(i.new_tuple.size(), 3u);
  EXPECT_EQ(i.new_tuple[0].kind, TupleValue::Kind::kText);
  EXPECT_EQ(i.new_tuple[0].data, "RX-1");
  EXPECT_EQ(i.new_tuple[1].kind, TupleValue::Kind::kNull);
  EXPECT_EQ(i.new_tuple[2].kind, TupleValue::Kind::kUnchangedToast);

  auto update = decode_pgoutput(Bytes().u8('U').be(7, 4).u8('O').be(1, 2).text("old").u8('N').be(1, 2).text("new").done());
  ASSERT_TRUE(update.is_ok());
  const auto& u = std::get<UpdateMessage>(*update);
  ASSERT_TRUE(u.old_tuple.has_value());
  EXPECT_FALSE(u.old_is_key_only);
  EXPECT_EQ((*u.old_tuple)[0].data, "old");
  EXPECT_EQ(u.new_tuple[0].data, "new");

  auto update_without_old = decode_pgoutput(Bytes().u8('U').be(7, 4).u8('N').be(1, 2).text("new").done());
  ASSERT_TRUE(update_without_old.is_ok());
  EXPECT_FALSE(std::get<UpdateMessage>(*update_without_old).old_tuple.has_value());

  auto del = decode_pgoutput(Bytes().u8('D').be(7, 4).u8('K').be(1, 2).text("RX-1").done());
  ASSERT_TRUE(del.is_ok());
  EXPECT_TRUE(std::get<DeleteMessage>(*del).old_is_key_only);
  EXPECT_EQ(std::get<DeleteMessage>(*del).old_tuple[0].data, "RX-1");
}

TEST(PgOutput, DecodesTruncateOriginAndType) {
  auto truncate = decode_pgoutput(Bytes().u8('T').be(2, 4).u8(3).be(7, 4).be(8, 4).done());
  ASSERT_TRUE(truncate.is_ok());
  const auto& t = std::get<TruncateMessage>(*truncate);
  EXPECT_TRUE(t.cascade);
  EXPECT_TRUE(t.restart_identity);
  EXPECT_EQ(t.relation_oids, (std::vector<uint32_t>{7, 8}));

  auto origin = decode_pgoutput(Bytes().u8('O').be(0x42, 8).str("upstream").done());
  ASSERT_TRUE(origin.is_ok());
  EXPECT_EQ(std::get<OriginMessage>(*origin).name, "upstream");
  EXPECT_EQ(std::get<OriginMessage>(*origin).origin_lsn, 0x42u);

  auto type = decode_pgoutput(Bytes().u8('Y').be(90000, 4).str("public").str("mood").done());
  ASSERT_TRUE(type.is_ok());
  EXPECT_EQ(std::get<TypeMessage>(*type).name, "mood");
}

TEST(PgOutput, RejectsTruncatedUnknownAndTrailingBytes) {
  auto unknown = decode_pgoutput("Z");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("unknown message type 'Z'"), std::string::npos);

  auto truncated = decode_pgoutput(Bytes().u8('I').be(7, 4).u8('N').be(1, 2).u8('t').be(10, 4).done() + "abc");
  ASSERT_FALSE(truncated.is_ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kCorruption);
  EXPECT_NE(truncated.status().message().find("10 bytes expected but 3 left"), std::string::npos);

  auto trailing = decode_pgoutput(Bytes().u8('Y').be(1, 4).str("a").str("b").u8(0).done());
  ASSERT_FALSE(trailing.is_ok());
  EXPECT_NE(trailing.status().message().find("trailing"), std::string::npos);

  EXPECT_FALSE(decode_pgoutput("").is_ok());
}

}  // namespace
}  // namespace careflow::cdc
