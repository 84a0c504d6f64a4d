#pragma once
// Kafka's default partitioner for keyed records: murmur2 of the key bytes (the Java client's
// Utils.murmur2), made positive, modulo the partition count. Everything careflow writes by key
// lands on the partition a Kafka producer would choose.

#include <cstdint>
#include <string_view>

namespace careflow::log {

int32_t kafka_murmur2(std::string_view data);
int32_t kafka_partition_for_key(std::string_view key, int32_t partitions);

}  // namespace careflow::log
