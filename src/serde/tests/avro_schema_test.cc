// Parsing Canonical Form and fingerprints: cases from the Avro project's shared test data
// (share/test/data/schema-tests.txt), plus the parser's errors.
#include <gtest/gtest.h>

#include "serde/avro_schema.h"

namespace careflow::serde::avro {
namespace {

struct CanonicalCase {
  const char* input;
  const char* canonical;
  int64_t fingerprint;  // as the spec's test data prints it (a signed 64-bit value); 0 = not given
};

TEST(AvroSchema, CanonicalFormAndFingerprintMatchTheSpecTestData) {
  const CanonicalCase cases[] = {
      {R"("null")", R"("null")", 7195948357588979594},
      {R"({"type":"null"})", R"("null")", 0},
      {R"("boolean")", R"("boolean")", -6970731678124411036},
      {R"("int")", R"("int")", 8247732601305521295},
      {R"("long")", R"("long")", -3434872931120570953},
      {R"("float")", R"("float")", 5583340709985441680},
      {R"("double")", R"("double")", -8181574048448539266},
      {R"("bytes")", R"("bytes")", 5746618253357095269},
      {R"("string")", R"("string")", -8142146995180207161},
      {R"([  ])", R"([])", -1241056759729112623},
      {R"([ "int"  ])", R"(["int"])", -5232228896498058493},
      {R"([ "int" , {"type":"boolean"} ])", R"(["int","boolean"])", 5392556393470105090},
      {R"({"fields":[], "type":"record", "name":"foo"})", R"({"name":"foo","type":"record","fields":[]})", -4824392279771201922},
      {R"({"fields":[], "type":"record", "name":"foo", "namespace":"x.y"})", R"({"name":"x.y.foo","type":"record","fields":[]})",
       5916914534497305771},
      {R"({"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"})", R"({"name":"a.b.foo","type":"record","fields":[]})",
       -4616218487480524110},
      {R"({"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]})",
       R"({"name":"foo","type":"record","fields":[]})", -4824392279771201922},
      {R"({"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"})",
       R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]})", 7843277075252814651},
      // The spec data writes "default":"true"; a boolean default must be a JSON boolean, which we check.
      {R"({ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
            {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"})",
       R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]})",
       -4860222112080293046},
      {R"({"type":"enum", "name":"foo", "symbols":["A1"]})", R"({"name":"foo","type":"enum","symbols":["A1"]})", -6342190197741309591},
      {R"({"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]})",
       R"({"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]})", -4448647247586288245},
      {R"({"name":"foo","type":"fixed","size":15})", R"({"name":"foo","type":"fixed","size":15})", 1756455273707447556},
      {R"({"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32})",
       R"({"name":"x.y.z.foo","type":"fixed","size":32})", -3064184465700546786},
      {R"({ "items":{"type":"null"}, "type":"array"})", R"({"type":"array","items":"null"})", -589620603366471059},
      {R"({ "values":"string", "type":"map"})", R"({"type":"map","values":"string"})", -8732877298790414990},
      {R"({"name":"PigValue","type":"record",
           "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]})",
       R"({"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]})",
       -1759257747318642341},
  };
  for (const auto& c : cases) {
    auto schema = Schema::parse(c.input);
    ASSERT_TRUE(schema.is_ok()) << c.input << ": " << schema.status().to_string();
    EXPECT_EQ(schema->canonical_form(), c.canonical) << c.input;
    if (c.fingerprint != 0) {
      EXPECT_EQ(static_cast<int64_t>(schema->fingerprint()), c.fingerprint) << c.input;
    }
  }
}

TEST(AvroSchema, NestedNamesInheritTheEnclosingNamespace) {
  auto schema = Schema::parse(R"({"type":"record","name":"Outer","namespace":"a.b","fields":[
      {"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
      {"name":"again","type":"Inner"},
      {"name":"other","type":{"type":"enum","name":"c.Kind","symbols":["A"]}}]})");
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  ASSERT_NE(schema->find_named("a.b.Inner"), nullptr);
  ASSERT_NE(schema->find_named("c.Kind"), nullptr);
  EXPECT_EQ(schema->root().fields[1].type, schema->find_named("a.b.Inner"));
  EXPECT_EQ(schema->canonical_form(),
            R"({"name":"a.b.Outer","type":"record","fields":[{"name":"inner","type":{"name":"a.b.Inner","type":"record",)"
            R"("fields":[{"name":"x","type":"int"}]}},{"name":"again","type":"a.b.Inner"},)"
            R"({"name":"other","type":{"name":"c.Kind","type":"enum","symbols":["A"]}}]})");
}

