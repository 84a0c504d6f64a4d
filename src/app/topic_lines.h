#pragma once
// One record per line, for `careflow topic produce` and `consume` (docs/cli.md):
//   value            the whole line is the value
//   kv               key<TAB>value
//   json             {"key": .., "value": .., "headers": {..}, "timestamp": .., "partition": ..}
//   auto (produce)   json if the line is a JSON object with only those fields, else kv if it has
//                    a TAB, else value
//   hex (consume)    the value's bytes in lowercase hex (binary values, such as Confluent's wire
//                    format, printed whole); a tombstone prints an empty line
// (consume --format avro decodes Confluent Avro through the registry: topic_avro.h)
// and Kafka's default partitioner, so a key lands where a Kafka producer would put it.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/kafka_partitioner.h"
#include "log/topics.h"

namespace careflow::app {

enum class LineFormat { kAuto, kValue, kKeyValue, kJson, kHex };
// allow_auto: produce's formats (auto); otherwise consume's (hex).
Result<LineFormat> parse_line_format(std::string_view name, bool allow_auto);

struct ProducedLine {
  log::Record record;
  std::optional<int32_t> partition;
};
Result<ProducedLine> parse_line(std::string_view line, LineFormat format);
std::string format_line(const log::Record& record, int32_t partition, LineFormat format);

using log::kafka_murmur2;
using log::kafka_partition_for_key;

}  // namespace careflow::app
