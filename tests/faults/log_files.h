#pragma once
// Reading and damaging the files of a closed embedded log, for the fault tests.

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

namespace careflow::log::faults {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

inline void flip_bit(const fs::path& file, int64_t position, int bit = 3) {
  std::string bytes = read_file(file);
  bytes.at(static_cast<size_t>(position)) ^= static_cast<char>(1 << bit);
  write_file(file, bytes);
}

inline fs::path segment_file(const fs::path& dir, const std::string& topic, int partition, int64_t base = 0) {
  return dir / "topics" / topic / std::to_string(partition) / fmt::format("{:020}.log", base);
}

// Byte position of every batch in a segment file (batch_length at byte 8 counts the bytes after
// byte 12), so a test can aim at the last one.
inline std::vector<int64_t> batch_positions(const fs::path& segment) {
  const std::string bytes = read_file(segment);
  std::vector<int64_t> out;
  for (size_t at = 0; at + 12 <= bytes.size();) {
    out.push_back(static_cast<int64_t>(at));
    int32_t length;
    std::memcpy(&length, bytes.data() + at + 8, 4);
    at += 12 + static_cast<size_t>(length);
  }
  return out;
}

// Every segment file and the journal, by path: what "untouched" is checked against.
inline std::map<std::string, std::string> data_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && (name.ends_with(".log") || name == "txn.journal")) out[e.path().string()] = read_file(e.path());
  }
  return out;
}

}  // namespace careflow::log::faults
