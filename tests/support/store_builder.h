// Opening a store for a test, and filling it a row at a time through the bulk writes
// (Store::insert_*), with the checks an ingest makes first: a source or relation that is already
// there is found (find_source, find_relation), not written again; aliases and claims that are
// already there are skipped by the store itself. Use inside a Store::Transaction.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "graph/store.h"

namespace tg::test_support {

// Opens (creating) the store at `path`, or throws: usable in a fixture's member initialisers.
inline Store must_open(const std::string& path) {
  auto s = Store::open(path, OpenMode::create_if_missing);
  if (!s) throw std::runtime_error(s.error().str());
  return std::move(*s);
}

// A relation read back, as the bulk writes take it.
inline Store::RelationInsert relation_insert(const RelationRow& r) {
  return {.id = r.id, .kind = r.kind, .from = r.from, .to = r.to, .start = r.start, .end = r.end,
          .role = r.role, .status = r.status, .former = r.former, .left = r.left, .location = r.location};
}

class StoreBuilder {
 public:
  // Takes its ids from next_ids(): make it after the writes of others in the transaction.
  explicit StoreBuilder(Store& store) : store_(store), next_(store.next_ids()) {}

  // An entity, and its name as an alias with `key` unless the key is empty.
  EntityId entity(NodeKind kind, std::string_view name, std::string_view key = {}, std::string_view country = {},
                  bool anonymous = false) {
    Store::EntityInsert row{};
    row.id = EntityId{next_.entity++};
    row.kind = kind;
    row.name = name;
    row.country = country;
    row.anonymous = anonymous;
    store_.insert_entities({&row, 1});
    if (!key.empty()) alias(row.id, name, key);
    return row.id;
  }
  // False: the entity already has this alias.
  bool alias(EntityId id, std::string_view name, std::string_view key) {
    const Store::AliasInsert row{.entity = id, .name = name, .key = key};
    return store_.insert_aliases({&row, 1}) == 1;
  }
  void external_id(EntityId id, std::string_view scheme, std::string_view value) {
    const Store::ExternalIdInsert row{.entity = id, .scheme = scheme, .value = value};
    store_.insert_external_ids({&row, 1});
  }
  // The source with this ext_id (second: whether it was written now; `row.id` is ignored).
  std::pair<SourceId, bool> source(Store::SourceInsert row) {
    if (auto found = store_.find_source(row.ext_id)) return {*found, false};
    row.id = SourceId{next_.source++};
    store_.insert_sources({&row, 1});
    return {row.id, true};
  }
  std::pair<SourceId, bool> source(std::string_view ext_id, std::string_view url, std::string_view title = {}) {
    Store::SourceInsert row{};
    row.ext_id = ext_id;
    row.url = url;
    row.title = title;
    return source(row);
  }
  // The relation equal to `r` in every identifying field (second: whether it was written now;
  // `r.id` is ignored).
  std::pair<RelationId, bool> relation(const RelationRow& r) {
    Store::RelationInsert row = relation_insert(r);
    if (auto found = store_.find_relation(row)) return {*found, false};
    row.id = RelationId{next_.relation++};
    store_.insert_relations({&row, 1});
    return {row.id, true};
  }
  // False: the same claim (relation, source, record) is already recorded.
  bool claim(const Store::ClaimInsert& row) { return store_.insert_claims({&row, 1}) == 1; }
  bool claim(RelationId relation, SourceId source, std::string_view record = {}, double confidence = 1.0,
             std::string_view quote = {}, std::string_view file = {}) {
    Store::ClaimInsert row{};
    row.relation = relation;
    row.source = source;
    row.record = record;
    row.confidence = confidence;
    row.quote = quote;
    row.file = file;
    return claim(row);
  }

 private:
  Store& store_;
  Store::NextIds next_;
};

}  // namespace tg::test_support
