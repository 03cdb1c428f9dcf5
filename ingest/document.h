// What every input format is turned into before it touches the store: a source, the entities
// it names (with their aliases and ids) and the relations it states, each with its location.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"

namespace tg::ingest {

struct EntitySpec {
  std::string ref;  // the document's own handle for it
  NodeKind kind = NodeKind::person;
  std::string name;
  std::vector<std::string> aliases;
  std::string country;
  std::vector<ExternalId> ids;
  std::string description;
  bool anonymous = false;
  std::string record;  // "entities[2]"
};

struct RelationSpec {
  RelationKind kind = RelationKind::worked_at;
  std::size_t from = 0, to = 0;      // indices into Document::entities
  std::optional<std::size_t> left;   // `moved`
  std::optional<std::size_t> location;  // `worked_at`: a place of the document
  PartialDate start, end;
  std::string role;
  bool former = false;
  std::string status;
  std::string quote;
  double confidence = 1.0;
  std::string record;  // "relations[3]"
};

struct Document {
  SourceRow source;
  std::vector<EntitySpec> entities;
  std::vector<RelationSpec> relations;
  std::string file;                // as given on the command line
  std::optional<std::size_t> line; // JSON Lines: the document's line
};

}  // namespace tg::ingest
