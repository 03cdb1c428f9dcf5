// tools/talentgraph/progress: the line drawn on a terminal for long work, and the sink that draws
// it (here into a pipe standing for the terminal), with the library's stages reporting to it.
#include "tools/talentgraph/progress.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "graph/progress.h"

namespace tg::cli {
namespace {

TEST(ProgressLine, PercentageAmountsRateAndTimeLeft) {
  // 118 MB of 280 MB in 12 s: 9.8 MB/s, 162 MB left: 16.5 s.
  EXPECT_EQ(progress_line("reading sources", 118'000'000, 280'000'000, "bytes", 12, 0),
            "reading sources   42%  118 MB of 280 MB  9.8 MB/s  ETA 16 s");
  EXPECT_EQ(progress_line("betweenness, sampled", 52'000, 361'000, "samples", 130, 0),
            "betweenness, sampled   14%  52k of 361k samples  400 samples/s  ETA 12 min 53 s");
  EXPECT_EQ(progress_line("closeness", 9'999, 10'000, "nodes", 4000, 0),
            "closeness   99%  9999 of 10k nodes  2 nodes/s  ETA 0 s");
}

TEST(ProgressLine, NothingToEstimateBeforeASecondOrWithoutCounts) {
  // Under a second: no rate or time left yet (a guess from 0.2 s of work would jump about).
  EXPECT_EQ(progress_line("reading sources", 500, 1'000, "bytes", 0.2, 0), "reading sources   50%  500 B of 1.0 kB");
  // A stage that counts nothing (one long statement) shows how long it has been going.
  EXPECT_EQ(progress_line("creating indexes", 0, 0, "", 75, 0), "creating indexes  1 min 15 s");
  EXPECT_EQ(progress_line("creating indexes", 0, 0, "", 0.3, 0), "creating indexes");
  // Counted without a total: the count and the rate, no percentage, no time left.
  EXPECT_EQ(progress_line("reading", 2'400'000, 0, "rows", 2, 0), "reading  2.4M rows  1.2M rows/s");
  // Past the total (ids bound counts from above): 100%, never more.
  EXPECT_EQ(progress_line("x", 12, 10, "rows", 0, 0), "x  100%  12 of 10 rows");
}

TEST(ProgressLine, FitsTheWidth) {
  const std::string line = progress_line("reading sources", 118'000'000, 280'000'000, "bytes", 12, 20);
  EXPECT_EQ(line, "reading sources   42");
  EXPECT_EQ(progress_line("building the graph snapshot", 0, 0, "", 0, 8), "building");
}

// What a pipe standing for the terminal received (the write end closed first).
std::string drain(int fd) {
  std::string all;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) all.append(buffer, static_cast<std::size_t>(n));
  return all;
}

TEST(TerminalProgress, DrawsStagesInPlaceAndClearsTheLine) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  std::string out;
  {
    TerminalProgress sink(fds[1], std::chrono::milliseconds(0));
    ProgressSink* before = set_progress_sink(&sink);
    {
      ProgressStage stage("reading sources", 1000, "bytes");
      stage.at(250);
      // The ticker redraws every 200 ms: wait for it (up to 10 s on a loaded machine).
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (out.find("25%") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        char buffer[4096];
        for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
      }
    }
    set_progress_sink(before);
  }
  ::close(fds[1]);
  ASSERT_EQ(::fcntl(fds[0], F_SETFL, 0), 0);
  out += drain(fds[0]);
  ::close(fds[0]);
  // Drawn at the start of the stage, redrawn with the count, each time from the line's start and
  // after erasing it; cleared at its end, so that what the command prints next starts clean.
  EXPECT_EQ(out.find("\r\x1b[Kreading sources    0%  0 B of 1.0 kB"), 0u) << out;
  EXPECT_NE(out.find("\r\x1b[Kreading sources   25%  250 B of 1.0 kB"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\x1b[K")) << out;
  EXPECT_EQ(out.find('\n'), std::string::npos) << out;
}

TEST(TerminalProgress, QuickWorkDrawsNothing) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    TerminalProgress sink(fds[1]);  // the default half second's grace
    ProgressSink* before = set_progress_sink(&sink);
    {
      ProgressStage stage("reading sources", 1000, "bytes");
      stage.at(1000);
    }
    set_progress_sink(before);
  }
  ::close(fds[1]);
  EXPECT_EQ(drain(fds[0]), "");
  ::close(fds[0]);
}

TEST(ProgressStage, NobodyListensByDefault) {
  ASSERT_EQ(progress_sink(), nullptr);
  ProgressStage stage("x", 10, "rows");
  EXPECT_FALSE(stage.listened());
  stage.at(5);  // and nothing happens
}

}  // namespace
}  // namespace tg::cli
