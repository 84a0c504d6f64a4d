// The line formats of `careflow topic produce/consume` and Kafka's key partitioner.

#include "app/topic_lines.h"

#include <gtest/gtest.h>

namespace careflow::app {
namespace {

TEST(TopicLines, KafkaMurmur2MatchesTheJavaClient) {
  // Apache Kafka's UtilsTest.testMurmur2 vectors.
  EXPECT_EQ(kafka_murmur2("21"), -973932308);
  EXPECT_EQ(kafka_murmur2("foobar"), -790332482);
  EXPECT_EQ(kafka_murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(kafka_murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(kafka_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(kafka_murmur2("abc"), 479470107);
  for (int n : {1, 3, 12}) {
    const int32_t p = kafka_partition_for_key("DEV-P001", n);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, n);
    EXPECT_EQ(p, kafka_partition_for_key("DEV-P001", n));
  }
}

TEST(TopicLines, AutoDetectsJsonKeyValueAndPlainValues) {
  auto plain = parse_line("just a value", LineFormat::kAuto);
  ASSERT_TRUE(plain.is_ok());
  EXPECT_FALSE(plain->record.key.has_value());
  EXPECT_EQ(plain->record.value, "just a value");

  auto kv = parse_line("DEV-P001\t{\"metric\": 1}", LineFormat::kAuto);
  ASSERT_TRUE(kv.is_ok());
  EXPECT_EQ(kv->record.key, "DEV-P001");
  EXPECT_EQ(kv->record.value, "{\"metric\": 1}");

  auto json = parse_line(R"({"key":"k","value":null,"headers":{"h":"v","n":null},"timestamp":42,"partition":1})", LineFormat::kAuto);
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_EQ(json->record.key, "k");
  EXPECT_FALSE(json->record.value.has_value());  // a tombstone
  EXPECT_EQ(json->record.headers, (std::vector<log::Header>{{"h", "v"}, {"n", std::nullopt}}));
  EXPECT_EQ(json->record.timestamp_ms, 42);
  EXPECT_EQ(json->partition, 1);

  // A JSON document that is not a record envelope is a plain value in auto mode...
  auto document = parse_line(R"({"device_id":"DEV-P001","metric_value":11.2})", LineFormat::kAuto);
  ASSERT_TRUE(document.is_ok());
  EXPECT_EQ(document->record.value, R"({"device_id":"DEV-P001","metric_value":11.2})");
  // ...and an error in json mode.
  EXPECT_FALSE(parse_line(R"({"device_id":"x"})", LineFormat::kJson).is_ok());
  EXPECT_FALSE(parse_line("no tab here", LineFormat::kKeyValue).is_ok());
  EXPECT_FALSE(parse_line(R"({"value": 1, "timestamp": "soon"})", LineFormat::kJson).is_ok());
}

TEST(TopicLines, FormatsRecordsForConsume) {
  log::Record r;
  r.key = "k";
  r.value = "v \"quoted\"";
  r.offset = 7;
  r.timestamp_ms = 99;
  r.headers = {{"h", "x"}};
  EXPECT_EQ(format_line(r, 2, LineFormat::kValue), "v \"quoted\"");
  EXPECT_EQ(format_line(r, 2, LineFormat::kKeyValue), "k\tv \"quoted\"");
  EXPECT_EQ(format_line(r, 2, LineFormat::kJson),
            R"({"headers":{"h":"x"},"key":"k","offset":7,"partition":2,"timestamp":99,"value":"v \"quoted\""})");
  r.value.reset();
  EXPECT_EQ(format_line(r, 2, LineFormat::kJson).find("\"value\":null") != std::string::npos, true);
}

TEST(TopicLines, BinaryValuesRoundTripThroughTheJsonFormat) {
  log::Record r;
  r.key = std::string("\xff\x00k", 3);
  r.value = std::string("\x00\x00\x00\x00\x01\x02\xfe\r", 8);  // Confluent's wire format, ending in 0x0D
  r.headers = {{"bin", std::string("\x80", 1)}, {"text", "caf\xc3\xa9"}};
  const std::string line = format_line(r, 0, LineFormat::kJson);
  EXPECT_NE(line.find(R"("value":{"base64":"AAAAAAEC/g0="})"), std::string::npos) << line;
  EXPECT_NE(line.find("\"text\":\"caf\xc3\xa9\""), std::string::npos) << line;  // UTF-8 stays text
  auto back = parse_line(line, LineFormat::kJson);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->record.key, r.key);
  EXPECT_EQ(back->record.value, r.value);
  ASSERT_EQ(back->record.headers.size(), 2u);
  EXPECT_EQ(back->record.headers[0].value, std::string("\x80", 1));
  EXPECT_EQ(back->record.headers[1].value, "caf\xc3\xa9");
  // Auto recognises the same envelope.
  EXPECT_EQ(parse_line(line, LineFormat::kAuto)->record.value, r.value);
}

TEST(TopicLines, ValueLinesKeepEveryByte) {
  const std::string bytes("a\rb\x00\xff\r", 7);
  auto value = parse_line(bytes, LineFormat::kValue);
  ASSERT_TRUE(value.is_ok());
  EXPECT_EQ(value->record.value, bytes);
  log::Record r;
  r.value = bytes;
  EXPECT_EQ(format_line(r, 0, LineFormat::kValue), bytes);
}

TEST(TopicLines, JsonLinesAreCheckedAsAWhole) {
  auto bad64 = parse_line(R"({"value": {"base64": "a*b"}})", LineFormat::kJson);
  ASSERT_FALSE(bad64.is_ok());
  EXPECT_EQ(bad64.status().message(), "\"value\": illegal base64 character '*'");
  auto deep = parse_line(R"({"value": )" + std::string(100, '[') + std::string(100, ']') + "}", LineFormat::kJson);
  ASSERT_FALSE(deep.is_ok());
  EXPECT_NE(deep.status().message().find("JSON nests deeper than 64 levels at byte"), std::string::npos)
      << deep.status().message();
  EXPECT_FALSE(parse_line(std::string("{\"value\":\"v\"}\0{", 14), LineFormat::kJson).is_ok());
  // Other structured values are still stored as their text.
  EXPECT_EQ(parse_line(R"({"value": {"a": 1}})", LineFormat::kJson)->record.value, R"({"a":1})");
}

}  // namespace
}  // namespace careflow::app
