// Malformed bytes: every decode failure is an error naming what and where; never a crash, a hang
// or an allocation the input cannot justify. The property test mutates valid encodings at random
// (seeded, so a failure reproduces) and feeds random bytes; run under ASan it also proves memory
// safety.
#include <gtest/gtest.h>

#include <random>

#include "serde/avro_binary.h"
#include "serde/avro_container.h"

namespace careflow::serde::avro {
namespace {

Schema parse_ok(const char* text) {
  auto schema = Schema::parse(text);
  EXPECT_TRUE(schema.is_ok()) << schema.status().to_string();
  return *schema;
}

std::string error_of(const Schema& schema, std::string_view bytes) {
  auto r = decode(schema.root(), bytes);
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? "" : r.status().message();
}

TEST(AvroMalformed, TruncatedVarint) {
  EXPECT_EQ(error_of(parse_ok(R"("long")"), "\x80\x80"), "Avro decode: truncated varint at byte 2");
  EXPECT_EQ(error_of(parse_ok(R"("long")"), ""), "Avro decode: truncated varint at byte 0");
  EXPECT_EQ(error_of(parse_ok(R"("long")"), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "Avro decode: varint longer than 10 bytes at byte 10");
  EXPECT_NE(error_of(parse_ok(R"("int")"), "\xff\xff\xff\xff\x7f").find("out of the 32-bit range"), std::string::npos);
}

TEST(AvroMalformed, BadUnionBranchAndEnumIndex) {
  EXPECT_EQ(error_of(parse_ok(R"(["null","string"])"), "\x04"), "Avro decode: union branch 2 out of range 0..1 at byte 1");
  EXPECT_EQ(error_of(parse_ok(R"(["null","string"])"), "\x01"), "Avro decode: union branch -1 out of range 0..1 at byte 1");
  EXPECT_NE(error_of(parse_ok(R"({"type":"enum","name":"E","symbols":["A","B"]})"), "\x06").find("enum 'E' index 3 out of range 0..1"),
            std::string::npos);
}

TEST(AvroMalformed, NegativeAndHugeLengths) {
  Schema str = parse_ok(R"("string")");
  EXPECT_EQ(error_of(str, "\x03" "abc"), "Avro decode: negative string length -2 at byte 0");
  std::string huge;
  write_long(int64_t{1} << 40, huge);
  EXPECT_EQ(error_of(str, huge + "abc"), "Avro decode: string length 1099511627776 exceeds the 9 bytes left at byte 0");
  // An array claiming 2^40 longs in a few bytes is refused before anything is reserved.
  Schema arr = parse_ok(R"({"type":"array","items":"long"})");
  EXPECT_NE(error_of(arr, huge + "\x02").find("block of 1099511627776 items cannot fit"), std::string::npos);
  // Zero-byte items (null) cost no input, so their count has a cap of its own.
  Schema nulls = parse_ok(R"({"type":"array","items":"null"})");
  EXPECT_NE(error_of(nulls, huge).find("zero-byte items exceeds the limit"), std::string::npos);
  Schema map = parse_ok(R"({"type":"map","values":"null"})");
  EXPECT_NE(error_of(map, huge).find("cannot fit"), std::string::npos);
  EXPECT_NE(error_of(parse_ok(R"({"type":"fixed","name":"F","size":16})"), "abc").find("fixed of 16 bytes exceeds the 3 bytes left"),
            std::string::npos);
  EXPECT_NE(error_of(parse_ok(R"("boolean")"), "\x02").find("neither 0 nor 1"), std::string::npos);
}

TEST(AvroMalformed, DeepRecursionIsBounded) {
  Schema list = parse_ok(R"({"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]})");
  std::string deep(100000, '\x02');  // branch 1 (another Node) again and again
  EXPECT_NE(error_of(list, deep).find("nested deeper than 256 levels"), std::string::npos);
}

TEST(AvroMalformed, RandomMutationsNeverCrash) {
  Schema schema = parse_ok(R"({"type":"record","name":"M","fields":[
      {"name":"id","type":"string"},{"name":"v","type":["null","double","long"]},
      {"name":"tags","type":{"type":"map","values":{"type":"array","items":"string"}}},
      {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B","C"]}},
      {"name":"raw","type":{"type":"fixed","name":"F","size":3}},
      {"name":"nulls","type":{"type":"array","items":"null"}},
      {"name":"next","type":["null","M"]}]})");
  Datum tags;
  tags.keys = {"a", "b"};
  tags.items = {Datum::list({Datum::text("x"), Datum::text("yy")}), Datum::list({})};
  Datum inner = Datum::list({Datum::text("inner"), Datum::branch(2, Datum::integer(-5)), tags, Datum::integer(2), Datum::text("xyz"),
                             Datum::list({Datum::null(), Datum::null()}), Datum::branch(0, Datum::null())});
  Datum value = Datum::list({Datum::text("device-1"), Datum::branch(1, Datum::real(3.5)), tags, Datum::integer(1), Datum::text("abc"),
                             Datum::list({Datum::null()}), Datum::branch(1, inner)});
  std::string good;
  ASSERT_TRUE(encode(schema.root(), value, good).is_ok());
  ASSERT_TRUE(decode(schema.root(), good).is_ok());

  std::mt19937_64 rng(20261125);
  int errors = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes.resize(at); break;
        case 2: bytes.insert(at, 1, static_cast<char>(rng())); break;
        default: bytes[at] = static_cast<char>(0xff); break;
      }
      if (bytes.empty()) bytes = "\x01";
    }
    auto r = decode(schema.root(), bytes);
    if (!r.is_ok()) {
      ++errors;
      EXPECT_EQ(r.status().message().rfind("Avro decode: ", 0), 0u) << r.status().message();
    }
  }
  EXPECT_GT(errors, 1000);  // the mutations really do hit the error paths
  for (int round = 0; round < 5000; ++round) {
    std::string noise(rng() % 64, '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    (void)decode(schema.root(), noise);
    (void)read_container("Obj\x01" + noise);
  }
}

}  // namespace
}  // namespace careflow::serde::avro
