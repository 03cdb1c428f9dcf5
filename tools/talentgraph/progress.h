// Progress on a terminal: one line on stderr, redrawn in place, for work that takes long enough
// to wonder about (an ingest, a first snapshot build, sampled betweenness):
//
//   reading sources  42%  118 MB of 280 MB  9.8 MB/s  ETA 16 s
//
// Nothing is drawn before the command has run for half a second (a quick command stays silent),
// when stderr is not a terminal, with --quiet, or with TERM=dumb. The line is cleared when a
// stage ends and before the command prints anything, so that output never mixes with it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "graph/progress.h"

namespace tg::cli {

// The text of one progress line, at most `width` display columns (no line break, no escapes):
// what, then the percentage and amounts when the total is known, the rate and the time left once
// there is enough to estimate them, or the elapsed time when nothing is counted.
std::string progress_line(std::string_view what, std::uint64_t done, std::uint64_t total, std::string_view unit,
                          double seconds, std::size_t width);

// Whether progress is to be drawn: stderr a terminal, not --quiet, TERM not "dumb".
bool progress_wanted(bool quiet);
// The grace before the line is first drawn: half a second, or TALENTGRAPH_PROGRESS_DELAY_MS
// (0 and up; what is not a number is ignored) — for a test that must see a stage of any length.
std::chrono::milliseconds progress_delay();

class TerminalProgress final : public ProgressSink {
 public:
  // Draws to `fd` (a terminal); `delay`: nothing before this much time has passed since now.
  explicit TerminalProgress(int fd, std::chrono::milliseconds delay = std::chrono::milliseconds(500));
  ~TerminalProgress() override;  // clears the line

  void begin(std::string_view what, std::uint64_t total, std::string_view unit) override;
  void at(std::uint64_t done) override { done_.store(done, std::memory_order_relaxed); }
  void end() override;

 private:
  void tick(std::stop_token stop);
  void draw(std::unique_lock<std::mutex>& lock);
  void clear(std::unique_lock<std::mutex>& lock);

  int fd_;
  std::chrono::steady_clock::time_point created_, stage_started_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::string what_, unit_;
  std::uint64_t total_ = 0;
  std::atomic<std::uint64_t> done_{0};
  bool active_ = false, shown_ = false;
  std::jthread ticker_;  // last: started once the rest is set up, stopped first
};

}  // namespace tg::cli
