// Reads one partition of a topic from its first offset until COUNT records came, with librdkafka
// and nothing else per record, and prints "records bytes seconds": the consume side of
// bench/kafka_listener/run, where kcat's own per-record output would be what is measured.
//
//   kafka_consume_count BOOTSTRAP TOPIC COUNT

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: kafka_consume_count BOOTSTRAP TOPIC COUNT\n");
    return 2;
  }
  const long long want = std::atoll(argv[3]);
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], error, sizeof error) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "group.id", "kafka_consume_count", error, sizeof error) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "kafka_consume_count: %s\n", error);
    return 1;
  }
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (consumer == nullptr) {
    std::fprintf(stderr, "kafka_consume_count: %s\n", error);
    return 1;
  }
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(partitions, argv[2], 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(consumer, partitions);
  rd_kafka_topic_partition_list_destroy(partitions);

  const auto start = std::chrono::steady_clock::now();
  const auto give_up = start + std::chrono::seconds(120);
  long long records = 0, bytes = 0;
  while (records < want && std::chrono::steady_clock::now() < give_up) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++records;
      bytes += static_cast<long long>(message->len);
    } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      std::fprintf(stderr, "kafka_consume_count: %s\n", rd_kafka_message_errstr(message));
      rd_kafka_message_destroy(message);
      return 1;
    }
    rd_kafka_message_destroy(message);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  std::printf("%lld %lld %.3f\n", records, bytes, seconds);
  return records == want ? 0 : 1;
}
