// Logging: the line format, quoting, level filtering and whole lines from many threads, read
// back from the real stderr.

#include "common/logging.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace careflow {
namespace {

// Points file descriptor 2 at a temporary file while it lives; text() reads what was written.
class CapturedStderr {
 public:
  CapturedStderr() {
    path_ = std::filesystem::temp_directory_path() / ("careflow-logging-" + std::to_string(getpid()) + ".err");
    std::fflush(stderr);
    saved_ = dup(2);
    FILE* file = std::fopen(path_.c_str(), "w");
    dup2(fileno(file), 2);
    std::fclose(file);
  }
  ~CapturedStderr() {
    restore();
    std::filesystem::remove(path_);
  }
  std::string text() {
    restore();
    std::ifstream in(path_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::filesystem::path path_;
  int saved_ = -1;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Logging, FormatsKeyValueFieldsAndQuotesWhenNeeded) {
  EXPECT_EQ(format_log_line("log", "segment rolled",
                            {{"topic", "orders"}, {"path", "/var/a b"}, {"expr", "a=b"}, {"empty", ""}, {"quote", "say \"hi\""}}),
            R"(log segment rolled topic=orders path="/var/a b" expr="a=b" empty="" quote="say \"hi\"")");
  // Values are formatted with fmt, whatever their type; a newline never splits the line.
  EXPECT_EQ(format_log_line("log", "open", {{"partition", 3}, {"ratio", 0.5}, {"fresh", true}, {"size", int64_t{1} << 40}}),
            "log open partition=3 ratio=0.5 fresh=true size=1099511627776");
  EXPECT_EQ(format_log_line("api", "failed", {{"error", "line one\nline two"}}), R"(api failed error="line one line two")");
}

TEST(Logging, WritesUtcTimeLevelComponentAndFieldsToStderr) {
  ASSERT_TRUE(init_logging("info").is_ok());
  CapturedStderr captured;
  const std::time_t before = std::time(nullptr);
  log_info("log", "segment rolled", {{"topic", "orders"}, {"partition", 3}});
  log_warn("api", "slow client", {{"peer", "127.0.0.1:5000"}});
  log_error("store", "query failed", {{"error", "connection refused"}});
  const std::vector<std::string> lines = lines_of(captured.text());
  ASSERT_EQ(lines.size(), 3u);
  const std::regex line_shape(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{3}Z INFO  log segment rolled topic=orders partition=3)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, line_shape)) << lines[0];
  EXPECT_EQ(lines[1].substr(25), "WARN  api slow client peer=127.0.0.1:5000");
  EXPECT_EQ(lines[2].substr(25), "ERROR store query failed error=\"connection refused\"");
  // The time is UTC, not local time.
  std::tm logged{};
  logged.tm_year = std::stoi(m[1]) - 1900;
  logged.tm_mon = std::stoi(m[2]) - 1;
  logged.tm_mday = std::stoi(m[3]);
  logged.tm_hour = std::stoi(m[4]);
  logged.tm_min = std::stoi(m[5]);
  logged.tm_sec = std::stoi(m[6]);
  EXPECT_LE(std::abs(timegm(&logged) - before), 5) << lines[0];
}

TEST(Logging, LevelFiltersEvents) {
  ASSERT_TRUE(init_logging("warn").is_ok());
  EXPECT_FALSE(log_enabled(LogLevel::kInfo));
  EXPECT_TRUE(log_enabled(LogLevel::kError));
  {
    CapturedStderr captured;
    log_debug("x", "hidden");
    log_info("x", "hidden");
    log_warn("x", "shown");
    const auto lines = lines_of(captured.text());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].substr(25), "WARN  x shown");
  }
  ASSERT_TRUE(init_logging("trace").is_ok());
  {
    CapturedStderr captured;
    log_trace("x", "now shown");
    EXPECT_EQ(lines_of(captured.text()).size(), 1u);
  }
  // A bad level is refused, naming the choices, and the logger stays as it was.
  Status bad = init_logging("loud");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "unknown log level 'loud'; use trace, debug, info, warn or error");
  EXPECT_TRUE(log_enabled(LogLevel::kTrace));
  ASSERT_TRUE(init_logging("info").is_ok());
}

TEST(Logging, LinesFromManyThreadsStayWhole) {
  ASSERT_TRUE(init_logging("info").is_ok());
  constexpr int kThreads = 8, kLines = 250;
  CapturedStderr captured;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) log_info("test", "event", {{"thread", t}, {"i", i}, {"text", "a fairly long value with spaces"}});
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = lines_of(captured.text());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  const std::regex whole(R"(\S+Z INFO  test event thread=(\d) i=(\d+) text="a fairly long value with spaces")");
  std::vector<int> per_thread(kThreads);
  for (const std::string& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, whole)) << line;
    ++per_thread[std::stoi(m[1])];
  }
  for (int count : per_thread) EXPECT_EQ(count, kLines);
}

}  // namespace
}  // namespace careflow
