// Pairs of entities that may be one, for a person to decide: people whose names are the same
// words in another order or one edit apart, organisations one of whose names contains the
// other's words — each only when the graph links them (a shared organisation, shared people or a
// shared parent). Never merged here: `candidates --accept` prints them as same_as rules to review.
#pragma once

#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"

namespace tg::queries {

struct CandidateSide {
  EntityId id{};
  std::string name;
  NodeKind kind = NodeKind::person;
  std::string matched;  // the name or alias of it that matched
};

// What links the two: an organisation both people are tied to, a person tied to both
// organisations, or a parent both are part of.
struct SharedLink {
  EntityId id{};
  std::string name;
  std::string how;  // "organisation", "person", "parent"
};

struct Candidate {
  CandidateSide a, b;                 // a.id < b.id
  std::vector<std::string> reasons;   // "name order", "same name", "one edit", "name contained"
  std::vector<SharedLink> shared;
  // Whether each side's matched name is that entity's alone (by alias key): a same_as rule by
  // name would merge every entity of that name, so only such pairs can be written as one.
  bool names_unique = true;
};

struct CandidateQuery {
  std::optional<NodeKind> kind;       // only pairs of this kind (organisations: any organisation kind)
  std::size_t min_letters = 5;        // one-edit pairs only for names at least this long
};

// Every candidate pair, ordered by the first entity's id then the second's. Pairs a curation
// rule keeps apart (not_same_as), people with different ids of one scheme (kept apart on purpose)
// and organisations of which one is part of the other are left out.
std::vector<Candidate> find_candidates(Store& store, const CandidateQuery& query = {});

// The pairs as a curation file's same_as rules (JSON text), to review and keep. Pairs whose names
// are not unique are left out (a rule by name would merge namesakes too); `left_out` counts them.
std::string candidates_as_curation(const std::vector<Candidate>& candidates, std::size_t* left_out = nullptr);

}  // namespace tg::queries
