// The ingest run: reads every input (extraction JSON/JSONL, career CSV, curation; see
// inputs.h), resolves the entities they name against the store and writes relations with their
// claims, all in one transaction: a run that finds any error writes nothing.
//
// The passes run inside a transaction that the caller owns (class IngestRun), so that ingest(),
// the first ingest into a new store (new_store.h) and a run that first retracts claims share them.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"
#include "ingest/inputs.h"
#include "ingest/new_store.h"
#include "ingest/report.h"

namespace tg::ingest {

// Applies inputs to a store inside the caller's transaction:
//
//   Store::Transaction tx(store, Store::Checks::trusted);  // the run writes only ids it made or read
//   IngestRun run(store, tx, options);
//   if (!run.apply(inputs)) return fail(run.error());        // tx rolls back: nothing is written
//   run.commit(tx);
//
// apply() may be called several times in one transaction; each call is a whole run of the
// passes over its inputs (rules, documents, rows, same_as merges) and adds to report(). Once an
// apply has failed the transaction must not be committed.
class IngestRun {
 public:
  // `tx` is the caller's open transaction on `store` (the run neither commits nor rolls back).
  // `written_before`: whether the caller wrote in it before this run (e.g. retracted claims);
  // then lookups use the transaction's own connection, which sees those writes.
  IngestRun(Store& store, Store::Transaction& tx, IngestOptions options, bool written_before = false);

  // Reads and applies `inputs` (use collect_inputs for paths). False when any error was found:
  // they are in errors(), in input order for rules and documents, then the CSV rows'.
  bool apply(std::span<const Input> inputs);

  const Errors& errors() const { return errors_; }
  // The errors as one, one per line (what ingest() returns): the first error's code.
  Error error() const;
  const IngestReport& report() const { return report_; }
  // Whether the run wrote anything that changes the store (after apply): a run that only
  // restated what re-ingested sources and files said before does not, and can roll back.
  bool changed() const { return changed_; }
  // The origins the inputs gave (documents' source ids, CSV files' names), in input order.
  const std::vector<FileOrigin>& origins() const { return origins_; }

  // Commits `tx` (the caller's, after apply). The snapshot cache beside the store, when there is
  // one, is replaced by the new state's as it commits (graph::commit_keeping_cache) — except
  // when people were forgotten: then the log is checkpointed and the cache removed, so that no
  // copy of them is left on disk.
  void commit(Store::Transaction& tx);

 private:
  Store& store_;
  IngestOptions options_;
  bool written_;
  bool changed_ = true;
  std::size_t rules_added_ = 0;
  bool nothing_new(const Retracted& retracted) const;
  Errors errors_;
  IngestReport report_;
  std::vector<FileOrigin> origins_;
};

// Ingests everything in one transaction. On error nothing is written and the message lists
// every error found (up to max_errors), one per line.
Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options);
// The same, naming the store `store_name` in errors of the store (a side file's final name).
Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options,
                            const std::string& store_name);

// What forgetting a person removes.
struct ForgetReport {
  std::size_t aliases = 0, ids = 0, relations = 0;
  bool done = false;  // false for a dry run
};

// Removes the person `id` and every claim about them, records the digests of their names and ids
// so later ingests leave them out, and removes the snapshot cache (it holds their names). With
// `dry_run`, only says what it would remove. An entity that is not a person is ErrorCode::usage.
Result<ForgetReport> forget_person(Store& store, EntityId id, bool dry_run = false);

}  // namespace tg::ingest
