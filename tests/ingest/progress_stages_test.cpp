// What the library tells a progress sink (graph/progress.h): an ingest's stages with the bytes
// read against the inputs' size, a snapshot build's rows against its total, and centrality's
// sources, samples or nodes done. The terminal drawing is tests/queries/progress_test.cpp and
// tests/e2e/progress_test.py.
#include "graph/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "graph/snapshot.h"
#include "graph/store.h"
#include "ingest/ingest.h"
#include "queries/centrality.h"
#include "tests/support/scratch.h"

namespace tg {
namespace {

struct Stage {
  std::string what, unit;
  std::uint64_t total = 0;
  std::vector<std::uint64_t> at;
  bool ended = false;
};

class RecordingSink final : public ProgressSink {
 public:
  void begin(std::string_view what, std::uint64_t total, std::string_view unit) override {
    EXPECT_TRUE(stages.empty() || stages.back().ended) << "stage " << what << " began inside " << stages.back().what;
    stages.push_back({std::string(what), std::string(unit), total, {}, false});
  }
  void at(std::uint64_t done) override { stages.back().at.push_back(done); }
  void end() override { stages.back().ended = true; }

  const Stage* find(std::string_view what) const {
    for (const Stage& s : stages)
      if (s.what == what) return &s;
    return nullptr;
  }
  std::vector<Stage> stages;
};

// Installs the sink for the scope.
struct Listening {
  explicit Listening(RecordingSink& sink) { set_progress_sink(&sink); }
  ~Listening() { set_progress_sink(nullptr); }
};

std::string careers_csv(int people) {
  std::string csv = "person,organization,role,start,end,source_url\n";
  for (int p = 0; p < people; ++p)
    for (int job = 0; job < 3; ++job)
      csv += "Person " + std::to_string(p) + ",Org " + std::to_string((p + job) % 40) + ",Engineer," +
             std::to_string(2010 + 2 * job) + "," + std::to_string(2012 + 2 * job) + ",https://cv.example.org/" +
             std::to_string(p) + "\n";
  return csv;
}

TEST(ProgressStages, IngestReportsBytesReadThenItsLaterStages) {
  test_support::ScratchDir dir;
  const std::string csv = dir.write("careers.csv", careers_csv(2000));  // 6,000 rows
  auto store = Store::open(dir.file("t.db"), OpenMode::create_if_missing);
  ASSERT_TRUE(store);
  RecordingSink sink;
  {
    Listening listening(sink);
    auto report = ingest::ingest(*store, {csv}, {});
    ASSERT_TRUE(report) << report.error().str();
  }
  const Stage* reading = sink.find("reading sources");
  ASSERT_NE(reading, nullptr);
  EXPECT_EQ(reading->unit, "bytes");
  EXPECT_EQ(reading->total, std::filesystem::file_size(csv));
  ASSERT_GE(reading->at.size(), 3u);  // every 256 rows, and the file's end
  EXPECT_TRUE(std::ranges::is_sorted(reading->at));
  EXPECT_GT(reading->at.front(), 0u);
  EXPECT_LT(reading->at.front(), reading->total);
  EXPECT_EQ(reading->at.back(), reading->total);
  // The rest counts nothing: each stage says what it is while its statements run.
  for (const char* later : {"writing the last rows", "revising what re-read sources no longer say", "settling countries",
                            "counting moves", "committing"}) {
    const Stage* s = sink.find(later);
    ASSERT_NE(s, nullptr) << later;
    EXPECT_EQ(s->total, 0u) << later;
  }
  for (const Stage& s : sink.stages) EXPECT_TRUE(s.ended) << s.what;

  // The first query's snapshot build: rows read against entities, relations and careers.
  RecordingSink build_sink;
  {
    Listening listening(build_sink);
    (void)graph::Snapshot::build(*store);
  }
  const Stage* build = build_sink.find("building the graph snapshot");
  ASSERT_NE(build, nullptr);
  const Store::NextIds next = store->next_ids();
  EXPECT_EQ(build->total, 2 * static_cast<std::uint64_t>(next.entity - 1) + static_cast<std::uint64_t>(next.relation - 1));
  ASSERT_GT(build->at.size(), 100u);
  EXPECT_TRUE(std::ranges::is_sorted(build->at));
  EXPECT_LE(build->at.back(), build->total);
  EXPECT_GT(build->at.back(), build->total * 9 / 10);  // the last person is near the last entity id
}

TEST(ProgressStages, CentralityCountsItsWork) {
  std::vector<graph::EdgeIn> edges;
  const std::uint32_t n = 300;
  for (std::uint32_t i = 0; i < n; ++i) edges.push_back({i, (i + 1) % n, i});  // a ring: no leaves to skip
  for (std::uint32_t i = 0; i + 7 < n; i += 5) edges.push_back({i, i + 7, static_cast<std::uint32_t>(edges.size())});
  const graph::Csr g = graph::Csr::build(n, edges, graph::Orientation::undirected);
  RecordingSink sink;
  std::uint64_t samples = 0;
  {
    Listening listening(sink);
    (void)queries::betweenness(g, {}, {.parallelism = {2}});
    samples = queries::approximate_betweenness(g, {}, {.epsilon = 0.05, .parallelism = {2}}).samples;
    (void)queries::harmonic_closeness(g, {}, {.parallelism = {2}});
  }
  for (auto [what, unit, total] : {std::tuple{"betweenness", "sources", std::uint64_t(n)},
                                   std::tuple{"betweenness, sampled", "samples", samples},
                                   std::tuple{"closeness", "nodes", std::uint64_t(n)}}) {
    const Stage* s = sink.find(what);
    ASSERT_NE(s, nullptr) << what;
    EXPECT_EQ(s->unit, unit);
    EXPECT_EQ(s->total, total) << what;
    ASSERT_FALSE(s->at.empty()) << what;
    EXPECT_TRUE(std::ranges::is_sorted(s->at)) << what;
    EXPECT_LE(s->at.back(), total) << what;
    EXPECT_TRUE(s->ended) << what;
  }
  EXPECT_GT(samples, 0u);
}

TEST(ProgressStages, NothingIsReportedWhenNobodyListens) {
  ASSERT_EQ(progress_sink(), nullptr);
  std::vector<graph::EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 3, 2}};
  const graph::Csr g = graph::Csr::build(4, edges, graph::Orientation::undirected);
  EXPECT_EQ(queries::betweenness(g).size(), 4u);  // and no sink was called: there is none
}

}  // namespace
}  // namespace tg
