// tg-bench limits: `talentgraph path` and `moves` on a scale's store under an address-space
// limit (RLIMIT_AS, set in the child before exec; glibc's malloc arenas, thread stacks and the
// mapped snapshot cache all count), cold (no snapshot cache: the first query builds and writes
// it) and warm. Prints each run's time, peak RSS, VmPeak (sampled from /proc while it runs) and
// exit, and PASS when every one ends well.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tools/bench/ingest_bench.h"
#include "tools/bench/synth.h"

namespace tg::bench {
namespace {

namespace fs = std::filesystem;

struct LimitedRun {
  int status = -1;
  double seconds = 0, rss_mib = 0, vm_peak_mib = 0;
  std::string err;
};

// VmPeak of a running process, in MiB (0 when it is gone).
double vm_peak_mib(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmPeak:", 0) == 0) return std::stod(line.substr(7)) / 1024.0;
  return 0;
}

LimitedRun run_limited(const std::vector<std::string>& argv, std::uint64_t limit_bytes, const fs::path& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  LimitedRun r;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return r;
  if (pid == 0) {
    const struct rlimit lim = {limit_bytes, limit_bytes};
    if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(126);
    const int null = open("/dev/null", O_WRONLY);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null >= 0) dup2(null, 1);
    if (e >= 0) dup2(e, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  struct rusage usage {};
  for (;;) {
    r.vm_peak_mib = std::max(r.vm_peak_mib, vm_peak_mib(pid));
    const pid_t done = wait4(pid, &r.status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  std::ifstream in(err);
  std::ostringstream s;
  s << in.rdbuf();
  r.err = s.str();
  return r;
}

}  // namespace

int run_limits_bench(const LimitsBenchOptions& o) {
  const auto scale = parse_scale(o.scale);
  if (!scale) return 2;
  const fs::path dir = bench_workdir(o.workdir);
  const std::string db = scale_database(dir.string(), o.scale, o.seed);
  if (db.empty()) return 1;
  const std::string bin = TG_TALENTGRAPH_BIN;
  const SynthCareers careers = generate_careers(synth_options(*scale, o.seed));
  // The first person and the last (far apart), the most popular organisation (the most moves).
  const std::string a = "person_id:synth-p0", b = fmt::format("person_id:synth-p{}", careers.people - 1);
  const std::string org = careers.organisation_name(0);
  std::uint64_t limit_mib = o.limit_mib;
  if (o.headroom_mib) {
    // The least limit under which `stats` (the program, its libraries, SQLite, a small answer)
    // runs, in 2 MiB steps: the queries then get that plus the headroom, wherever this runs.
    std::uint64_t floor = 16;
    for (; floor <= 4096; floor += 2) {
      const LimitedRun r = run_limited({bin, "--db", db, "stats"}, floor << 20, dir / "limits.err");
      if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) break;
    }
    fmt::print("`stats` runs under {} MiB; the queries get {} MiB more\n", floor, o.headroom_mib);
    limit_mib = floor + o.headroom_mib;
  }
  const std::uint64_t limit = limit_mib << 20;
  struct Step {
    std::string label;
    std::vector<std::string> args;
    bool cold = false;
  };
  std::vector<Step> steps;
  if (o.cold) steps.push_back({"path (cold: builds the snapshot cache)", {"path", a, b}, true});
  steps.push_back({"path (warm)", {"path", a, b}});
  steps.push_back({"path --k 3 (warm)", {"path", a, b, "--k", "3"}});
  steps.push_back({"moves --limit 20", {"moves", "--limit", "20"}});
  steps.push_back({"moves --limit 20 --since 2015 --until 2018", {"moves", "--limit", "20", "--since", "2015", "--until", "2018"}});
  steps.push_back({"moves --limit 20 --to <top org>", {"moves", "--limit", "20", "--to", org}});
  steps.push_back({"moves --limit 20 --format json", {"moves", "--limit", "20", "--format", "json"}});
  fmt::print("tg-bench limits --scale {}: {} under RLIMIT_AS {} MiB (set in the child before exec)\n", o.scale, db,
             limit_mib);
  fmt::print("| query | s | peak RSS MiB | VmPeak MiB (sampled) | exit | |\n|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  bool all = true;
  std::vector<std::string> failures;
  for (const Step& step : steps) {
    if (step.cold) fs::remove(db + ".tgsnap");
    std::vector<std::string> argv = {bin, "--db", db};
    argv.insert(argv.end(), step.args.begin(), step.args.end());
    const LimitedRun r = run_limited(argv, limit, dir / "limits.err");
    const bool ok = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 && r.err.find("talentgraph:") == std::string::npos;
    const std::string exit = WIFEXITED(r.status) ? std::to_string(WEXITSTATUS(r.status))
                             : WIFSIGNALED(r.status) ? fmt::format("signal {}", WTERMSIG(r.status))
                                                     : "?";
    fmt::print("| {} | {:.2f} | {:.0f} | {:.0f} | {} | {} |\n", step.label, r.seconds, r.rss_mib, r.vm_peak_mib, exit,
               ok ? "PASS" : "MISS");
    std::fflush(stdout);
    if (!ok) failures.push_back(fmt::format("{}: {}", step.label, r.err.substr(0, r.err.find('\n'))));
    all &= ok;
  }
  for (const auto& f : failures) fmt::print("  {}\n", f);
  fmt::print("target: every query answers under a {} MiB address-space limit: {}\n", limit_mib, all ? "PASS" : "MISS");
  if (o.workdir.empty()) fs::remove_all(dir);
  return all ? 0 : 1;
}

}  // namespace tg::bench
