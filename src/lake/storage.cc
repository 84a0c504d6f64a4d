#include "lake/storage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "lake/s3_client.h"

namespace careflow::lake {

namespace fs = std::filesystem;

namespace {

std::string local(const std::string& uri) {
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  if (uri.rfind("file:", 0) == 0) return uri.substr(5);
  return uri;
}

std::string temp_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}.{}-{}.tmp", path, ::getpid(), counter.fetch_add(1));
}

Status sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno("opening " + dir, errno);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : Status::from_errno("fsync of " + dir, errno);
}

Status write_local(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno("creating " + path, errno);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::from_errno("writing " + path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return Status::from_errno("fsync of " + path, err);
  }
  if (::close(fd) != 0) return Status::from_errno("closing " + path, errno);
  return Status::ok();
}

int64_t modified_ms(const fs::path& p, std::error_code& ec) {
  const auto t = fs::last_write_time(p, ec);
  const auto system = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::file_clock::to_sys(t));
  return system.time_since_epoch().count();
}

class LocalStorage final : public Storage {
 public:
  Result<std::string> read(const std::string& uri) const override {
    const std::string path = local(uri);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::error_code ec;
      if (!fs::exists(path, ec)) return Status::not_found(fmt::format("{}: no such file", path));
      return Status::io_error(fmt::format("cannot open {}", path));
    }
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) return Status::io_error(fmt::format("reading {}", path));
    return std::move(s).str();
  }
  Status write(const std::string& uri, const std::string& bytes) const override { return write_local(local(uri), bytes); }
  Status write_if_absent(const std::string& uri, const std::string& bytes) const override {
    const std::string path = local(uri);
    const std::string tmp = temp_name(path);
    CF_RETURN_IF_ERROR(write_local(tmp, bytes));
    const int rc = ::link(tmp.c_str(), path.c_str());
    const int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0 && err == EEXIST) return Status::failed_precondition(fmt::format("{} was committed by another writer", path));
    if (rc != 0) return Status::from_errno("linking " + path, err);
    return sync_dir(fs::path(path).parent_path().string());
  }
  Status replace(const std::string& uri, const std::string& bytes) const override {
    const std::string path = local(uri);
    const std::string tmp = temp_name(path);
    CF_RETURN_IF_ERROR(write_local(tmp, bytes));
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Status::from_errno("renaming " + tmp, err);
    }
    return Status::ok();
  }
  Result<bool> exists(const std::string& uri) const override {
    std::error_code ec;
    return fs::exists(local(uri), ec);
  }
  Result<bool> is_dir(const std::string& uri) const override {
    std::error_code ec;
    return fs::is_directory(local(uri), ec);
  }
  Result<int64_t> size(const std::string& uri) const override {
    std::error_code ec;
    const auto n = fs::file_size(local(uri), ec);
    if (ec) return Status::io_error(fmt::format("size of {}: {}", local(uri), ec.message()));
    return static_cast<int64_t>(n);
  }
  Result<std::vector<StoredFile>> list_files(const std::string& dir) const override {
    std::vector<StoredFile> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(local(dir), ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code e2;
      if (!it->is_regular_file(e2)) continue;
      StoredFile f;
      f.uri = it->path().lexically_normal().string();
      f.size = static_cast<int64_t>(it->file_size(e2));
      f.modified_ms = modified_ms(it->path(), e2);
      out.push_back(std::move(f));
    }
    return out;
  }
  Result<std::vector<std::string>> list_dirs(const std::string& dir) const override {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(local(dir), ec)) {
      std::error_code e2;
      if (e.is_directory(e2)) out.push_back(e.path().filename().string());
    }
    return out;
  }
  Status remove(const std::string& uri) const override {
    std::error_code ec;
    fs::remove(local(uri), ec);
    if (ec) return Status::io_error(fmt::format("removing {}: {}", local(uri), ec.message()));
    return Status::ok();
  }
  Status remove_all(const std::string& dir) const override {
    std::error_code ec;
    fs::remove_all(local(dir), ec);
    if (ec) return Status::io_error(fmt::format("removing {}: {}", local(dir), ec.message()));
    return Status::ok();
  }
  Status make_dirs(const std::string& dir) const override {
    std::error_code ec;
    fs::create_directories(local(dir), ec);
    if (ec) return Status::io_error(fmt::format("creating {}: {}", local(dir), ec.message()));
    return Status::ok();
  }
};

