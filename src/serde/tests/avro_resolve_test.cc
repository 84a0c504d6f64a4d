// Schema resolution (spec "Schema Resolution"): the writer's data read through the reader's schema.
#include <gtest/gtest.h>

#include "serde/avro_binary.h"
#include "serde/avro_resolve.h"

namespace careflow::serde::avro {
namespace {

Schema parse_ok(const std::string& text) {
  auto schema = Schema::parse(text);
  EXPECT_TRUE(schema.is_ok()) << schema.status().to_string();
  return *schema;
}

Result<Datum> read_as(const std::string& writer_text, const Datum& written, const std::string& reader_text) {
  Schema writer = parse_ok(writer_text);
  Schema reader = parse_ok(reader_text);
  std::string bytes;
  EXPECT_TRUE(encode(writer.root(), written, bytes).is_ok());
  return decode_resolved(writer.root(), reader.root(), bytes);
}

TEST(AvroResolve, Promotions) {
  EXPECT_EQ(*read_as(R"("int")", Datum::integer(-7), R"("long")"), Datum::integer(-7));
  EXPECT_EQ(*read_as(R"("int")", Datum::integer(3), R"("double")"), Datum::real(3.0));
  EXPECT_EQ(*read_as(R"("long")", Datum::integer(1LL << 40), R"("float")"), Datum::real(static_cast<float>(1LL << 40)));
  EXPECT_EQ(*read_as(R"("float")", Datum::real(0.5), R"("double")"), Datum::real(0.5));
  EXPECT_EQ(*read_as(R"("string")", Datum::text("ab"), R"("bytes")"), Datum::text("ab"));
  EXPECT_EQ(*read_as(R"("bytes")", Datum::text("ab"), R"("string")"), Datum::text("ab"));
  EXPECT_FALSE(read_as(R"("long")", Datum::integer(1), R"("int")").is_ok());
  EXPECT_FALSE(read_as(R"("double")", Datum::real(1), R"("float")").is_ok());
}

TEST(AvroResolve, RecordFieldsByNameWithDefaultsAndSkips) {
  const std::string writer = R"({"type":"record","name":"Reading","fields":[
      {"name":"device","type":"string"},{"name":"extra","type":{"type":"array","items":"string"}},{"name":"value","type":"int"}]})";
  const std::string reader = R"({"type":"record","name":"Reading","fields":[
      {"name":"value","type":"double"},{"name":"unit","type":"string","default":"mmHg"},
      {"name":"id","aliases":["device"],"type":"string"},
      {"name":"limits","type":{"type":"record","name":"Limits","fields":[{"name":"lo","type":"int"},{"name":"hi","type":"int","default":9}]},
       "default":{"lo":1}},
      {"name":"raw","type":"bytes","default":"\u00ff\u0000"},
      {"name":"maybe","type":["null","string"],"default":null}]})";
  auto out = read_as(writer, Datum::list({Datum::text("DEV-P001"), Datum::list({Datum::text("skip me")}), Datum::integer(120)}), reader);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(*out, Datum::list({Datum::real(120), Datum::text("mmHg"), Datum::text("DEV-P001"),
                               Datum::list({Datum::integer(1), Datum::integer(9)}), Datum::text(std::string("\xff\x00", 2)),
                               Datum::branch(0, Datum::null())}));
  EXPECT_TRUE(check_can_read(parse_ok(writer).root(), parse_ok(reader).root()).is_ok());

  const std::string no_default = R"({"type":"record","name":"Reading","fields":[{"name":"unit","type":"string"}]})";
  Status s = check_can_read(parse_ok(writer).root(), parse_ok(no_default).root());
  EXPECT_EQ(s.message(), "field 'unit': the reader's field has no default and the writer has no such field");
  EXPECT_FALSE(read_as(writer, Datum::list({Datum::text("d"), Datum::list({}), Datum::integer(1)}), no_default).is_ok());
}

