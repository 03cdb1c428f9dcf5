// Progress of long work (an ingest, a snapshot build, sampled betweenness), for whoever shows it.
// The library says where it is through one process-wide sink, as it would log: threading a
// parameter through every query that may build a snapshot would add nothing but noise. The
// default sink does nothing; the command line installs one that draws on a terminal.
//
// Work reports in stages: a stage names what is being done, how much there is (0: unknown) and
// in what unit; `at(done)` says how far it is. Calls are cheap (a null test when nothing
// listens) and may come as often as every record: the sink throttles drawing. Only one thread
// reports; workers of a parallel loop count into an atomic that the reporting thread reads.
#pragma once

#include <cstdint>
#include <string_view>

namespace tg {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // A stage starts: `what` is lower-case, without a trailing colon ("reading sources"); `unit`
  // names what `total` counts ("bytes" draws as sizes, anything else as counts).
  virtual void begin(std::string_view what, std::uint64_t total, std::string_view unit) = 0;
  virtual void at(std::uint64_t done) = 0;
  // The stage ended (its last figure need not have been reported).
  virtual void end() = 0;
};

// The sink work reports to; nullptr (the default): nobody listens.
ProgressSink* progress_sink();
// Installs `sink` (nullptr: none); returns the one it replaces. Not thread-safe: set at start.
ProgressSink* set_progress_sink(ProgressSink* sink);

// One stage, ended when it goes out of scope.
class ProgressStage {
 public:
  ProgressStage(std::string_view what, std::uint64_t total, std::string_view unit);
  ~ProgressStage();
  ProgressStage(const ProgressStage&) = delete;
  ProgressStage& operator=(const ProgressStage&) = delete;

  void at(std::uint64_t done) {
    if (sink_) sink_->at(done);
  }
  // Whether anybody listens (work may skip counting when not).
  bool listened() const { return sink_ != nullptr; }

 private:
  ProgressSink* sink_;
};

}  // namespace tg
