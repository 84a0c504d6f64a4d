// careflow's Kafka listener over an embedded log, alone in a process: the two parts `careflow up`
// runs for Kafka clients (the same classes and topic defaults), without PostgreSQL, the API or the
// simulator, so bench/kafka_listener/run can measure them with kcat against Apache Kafka from a
// release build of two libraries.
//
//   kafka_listener_serve DATA_DIR [zstd|uncompressed]
// Prints "bootstrap HOST:PORT" once listening; stops on SIGTERM or SIGINT.

#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "broker/kafka_listener.h"
#include "common/stop_signals.h"
#include "log/embedded_log.h"

int main(int argc, char** argv) {
  using namespace careflow;
  if (argc < 2 || argc > 3) {
    fmt::print(stderr, "usage: kafka_listener_serve DATA_DIR [zstd|uncompressed]\n");
    return 2;
  }
  const std::string compression = argc == 3 ? argv[2] : "zstd";
  if (compression != "zstd" && compression != "uncompressed") {
    fmt::print(stderr, "kafka_listener_serve: compression must be zstd or uncompressed, not {}\n", compression);
    return 2;
  }
  // Before any thread starts, so that every thread inherits the mask.
  const StopSignals stop;

  log::EmbeddedLogOptions options;
  options.default_topic_config.compression = compression == "zstd" ? log::Compression::kZstd : log::Compression::kUncompressed;
  auto opened = log::EmbeddedLog::open(argv[1], options);
  if (!opened) {
    fmt::print(stderr, "kafka_listener_serve: {}\n", opened.status().to_string());
    return 1;
  }
  broker::KafkaListenerOptions listener_options;
  listener_options.port = 0;
  listener_options.topic_defaults = options.default_topic_config;
  broker::KafkaListener listener(listener_options, **opened);
  if (Status started = listener.start(); !started) {
    fmt::print(stderr, "kafka_listener_serve: {}\n", started.to_string());
    return 1;
  }
  fmt::print("bootstrap {}\n", listener.bootstrap());
  std::fflush(stdout);
  stop.wait();
  listener.stop();
  return 0;
}