TEST(AvroResolve, EnumsBySymbolWithReaderDefault) {
  const std::string writer = R"({"type":"enum","name":"Kind","symbols":["A","B","C"]})";
  EXPECT_EQ(*read_as(writer, Datum::integer(2), R"({"type":"enum","name":"Kind","symbols":["C","A"]})"), Datum::integer(0));
  EXPECT_EQ(*read_as(writer, Datum::integer(1), R"({"type":"enum","name":"Kind","symbols":["A","X"],"default":"X"})"), Datum::integer(1));
  EXPECT_FALSE(read_as(writer, Datum::integer(1), R"({"type":"enum","name":"Kind","symbols":["A"]})").is_ok());
  EXPECT_EQ(check_can_read(parse_ok(writer).root(), parse_ok(R"({"type":"enum","name":"Kind","symbols":["A"]})").root()).message(),
            "enum 'Kind': the reader has no symbol 'B' and no default");
  // Named types must agree by unqualified name (or a reader alias).
  EXPECT_FALSE(check_can_read(parse_ok(writer).root(), parse_ok(R"({"type":"enum","name":"Other","symbols":["A","B","C"]})").root()).is_ok());
  EXPECT_TRUE(check_can_read(parse_ok(writer).root(),
                             parse_ok(R"({"type":"enum","name":"Other","aliases":["Kind"],"symbols":["A","B","C"]})").root()).is_ok());
}

TEST(AvroResolve, Unions) {
  // Writer union → reader non-union: the written branch is resolved against the reader.
  EXPECT_EQ(*read_as(R"(["null","int"])", Datum::branch(1, Datum::integer(4)), R"("long")"), Datum::integer(4));
  EXPECT_FALSE(read_as(R"(["null","int"])", Datum::branch(0, Datum::null()), R"("long")").is_ok());
  // Non-union writer → reader union: the first matching branch, exact before promoted.
  EXPECT_EQ(*read_as(R"("int")", Datum::integer(4), R"(["null","double","int"])"), Datum::branch(2, Datum::integer(4)));
  EXPECT_EQ(*read_as(R"("int")", Datum::integer(4), R"(["null","double"])"), Datum::branch(1, Datum::real(4)));
  // Union to union, branches reordered.
  EXPECT_EQ(*read_as(R"(["null","string"])", Datum::branch(1, Datum::text("x")), R"(["string","null"])"),
            Datum::branch(0, Datum::text("x")));
  EXPECT_FALSE(check_can_read(parse_ok(R"(["null","string"])").root(), parse_ok(R"("string")").root()).is_ok());
  EXPECT_TRUE(check_can_read(parse_ok(R"("string")").root(), parse_ok(R"(["null","string"])").root()).is_ok());
}

