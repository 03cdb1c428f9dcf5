#include "ingest/rebuild.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "graph/digest.h"
#include "graph/files.h"
#include "ingest/ingest.h"
#include "ingest/manifest.h"
#include "ingest/move_log.h"

namespace tg::ingest {
namespace {

enum class State { unchanged, rehashed, added, changed };

// One file of the folder and what the rebuild does with it.
struct Plan {
  SourceFile file;
  State state = State::unchanged;
  std::string sha256;
  std::vector<FileOrigin> origins;  // what it gives (the manifest's, when not read)
  bool apply = false;               // ingested in this rebuild
  FileRead counts;                  // when read alone
};

// Reads a file alone, as the ingest will: its errors, the origins it gives and what it holds.
std::vector<FileOrigin> read_alone(const SourceFile& f, Errors& errors, FileRead& counts) {
  std::set<FileOrigin> origins;
  format(f.format).read(f.path, errors,
                        Records{.rules = [](Curation&&) {},
                                .document = [&](Document&& d) {
                                  origins.insert(FileOrigin{FileOrigin::Kind::source, d.source.ext_id});
                                  ++counts.documents;
                                  counts.relations += d.relations.size();
                                },
                                .row = [&](const CareerRow&) { ++counts.csv_rows; }});
  if (format(f.format).stage == Stage::rows)
    origins.insert(FileOrigin{FileOrigin::Kind::csv_file, std::filesystem::path(f.rel).filename().string()});
  return {origins.begin(), origins.end()};
}

}  // namespace

std::size_t RebuildReport::moves_new() const {
  if (initial_load) return initial_moves;
  return static_cast<std::size_t>(std::ranges::count_if(moves, [](const LoggedMove& m) { return m.change > 0; }));
}

Result<RebuildReport> rebuild(Store& store, const RebuildOptions& options) {
  const ScopedInputLimits limits(options.limits);  // also for the files read alone (--keep-going)
  const LogClock clock;
  // A file modified in the last seconds may be modified again within one tick of the file
  // system's clock, keeping its size and mtime (git's "racy" files): its mtime is not stored
  // (0), so that the next rebuild hashes it rather than trusting it.
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t trust_before = now - 2'000'000'000;
  auto scanned = scan_sources(options.sources);
  if (!scanned) return fail(scanned.error());
  std::map<std::string, SourceFileRow> manifest;
  for (auto& row : store.source_files()) manifest.emplace(row.path, std::move(row));

  RebuildReport report;
  Errors fatal(options.max_errors);
  // A file with errors: skipped (it keeps its manifest entry and its claims) or fatal.
  std::set<std::string> failed_rels;
  auto file_failed = [&](const SourceFile& f, const Errors& errors) {
    failed_rels.insert(f.rel);
    if (options.keep_going)
      report.skipped.push_back(SkippedFile{f.path, errors.list()});
    else
      fatal.append(errors);
  };

  std::vector<Plan> plans;
  for (SourceFile& f : *scanned) {
    const auto it = manifest.find(f.rel);
    const SourceFileRow* old = it == manifest.end() ? nullptr : &it->second;
    const bool same_format = old && old->format == format(f.format).name;
    Plan p;
    p.file = std::move(f);
    if (old && same_format) p.origins = old->origins;
    // As ninja trusts its log: the same size and modification time, the same file.
    const bool same_stat = same_format && old->size == p.file.size && old->mtime_ns == p.file.mtime_ns;
    if (same_stat && !options.full) {
      p.sha256 = old->sha256;
      plans.push_back(std::move(p));
      continue;
    }
    auto bytes = read_file(p.file.path);
    if (!bytes) {
      Errors e(options.max_errors);
      e.add(bytes.error());
      file_failed(p.file, e);
      continue;
    }
    p.sha256 = sha256_hex(*bytes);
    if (same_format && old->sha256 == p.sha256) {
      p.state = same_stat ? State::unchanged : State::rehashed;  // (--full reads every file)
      if (!options.full) {
        plans.push_back(std::move(p));
        continue;
      }
    } else {
      p.state = old ? State::changed : State::added;
    }
    Errors errors(options.max_errors);
    std::vector<FileOrigin> origins = read_alone(p.file, errors, p.counts);
    if (!errors.empty()) {
      file_failed(p.file, errors);
      continue;
    }
    p.origins = std::move(origins);
    p.apply = true;
    plans.push_back(std::move(p));
  }

  // A CSV file is identified by its name (Store::csv_file): two of one name in the folder could
  // not be told apart. Those being read are in error (the other one was there before).
  std::map<std::string, std::vector<std::size_t>> csv_names;
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (format(plans[i].file.format).stage == Stage::rows)
      csv_names[std::filesystem::path(plans[i].file.rel).filename().string()].push_back(i);
  std::set<std::size_t> bad;
  for (const auto& [name, at] : csv_names)
    for (std::size_t k = 1; k < at.size(); ++k) {
      const std::size_t i = plans[at[k]].apply || !plans[at[0]].apply ? at[k] : at[0];
      const std::size_t other = i == at[k] ? at[0] : at[k];
      Errors e(options.max_errors);
      e.add({ErrorCode::bad_data,
             fmt::format("another CSV file of the folder has the same name ({}): a CSV file is identified by its "
                         "name, so that ingesting it again replaces its rows; rename one",
                         plans[other].file.path),
             Location{.file = plans[i].file.path}});
      if (bad.insert(i).second) file_failed(plans[i].file, e);
    }
  std::erase_if(plans, [&](const Plan& p) { return failed_rels.contains(p.file.rel); });
  if (!fatal.empty()) return fail(Error{fatal.code(), fatal.str()});

  // What goes: the origins of removed files, the old and new origins of the files read.
  std::set<FileOrigin> retract;
  std::set<std::string> present;
  for (const Plan& p : plans) present.insert(p.file.rel);
  present.insert(failed_rels.begin(), failed_rels.end());  // skipped: they keep what they gave
  for (const auto& [rel, row] : manifest)
    if (!present.contains(rel)) {
      report.removed.push_back(rel);
      retract.insert(row.origins.begin(), row.origins.end());
    }
  for (const Plan& p : plans)
    if (p.apply) {
      if (auto it = manifest.find(p.file.rel); it != manifest.end())
        retract.insert(it->second.origins.begin(), it->second.origins.end());
      retract.insert(p.origins.begin(), p.origins.end());
    }
  // An unchanged file giving an origin that goes is read again, which may take more origins.
  for (bool more = true; more;) {
    more = false;
    for (Plan& p : plans)
      if (!p.apply && std::ranges::any_of(p.origins, [&](const FileOrigin& o) { return retract.contains(o); })) {
        p.apply = more = true;
        ++report.reread;
        retract.insert(p.origins.begin(), p.origins.end());
      }
  }
  for (const Plan& p : plans) {
    if (p.state == State::added) report.added.push_back(p.file.rel);
    else if (p.state == State::changed) report.changed.push_back(p.file.rel);
    else ++report.unchanged;
    if (p.state == State::rehashed) ++report.rehashed;
  }
  report.generation = store.generation();
  report.started = clock.started();
  auto finish = [&] {
    report.finished = clock.now();
    report.duration_ms = clock.elapsed_ms();
  };
  for (Plan& p : plans)
    if (p.apply) {
      // Read alone: an unchanged file read again is read by the ingest only.
      p.counts.path = p.file.rel;
      p.counts.state = p.state == State::added ? "added" : p.state == State::changed ? "changed" : "read again";
      report.files_read.push_back(p.counts);
    }
  std::ranges::sort(report.files_read, {}, &FileRead::path);
  const bool any_read = std::ranges::any_of(plans, [](const Plan& p) { return p.apply; });
  if (!options.full && !any_read && report.removed.empty()) {  // nothing to write
    finish();
    return report;
  }
  if (options.before_write)
    if (auto ok = options.before_write(); !ok) return fail(ok.error());
  const bool was_empty = store.empty();

  try {
    Store::Transaction tx(store, Store::Checks::trusted);
    bool retracted = false;
    if (options.full) {
      store.retract_all();
      retracted = true;
    } else {
      for (const FileOrigin& o : retract) {
        const bool is_source = o.kind == FileOrigin::Kind::source;
        if (is_source) {
          if (auto id = store.find_source(o.name)) store.retract(Origin{*id, 0}), retracted = true;
        } else if (auto id = store.find_csv_file(o.name)) {
          store.retract(Origin{SourceId{0}, *id});
          retracted = true;
        }
      }
    }
    IngestOptions ingest_options;
    ingest_options.max_errors = options.max_errors;
    ingest_options.limits = options.limits;
    IngestRun run(store, tx, ingest_options, retracted);
    std::vector<Input> inputs;
    for (const Plan& p : plans)
      if (p.apply) inputs.emplace_back(p.file.path, p.file.format);
    if (!run.apply(inputs)) return fail(run.error());
    report.ingest = run.report();
    report.generation = store.generation() + 1;  // what the commit makes it
    std::vector<FileOrigin> touched(retract.begin(), retract.end());
    touched.insert(touched.end(), run.origins().begin(), run.origins().end());
    // The first load into an empty store counts its moves; the log does not itemise them.
    report.initial_load = was_empty && !options.full;
    if (report.initial_load) {
      report.initial_moves = count_moves(store);
    } else {
      auto moves = changed_moves(store, was_empty, std::move(touched), report.ingest, options.full);
      report.moves_known = moves.has_value();
      if (moves) report.moves = std::move(*moves);
    }
    for (const Plan& p : plans)
      if (p.apply || p.state == State::rehashed)
        store.put_source_file(SourceFileRow{p.file.rel, std::string(format(p.file.format).name), p.file.size,
                                            p.file.mtime_ns < trust_before ? p.file.mtime_ns : 0, p.sha256, report.generation, p.origins});
    for (const std::string& rel : report.removed) store.delete_source_file(rel);
    finish();
    if (options.dry_run) {
      report.generation = store.generation();
      return report;  // the transaction rolls back
    }
    if (report.moves_known) {
      LogEntry entry = log_entry(store, report.ingest, options.full ? "rebuild --full" : "rebuild", clock, report.moves);
      entry.finished = report.finished;
      entry.duration_ms = report.duration_ms;
      entry.files_added = static_cast<std::int64_t>(report.added.size());
      entry.files_changed = static_cast<std::int64_t>(report.changed.size());
      entry.files_removed = static_cast<std::int64_t>(report.removed.size());
      entry.files_unchanged = static_cast<std::int64_t>(report.unchanged);
      entry.files_skipped = static_cast<std::int64_t>(report.skipped.size());
      entry.initial_load = report.initial_load;
      if (report.initial_load) entry.moves_new = static_cast<std::int64_t>(report.initial_moves);
      store.log_write(entry, report.moves);
    }
    run.commit(tx);
    report.written = true;
    return report;
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, e.what(), Location{.file = store.path()});
  }
}

}  // namespace tg::ingest
