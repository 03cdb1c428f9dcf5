#include "ingest/ingest.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "graph/progress.h"
#include "graph/snapshot.h"
#include "ingest/countries.h"
#include "ingest/curation_rules.h"
#include "ingest/limits.h"
#include "ingest/move_log.h"
#include "ingest/name_order.h"
#include "ingest/records.h"
#include "ingest/resolver.h"
#include "ingest/writer.h"

namespace tg::ingest {
namespace {

// Whether a run is likely to add at least as many relations as the store holds, and enough for
// rebuilding indexes to pay. Estimated from file sizes, as nothing is read yet: a CSV row is
// about 100 bytes, a document's relation (with its share of entities and source) about 300.
bool bulk_run(Store& store, std::span<const Input> inputs) {
  constexpr std::uintmax_t kMinRows = 50000;
  std::uintmax_t rows = 0;
  for (const auto& [path, id] : inputs) {
    const Stage stage = format(id).stage;
    if (stage == Stage::rules) continue;
    std::error_code ec;
    if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec)
      rows += size / (stage == Stage::rows ? 100 : 300);
  }
  const auto held = static_cast<std::uintmax_t>(store.next_ids().relation - 1);
  return rows >= kMinRows && rows >= held;
}

}  // namespace

IngestRun::IngestRun(Store& store, Store::Transaction& /*tx: proof that the caller holds one*/,
                     IngestOptions options, bool written_before)
    : store_(store), options_(std::move(options)), written_(written_before), errors_(options_.max_errors) {}

Error IngestRun::error() const { return Error{errors_.code(), errors_.str()}; }