// Avro's Java reader (ResolvingGrammarGenerator), which Flink's formats decode with, reads a record
// whatever its name; the specification (and the registry's compatibility checks) compare names.
TEST(AvroResolve, TheJavaReadersRuleReadsRecordsOfAnyName) {
  // A Debezium envelope's before image, read as the ROW column Flink derives.
  const std::string writer = R"(["null",{"type":"record","name":"Value","namespace":"healthcare.public.devices","fields":[)"
                             R"({"name":"device_id","type":"string"},{"name":"extra","type":"int"}]}])";
  const std::string reader = R"(["null",{"type":"record","name":"record_before","namespace":"org.apache.flink.avro.generated",)"
                             R"("fields":[{"name":"device_id","type":["null","string"],"default":null},)"
                             R"({"name":"missing","type":["null","long"],"default":null}]}])";
  const Datum value = Datum::branch(1, Datum::list({Datum::text("DEV-P001"), Datum::integer(7)}));
  EXPECT_FALSE(read_as(writer, value, reader).is_ok());
  EXPECT_FALSE(check_can_read(parse_ok(writer).root(), parse_ok(reader).root()).is_ok());
  const Schema w = parse_ok(writer);
  const Schema r = parse_ok(reader);
  auto java = resolve(w.root(), r.root(), value, NameRule::kJavaReader);
  ASSERT_TRUE(java.is_ok()) << java.status().to_string();
  EXPECT_EQ(*java, Datum::branch(1, Datum::list({Datum::branch(1, Datum::text("DEV-P001")), Datum::branch(0, Datum::null())})));
  EXPECT_TRUE(check_can_read(w.root(), r.root(), NameRule::kJavaReader).is_ok());
  // A null image takes the null branch.
  EXPECT_EQ(*resolve(w.root(), r.root(), Datum::branch(0, Datum::null()), NameRule::kJavaReader), Datum::branch(0, Datum::null()));

  // Among several record branches: the one of the same full name, else the first the record can be
  // read as, one of the same unqualified name before it.
  const std::string point = R"({"type":"record","name":"P","namespace":"a","fields":[{"name":"x","type":"int"}]})";
  const std::string branches = R"(["null",{"type":"record","name":"Q","fields":[{"name":"y","type":"int"}]},)"
                               R"({"type":"record","name":"R","fields":[{"name":"x","type":"long"}]},)"
                               R"({"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},)"
                               R"({"type":"record","name":"P","namespace":"b","fields":[{"name":"x","type":"int"}]}])";
  const Datum p = Datum::list({Datum::integer(3)});
  EXPECT_EQ(resolve(parse_ok(point).root(), parse_ok(branches).root(), p, NameRule::kJavaReader)->i, 4);
  const std::string no_same_name = R"(["null",{"type":"record","name":"Q","fields":[{"name":"y","type":"int"}]},)"
                                   R"({"type":"record","name":"R","fields":[{"name":"x","type":"long"}]}])";
  EXPECT_EQ(resolve(parse_ok(point).root(), parse_ok(no_same_name).root(), p, NameRule::kJavaReader)->i, 2);
  const std::string exact = R"([{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},)" + point + "]";
  EXPECT_EQ(resolve(parse_ok(point).root(), parse_ok(exact).root(), p, NameRule::kJavaReader)->i, 1);
  // A record that fits no branch is still an error, naming what does not fit.
  const std::string one = R"(["null",{"type":"record","name":"Q","fields":[{"name":"y","type":"int"}]}])";
  auto none = resolve(parse_ok(point).root(), parse_ok(one).root(), p, NameRule::kJavaReader);
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("'y'"), std::string::npos) << none.status().message();
  // Enums keep their names under both rules.
  EXPECT_FALSE(check_can_read(parse_ok(R"({"type":"enum","name":"Kind","symbols":["A"]})").root(),
                              parse_ok(R"({"type":"enum","name":"Other","symbols":["A"]})").root(), NameRule::kJavaReader)
                   .is_ok());
}

TEST(AvroResolve, ContainersAndFixed) {
  Datum map;
  map.keys = {"a"};
  map.items = {Datum::integer(1)};
  EXPECT_EQ(*read_as(R"({"type":"map","values":"int"})", map, R"({"type":"map","values":"long"})"), map);
  EXPECT_EQ(*read_as(R"({"type":"array","items":"int"})", Datum::list({Datum::integer(1)}), R"({"type":"array","items":"double"})"),
            Datum::list({Datum::real(1)}));
  EXPECT_FALSE(check_can_read(parse_ok(R"({"type":"fixed","name":"F","size":4})").root(),
                              parse_ok(R"({"type":"fixed","name":"F","size":8})").root()).is_ok());
}

TEST(AvroResolve, RecursiveSchemasTerminate) {
  const std::string list = R"({"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]})";
  const std::string wider = R"({"type":"record","name":"L","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","L"]}]})";
  EXPECT_TRUE(check_can_read(parse_ok(list).root(), parse_ok(wider).root()).is_ok());
  EXPECT_FALSE(check_can_read(parse_ok(wider).root(), parse_ok(list).root()).is_ok());
}

}  // namespace
}  // namespace careflow::serde::avro
