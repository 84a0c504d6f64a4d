#include "log/topics.h"

#include <fmt/format.h>

#include <algorithm>

namespace careflow::log {

std::string TopicPartition::to_string() const { return fmt::format("{}/{}", topic, partition); }

int64_t Record::payload_bytes() const {
  int64_t n = static_cast<int64_t>((key ? key->size() : 0) + (value ? value->size() : 0));
  for (const Header& h : headers) n += static_cast<int64_t>(h.key.size() + (h.value ? h.value->size() : 0));
  return n;
}

Result<bool> Topics::wait_for_any(std::span<const ReadPosition> positions, std::chrono::microseconds timeout) const {
  if (positions.size() == 1) return wait_for_data(positions[0].partition, positions[0].offset, timeout);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr std::chrono::microseconds kSlice{10'000};
  while (true) {
    for (const ReadPosition& p : positions) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
      CF_ASSIGN_OR_RETURN(bool ready, wait_for_data(p.partition, p.offset, std::clamp(left, std::chrono::microseconds(0), kSlice)));
      if (ready) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
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
