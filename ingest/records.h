// Records to rows: a document's entities and relations, and a career CSV row's person,
// organisation and worked_at claim, resolved and handed to the RunWriter.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "ingest/csv.h"
#include "ingest/document.h"
#include "ingest/resolver.h"
#include "ingest/writer.h"

namespace tg::ingest {

// Resolves a document's entities and writes its relations with their claims. The document may
// go once this returns: what the batches need of it is copied into the run's text.
void write_document(RunWriter& writer, Resolver& resolver, const Document& doc);

// The rows of one career CSV. Career CSVs list a person's rows together, so the previous row's
// person is tried first; the source is the row's URL, or the file when it has none.
class CareerRows {
 public:
  CareerRows(RunWriter& writer, Resolver& resolver, const std::string& path);
  // Writes the row; an error when its organisation is no organisation the store or the run
  // knows but the name of a person, place or other non-organisation (and the row gives no
  // organization_kind to say that a new organisation is meant).
  std::optional<Error> add(const CareerRow& r);

 private:
  RunWriter& writer_;
  Resolver& resolver_;
  std::string_view path_, file_name_, file_source_;  // kept in the run's text
  EntitySpec person_, org_, place_;
  Store::RelationInsert row_;
  Store::ClaimInsert claim_;
  std::optional<EntityId> last_person_;
  std::string last_person_name_, last_person_id_;
  std::unordered_set<std::string> organisations_checked_;  // names found to be no other kind's
};

}  // namespace tg::ingest
