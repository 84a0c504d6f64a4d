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

}  // namespace
}  // namespace careflow::app
