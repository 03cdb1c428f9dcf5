// The ingest run: reads every input (extraction JSON/JSONL, career CSV, curation), resolves the
// entities they name against the store and writes relations with their claims, all in one
// transaction: a run that finds any error writes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"

namespace tg::ingest {

enum class InputFormat { json, jsonl, csv, curation };

std::optional<InputFormat> parse_input_format(std::string_view text);

struct IngestOptions {
  std::optional<InputFormat> format;  // overrides detection by extension
  std::vector<std::string> curation_files;
  std::size_t max_errors = 20;
  // Whether to drop the indexes whose keys arrive in random order and build them again at the
  // end (see Store::drop_bulk_indexes). Unset: when the run likely adds at least as many
  // relations as the store holds, and 50,000 or more.
  std::optional<bool> rebuild_indexes;
};

// A name that fitted more than one entity: nothing was merged, a new node was made.
struct Ambiguity {
  std::string where;  // "seed.json: entities[3]"
  std::string name;
  NodeKind kind = NodeKind::person;
  std::vector<std::string> candidates;  // "Meta Platforms (company, #12)"
};

struct IngestReport {
  std::size_t files = 0, documents = 0, csv_rows = 0;
  std::size_t sources_added = 0;
  std::size_t entities_created = 0;  // new nodes
  std::size_t entities_matched = 0;  // distinct nodes that a further record's names merged into
  std::size_t aliases_added = 0;
  std::size_t relations_added = 0, relations_existing = 0;
  std::size_t claims_added = 0, claims_existing = 0;
  std::size_t curation_merges = 0;   // entities merged by same_as rules
  std::size_t forgotten_removed = 0; // people removed by forget rules
  std::size_t forgotten_skipped = 0; // entities in the input left out because they were forgotten
  std::vector<Ambiguity> ambiguities;
};

// Expands folders (recursively; *.json, *.jsonl, *.csv, and curation.json files) in sorted order.
Result<std::vector<std::pair<std::string, InputFormat>>> collect_inputs(const std::vector<std::string>& paths,
                                                                         std::optional<InputFormat> forced);

// Ingests everything in one transaction. On error nothing is written and the message lists
// every error found (up to max_errors), one per line.
Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options);

// Ingests into a store that does not exist yet. It is built in a side file ("DB.loading-PID":
// no write-ahead log, no syncs) and linked into place once complete and synced, so that each
// page is written once and no reader ever sees a half-built store. If the run fails, or another
// process creates `db_path` meanwhile, nothing is left behind.
Result<IngestReport> ingest_new_store(const std::string& db_path, const std::vector<std::string>& paths,
                                     const IngestOptions& options);

// Removes a person and every claim about them, and keeps them out of later ingests.
// Returns how many entities were removed (0: no such person).
Result<std::size_t> forget_person(Store& store, const std::string& name);

}  // namespace tg::ingest