class S3Storage final : public Storage {
 public:
  void configure(const s3::S3Config& config) {
    std::lock_guard lock(mutex_);
    client_ = std::make_shared<s3::S3Client>(config);
  }

  Result<std::string> read(const std::string& uri) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    return c->get(bk.first, bk.second);
  }
  Status write(const std::string& uri, const std::string& bytes) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    return c->put(bk.first, bk.second, bytes);
  }
  Status write_if_absent(const std::string& uri, const std::string& bytes) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    return c->put(bk.first, bk.second, bytes, true);
  }
  // A PUT replaces an object atomically: readers see the old or the new one.
  Status replace(const std::string& uri, const std::string& bytes) const override { return write(uri, bytes); }
  Result<bool> exists(const std::string& uri) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    CF_ASSIGN_OR_RETURN(auto head, c->head(bk.first, bk.second));
    return head.has_value();
  }
  Result<bool> is_dir(const std::string& uri) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    CF_ASSIGN_OR_RETURN(auto page, c->list(bk.first, folder(bk.second), "/"));
    return !page.objects.empty() || !page.common_prefixes.empty();
  }
  Result<int64_t> size(const std::string& uri) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    CF_ASSIGN_OR_RETURN(auto head, c->head(bk.first, bk.second));
    if (!head) return Status::not_found(fmt::format("{}: no such object", uri));
    return head->size;
  }
  Result<std::vector<StoredFile>> list_files(const std::string& dir) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(dir));
    CF_ASSIGN_OR_RETURN(auto page, c->list(bk.first, folder(bk.second)));
    std::vector<StoredFile> out;
    for (auto& o : page.objects) {
      if (!o.key.empty() && o.key.back() == '/') continue;  // a folder's marker
      // In the caller's scheme (s3a:// stays s3a://), so that listed files compare equal to metadata paths.
      out.push_back({fmt::format("{}://{}/{}", dir.substr(0, dir.find("://")), bk.first, o.key), o.size, o.last_modified_ms});
    }
    return out;
  }
  Result<std::vector<std::string>> list_dirs(const std::string& dir) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(dir));
    const std::string prefix = folder(bk.second);
    CF_ASSIGN_OR_RETURN(auto page, c->list(bk.first, prefix, "/"));
    std::vector<std::string> out;
    for (const auto& p : page.common_prefixes) {
      std::string name = p.substr(prefix.size());
      if (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty()) out.push_back(std::move(name));
    }
    return out;
  }
  Status remove(const std::string& uri) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(uri));
    return c->remove(bk.first, bk.second);
  }
  Status remove_all(const std::string& dir) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(dir));
    CF_ASSIGN_OR_RETURN(auto page, c->list(bk.first, folder(bk.second)));
    for (const auto& o : page.objects) CF_RETURN_IF_ERROR(c->remove(bk.first, o.key));
    return Status::ok();
  }
  Status make_dirs(const std::string& dir) const override {
    CF_ASSIGN_OR_RETURN(auto c, client());
    CF_ASSIGN_OR_RETURN(auto bk, s3::split_s3_uri(dir));
    if (bk.second.empty()) return Status::ok();  // the bucket itself
    return c->put(bk.first, folder(bk.second), "");
  }

 private:
  static std::string folder(const std::string& key) { return key.empty() || key.back() == '/' ? key : key + "/"; }

  Result<std::shared_ptr<s3::S3Client>> client() const {
    std::lock_guard lock(mutex_);
    if (!client_) {
      CF_ASSIGN_OR_RETURN(s3::S3Config config, s3::S3Config::from_env());
      client_ = std::make_shared<s3::S3Client>(std::move(config));
    }
    return client_;
  }

  mutable std::mutex mutex_;
  mutable std::shared_ptr<s3::S3Client> client_;
};

S3Storage& s3_storage() {
  static S3Storage* storage = new S3Storage();  // never destroyed: used by threads until exit
  return *storage;
}

}  // namespace

bool is_object_store_uri(const std::string& uri) { return s3::is_s3_uri(uri); }

const Storage& storage_for(const std::string& uri) {
  static const LocalStorage local_storage;
  if (is_object_store_uri(uri)) return s3_storage();
  return local_storage;
}

std::string normalize_location(const std::string& uri) {
  if (is_object_store_uri(uri)) {
    std::string out = uri;
    while (out.size() > 5 && out.back() == '/') out.pop_back();
    return out;
  }
  return fs::absolute(local(uri)).lexically_normal().string();
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

void set_s3_config(const s3::S3Config& config) { s3_storage().configure(config); }

}  // namespace careflow::lake
