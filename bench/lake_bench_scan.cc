#include "lake_bench_scan.h"

#include <fmt/format.h>

#include <chrono>
#include <numeric>

#include "lake_bench_wide.h"

namespace careflow::bench {

namespace {

Result<std::vector<size_t>> column_indexes(const lake::ParquetReader& reader, const std::vector<std::string>& names) {
  std::vector<size_t> out;
  if (names.empty()) {
    out.resize(reader.columns().size());
    std::iota(out.begin(), out.end(), size_t{0});
  }
  for (const std::string& name : names) {
    CF_ASSIGN_OR_RETURN(size_t c, reader.column_index(name));
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<double> careflow_scan(const std::string& path, const std::vector<std::string>& columns, int64_t repeats) {
  double best = 1e9;
  for (int64_t k = 0; k < repeats; ++k) {
    auto start = std::chrono::steady_clock::now();
    {
      CF_ASSIGN_OR_RETURN(auto reader, lake::ParquetReader::open(path));
      CF_ASSIGN_OR_RETURN(std::vector<size_t> wanted, column_indexes(*reader, columns));
      std::vector<std::vector<lake::ColumnVector>> groups;
      for (size_t g = 0; g < reader->num_row_groups(); ++g) {
        CF_ASSIGN_OR_RETURN(std::vector<lake::ColumnVector> group, reader->read_row_group(g, wanted));
        groups.push_back(std::move(group));
      }
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

Result<std::string> scan_difference(const std::string& path, const std::vector<lake::ColumnVector>& want) {
  CF_ASSIGN_OR_RETURN(auto reader, lake::ParquetReader::open(path));
  if (reader->columns().size() != want.size()) return fmt::format("{} columns where {} were written", reader->columns().size(), want.size());
  CF_ASSIGN_OR_RETURN(std::vector<size_t> all, column_indexes(*reader, {}));
  size_t offset = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    CF_ASSIGN_OR_RETURN(std::vector<lake::ColumnVector> group, reader->read_row_group(g, all));
    for (size_t c = 0; c < group.size(); ++c) {
      if (std::string diff = column_difference(group[c], want[c], offset); !diff.empty()) return diff;
    }
    offset += group.empty() ? 0 : group[0].size();
  }
  if (offset != want[0].size()) return fmt::format("{} rows where {} were written", offset, want[0].size());
  return std::string();
}

}  // namespace careflow::bench
