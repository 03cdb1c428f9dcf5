#include "ingest/writer.h"

#include <algorithm>

namespace tg::ingest {

Fingerprint fingerprint(const Store::RelationInsert& r) {
  Fingerprint f;
  f.add(static_cast<std::int64_t>(r.kind));
  f.add(raw(r.from));
  f.add(raw(r.to));
  f.add(static_cast<std::int64_t>(r.start.known() ? r.start.first_day() * 4 + static_cast<int>(r.start.precision()) : -1));
  f.add(static_cast<std::int64_t>(r.end.known() ? r.end.first_day() * 4 + static_cast<int>(r.end.precision()) : -1));
  f.add(r.role);
  f.add(static_cast<std::int64_t>(r.former));
  f.add(r.left ? raw(*r.left) : 0);
  f.add(r.status);
  return f;
}

RunWriter::RunWriter(Store& writer, Store* reader, bool background, IngestReport& report, TextArena& text)
    : writer_(writer), reader_(reader), background_(background), report_(report), text_(text),
      next_(writer.next_ids()) {}

RunWriter::~RunWriter() {
  // On an error path: let a batch in flight end before the transaction is rolled back.
  if (inflight_.valid()) inflight_.wait();
}

std::string_view RunWriter::intern(std::string_view s) {
  if (s.empty()) return {};
  const std::uint64_t h = interned_.hash(s);
  if (auto* v = interned_.find(s, h)) return *v;
  const std::string_view kept = text_.keep(s);
  return interned_.insert(kept, h, kept);
}

EntityId RunWriter::create_entity(NodeKind kind, std::string_view name, std::string_view country, bool anonymous,
                                 std::string_view description) {
  const EntityId id{next_.entity++};
  entities_.push_back({id, kind, name, country, description, anonymous});
  ++report_.entities_created;
  return id;
}

void RunWriter::add_alias(EntityId id, std::string_view name, std::string_view key) {
  Chains& chains = chains_of(id);
  for (std::int32_t a = chains.alias; a >= 0; a = aliases_[static_cast<std::size_t>(a)].next)
    if (aliases_[static_cast<std::size_t>(a)].name == name) return;
  aliases_.push_back({name, key, chains.alias});
  chains.alias = static_cast<std::int32_t>(aliases_.size() - 1);
  batch_.aliases.push_back({id, name, key});
  // The entity joins the key's chain once, however many of its names share the key.
  const std::uint64_t h = key_heads_.hash(key);
  std::int32_t* head = key_heads_.find(key, h);
  if (!head) head = &key_heads_.insert(key, h, -1);
  for (std::int32_t l = *head; l >= 0; l = key_links_[static_cast<std::size_t>(l)].next)
    if (key_links_[static_cast<std::size_t>(l)].id == id) return;
  key_links_.push_back({id, *head});
  *head = static_cast<std::int32_t>(key_links_.size() - 1);
}

void RunWriter::add_external_id(EntityId id, const ExternalId& ext) {
  const std::string_view joined = joined_id(ext);
  const std::uint64_t h = ids_.hash(joined);
  if (ids_.find(joined, h)) return;
  const std::string_view kept = text_.keep(joined);
  ids_.insert(kept, h, id);
  const std::string_view scheme = kept.substr(0, ext.scheme.size()), value = kept.substr(ext.scheme.size() + 1);
  Chains& chains = chains_of(id);
  ids_of_.push_back({scheme, value, chains.ext});
  chains.ext = static_cast<std::int32_t>(ids_of_.size() - 1);
  batch_.external_ids.push_back({id, scheme, value});
}

void RunWriter::set_country(EntityId id, std::string_view country) {
  if (created_here(id)) {
    auto& e = entities_[static_cast<std::size_t>(raw(id) - first_entity_)];
    if (!e.country.empty()) return;
    e.country = country;
    if (raw(id) >= batch_first_entity_) return;  // not written yet: written with it
  }
  batch_.countries.emplace_back(id, country);
}

std::vector<EntityId> RunWriter::entities_with_alias_key(std::string_view key) {
  std::vector<EntityId> out;
  if (reader_) out = reader_->entities_with_alias_key(key);
  if (const std::int32_t* head = key_heads_.find(key))
    for (std::int32_t l = *head; l >= 0; l = key_links_[static_cast<std::size_t>(l)].next) {
      const EntityId id = key_links_[static_cast<std::size_t>(l)].id;
      if (std::ranges::find(out, id) == out.end()) out.push_back(id);
    }
  return out;
}

std::optional<EntityId> RunWriter::entity_by_external_id(const ExternalId& ext) {
  if (const EntityId* id = ids_.find(joined_id(ext))) return *id;
  if (!reader_) return std::nullopt;
  return reader_->entity_by_external_id(ext.scheme, ext.value);
}

std::optional<EntityRow> RunWriter::entity(EntityId id) {
  if (created_here(id)) {
    const auto& e = entities_[static_cast<std::size_t>(raw(id) - first_entity_)];
    return EntityRow{e.id, e.kind, std::string(e.name), std::string(e.country), e.anonymous,
                     std::string(e.description)};
  }
  return reader_ ? reader_->entity(id) : std::nullopt;
}

std::vector<std::string> RunWriter::alias_keys(EntityId id) {
  std::vector<std::string> keys;
  if (!created_here(id) && reader_)
    for (auto& a : reader_->aliases(id)) keys.push_back(std::move(a.key));
  if (const Chains* chains = chains_.find(raw(id)))
    for (std::int32_t a = chains->alias; a >= 0; a = aliases_[static_cast<std::size_t>(a)].next)
      keys.emplace_back(aliases_[static_cast<std::size_t>(a)].key);
  return keys;
}

std::vector<ExternalId> RunWriter::external_ids(EntityId id) {
  std::vector<ExternalId> ids;
  if (!created_here(id) && reader_) ids = reader_->external_ids(id);
  if (const Chains* chains = chains_.find(raw(id)))
    for (std::int32_t x = chains->ext; x >= 0; x = ids_of_[static_cast<std::size_t>(x)].next)
      ids.push_back({std::string(ids_of_[static_cast<std::size_t>(x)].scheme),
                     std::string(ids_of_[static_cast<std::size_t>(x)].value)});
  return ids;
}

SourceId RunWriter::source(const Store::SourceInsert& row) {
  const std::uint64_t h = sources_.hash(row.ext_id);
  if (const SourceId* id = sources_.find(row.ext_id, h)) return *id;
  SourceId id;
  if (auto found = reader_ ? reader_->find_source(row.ext_id) : std::nullopt) {
    id = *found;
  } else {
    id = SourceId{next_.source++};
    batch_.sources.push_back(row);
    batch_.sources.back().id = id;
    ++report_.sources_added;
  }
  sources_.insert(row.ext_id, h, id);
  return id;
}

void RunWriter::relation(const Store::RelationInsert& row, const Store::ClaimInsert& claim) {
  const Fingerprint identity = fingerprint(row);
  const std::uint64_t h = relations_.hash(identity);
  RelationId id;
  if (const RelationId* known = relations_.find(identity, h)) {
    id = *known;
    ++report_.relations_existing;
  } else {
    // Only a relation between entities that existed before this run can be in the store already.
    const bool old_ends = !created_here(row.from) && !created_here(row.to) && !(row.left && created_here(*row.left));
    std::optional<RelationId> found = old_ends && reader_ ? reader_->find_relation(row) : std::nullopt;
    if (found) {
      id = *found;
      ++report_.relations_existing;
    } else {
      id = RelationId{next_.relation++};
      batch_.relations.push_back(row);
      batch_.relations.back().id = id;
      ++report_.relations_added;
    }
    relations_.insert(identity, h, id);
  }
  batch_.claims.push_back(claim);
  batch_.claims.back().relation = id;
  if (claim.location) located_relations_.push_back(id);
  if (row.kind == RelationKind::headquartered_in) {
    const std::uint64_t hc = country_seen_.hash(raw(row.from));
    if (!country_seen_.find(raw(row.from), hc)) {
      country_seen_.insert(raw(row.from), hc, true);
      country_entities_.push_back(row.from);
    }
  }
  ++claims_seen_;
  if (batch_.claims.size() >= kBatchRows) flush();
}

bool RunWriter::revise_source(const Store::SourceInsert& row) {
  const std::uint64_t h = sources_.hash(row.ext_id);
  if (sources_.find(row.ext_id, h)) return true;
  auto found = reader_ ? reader_->find_source(row.ext_id) : std::nullopt;
  if (!found) return false;
  sources_.insert(row.ext_id, h, *found);
  batch_.retractions.push_back(Origin{*found, 0});
  ++report_.sources_revised;
  batch_.source_updates.push_back(row);
  batch_.source_updates.back().id = *found;
  return false;
}

std::int64_t RunWriter::csv_file(std::string_view name) {
  const std::uint64_t h = csv_files_.hash(name);
  if (const std::int64_t* id = csv_files_.find(name, h)) return *id;
  const std::string_view kept = text_.keep(name);
  std::int64_t id;
  if (auto found = reader_ ? reader_->find_csv_file(name) : std::nullopt) {
    id = *found;
    batch_.retractions.push_back(Origin{SourceId{0}, id});
    ++report_.csv_files_revised;
  } else {
    id = next_.csv_file++;
    batch_.csv_files.emplace_back(id, kept);
  }
  csv_files_.insert(kept, h, id);
  return id;
}

void RunWriter::mention(Origin origin, EntityId id, MentionKind what, std::string_view value, double confidence) {
  Fingerprint f;
  f.add(raw(origin.source));
  f.add(origin.csv_file);
  f.add(raw(id));
  f.add(static_cast<std::int64_t>(what));
  f.add(value);
  const std::uint64_t h = batch_mentions_.hash(f);
  if (what == MentionKind::country) {
    const std::uint64_t hc = country_seen_.hash(raw(id));
    if (!country_seen_.find(raw(id), hc)) {
      country_seen_.insert(raw(id), hc, true);
      country_entities_.push_back(id);
    }
  }
  // The same mention again (another record of the origin) adds nothing but its confidence, if
  // higher: the store keeps the highest.
  if (const std::uint32_t* at = batch_mentions_.find(f, h)) {
    double& kept = batch_.mentions[*at].confidence;
    kept = std::max(kept, confidence);
    return;
  }
  batch_mentions_.insert(f, h, static_cast<std::uint32_t>(batch_.mentions.size()));
  batch_.mentions.push_back({origin, id, what, what == MentionKind::country ? intern(value) : text_.keep(value), confidence});
}

void RunWriter::flush() {
  collect();
  for (std::int64_t e = batch_first_entity_; e < next_.entity; ++e)
    batch_.entities.push_back(entities_[static_cast<std::size_t>(e - first_entity_)]);
  batch_first_entity_ = next_.entity;
  auto write = [this, batch = std::move(batch_)]() { return write_batch(batch); };
  batch_ = Batch{};
  batch_mentions_.clear();
  if (background_) {
    inflight_ = std::async(std::launch::async, std::move(write));
  } else {
    add_counts(write());
  }
}

void RunWriter::finish() {
  flush();
  collect();
  report_.claims_existing += claims_seen_ - claims_added_;
}

RunWriter::Chains& RunWriter::chains_of(EntityId id) {
  const std::uint64_t h = chains_.hash(raw(id));
  if (Chains* c = chains_.find(raw(id), h)) return *c;
  return chains_.insert(raw(id), h, Chains{});
}

std::string_view RunWriter::joined_id(const ExternalId& ext) {
  joined_.assign(ext.scheme);
  joined_.push_back(kSep);
  joined_.append(ext.value);
  return joined_;
}

RunWriter::Counts RunWriter::write_batch(const Batch& b) {
  Counts c;
  for (const Origin& o : b.retractions) writer_.retract(o);
  for (const auto& row : b.source_updates) writer_.update_source(row);
  for (const auto& [id, name] : b.csv_files) writer_.insert_csv_file(id, name);
  writer_.insert_entities(b.entities);
  c.aliases = writer_.insert_aliases(b.aliases);
  writer_.sync_search_index();  // here, beside the parsing, rather than all at commit
  writer_.insert_external_ids(b.external_ids);
  for (const auto& [id, country] : b.countries) writer_.set_entity_country(id, country);
  writer_.insert_sources(b.sources);
  writer_.insert_relations(b.relations);
  c.claims = writer_.insert_claims(b.claims);
  writer_.insert_mentions(b.mentions);
  return c;
}

void RunWriter::add_counts(const Counts& c) {
  report_.aliases_added += c.aliases;
  report_.claims_added += c.claims;
  claims_added_ += c.claims;
}

void RunWriter::collect() {
  if (inflight_.valid()) add_counts(inflight_.get());
}

}  // namespace tg::ingest
