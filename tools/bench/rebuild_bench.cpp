// tg-bench rebuild: `talentgraph rebuild --sources DIR` on a generated folder (extraction
// documents and career CSV files of synthetic careers), each step timed from outside beside its
// reference and target: the first ingest of the same files into a new store (the reference), the
// first rebuild, a rebuild with nothing changed (< 1 s), with one document or one CSV file changed
// (< 2 s and < 5% of --full), and --full (at most 1.2x the first ingest).
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tools/bench/ingest_bench.h"
#include "tools/bench/synth.h"

namespace tg::bench {
namespace {

namespace fs = std::filesystem;

struct Folder {
  std::uint64_t documents = 0, csv_files = 0, relations = 0, bytes = 0;
  std::vector<std::uint32_t> doc_first_person, csv_first_person;  // each file's people: [first[i], first[i+1])
};

bool write_text(const fs::path& path, const std::string& text) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  return f && std::fwrite(text.data(), 1, text.size(), f.get()) == text.size() && std::fflush(f.get()) == 0;
}

// The employments of people [first, last), by person (employments are grouped by person).
std::pair<std::size_t, std::size_t> employments_of(const std::vector<std::size_t>& first_employment,
                                                   std::uint32_t first, std::uint32_t last) {
  return {first_employment[first], first_employment[last]};
}

// One extraction document (data/schema/README.md): its people, their organisations, one
// worked_at per employment with its role, dates and a quote. `variant` changes one role, so that
// a rewrite is a change. Names are letters and spaces: nothing to escape.
std::string document_text(const SynthCareers& c, std::size_t doc, std::size_t from, std::size_t to, int variant) {
  std::string entities, relations;
  std::vector<std::uint32_t> orgs;
  std::uint32_t last_person = UINT32_MAX;
  for (std::size_t i = from; i < to; ++i) {
    const EmploymentRecord r = employment_record(c, i);
    if (r.person_index != last_person) {
      last_person = r.person_index;
      entities += fmt::format(R"({}{{"ref": "p{}", "kind": "person", "name": "{}"}})", entities.empty() ? "" : ",\n",
                              r.person_index, r.person_name);
    }
    if (std::ranges::find(orgs, r.organisation_index) == orgs.end()) {
      orgs.push_back(r.organisation_index);
      entities += fmt::format(",\n" R"({{"ref": "o{}", "kind": "{}", "name": "{}", "country": "{}"}})",
                              r.organisation_index, r.organisation_kind, r.organisation_name, r.organisation_country);
    }
    const std::string& end = r.end;
    const std::string role = i == from && variant != 0 ? fmt::format("Fellow {}", variant) : r.role;
    relations += fmt::format(
        R"({}{{"kind": "worked_at", "from": "p{}", "to": "o{}", "role": "{}", "start": "{}"{}, "quote": "{} worked at {} as {}."}})",
        relations.empty() ? "" : ",\n", r.person_index, r.organisation_index, role, r.start,
        end.empty() ? "" : fmt::format(R"(, "end": "{}")", end), r.person_name, r.organisation_name, role);
  }
  return fmt::format(
      R"({{"source": {{"id": "bench-doc-{}", "title": "Careers {}", "publisher": "Synthetic Wire", "published": "2025-01-01", "language": "en"}},)"
      "\n\"entities\": [\n{}\n],\n\"relations\": [\n{}\n]}}\n",
      doc, doc, entities, relations);
}

std::string csv_text(const SynthCareers& c, std::size_t from, std::size_t to, int variant) {
  std::string out = "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country\n";
  for (std::size_t i = from; i < to; ++i) {
    EmploymentRecord r = employment_record(c, i);
    if (i == from && variant != 0) r.role = fmt::format("Fellow {}", variant);
    out += fmt::format("{},{},{},{},{},https://synth.example/careers/p{},synth-p{},{},{}\n", r.person_name,
                       r.organisation_name, r.role, r.start, r.end, r.person_index, r.person_index, r.organisation_kind,
                       r.organisation_country);
  }
  return out;
}

fs::path doc_path(const fs::path& dir, std::size_t d) { return dir / "news" / fmt::format("{:03}", d / 1000) / fmt::format("doc-{:05}.json", d); }
fs::path csv_path(const fs::path& dir, std::size_t f) { return dir / "careers" / fmt::format("careers-{:03}.csv", f); }

struct Generated {
  SynthCareers careers;
  std::vector<std::size_t> first_employment;  // by person, and one past the last
  Folder folder;
};

// The folder: one CSV file per 100 files (at least one), the rest documents; the first half of
// the people (by employments) in the CSV files, the rest in the documents, whole careers each.
Generated generate(const fs::path& dir, const RebuildBenchOptions& o) {
  Generated g;
  SynthOptions s;
  s.seed = o.seed;
  s.people = static_cast<std::uint32_t>(std::max<std::uint64_t>(20, o.relations * 100 / 265));
  s.organisations = std::max<std::uint32_t>(50, s.people / 20);
  g.careers = generate_careers(s);
  const SynthCareers& c = g.careers;
  g.first_employment.assign(c.people + 1, c.employments.size());
  for (std::size_t i = c.employments.size(); i-- > 0;) g.first_employment[c.employments[i].person] = i;
  for (std::uint32_t p = c.people; p-- > 0;) g.first_employment[p] = std::min(g.first_employment[p], g.first_employment[p + 1]);
  Folder& f = g.folder;
  f.relations = c.employments.size();
  f.csv_files = std::max<std::uint64_t>(1, o.files / 100);
  f.documents = std::max<std::uint64_t>(1, o.files - f.csv_files);
  // The person at which half the employments are reached.
  std::uint32_t half = 0;
  while (half < c.people && g.first_employment[half] < c.employments.size() / 2) ++half;
  auto split = [](std::uint32_t first, std::uint32_t last, std::uint64_t parts) {
    std::vector<std::uint32_t> at;
    for (std::uint64_t i = 0; i <= parts; ++i) at.push_back(static_cast<std::uint32_t>(first + (last - first) * i / parts));
    return at;
  };
  f.csv_first_person = split(0, half, f.csv_files);
  f.doc_first_person = split(half, c.people, f.documents);
  fs::create_directories(dir / "careers");
  for (std::uint64_t i = 0; i < f.csv_files; ++i) {
    auto [from, to] = employments_of(g.first_employment, f.csv_first_person[i], f.csv_first_person[i + 1]);
    const std::string text = csv_text(c, from, to, 0);
    f.bytes += text.size();
    write_text(csv_path(dir, i), text);
  }
  for (std::uint64_t d = 0; d < f.documents; ++d) {
    auto [from, to] = employments_of(g.first_employment, f.doc_first_person[d], f.doc_first_person[d + 1]);
    if (from == to) continue;  // more files than people: fewer documents
    const fs::path path = doc_path(dir, d);
    if (d % 1000 == 0) fs::create_directories(path.parent_path());
    const std::string text = document_text(c, d, from, to, 0);
    f.bytes += text.size();
    write_text(path, text);
  }
  return g;
}

double median(std::vector<double> v) {
  std::ranges::sort(v);
  return v[v.size() / 2];
}

std::string secs(double s) { return s < 10 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s); }

