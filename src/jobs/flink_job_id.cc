#include "jobs/flink_job_id.h"

#include <fmt/format.h>

#include <charconv>

namespace careflow::jobs {

namespace {
constexpr std::string_view kPrefix = "job-";
constexpr size_t kHexDigits = 32;
}  // namespace

std::optional<std::string> flink_job_id(std::string_view careflow_id) {
  if (careflow_id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view digits = careflow_id.substr(kPrefix.size());
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return fmt::format("{:032x}", n);
}

std::string careflow_job_id(std::string_view id) {
  if (id.size() != kHexDigits) return std::string(id);
  // The upper half must be zero: careflow's numbers fit 64 bits.
  for (size_t i = 0; i < kHexDigits / 2; ++i) {
    if (id[i] != '0') return std::string(id);
  }
  std::string_view low = id.substr(kHexDigits / 2);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(low.data(), low.data() + low.size(), n, 16);
  if (ec != std::errc() || end != low.data() + low.size()) return std::string(id);
  return fmt::format("{}{}", kPrefix, n);
}

}  // namespace careflow::jobs
