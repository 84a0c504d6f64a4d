#include "app/running_listener.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace careflow::app {
namespace {

std::filesystem::path listener_file(const std::string& data_dir) {
  return std::filesystem::path(data_dir) / "kafka-listener.addr";
}

}  // namespace

Status write_running_listener(const std::string& data_dir, const std::string& bootstrap) {
  const auto path = listener_file(data_dir);
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

void remove_running_listener(const std::string& data_dir) {
  std::error_code ignored;
  std::filesystem::remove(listener_file(data_dir), ignored);
}

std::optional<std::string> read_running_listener(const std::string& data_dir) {
  std::ifstream in(listener_file(data_dir));
  std::string bootstrap;
  if (!in || !std::getline(in, bootstrap) || bootstrap.empty() || bootstrap.size() > 300) return std::nullopt;
  return bootstrap;
}

}  // namespace careflow::app
