#include "tools/talentgraph/progress.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tg::cli {
namespace {

// 1234 -> "1234", 12345 -> "12.3k", 2400000 -> "2.4M"; bytes: "812 B", "9.8 MB" (SI, as disks).
std::string amount(double v, bool bytes) {
  const char* const count_units[] = {"", "k", "M", "G", "T"};
  const char* const byte_units[] = {" B", " kB", " MB", " GB", " TB"};
  int i = 0;
  const double first_step = bytes ? 1000 : 10000;  // counts stay exact below 10,000
  if (v >= first_step)
    while (v >= 999.95 && i < 4) v /= 1000, ++i;
  const char* unit = bytes ? byte_units[i] : count_units[i];
  if (i == 0) return fmt::format("{:.0f}{}", v, unit);
  return v < 9.95 ? fmt::format("{:.1f}{}", v, unit) : fmt::format("{:.0f}{}", v, unit);
}

std::string duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

std::size_t terminal_width(int fd) {
  winsize w{};
  if (::ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  if (const char* columns = std::getenv("COLUMNS"))
    if (const long c = std::strtol(columns, nullptr, 10); c > 0) return static_cast<std::size_t>(c);
  return 80;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(fd, s.data(), s.size());
    if (n > 0) s.remove_prefix(static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else return;  // a terminal that cannot be written to: progress is not worth an error
  }
}

}  // namespace

std::string progress_line(std::string_view what, std::uint64_t done, std::uint64_t total, std::string_view unit,
                          double seconds, std::size_t width) {
  const bool bytes = unit == "bytes";
  std::string line(what);
  if (total != 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    line += fmt::format("  {:3.0f}%  {} of {}", std::floor(fraction * 100), amount(static_cast<double>(done), bytes),
                        amount(static_cast<double>(total), bytes));
    if (!bytes) line += fmt::format(" {}", unit);
  } else if (done != 0) {
    line += fmt::format("  {}{}", amount(static_cast<double>(done), bytes), bytes ? "" : fmt::format(" {}", unit));
  }
  // A rate and a time left once a second of work gives something to go by.
  if (done != 0 && seconds >= 1) {
    const double rate = static_cast<double>(done) / seconds;
    line += fmt::format("  {}{}/s", amount(rate, bytes), bytes ? "" : fmt::format(" {}", unit));
    if (total > done) line += fmt::format("  ETA {}", duration(static_cast<double>(total - done) / rate));
  } else if (done == 0 && seconds >= 1) {
    line += fmt::format("  {}", duration(seconds));
  }
  // Stage names and figures are ASCII: a byte is a column.
  if (width != 0 && line.size() > width) line.resize(width);
  return line;
}

bool progress_wanted(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::string_view(term) == "dumb");
}

std::chrono::milliseconds progress_delay() {
  if (const char* text = std::getenv("TALENTGRAPH_PROGRESS_DELAY_MS")) {
    char* end = nullptr;
    errno = 0;
    const long ms = std::strtol(text, &end, 10);
    if (end != text && *end == '\0' && errno == 0 && ms >= 0 && ms <= 3'600'000) return std::chrono::milliseconds(ms);
  }
  return std::chrono::milliseconds(500);
}

TerminalProgress::TerminalProgress(int fd, std::chrono::milliseconds delay)
    : fd_(fd), created_(std::chrono::steady_clock::now()), stage_started_(created_), delay_(delay),
      ticker_([this](std::stop_token stop) { tick(stop); }) {}

TerminalProgress::~TerminalProgress() {
  ticker_.request_stop();
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::unique_lock lock(mutex_);
  clear(lock);
}

void TerminalProgress::begin(std::string_view what, std::uint64_t total, std::string_view unit) {
  std::unique_lock lock(mutex_);
  what_ = what;
  unit_ = unit;
  total_ = total;
  done_.store(0, std::memory_order_relaxed);
  stage_started_ = std::chrono::steady_clock::now();
  active_ = true;
  if (stage_started_ - created_ >= delay_) draw(lock);
}

void TerminalProgress::end() {
  std::unique_lock lock(mutex_);
  active_ = false;
  clear(lock);
}

void TerminalProgress::tick(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait_for(lock, stop, std::chrono::milliseconds(200), [] { return false; });
    if (stop.stop_requested()) return;
    if (active_ && std::chrono::steady_clock::now() - created_ >= delay_) draw(lock);
  }
}

void TerminalProgress::draw(std::unique_lock<std::mutex>&) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_started_).count();
  // One column short of the width: a line that fills it would wrap on some terminals.
  const std::size_t width = terminal_width(fd_);
  const std::string line =
      progress_line(what_, done_.load(std::memory_order_relaxed), total_, unit_, seconds, width > 1 ? width - 1 : 0);
  write_all(fd_, "\r\x1b[K" + line);
  shown_ = true;
}

void TerminalProgress::clear(std::unique_lock<std::mutex>&) {
  if (!shown_) return;
  write_all(fd_, "\r\x1b[K");
  shown_ = false;
}

}  // namespace tg::cli
