#include "app/running_listener.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace careflow::app {
namespace {

constexpr const char* kKafkaFile = "kafka-listener.addr";
constexpr const char* kApiFile = "api.addr";

std::filesystem::path listener_file(const std::string& data_dir, const char* name = kKafkaFile) {
  return std::filesystem::path(data_dir) / name;
}

Status write_address(const std::string& data_dir, const char* name, const std::string& bootstrap) {
  const auto path = listener_file(data_dir, name);
  const auto temporary = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << bootstrap << '\n';
    if (!out.flush()) return Status::io_error(fmt::format("writing {}", temporary.string()));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);  // whole or absent for a reader
  if (error) return Status::io_error(fmt::format("renaming {} to {}: {}", temporary.string(), path.string(), error.message()));
  return Status::ok();
}

void remove_address(const std::string& data_dir, const char* name) {
  std::error_code ignored;
  std::filesystem::remove(listener_file(data_dir, name), ignored);
}

std::optional<std::string> read_address(const std::string& data_dir, const char* name) {
  std::ifstream in(listener_file(data_dir, name));
  std::string bootstrap;
  if (!in || !std::getline(in, bootstrap) || bootstrap.empty() || bootstrap.size() > 300) return std::nullopt;
  return bootstrap;
}

}  // namespace

Status write_running_listener(const std::string& data_dir, const std::string& bootstrap) {
  return write_address(data_dir, kKafkaFile, bootstrap);
}
void remove_running_listener(const std::string& data_dir) { remove_address(data_dir, kKafkaFile); }
std::optional<std::string> read_running_listener(const std::string& data_dir) { return read_address(data_dir, kKafkaFile); }

Status write_running_api(const std::string& data_dir, const std::string& host_port) {
  return write_address(data_dir, kApiFile, host_port);
}
void remove_running_api(const std::string& data_dir) { remove_address(data_dir, kApiFile); }
std::optional<std::string> read_running_api(const std::string& data_dir) { return read_address(data_dir, kApiFile); }

}  // namespace careflow::app