TEST(AvroSchema, LogicalTypesAreRecognisedAndInvalidOnesIgnored) {
  auto schema = Schema::parse(R"({"type":"record","name":"r","fields":[
      {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
      {"name":"bad","type":{"type":"bytes","logicalType":"decimal","precision":2,"scale":5}},
      {"name":"d","type":{"type":"int","logicalType":"date"}},
      {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
      {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
      {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
      {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
      {"name":"lts","type":{"type":"long","logicalType":"local-timestamp-millis"}},
      {"name":"ltsu","type":{"type":"long","logicalType":"local-timestamp-micros"}},
      {"name":"id","type":{"type":"string","logicalType":"uuid"}},
      {"name":"wrong","type":{"type":"string","logicalType":"date"}},
      {"name":"fx","type":{"type":"fixed","name":"money","size":8,"logicalType":"decimal","precision":18,"scale":4}}]})");
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  const auto& f = schema->root().fields;
  EXPECT_EQ(f[0].type->logical, LogicalType::kDecimal);
  EXPECT_EQ(f[0].type->precision, 10);
  EXPECT_EQ(f[0].type->scale, 2);
  EXPECT_EQ(f[1].type->logical, LogicalType::kNone);
  EXPECT_EQ(f[2].type->logical, LogicalType::kDate);
  EXPECT_EQ(f[3].type->logical, LogicalType::kTimeMillis);
  EXPECT_EQ(f[4].type->logical, LogicalType::kTimeMicros);
  EXPECT_EQ(f[5].type->logical, LogicalType::kTimestampMillis);
  EXPECT_EQ(f[6].type->logical, LogicalType::kTimestampMicros);
  EXPECT_EQ(f[7].type->logical, LogicalType::kLocalTimestampMillis);
  EXPECT_EQ(f[8].type->logical, LogicalType::kLocalTimestampMicros);
  EXPECT_EQ(f[9].type->logical, LogicalType::kUuid);
  EXPECT_EQ(f[10].type->logical, LogicalType::kNone);
  EXPECT_EQ(f[11].type->logical, LogicalType::kDecimal);
  // Logical types are not part of the canonical form.
  EXPECT_NE(schema->canonical_form().find(R"({"name":"amount","type":"bytes"})"), std::string::npos);
}

TEST(AvroSchema, ErrorsNameWhatAndWhere) {
  struct Bad {
    const char* text;
    const char* message_part;
  };
  const Bad cases[] = {
      {"not json", "not valid JSON"},
      {R"({"type":"record","name":"r","fields":[{"name":"a","type":"strin"}]})", "fields[0].type: unknown type 'strin'"},
      {R"({"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]})", "field 'a' is defined twice"},
      {R"({"type":"record","name":"r","fields":[{"name":"a","type":"int","default":"x"}]})", "default \"x\" of field 'r.a'"},
      {R"({"type":"record","name":"r","fields":[{"name":"a","type":["null","int"],"default":1}]})", "default 1 of field 'r.a'"},
      {R"(["int",["null"]])", "may not immediately contain another union"},
      {R"(["int","int"])", "contains 'int' twice"},
      {R"({"type":"enum","name":"e","symbols":["A","A"]})", "repeats the symbol 'A'"},
      {R"({"type":"enum","name":"e","symbols":["A"],"default":"B"})", "default \"B\" is not one of its symbols"},
      {R"({"type":"fixed","name":"f","size":-1})", "non-negative integer \"size\""},
      {R"({"type":"record","name":"1r","fields":[]})", "invalid name '1r'"},
      {R"({"type":"record","name":"int","fields":[]})", "primitive type"},
      {R"({"type":"array"})", "array without \"items\""},
      {R"({"type":"record","name":"r","fields":[{"name":"a","type":{"type":"fixed","name":"r","size":1}}]})", "'r' is defined twice"},
  };
  for (const auto& c : cases) {
    auto schema = Schema::parse(c.text);
    ASSERT_FALSE(schema.is_ok()) << c.text;
    EXPECT_NE(schema.status().message().find(c.message_part), std::string::npos) << c.text << " → " << schema.status().message();
  }
}

TEST(AvroSchema, ReferencedSchemasProvideNamedTypes) {
  auto address = Schema::parse(R"({"type":"record","name":"Address","namespace":"hc","fields":[{"name":"city","type":"string"}]})");
  ASSERT_TRUE(address.is_ok());
  auto patient = Schema::parse(R"({"type":"record","name":"Patient","namespace":"hc","fields":[{"name":"home","type":"Address"}]})",
                               {*address});
  ASSERT_TRUE(patient.is_ok()) << patient.status().to_string();
  EXPECT_EQ(patient->root().fields[0].type->fullname, "hc.Address");
  EXPECT_FALSE(Schema::parse(R"({"type":"record","name":"Patient","namespace":"hc","fields":[{"name":"home","type":"Address"}]})").is_ok());
}

}  // namespace
}  // namespace careflow::serde::avro
