#include "jobs/job_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/json_parse.h"

namespace careflow::jobs {

namespace fs = std::filesystem;

namespace {

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("{}: cannot read", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Status sync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Status::io_error(fmt::format("{}: cannot open to sync", path));
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : Status::io_error(fmt::format("{}: fsync failed", path));
}

int64_t id_number(const std::string& id) {
  if (id.rfind("job-", 0) != 0) return 0;
  return std::atoll(id.c_str() + 4);
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::io_error(fmt::format("{}: cannot write", temporary));
  }
  CF_RETURN_IF_ERROR(sync_path(temporary, O_RDONLY));
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return Status::io_error(fmt::format("{}: cannot rename into place: {}", path, ec.message()));
  return sync_path(fs::path(path).parent_path().string(), O_RDONLY | O_DIRECTORY);
}

Result<JobStore> JobStore::open(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(fs::path(data_dir) / "jobs", ec);
  if (ec) return Status::io_error(fmt::format("creating {}/jobs: {}", data_dir, ec.message()));
  return JobStore(data_dir);
}

std::string JobStore::job_dir(const std::string& id) const { return (fs::path(data_dir_) / "jobs" / id).string(); }

std::string JobStore::next_id() const {
  int64_t highest = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(data_dir_) / "jobs", ec)) {
    highest = std::max(highest, id_number(entry.path().filename().string()));
  }
  return fmt::format("job-{}", highest + 1);
}

Status JobStore::save_definition(const JobDefinition& d) {
  std::error_code ec;
  fs::create_directories(job_dir(d.id), ec);
  if (ec) return Status::io_error(fmt::format("creating {}: {}", job_dir(d.id), ec.message()));
  nlohmann::ordered_json j = {{"id", d.id},           {"name", d.name},         {"statement", d.statement},
                              {"catalog", d.catalog}, {"settings", d.settings}, {"createdMs", d.created_ms}};
  return write_file_atomically(job_dir(d.id) + "/definition.json", j.dump(2) + "\n");
}

Status JobStore::save_state(const std::string& id, const StoredState& s) {
  nlohmann::ordered_json j = {{"state", s.state},
                              {"error", s.error},
                              {"errorLocation", s.error_location},
                              {"restarts", s.restarts},
                              {"changedMs", s.changed_ms}};
  return write_file_atomically(job_dir(id) + "/state.json", j.dump(2) + "\n");
}

std::vector<JobStore::Loaded> JobStore::load(std::vector<std::string>* broken) const {
  std::vector<Loaded> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(data_dir_) / "jobs", ec)) {
    if (!entry.is_directory()) continue;
    const std::string id = entry.path().filename().string();
    auto text = read_text(entry.path().string() + "/definition.json");
    auto parsed = text ? parse_json(*text) : Result<nlohmann::json>(text.status());
    if (!parsed || !parsed->is_object()) {
      if (broken) broken->push_back(fmt::format("{}: {}", id, parsed ? "not a JSON object" : parsed.status().message()));
      continue;
    }
    Loaded l;
    try {
      const nlohmann::json& j = *parsed;
      l.definition.id = j.at("id").get<std::string>();
      l.definition.name = j.value("name", "");
      l.definition.statement = j.at("statement").get<std::string>();
      l.definition.catalog = j.value("catalog", "");
      l.definition.settings = j.value("settings", std::map<std::string, std::string>{});
      l.definition.created_ms = j.value("createdMs", int64_t{0});
      l.state.state = "PENDING";
      if (auto st = read_text(entry.path().string() + "/state.json")) {
        if (auto sj = parse_json(*st); sj && sj->is_object()) {
          l.state.state = sj->value("state", "PENDING");
          l.state.error = sj->value("error", "");
          l.state.error_location = sj->value("errorLocation", "");
          l.state.restarts = sj->value("restarts", int64_t{0});
          l.state.changed_ms = sj->value("changedMs", int64_t{0});
        }
      }
    } catch (const std::exception& e) {
      if (broken) broken->push_back(fmt::format("{}: {}", id, e.what()));
      continue;
    }
    out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end(),
            [](const Loaded& a, const Loaded& b) { return id_number(a.definition.id) < id_number(b.definition.id); });
  return out;
}

Result<std::string> JobStore::catalog() const {
  const std::string path = data_dir_ + "/catalog.sql";
  if (!fs::exists(path)) return std::string();
  return read_text(path);
}

Status JobStore::append_catalog(const std::string& statement) {
  CF_ASSIGN_OR_RETURN(std::string text, catalog());
  text += statement + ";\n";
  return write_file_atomically(data_dir_ + "/catalog.sql", text);
}

}  // namespace careflow::jobs
