// What an ingest is told (IngestOptions) and what it tells (IngestReport); shared by the passes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"
#include "ingest/inputs.h"
#include "ingest/limits.h"

namespace tg::ingest {

struct IngestOptions {
  std::optional<InputFormat> format;  // overrides detection by extension
  std::vector<std::string> curation_files;
  std::size_t max_errors = 20;
  // Whether to drop the indexes whose keys arrive in random order and build them again at the
  // end (see Store::drop_bulk_indexes). Unset: when the run likely adds at least as many
  // relations as the store holds, and 50,000 or more.
  std::optional<bool> rebuild_indexes;
  InputLimits limits;  // what one input may hold (ingest/limits.h)
};

// A name that fitted more than one entity: nothing was merged, a new node was made.
struct Ambiguity {
  std::string where;  // "seed.json: entities[3]"
  std::string name;
  NodeKind kind = NodeKind::person;
  std::vector<std::string> candidates;  // "Meta Platforms (company, #12)"
};

// A person written with the same words in another order, merged because the two share an
// organisation.
struct NameOrderMerge {
  std::string where;               // where the second spelling was read
  std::string merged;              // that spelling ("Zhao Shengjia")
  std::string into;                // "Shengjia Zhao (person, #5)"
  std::vector<std::string> shared; // the organisations they share
};

// An entity whose origins claim different countries: which one the rule chose, and why.
struct CountryConflict {
  std::string entity;   // "Alibaba Group (company, #3)"
  std::string chosen;   // the effective country
  std::string rule;     // "curation pin", "headquarters: Hangzhou", "most sources", "unresolved: …"
  bool unresolved = false;
  std::vector<CountryClaim> claims;
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
  std::vector<NameOrderMerge> name_order_merges;
  Retracted retracted;  // by revisions: re-ingested sources and CSV files
  std::size_t sources_revised = 0, csv_files_revised = 0;
  std::vector<CountryConflict> conflicts;
  std::size_t rules = 0;      // curation rules read (same_as, not_same_as, forget, country)
  bool nothing_read = false;  // `ingest` read no document, CSV row or rule: it wrote nothing
};

}  // namespace tg::ingest
