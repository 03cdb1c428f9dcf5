#include "graph/progress.h"

namespace tg {
namespace {
ProgressSink* g_sink = nullptr;
}  // namespace

ProgressSink* progress_sink() { return g_sink; }

ProgressSink* set_progress_sink(ProgressSink* sink) {
  ProgressSink* old = g_sink;
  g_sink = sink;
  return old;
}

ProgressStage::ProgressStage(std::string_view what, std::uint64_t total, std::string_view unit) : sink_(g_sink) {
  if (sink_) sink_->begin(what, total, unit);
}

ProgressStage::~ProgressStage() {
  if (sink_) sink_->end();
}

}  // namespace tg