bool IngestRun::apply(std::span<const Input> inputs) {
  const ScopedInputLimits limits(options_.limits);  // what the readers check
  const std::size_t limit = options_.max_errors;
  const bool was_empty = store_.empty();  // before this run's rules and forgetting
  // Errors of rules and documents are kept per input and reported in input order (rules are
  // read first, but an input's errors come where it stands).
  std::vector<Errors> early(inputs.size(), Errors(limit));
  auto errors_before = [&](std::size_t i) {
    std::size_t n = 0;
    for (std::size_t j = 0; j < i; ++j) n += early[j].size();
    return n;
  };
  auto each = [&](Stage stage, auto&& fn) {
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (format(inputs[i].second).stage == stage) {
        ++report_.files;
        fn(i, inputs[i].first, format(inputs[i].second));
      }
  };

  // 1. Read every curation file: rules steer the resolution of everything else.
  Curation curation;
  each(Stage::rules, [&](std::size_t i, const std::string& path, const Format& f) {
    f.read(path, early[i], Records{.rules = [&](Curation&& c) {
      report_.rules += c.same_as.size() + c.not_same_as.size() + c.forget.size() + c.country.size();
      for (auto& g : c.same_as) curation.same_as.push_back(std::move(g));
      for (auto& p : c.not_same_as) curation.not_same_as.push_back(std::move(p));
      for (auto& n : c.forget) curation.forget.push_back(std::move(n));
      for (auto& p : c.country) curation.country.push_back(std::move(p));
      for (auto& w : c.same_as_at) curation.same_as_at.push_back(std::move(w));
      for (auto& w : c.not_same_as_at) curation.not_same_as_at.push_back(std::move(w));
    }});
  });
  bool failed = std::ranges::any_of(early, [](const Errors& e) { return !e.empty(); });

  // 2. Keep the new rules, forget people first, then index every rule the store holds.
  std::unordered_set<std::string> forgotten_now;
  CurationIndex index;
  if (!failed) {
    rules_added_ = store_rules(store_, curation);
    for (const auto& name : curation.forget) report_.forgotten_removed += apply_forget(store_, name, forgotten_now);
    index = load_rules(store_);
    check_contradictions(curation, index, errors_);
    if (!errors_.empty()) return false;
  }

  // 3. The writer: batches go on this connection from a second thread while this one goes on.
  // Lookups go to a second connection, which sees the store as before the transaction; an empty
  // store needs none (nothing to look up), an in-memory one cannot have one and a transaction
  // written before cannot use one (then lookups use this connection, and writing waits).
  std::optional<Store> second;
  if (!was_empty && !written_ && store_.path() != ":memory:" && !store_.path().empty()) {
    auto opened = Store::open(store_.path(), OpenMode::existing_only);
    if (opened) second = std::move(*opened);
  }
  Store* reader = was_empty ? nullptr : second ? &*second : &store_;
  const bool background = was_empty || second;
  // A run that adds more relations than the store holds rebuilds the random-order indexes
  // rather than updating them row by row; lookups do not need them (see above).
  const bool bulk = !failed && background && options_.rebuild_indexes.value_or(bulk_run(store_, inputs));
  if (bulk) store_.drop_bulk_indexes();
  written_ = true;
  TextArena text;
  RunWriter writer(store_, reader, background, report_, text);
  Resolver resolver(reader, writer, index, report_, forgotten_now);

  // Progress: the bytes of the documents and CSV files read (curation files are small).
  std::uint64_t input_bytes = 0, bytes_before = 0;
  std::vector<std::uint64_t> sizes(inputs.size(), 0);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (format(inputs[i].second).stage == Stage::rules) continue;
    std::error_code ec;
    if (const std::uintmax_t size = std::filesystem::file_size(inputs[i].first, ec); !ec) sizes[i] = size;
    input_bytes += sizes[i];
  }
  std::optional<ProgressStage> stage;
  stage.emplace("reading sources", input_bytes, "bytes");
  const auto position = [&](std::uint64_t at) { stage->at(bytes_before + at); };
  const auto file_done = [&](std::size_t i) {
    bytes_before += sizes[i];
    stage->at(bytes_before);
  };

  // 4. Documents, in input order, each written as soon as it is read (checked only, once the
  // run has failed).
  each(Stage::documents, [&](std::size_t i, const std::string& path, const Format& f) {
    if (errors_before(i) >= limit) return;  // none of its errors would be shown
    f.read(path, early[i], Records{.document = [&](Document&& doc) {
      ++report_.documents;
      origins_.push_back(FileOrigin{FileOrigin::Kind::source, doc.source.ext_id});
      if (!failed && early[i].empty()) write_document(writer, resolver, doc);
    }, .position = position});
    file_done(i);
    failed = failed || !early[i].empty();
  });
  for (const Errors& e : early) errors_.append(e);
  if (!errors_.empty()) return false;

  // 5. CSV rows, in input order, streamed: validated and written row by row. A CSV file is
  // identified by its name (a re-ingest retracts what the file of that name wrote): two of one
  // name in one run could not be told apart later.
  std::map<std::string, std::string> csv_names;
  for (const auto& [path, id] : inputs) {
    if (format(id).stage != Stage::rows) continue;
    const std::string name = std::filesystem::path(path).filename().string();
    if (auto [it, added] = csv_names.emplace(name, path); !added)
      errors_.add({ErrorCode::bad_data,
                   fmt::format("another CSV file of this run has the same name ({}): a CSV file is identified by "
                               "its name, so that ingesting it again replaces its rows; rename one",
                               it->second),
                   Location{.file = path}});
  }
  if (!errors_.empty()) return false;
  each(Stage::rows, [&](std::size_t i, const std::string& path, const Format& f) {
    CareerRows rows(writer, resolver, path);
    origins_.push_back(FileOrigin{FileOrigin::Kind::csv_file, std::filesystem::path(path).filename().string()});
    f.read(path, errors_, Records{.row = [&](const CareerRow& r) {
      ++report_.csv_rows;
      if (errors_.empty())  // else the run will fail: only go on validating
        if (auto e = rows.add(r)) errors_.add(std::move(*e));
    }, .position = position});
    file_done(i);
  });
  if (!errors_.empty()) return false;
  stage.emplace("writing the last rows", 0, "");
  writer.finish();
  if (bulk) {
    stage.emplace("creating indexes", 0, "");
    store_.create_bulk_indexes();
  }
  stage.emplace("revising what re-read sources no longer say", 0, "");

  // 6. Revisions: what the re-ingested sources and files no longer say goes. Claims stated
  // again were retracted and written back: they count as known, not new.
  std::vector<EntityId> touched = writer.country_entities();
  const Retracted retracted = store_.finish_revisions(&touched);
  report_.retracted.claims += retracted.claims;
  report_.retracted.relations += retracted.relations;
  report_.retracted.entities += retracted.entities;
  report_.retracted.aliases += retracted.aliases;
  report_.retracted.ids += retracted.ids;
  report_.claims_added -= std::min(report_.claims_added, retracted.restated);
  report_.claims_existing += retracted.restated;
  store_.set_relation_locations(writer.located_relations());

  // 7. One person in two name orders, now that both careers are written; then same_as groups
  // merge what resolution kept apart (never a person with a company).
  merge_name_order_swaps(store_, resolver.name_order_suspects(), report_, &touched);
  check_same_as_kinds(store_, curation, errors_);
  if (!errors_.empty()) return false;
  report_.curation_merges += apply_same_as(store_, index, &touched);

  // 8. Countries by the rule, not by arrival order, for everything whose claims changed.
  stage.emplace("settling countries", 0, "");
  std::vector<std::pair<EntityId, std::string>> countries_before;
  if (nothing_new(retracted))
    for (EntityId id : touched)
      if (auto e = store_.entity(id)) countries_before.emplace_back(id, e->country);
  settle_countries(store_, index, std::move(touched), report_);
  changed_ = !nothing_new(retracted) || std::ranges::any_of(countries_before, [&](const auto& p) {
    auto e = store_.entity(p.first);
    return !e || e->country != p.second;
  });
  return true;
}

