// FdLines, the block reader behind `careflow topic produce`, over a real pipe.

#include "app/fd_lines.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace careflow::app {
namespace {

std::vector<std::string> read_all_through_a_pipe(const std::string& input) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < input.size()) {
      ssize_t n = ::write(fds[1], input.data() + done, std::min<size_t>(input.size() - done, 7000));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  FdLines lines(fds[0]);
  std::vector<std::string> out;
  std::string line;
  for (;;) {
    auto more = lines.next(&line);
    EXPECT_TRUE(more.is_ok()) << more.status().to_string();
    if (!more.is_ok() || !*more) break;
    out.push_back(line);
  }
  writer.join();
  ::close(fds[0]);
  return out;
}

TEST(FdLines, SplitsOnNewlinesKeepingEmptyLinesAndALastLineWithoutOne) {
  EXPECT_EQ(read_all_through_a_pipe("a\n\nbc\nlast"), (std::vector<std::string>{"a", "", "bc", "last"}));
  EXPECT_EQ(read_all_through_a_pipe("a\nb\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(read_all_through_a_pipe("").empty());
}

TEST(FdLines, LinesLongerThanABlockAndManyLinesAcrossBlocksComeBackWhole) {
  std::string input;
  std::vector<std::string> expected;
  expected.push_back(std::string(200000, 'x'));  // three blocks and more
  for (int i = 0; i < 50000; ++i) expected.push_back("line " + std::to_string(i));
  for (const std::string& l : expected) input += l + "\n";
  EXPECT_EQ(read_all_through_a_pipe(input), expected);
}

TEST(FdLines, AReadErrorIsNamed) {
  FdLines lines(-1);
  std::string line;
  auto more = lines.next(&line);
  ASSERT_FALSE(more.is_ok());
  EXPECT_NE(more.status().message().find("file descriptor -1"), std::string::npos) << more.status().to_string();
}

}  // namespace
}  // namespace careflow::app
