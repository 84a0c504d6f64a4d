// Binary encoding: the specification's worked examples, then a round trip of every type.
#include <gtest/gtest.h>

#include <cmath>

#include "serde/avro_binary.h"

namespace careflow::serde::avro {
namespace {

std::string encoded(const char* schema_text, const Datum& value) {
  auto schema = Schema::parse(schema_text);
  EXPECT_TRUE(schema.is_ok()) << schema.status().to_string();
  std::string out;
  Status s = encode(schema->root(), value, out);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

TEST(AvroBinary, SpecExamples) {
  // "Binary Encoding": zig-zag longs.
  using namespace std::string_literals;
  const std::pair<int64_t, std::string> longs[] = {
      {0, "\x00"s}, {-1, "\x01"}, {1, "\x02"}, {-2, "\x03"}, {2, "\x04"}, {-64, "\x7f"}, {64, "\x80\x01"}};
  for (const auto& [v, bytes] : longs) EXPECT_EQ(encoded(R"("long")", Datum::integer(v)), std::string(bytes.data(), bytes.size())) << v;
  EXPECT_EQ(encoded(R"("string")", Datum::text("foo")), "\x06" "foo");
  // Record {"a": 27, "b": "foo"} → 36 06 66 6f 6f.
  EXPECT_EQ(encoded(R"({"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]})",
                    Datum::list({Datum::integer(27), Datum::text("foo")})),
            "\x36\x06" "foo");
  // Array [3, 27] → 04 06 36 00.
  EXPECT_EQ(encoded(R"({"type":"array","items":"long"})", Datum::list({Datum::integer(3), Datum::integer(27)})),
            std::string("\x04\x06\x36\x00", 4));
  // Union ["null","string"]: null → 00; "a" → 02 02 61.
  EXPECT_EQ(encoded(R"(["null","string"])", Datum::branch(0, Datum::null())), std::string("\x00", 1));
  EXPECT_EQ(encoded(R"(["null","string"])", Datum::branch(1, Datum::text("a"))), "\x02\x02" "a");
}

TEST(AvroBinary, EveryTypeRoundTrips) {
  auto schema = Schema::parse(R"({"type":"record","name":"All","namespace":"t","fields":[
      {"name":"n","type":"null"},
      {"name":"b","type":"boolean"},
      {"name":"i","type":"int"},
      {"name":"l","type":"long"},
      {"name":"f","type":"float"},
      {"name":"d","type":"double"},
      {"name":"by","type":"bytes"},
      {"name":"s","type":"string"},
      {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
      {"name":"a","type":{"type":"array","items":"int"}},
      {"name":"m","type":{"type":"map","values":"string"}},
      {"name":"u","type":["null","long","Color"]},
      {"name":"fx","type":{"type":"fixed","name":"Four","size":4}},
      {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
      {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
      {"name":"next","type":["null","All"]}]})");
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  Datum map;
  map.keys = {"k1", "k2"};
  map.items = {Datum::text("v1"), Datum::text("")};
  auto make = [&](Datum next) {
    return Datum::list({Datum::null(), Datum::boolean(true), Datum::integer(INT32_MIN), Datum::integer(INT64_MAX), Datum::real(1.5f),
                        Datum::real(-2.25e300), Datum::text(std::string("\x00\xff", 2)), Datum::text("héllo"), Datum::integer(1),
                        Datum::list({Datum::integer(1), Datum::integer(-1)}), map, Datum::branch(2, Datum::integer(0)),
                        Datum::text("abcd"), Datum::text("\x01\x00"), Datum::integer(1700000000123), std::move(next)});
  };
  Datum value = make(Datum::branch(1, make(Datum::branch(0, Datum::null()))));
  std::string bytes;
  ASSERT_TRUE(encode(schema->root(), value, bytes).is_ok());
  size_t used = 0;
  auto back = decode(schema->root(), bytes + "trailing", &used);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(used, bytes.size());
  EXPECT_EQ(*back, value);
}

TEST(AvroBinary, DecodeIntoReusesTheDatumWithoutLeftovers) {
  auto schema = Schema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"string"}},
      {"name":"m","type":{"type":"map","values":"int"}},{"name":"u","type":["null","string"]}]})");
  ASSERT_TRUE(schema.is_ok());
  Datum big_map;
  big_map.keys = {"x", "y"};
  big_map.items = {Datum::integer(1), Datum::integer(2)};
  Datum first = Datum::list({Datum::list({Datum::text("a"), Datum::text("b")}), big_map, Datum::branch(1, Datum::text("s"))});
  Datum second = Datum::list({Datum::list({}), Datum::list({}), Datum::branch(0, Datum::null())});
  second.items[2].items[0] = Datum::null();
  std::string one, two;
  ASSERT_TRUE(encode(schema->root(), first, one).is_ok());
  ASSERT_TRUE(encode(schema->root(), second, two).is_ok());
  Datum reused;
  ASSERT_TRUE(decode_into(schema->root(), one, reused).is_ok());
  EXPECT_EQ(reused, first);
  ASSERT_TRUE(decode_into(schema->root(), two, reused).is_ok());
  EXPECT_TRUE(reused.items[0].items.empty());
  EXPECT_TRUE(reused.items[1].keys.empty());
  EXPECT_EQ(reused.items[2].i, 0);
}

TEST(AvroBinary, NegativeBlockCountsCarryAByteSize) {
  // Writers may emit a negative count followed by the block's byte size (spec "Arrays").
  auto schema = Schema::parse(R"({"type":"array","items":"long"})");
  ASSERT_TRUE(schema.is_ok());
  std::string bytes;
  write_long(-2, bytes);
  write_long(2, bytes);
  write_long(3, bytes);
  write_long(27, bytes);
  bytes.push_back(0);
  auto back = decode(schema->root(), bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, Datum::list({Datum::integer(3), Datum::integer(27)}));
}

TEST(AvroBinary, EncodeRejectsValuesThatDoNotFitTheSchema) {
  auto fixed = Schema::parse(R"({"type":"fixed","name":"F","size":2})");
  auto en = Schema::parse(R"({"type":"enum","name":"E","symbols":["A"]})");
  auto un = Schema::parse(R"(["null","int"])");
  std::string out;
  EXPECT_NE(encode(fixed->root(), Datum::text("abc"), out).message().find("needs 2 bytes"), std::string::npos);
  EXPECT_NE(encode(en->root(), Datum::integer(3), out).message().find("no symbol #3"), std::string::npos);
  EXPECT_NE(encode(un->root(), Datum::branch(5, Datum::null()), out).message().find("branch 5 out of range"), std::string::npos);
}

}  // namespace
}  // namespace careflow::serde::avro
