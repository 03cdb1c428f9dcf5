// tg-bench load: queries under a concurrent write. N readers (threads here, each query a new
// `talentgraph` process: the real CLI, as a user or a script runs it) ask a seeded random mix of
// moves, flows, path, rank, show, search and stats about entities drawn from the store itself,
// over and over, while `talentgraph ingest` writes a sizeable CSV of newcomers (new people, their
// careers among the store's organisations) into a working copy of the scale's store, then
// `talentgraph rebuild --sources` adds a second one. It prints each query kind's latency
// percentiles and the errors: a non-zero exit, an error on stderr, output that is not JSON, an
// answer that changed when nothing it depends on did, or `stats` counts that went down.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/snapshot.h"
#include "graph/store.h"
#include "tools/bench/ingest_bench.h"
#include "tools/bench/synth.h"

extern char** environ;

namespace tg::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Spawned {
  int status = -1;  // as wait(2) gives it; -1: not started
  double seconds = 0;
  double peak_rss_mib = 0;
};

// Runs argv (argv[0] a path) with stdout and stderr to the given files: posix_spawn, safe from
// any thread.
Spawned spawn_wait(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Spawned r;
  const auto start = Clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return r;
  struct rusage usage {};
  while (wait4(pid, &r.status, 0, &usage) < 0 && errno == EINTR) {
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return r;
}

std::string status_text(int status) {
  if (status == -1) return "could not start";
  if (WIFEXITED(status)) return fmt::format("exit {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("signal {}", WTERMSIG(status));
  return fmt::format("status {}", status);
}

// What readers ask about: entities read from the store before the writers start.
struct Pool {
  struct Person {
    std::string name, ext;  // ext: "scheme:value" of an external id, "" when none
    std::int64_t id = 0;
  };
  std::vector<Person> people;  // for path, moves --person, show
  std::vector<std::string> orgs, show_orgs;  // any; and those whose `show` is not the slow case
  std::vector<std::string> countries;
};

// The store's own names and ids, a seeded sample. `show` of an organisation is asked of ones
// with at most `show_org_max` relations: at M the most popular have 50k, and `show` of one
// of them takes minutes (reported apart; it would make every other figure that one query).
Result<Pool> read_pool(const std::string& db, std::uint64_t seed, const SynthCareers& careers,
                       std::size_t show_org_max) {
  auto store = Store::open(db, OpenMode::read_only);
  if (!store) return fail(store.error());
  std::vector<EntityRow> people, orgs;
  std::map<std::string, std::size_t> countries;
  store->for_each_entity([&](const EntityRow& e) {
    if (e.kind == NodeKind::person)
      people.push_back(e);
    else if (is_organisation(e.kind)) {
      orgs.push_back(e);
      if (!e.country.empty()) ++countries[e.country];
    }
  });
  if (people.size() < 2 || orgs.empty()) return fail(ErrorCode::io, "the store has too few people or organisations");
  std::vector<std::size_t> employed(careers.organisations);
  for (const Employment& e : careers.employments) ++employed[e.organisation];
  std::map<std::string, std::size_t> by_name;
  for (std::uint32_t o = 0; o < careers.organisations; ++o) by_name[careers.organisation_name(o)] = employed[o];
  std::mt19937_64 rng(seed ^ 0x5eedf00dULL);
  std::shuffle(people.begin(), people.end(), rng);
  std::shuffle(orgs.begin(), orgs.end(), rng);
  Pool pool;
  for (std::size_t i = 0; i < std::min<std::size_t>(64, people.size()); ++i) {
    Pool::Person p{people[i].name, "", raw(people[i].id)};
    for (const ExternalId& x : store->external_ids(people[i].id)) p.ext = x.scheme + ":" + x.value;
    pool.people.push_back(std::move(p));
  }
  for (const EntityRow& o : orgs) {
    if (pool.orgs.size() < 64) pool.orgs.push_back(o.name);
    auto it = by_name.find(o.name);
    if (pool.show_orgs.size() < 64 && it != by_name.end() && it->second <= show_org_max) pool.show_orgs.push_back(o.name);
  }
  for (const auto& [c, n] : countries) pool.countries.push_back(c);
  if (pool.show_orgs.empty()) pool.show_orgs = pool.orgs;
  return pool;
}

enum Kind { kMovesPerson, kMovesOrg, kMovesCountry, kFlows, kPath, kRank, kShowPerson, kShowOrg, kSearch, kStats, kKinds };
constexpr const char* kKindName[kKinds] = {"moves --person", "moves --to/--from", "moves --*-country", "flows",
                                           "path", "rank", "show person", "show org", "search", "stats"};

struct Query {
  Kind kind;
  std::vector<std::string> args;  // after `talentgraph --db DB`
  bool invariant = false;         // the answer may not change: nothing the writers add touches it
};

Query draw_query(std::mt19937_64& rng, const Pool& pool) {
  auto pick = [&](const auto& v) -> const auto& { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto person_ref = [&](const Pool::Person& p) {
    const int form = std::uniform_int_distribution<int>(0, 2)(rng);
    if (form == 1) return fmt::format("#{}", p.id);
    if (form == 2 && !p.ext.empty()) return p.ext;
    return p.name;
  };
  auto year = [&] { return std::to_string(std::uniform_int_distribution<int>(1995, 2024)(rng)); };
  const auto kind = static_cast<Kind>(std::uniform_int_distribution<int>(0, kKinds - 1)(rng));
  Query q{kind, {}, false};
  switch (kind) {
    case kMovesPerson:
      q.args = {"moves", "--person", person_ref(pick(pool.people)), "--format", "json"};
      q.invariant = true;
      break;
    case kMovesOrg:
      q.args = {"moves", coin(0.5) ? "--to" : "--from", pick(pool.orgs), "--limit", "20", "--format", "json"};
      if (coin(0.3)) q.args.insert(q.args.end(), {"--since", year()});
      break;
    case kMovesCountry:
      q.args = {"moves", "--from-country", pick(pool.countries), "--to-country", pick(pool.countries), "--since", year(),
                "--limit", "20", "--format", "json"};
      break;
    case kFlows:
      if (coin(0.5))
        q.args = {"flows", "--by", "country", "--since", year(), "--limit", "20", "--format", "json"};
      else
        q.args = {"flows", "--by", "org", "--to-country", pick(pool.countries), "--limit", "20", "--format", "json"};
      if (coin(0.2)) q.args.push_back("--net");
      break;
    case kPath: {
      const auto& a = pick(pool.people);
      const auto& b = pick(pool.people);
      q.args = {"path", person_ref(a), person_ref(b), "--format", "json"};
      if (coin(0.2)) q.args.insert(q.args.end(), {"--k", "3"});
      if (a.id == b.id) q.args = {"path", person_ref(a), pick(pool.orgs), "--format", "json"};
      break;
    }
    case kRank:
      q.args = {"rank", "--metric", coin(0.5) ? "pagerank" : "degree", "--kind", coin(0.7) ? "company" : "university",
                "--limit", "10", "--format", "json"};
      break;
    case kShowPerson:
      q.args = {"show", person_ref(pick(pool.people)), "--format", "json"};
      q.invariant = true;
      break;
    case kShowOrg:
      q.args = {"show", pick(pool.show_orgs), "--limit", "20", "--format", "json"};
      break;
    case kSearch: {
      const std::string& name = pick(pool.people).name;
      const std::size_t len = std::uniform_int_distribution<std::size_t>(4, std::min<std::size_t>(8, name.size()))(rng);
      std::string fragment = name.substr(0, len);
      std::ranges::transform(fragment, fragment.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      q.args = {"search", fragment, "--format", "json"};
      break;
    }
    case kStats:
    case kKinds:
      q.kind = kStats;
      q.args = {"stats", "--format", "json"};
      break;
  }
  return q;
}

struct Sample {
  Kind kind;
  double start = 0, end = 0;  // seconds since the run's start
  int phase = 0;              // the writers' phase at its start
  bool error = false;
  std::string args, note;     // note: stats' entity count, or the error
};

struct StatsSeen {
  double start = 0, end = 0;
  std::vector<std::int64_t> counts;  // entities, relations, sources, claims, aliases
  std::string args;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::ranges::sort(v);
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

constexpr const char* kPhaseName[] = {"before the writers", "during ingest", "between", "during rebuild", "after the writers"};

}  // namespace

int run_load_bench(const LoadBenchOptions& o) {
  const auto scale = parse_scale(o.scale);
  if (!scale) return 2;
  const fs::path dir = bench_workdir(o.workdir);
  const std::string base = scale_database(dir.string(), o.scale, o.seed);
  if (base.empty()) return 1;
  const std::string bin = TG_TALENTGRAPH_BIN;
  const SynthOptions synth = synth_options(*scale, o.seed);
  const std::uint32_t extra = o.extra_people ? o.extra_people : synth.people / 4;
  const std::uint32_t extra_rebuild = o.rebuild ? std::max<std::uint32_t>(1, extra / 10) : 0;

  // A working copy, so that every run starts from the scale's store as generated (its snapshot
  // cache too: the readers start warm, as on a store in use; a store just generated has none yet).
  if (!fs::exists(base + ".tgsnap")) {
    auto store = Store::open(base, OpenMode::existing_only);
    if (!store) {
      fmt::print(stderr, "{}\n", store.error().message);
      return 1;
    }
    if (auto s = graph::Snapshot::load(*store, graph::cache_path(*store)); !s) {
      fmt::print(stderr, "{}\n", s.error().message);
      return 1;
    }
  }
  const fs::path db = dir / fmt::format("load-{}.db", o.scale);
  for (const char* suffix : {"", "-wal", "-shm", ".tgsnap", ".lock"}) fs::remove(db.string() + suffix);
  fs::copy_file(base, db);
  if (std::error_code ec; fs::file_size(base + "-wal", ec) > 0 && !ec) fs::copy_file(base + "-wal", db.string() + "-wal");
  if (fs::exists(base + ".tgsnap")) fs::copy_file(base + ".tgsnap", db.string() + ".tgsnap");

  // The newcomers: the same seed's careers for more people; the first synth.people are the
  // store's, the next `extra` go in by ingest, the next `extra_rebuild` by rebuild.
  SynthOptions more = synth;
  more.people = synth.people + extra + extra_rebuild;
  const SynthCareers careers = generate_careers(more);
  const fs::path csv = dir / fmt::format("newcomers-{}.csv", o.scale);
  const fs::path sources = dir / fmt::format("load-sources-{}", o.scale);
  fs::remove_all(sources);
  fs::create_directories(sources);
  if (auto r = write_careers_csv(careers, csv, synth.people, synth.people + extra); !r) {
    fmt::print(stderr, "{}\n", r.error().message);
    return 1;
  }
  if (o.rebuild) {
    if (auto r = write_careers_csv(careers, sources / "newcomers-2.csv", synth.people + extra, more.people); !r) {
      fmt::print(stderr, "{}\n", r.error().message);
      return 1;
    }
  }
  auto pool = read_pool(db.string(), o.seed, careers, 2000);
  if (!pool) {
    fmt::print(stderr, "{}\n", pool.error().message);
    return 1;
  }
  fmt::print("tg-bench load --scale {}: {} readers on a copy of {} ({} people); ingest of {} newcomers ({:.1f} MiB CSV)",
             o.scale, o.readers, base, synth.people, extra, static_cast<double>(fs::file_size(csv)) / (1 << 20));
  if (o.rebuild) fmt::print(", then rebuild --sources adding {} more", extra_rebuild);
  fmt::print("; seed {}\n", o.seed);
  std::fflush(stdout);

  std::atomic<int> phase{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Sample> samples;
  std::vector<std::string> errors;
  std::size_t error_count = 0;
  std::map<std::string, std::string> first_answer;  // invariant queries: args -> canonical answer
  std::vector<StatsSeen> stats_seen;
  const auto t0 = Clock::now();
  auto now = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  auto note_error = [&](std::string text) {  // with the mutex held
    ++error_count;
    if (errors.size() < 8) errors.push_back(std::move(text));
  };

  auto reader = [&](int index) {
    std::mt19937_64 rng(o.seed * 1000 + static_cast<std::uint64_t>(index));
    const fs::path out = dir / fmt::format("reader-{}.out", index), err = dir / fmt::format("reader-{}.err", index);
    while (!stop.load()) {
      const Query q = draw_query(rng, *pool);
      std::vector<std::string> argv = {bin, "--db", db.string()};
      argv.insert(argv.end(), q.args.begin(), q.args.end());
      const int at_phase = phase.load();
      const double start = now();
      const Spawned r = spawn_wait(argv, out, err);
      const double end = now();
      const std::string stdout_text = slurp(out), stderr_text = slurp(err);
      std::string args;
      for (const auto& a : q.args) args += (args.empty() ? "" : " ") + a;
      std::string problem;
      if (r.status != 0) {
        problem = fmt::format("{} ({})", status_text(r.status), stderr_text.substr(0, stderr_text.find('\n')));
      } else if (stderr_text.find("talentgraph:") != std::string::npos || stderr_text.find("rror") != std::string::npos ||
                 stderr_text.find("SQLite") != std::string::npos) {
        problem = fmt::format("stderr: {}", stderr_text.substr(0, stderr_text.find('\n')));
      }
      nlohmann::json answer;
      if (problem.empty()) {
        answer = nlohmann::json::parse(stdout_text, nullptr, false);
        if (answer.is_discarded()) problem = fmt::format("stdout is not JSON ({} bytes)", stdout_text.size());
      }
      const std::lock_guard lock(mutex);
      if (problem.empty() && q.invariant) {
        const std::string canonical = answer.dump();
        auto [it, first] = first_answer.emplace(args, canonical);
        if (!first && it->second != canonical) problem = "the answer changed (nothing the writers add touches it)";
      }
      if (problem.empty() && q.kind == kStats) {
        StatsSeen s{start, end, {}, args};
        try {
          s.counts = {answer.at("entities").at("total").get<std::int64_t>(), answer.at("relations").at("total").get<std::int64_t>(),
                      answer.at("sources").get<std::int64_t>(), answer.at("claims").get<std::int64_t>(),
                      answer.at("aliases").get<std::int64_t>()};
          stats_seen.push_back(std::move(s));
        } catch (const nlohmann::json::exception& e) {
          problem = fmt::format("stats JSON without its counts: {}", e.what());
        }
      }
      if (!problem.empty()) note_error(fmt::format("[{:.1f} s, {}] talentgraph {}: {}", start, kPhaseName[at_phase], args, problem));
      std::string note = problem;
      if (problem.empty() && q.kind == kStats) note = std::to_string(stats_seen.back().counts[0]);
      samples.push_back({q.kind, start, end, at_phase, !problem.empty(), args, note});
    }
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < o.readers; ++i) threads.emplace_back(reader, i);

  // The writers, one after the other, after a few seconds of readers alone.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  struct WriterRun {
    std::string what;
    double start = 0;
    Spawned run;
  };
  std::vector<WriterRun> writers;
  auto write = [&](int during, const std::string& what, const std::vector<std::string>& args, const char* log) {
    phase = during;
    WriterRun w{what, now(), {}};
    std::vector<std::string> argv = {bin, "--db", db.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    w.run = spawn_wait(argv, dir / fmt::format("{}.out", log), dir / fmt::format("{}.err", log));
    phase = during + 1;
    fmt::print("{}: {:.1f} s ({:.1f} to {:.1f} s), {:.0f} MiB peak, {}\n", what, w.run.seconds, w.start,
               w.start + w.run.seconds, w.run.peak_rss_mib, status_text(w.run.status));
    if (w.run.status != 0) fmt::print("  {}\n", slurp(dir / fmt::format("{}.err", log)).substr(0, 500));
    std::fflush(stdout);
    writers.push_back(std::move(w));
    return writers.back().run.status == 0;
  };
  bool writers_ok = write(1, "ingest of the newcomers", {"ingest", csv.string()}, "load-ingest");
  if (o.rebuild && (o.seconds == 0 || now() < o.seconds)) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    writers_ok &= write(3, "rebuild --sources", {"rebuild", "--sources", sources.string(), "--quiet"}, "load-rebuild");
  } else {
    phase = 4;
  }
  // Readers go on a while after the last commit: the first query of each that needs the graph
  // meets a changed store and rebuilds the snapshot cache.
  const double until = o.seconds > 0 ? o.seconds : now() + o.tail_seconds;
  while (now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : threads) t.join();
  const double total = now();

  {
    std::ofstream log(dir / "load-samples.tsv");
    log << "start\tend\tseconds\tphase\tkind\terror\targs\tnote\n";
    for (const Sample& s : samples)
      log << fmt::format("{:.3f}\t{:.3f}\t{:.3f}\t{}\t{}\t{}\t{}\t{}\n", s.start, s.end, s.end - s.start, s.phase,
                         kKindName[s.kind], s.error ? 1 : 0, s.args, s.note);
  }
  // stats: a query that started after another ended sees at least its counts.
  std::ranges::sort(stats_seen, {}, &StatsSeen::end);
  std::size_t stats_violations = 0;
  for (const StatsSeen& b : stats_seen)
    for (const StatsSeen& a : stats_seen) {
      if (a.end >= b.start) break;
      for (std::size_t k = 0; k < a.counts.size(); ++k)
        if (b.counts[k] < a.counts[k]) {
          ++stats_violations;
          note_error(fmt::format("[{:.1f} s] stats went down: count {} was {} (query ended {:.1f} s), then {}", b.start, k,
                                 a.counts[k], a.end, b.counts[k]));
          break;
        }
    }
  std::int64_t first_entities = stats_seen.empty() ? 0 : stats_seen.front().counts[0];
  std::int64_t last_entities = stats_seen.empty() ? 0 : stats_seen.back().counts[0];

  // The table.
  fmt::print("\n{} queries in {:.1f} s by {} readers (each a new talentgraph process); stats saw {} → {} entities\n",
             samples.size(), total, o.readers, first_entities, last_entities);
  fmt::print("| query | count | errors | p50 s | p95 s | p99 s | max s |\n|---|---|---|---|---|---|---|\n");
  auto row = [&](const std::string& name, auto&& keep) {
    std::vector<double> t;
    std::size_t errs = 0;
    for (const Sample& s : samples)
      if (keep(s)) {
        t.push_back(s.end - s.start);
        errs += s.error;
      }
    if (t.empty()) return;
    fmt::print("| {} | {} | {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |\n", name, t.size(), errs, percentile(t, 0.5),
               percentile(t, 0.95), percentile(t, 0.99), *std::ranges::max_element(t));
  };
  for (int k = 0; k < kKinds; ++k) row(kKindName[k], [&](const Sample& s) { return s.kind == k; });
  row("**all**", [](const Sample&) { return true; });
  for (int p = 0; p < 5; ++p) row(fmt::format("(all, {})", kPhaseName[p]), [&](const Sample& s) { return s.phase == p; });
  std::vector<double> all;
  for (const Sample& s : samples) all.push_back(s.end - s.start);
  const double p99 = percentile(all, 0.99);
  fmt::print("\nerrors: {} ({} of them stats going down)\n", error_count, stats_violations);
  for (const auto& e : errors) fmt::print("  {}\n", e);
  const bool pass = error_count == 0 && writers_ok && !samples.empty() && p99 < o.p99_target;
  fmt::print("target: 0 errors and p99 under {:.0f} s: {} (errors {}, p99 {:.3f} s{})\n", o.p99_target,
             pass ? "PASS" : "MISS", error_count, p99, writers_ok ? "" : ", a writer failed");
  if (o.workdir.empty()) fs::remove_all(dir);
  return pass ? 0 : 1;
}

}  // namespace tg::bench
