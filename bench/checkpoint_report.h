#pragma once
// The results of checkpoint_bench and of its Flink peer (tests/interop/flink, CheckpointBench):
// each side writes DIR/<side>.tsv, "name TAB value" a line, with the same names; the report puts
// them side by side as a markdown table with careflow ÷ Flink per measurement.

#include <filesystem>
#include <map>
#include <string>

namespace careflow::bench {

using CheckpointResults = std::map<std::string, std::string>;

// Writes `results` to `file`, one "name TAB value" line each.
void write_checkpoint_results(const std::filesystem::path& file, const CheckpointResults& results);

// Reads such a file; an absent file gives no results (the report then says "not run").
CheckpointResults read_checkpoint_results(const std::filesystem::path& file);

// The markdown table (with notes under it) of careflow.tsv and flink.tsv in `dir`.
std::string checkpoint_report(const std::filesystem::path& dir);

}  // namespace careflow::bench
