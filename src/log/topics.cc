#include "log/topics.h"

#include <fmt/format.h>

namespace careflow::log {

std::string TopicPartition::to_string() const { return fmt::format("{}/{}", topic, partition); }

int64_t Record::payload_bytes() const {
  int64_t n = static_cast<int64_t>((key ? key->size() : 0) + (value ? value->size() : 0));
  for (const Header& h : headers) n += static_cast<int64_t>(h.key.size() + (h.value ? h.value->size() : 0));
  return n;
}

Status validate_topic_name(std::string_view name) {
  if (name.empty()) return Status::invalid_argument("topic name is empty");
  if (name.size() > 249) {
    return Status::invalid_argument(
        fmt::format("topic name '{}...' is {} characters long; at most 249 are allowed", name.substr(0, 20), name.size()));
  }
  if (name == "." || name == "..") {
    return Status::invalid_argument(fmt::format("topic name '{}' is not allowed", name));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) {
      return Status::invalid_argument(fmt::format(
          "topic name '{}' has an invalid character '{}' at position {}; allowed are [a-zA-Z0-9._-]", name, c, i + 1));
    }
  }
  return Status::ok();
}

}  // namespace careflow::log