bool ok(const ChildRun& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

}  // namespace

int run_rebuild_bench(const RebuildBenchOptions& o) {
  const fs::path dir = o.workdir.empty() ? fs::temp_directory_path() / fmt::format("tg-bench-rebuild-{}", std::random_device{}())
                                         : fs::path(o.workdir);
  const fs::path src = dir / "sources", ingest_db = dir / "ingest.db", db = dir / "rebuild.db";
  fs::remove_all(src);
  for (const fs::path& p : {ingest_db, db})
    for (const char* suffix : {"", "-wal", "-shm", ".tgsnap", ".lock"}) fs::remove(p.string() + suffix);
  fs::create_directories(src);
  const auto started = std::chrono::steady_clock::now();
  fmt::print("generating about {} files with about {} relations (seed {}) …\n", o.files, o.relations, o.seed);
  Generated g = generate(src, o);
  const Folder& f = g.folder;
  fmt::print("{} documents and {} CSV files, {} relations (employments), {:.1f} MiB, in {:.1f} s\n\n", f.documents,
             f.csv_files, f.relations, static_cast<double>(f.bytes) / (1 << 20),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  const std::string bin = TG_TALENTGRAPH_BIN;
  int failures = 0;
  auto run = [&](const std::string& what, std::vector<std::string> args, const fs::path& store) {
    std::vector<std::string> argv = {bin, "--db", store.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildRun r = run_child(argv);
    fmt::print(stderr, "{}: {:.3f} s, {:.0f} MiB peak{}\n", what, r.seconds, r.peak_rss_mib,
               ok(r) ? "" : fmt::format(" (FAILED, status {})", r.status));
    if (!ok(r)) ++failures;
    return r;
  };
  const std::vector<std::string> rebuild = {"rebuild", "--sources", src.string()};
  auto with = [&](std::vector<std::string> args, const char* extra) {
    args.push_back(extra);
    return args;
  };

  const ChildRun ingest = run("ingest into a new store", {"ingest", src.string()}, ingest_db);
  const ChildRun first = run("first rebuild", rebuild, db);
  std::vector<double> noop;
  for (int i = 0; i < o.reps; ++i) noop.push_back(run("rebuild, nothing changed", rebuild, db).seconds);
  // One file changed: a rewrite with one role changed (a new variant each run), then the rebuild.
  auto one_changed = [&](bool document) {
    std::vector<double> times;
    for (int i = 0; i < o.reps; ++i) {
      if (document) {
        auto [from, to] = employments_of(g.first_employment, f.doc_first_person[0], f.doc_first_person[1]);
        write_text(doc_path(src, 0), document_text(g.careers, 0, from, to, i + 1));
      } else {
        auto [from, to] = employments_of(g.first_employment, f.csv_first_person[0], f.csv_first_person[1]);
        write_text(csv_path(src, 0), csv_text(g.careers, from, to, i + 1));
      }
      times.push_back(run(document ? "rebuild, one document changed" : "rebuild, one CSV file changed", rebuild, db).seconds);
    }
    return median(times);
  };
  const double one_doc = one_changed(true), one_csv = one_changed(false);
  const ChildRun full = run("rebuild --full", with(rebuild, "--full"), db);
  std::vector<double> noop_after;
  for (int i = 0; i < o.reps; ++i) noop_after.push_back(run("rebuild, nothing changed (after --full)", rebuild, db).seconds);

  auto verdict = [](bool pass) { return pass ? "PASS" : "MISS"; };
  const double noop_s = median(noop);
  fmt::print("| step | time | reference | target | |\n|---|---|---|---|---|\n");
  fmt::print("| ingest into a new store (reference) | {} | – | – | |\n", secs(ingest.seconds));
  fmt::print("| first rebuild into a new store | {} | ingest {} ({:.2f}×) | – | |\n", secs(first.seconds),
             secs(ingest.seconds), first.seconds / ingest.seconds);
  fmt::print("| rebuild, nothing changed (median of {}) | {} | – | < 1 s | {} |\n", o.reps, secs(noop_s),
             verdict(noop_s < 1));
  for (auto [label, t] : {std::pair{"one document changed", one_doc}, std::pair{"one CSV file changed", one_csv}})
    fmt::print("| rebuild, {} (median of {}) | {} | --full {} ({:.1f}%) | < 2 s and < 5% of --full | {} |\n", label,
               o.reps, secs(t), secs(full.seconds), 100 * t / full.seconds, verdict(t < 2 && t < 0.05 * full.seconds));
  fmt::print("| rebuild --full | {} | ingest {} ({:.2f}×) | ≤ 1.2× ingest | {} |\n", secs(full.seconds),
             secs(ingest.seconds), full.seconds / ingest.seconds, verdict(full.seconds <= 1.2 * ingest.seconds));
  fmt::print("| rebuild, nothing changed, after --full (median of {}) | {} | – | < 1 s | {} |\n", o.reps,
             secs(median(noop_after)), verdict(median(noop_after) < 1));
  fmt::print("\npeak RSS: ingest {:.0f} MiB, first rebuild {:.0f} MiB, --full {:.0f} MiB; store {:.0f} MiB\n",
             ingest.peak_rss_mib, first.peak_rss_mib, full.peak_rss_mib,
             static_cast<double>(fs::file_size(db)) / (1 << 20));
  if (o.workdir.empty()) fs::remove_all(dir);
  if (failures) fmt::print(stderr, "{} talentgraph run(s) failed\n", failures);
  return failures ? 1 : 0;
}

}  // namespace tg::bench