bool IngestRun::nothing_new(const Retracted& retracted) const {
  const IngestReport& r = report_;
  return retracted.unchanged && !retracted.claims && !retracted.relations && !retracted.entities &&
         !retracted.aliases && !retracted.ids && !r.sources_added && !r.entities_created && !r.aliases_added &&
         !r.relations_added && !r.claims_added && !r.curation_merges && !r.forgotten_removed &&
         r.name_order_merges.empty() && !rules_added_;
}

void IngestRun::commit(Store::Transaction& tx) {
  if (!report_.forgotten_removed) {
    graph::commit_keeping_cache(store_, tx);
    return;
  }
  tx.commit();
  graph::remove_cache(store_);  // first: a checkpoint that fails (readers) must not leave the cache
  store_.checkpoint();
}

Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options) {
  return ingest(store, paths, options, store.path());
}

Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options,
                            const std::string& store_name) {
  auto inputs = collect_inputs(paths, options.format);
  if (!inputs) return fail(inputs.error());
  for (const auto& c : options.curation_files) {
    if (auto ok = check_input_file(c); !ok) return fail(ok.error());
    inputs->emplace_back(c, InputFormat::curation);
  }
  try {
    const LogClock clock;
    const bool was_empty = store.empty();
    // Every id the run writes was created or read in this transaction: SQLite's foreign-key
    // checks (half the cost of writing) are left out, and the tests check the result.
    Store::Transaction tx(store, Store::Checks::trusted);
    IngestRun run(store, tx, options);
    if (!run.apply(*inputs)) return fail(run.error());
    // Nothing read (an empty folder, a CSV file of only its header, an empty JSON Lines file):
    // nothing is written, not even a revision of what a file of that name said before.
    if (!run.report().documents && !run.report().csv_rows && !run.report().rules) {
      IngestReport nothing = run.report();
      nothing.nothing_read = true;
      return nothing;
    }
    // A run that changes nothing (the same files again) rolls back: the generation stays, and
    // with it the snapshot cache.
    if (!run.changed()) return run.report();
    // The write log: what the run changed, and the moves that appeared and disappeared.
    // The first load into an empty store counts its moves; the log does not itemise them.
    if (was_empty) {
      LogEntry entry = log_entry(store, run.report(), "ingest", clock, {});
      entry.files_added = static_cast<std::int64_t>(run.report().files);
      entry.initial_load = true;
      const ProgressStage counting("counting moves", 0, "");
      entry.moves_new = static_cast<std::int64_t>(count_moves(store));
      store.log_write(entry, {});
    } else {
      std::optional<std::vector<LoggedMove>> moves;
      {
        const ProgressStage finding("finding the moves that changed", 0, "");
        moves = changed_moves(store, false, run.origins(), run.report());
      }
      if (moves) {
        LogEntry entry = log_entry(store, run.report(), "ingest", clock, *moves);
        entry.files_added = static_cast<std::int64_t>(run.report().files);
        store.log_write(entry, *moves);
      }
    }
    {
      const ProgressStage committing("committing", 0, "");
      run.commit(tx);
    }
    return run.report();
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, e.what(), Location{.file = store_name});
  }
}

Result<ForgetReport> forget_person(Store& store, EntityId id, bool dry_run) {
  try {
    Store::Transaction tx(store);
    auto e = store.entity(id);
    if (!e) return fail(ErrorCode::not_found, fmt::format("no entity #{}", raw(id)));
    if (e->kind != NodeKind::person)
      return fail(ErrorCode::usage, fmt::format("{} is a {}, not a person: forget removes people", e->name, to_string(e->kind)));
    ForgetReport report;
    report.aliases = store.aliases(id).size();
    report.ids = store.external_ids(id).size();
    report.relations = store.relations_touching(id).size();
    if (dry_run) return report;  // the transaction rolls back: nothing written
    std::unordered_set<std::string> digests;
    forget_entity(store, id, digests);
    tx.commit();
    report.done = true;
    graph::remove_cache(store);  // first: a checkpoint that fails (readers) must not leave the cache
    store.checkpoint();
    return report;
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, e.what(), Location{.file = store.path()});
  }
}

}  // namespace tg::ingest
