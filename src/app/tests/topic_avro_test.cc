// `careflow topic consume --format avro`'s decoding: Avro's JSON encoding of every type, and a
// record decoded through a real embedded registry in the configured context.

#include "app/topic_avro.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "registry/client_implementations.h"
#include "serde/confluent_avro.h"

namespace careflow::app {
namespace {

using serde::avro::Datum;

TEST(AvroToJson, WritesAvrosJsonEncoding) {
  auto schema = serde::avro::Schema::parse(
      R"({"type":"record","name":"R","namespace":"hc","fields":[)"
      R"({"name":"b","type":"boolean"},{"name":"l","type":"long"},{"name":"d","type":"double"},{"name":"s","type":"string"},)"
      R"({"name":"raw","type":"bytes"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},)"
      R"({"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"string"}},)"
      R"({"name":"u","type":["null","double"]},{"name":"n","type":["null","hc.E"]},{"name":"z","type":["null","string"]},)"
      R"({"name":"nan","type":"float"}]})");
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  Datum map;
  map.keys = {"k"};
  map.items = {Datum::text("v")};
  const Datum value = Datum::list({Datum::boolean(true), Datum::integer(-7), Datum::real(1.5), Datum::text("é"),
                                   Datum::text(std::string("\x00\xff", 2)), Datum::integer(1),
                                   Datum::list({Datum::integer(1), Datum::integer(2)}), map, Datum::branch(1, Datum::real(2.25)),
                                   Datum::branch(1, Datum::integer(0)), Datum::branch(0, Datum::null()), Datum::real(NAN)});
  EXPECT_EQ(avro_to_json(schema->root(), value).dump(),
            R"({"b":true,"l":-7,"d":1.5,"s":"é","raw":"\u0000ÿ","e":"B","a":[1,2],"m":{"k":"v"},"u":{"double":2.25},)"
            R"("n":{"hc.E":"A"},"z":null,"nan":"NaN"})");
}

TEST(AvroLineDecoder, DecodesWhatCareflowWroteInTheDataDirsRegistryAndContext) {
  const auto dir = std::filesystem::temp_directory_path() / ("careflow-topic-avro-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string schema = R"({"type":"record","name":"M","fields":[{"name":"device_id","type":"string"}]})";
  std::string framed;
  {
    auto registry = std::move(registry::SchemaRegistry::open((dir / "registry").string())).value();
    auto client = registry::embedded_client(*registry);
    // The default context's id 1 is another schema: the decoder must look in .flink-dev.
    ASSERT_TRUE(client->register_schema("other-value", R"("string")").is_ok());
    serde::SerializerOptions options;
    options.context = ".flink-dev";
    serde::AvroSerializer serializer(*client, *serde::avro::Schema::parse(schema), schema, options);
    auto written = serializer.serialize("t", Datum::list({Datum::text("DEV-P001")}));
    ASSERT_TRUE(written.is_ok()) << written.status().to_string();
    framed = *written;
  }
  auto config_for = [](const std::filesystem::path& data_dir) {
    ConfigSources sources;
    sources.file = std::nullopt;
    sources.flags = {{"data_dir", data_dir.string(), "--data-dir"}};
    return Config::load(sources).value();
  };
  auto decoder = AvroLineDecoder::open(config_for(dir));
  ASSERT_TRUE(decoder.is_ok()) << decoder.status().to_string();
  log::Record record;
  record.value = framed;
  record.offset = 3;
  auto line = (*decoder)->line(record, 0);
  ASSERT_TRUE(line.is_ok()) << line.status().to_string();
  EXPECT_EQ(*line, R"({"device_id":"DEV-P001"})");
  record.value = "{\"not\":\"avro\"}";
  auto bad = (*decoder)->line(record, 0);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("partition 0 offset 3: not readable as Confluent Avro"), std::string::npos)
      << bad.status().to_string();
  record.value.reset();
  EXPECT_EQ((*decoder)->line(record, 0).value(), "null");

  auto none = AvroLineDecoder::open(config_for(dir / "nowhere"));
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("schema_registry.url"), std::string::npos) << none.status().to_string();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace careflow::app
