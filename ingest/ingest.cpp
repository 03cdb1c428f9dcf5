#include "ingest/ingest.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <future>
#include <fstream>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "graph/digest.h"
#include "ingest/csv.h"
#include "ingest/curation.h"
#include "ingest/document.h"
#include "ingest/extraction.h"
#include "ingest/flat_map.h"
#include "graph/names.h"

namespace tg::ingest {
namespace {

namespace fs = std::filesystem;

constexpr char kSep = '\x1f';

std::string forgotten_name_digest(std::string_view key) { return sha256_hex(fmt::format("person{}{}", kSep, key)); }
std::string forgotten_id_digest(const ExternalId& id) {
  return sha256_hex(fmt::format("id{}{}{}{}", kSep, id.scheme, kSep, id.value));
}

std::optional<InputFormat> format_from_path(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name == "curation.json" || name.ends_with(".curation.json")) return InputFormat::curation;
  const std::string ext = path.extension().string();
  if (ext == ".json") return InputFormat::json;
  if (ext == ".jsonl" || ext == ".ndjson") return InputFormat::jsonl;
  if (ext == ".csv") return InputFormat::csv;
  return std::nullopt;
}

// Curation rules indexed by alias key. Names carry no kind, so each is keyed both ways.
struct CurationIndex {
  std::unordered_map<std::string, std::size_t> group_of_key;
  std::vector<std::vector<std::string>> group_keys;
  std::vector<std::pair<std::set<std::string, std::less<>>, std::set<std::string, std::less<>>>> apart;

  static std::set<std::string, std::less<>> keys_of(const std::string& name) {
    std::set<std::string, std::less<>> keys;
    for (KeyStyle style : {KeyStyle::plain, KeyStyle::organisation})
      if (auto k = alias_key(name, style); !k.empty()) keys.insert(k);
    return keys;
  }

  void add_same_as(const std::vector<std::string>& names) {
    // Groups that share a key are one group.
    std::set<std::string, std::less<>> keys;
    for (const auto& n : names) keys.merge(keys_of(n));
    std::set<std::size_t> joined;
    for (const auto& k : keys)
      if (auto it = group_of_key.find(k); it != group_of_key.end()) joined.insert(it->second);
    std::size_t g = joined.empty() ? group_keys.size() : *joined.begin();
    if (joined.empty()) group_keys.emplace_back();
    for (std::size_t other : joined) {
      if (other == g) continue;
      for (auto& k : group_keys[other]) keys.insert(k);
      group_keys[other].clear();
    }
    group_keys[g].assign(keys.begin(), keys.end());
    for (const auto& k : keys) group_of_key[k] = g;
  }

  void add_not_same_as(const std::string& a, const std::string& b) { apart.emplace_back(keys_of(a), keys_of(b)); }
};

// A 128-bit fingerprint of a relation's identity (every field that makes two relations equal),
// for the in-run duplicate check without building strings: two independent 64-bit hashes, so a
// false match needs both to collide (about 1e-20 for ten million relations).
struct Fingerprint {
  std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x9e3779b97f4a7c15ULL;
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b + c + 1) * 0xff51afd7ed558ccdULL;
      b ^= b >> 29;
    }
    a = (a ^ 0xff) * 0x100000001b3ULL;  // field separator
    b = (b + 0x100) * 0xc4ceb9fe1a85ec53ULL;
  }
  void add(std::int64_t v) { add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  bool operator==(const Fingerprint&) const = default;
};
struct FingerprintHash {
  std::size_t operator()(const Fingerprint& f) const { return static_cast<std::size_t>(f.a ^ (f.b << 1)); }
};

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

// Where an entity was named, formatted only when a message needs it: "file:12: entities[3]".
struct Where {
  std::string_view file;
  std::size_t line = 0;  // 0: none (a JSON document's own file)
  std::string_view record;
  std::string str() const {
    std::string out(file);
    if (line) out += fmt::format(":{}", line);
    if (!record.empty()) out += fmt::format(": {}", record);
    return out;
  }
};

// What this run writes, buffered and flushed in large batches (one statement per row costs
// more than the B-trees), with in-memory indexes of everything the run added. Lookups combine
// those with `reader`, which sees the store as it was before the run. When `reader` is another
// connection than `writer`, batches are written by a second thread while this one goes on
// parsing and resolving; the two never touch one connection at once.
//
// Batch rows view text that outlives the run: the input documents, the input paths, and the
// run's TextArena (names and ids of CSV rows, formatted record locations).
class RunWriter {
 public:
  // `reader` is null when the store held nothing before the run (there is nothing to look up);
  // `background`: batches are written by a second thread (never while `reader` is `writer`).
  RunWriter(Store& writer, Store* reader, bool background, IngestReport& report, TextArena& text)
      : writer_(writer), reader_(reader), background_(background), report_(report), text_(text),
        next_(writer.next_ids()) {}

  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  ~RunWriter() {
    // On an error path: let a batch in flight end before the transaction is rolled back.
    if (inflight_.valid()) inflight_.wait();
  }

  TextArena& text() { return text_; }
  bool created_here(EntityId id) const { return raw(id) >= first_entity_; }

  // A stable copy of short, much repeated text (roles, countries): one copy per distinct value.
  std::string_view intern(std::string_view s) {
    if (s.empty()) return {};
    const std::uint64_t h = interned_.hash(s);
    if (auto* v = interned_.find(s, h)) return *v;
    const std::string_view kept = text_.keep(s);
    return interned_.insert(kept, h, kept);
  }

  // `name`, `country` and `description` are kept by the caller (interned or in a document).
  EntityId create_entity(NodeKind kind, std::string_view name, std::string_view country, bool anonymous,
                         std::string_view description) {
    const EntityId id{next_.entity++};
    entities_.push_back({id, kind, name, country, description, anonymous});
    ++report_.entities_created;
    return id;
  }

  // `name` and `key` must be kept by the caller.
  void add_alias(EntityId id, std::string_view name, std::string_view key) {
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

  void add_external_id(EntityId id, const ExternalId& ext) {
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

  // Fills in an unknown country (the first one given wins). `country` must be kept by the caller.
  void set_country(EntityId id, std::string_view country) {
    if (created_here(id)) {
      auto& e = entities_[static_cast<std::size_t>(raw(id) - first_entity_)];
      if (!e.country.empty()) return;
      e.country = country;
      if (raw(id) >= batch_first_entity_) return;  // not written yet: written with it
    }
    batch_.countries.emplace_back(id, country);
  }

  std::vector<EntityId> entities_with_alias_key(std::string_view key) {
    std::vector<EntityId> out;
    if (reader_) out = reader_->entities_with_alias_key(key);
    if (const std::int32_t* head = key_heads_.find(key))
      for (std::int32_t l = *head; l >= 0; l = key_links_[static_cast<std::size_t>(l)].next) {
        const EntityId id = key_links_[static_cast<std::size_t>(l)].id;
        if (std::ranges::find(out, id) == out.end()) out.push_back(id);
      }
    return out;
  }

  std::optional<EntityId> entity_by_external_id(const ExternalId& ext) {
    if (const EntityId* id = ids_.find(joined_id(ext))) return *id;
    if (!reader_) return std::nullopt;
    return reader_->entity_by_external_id(ext.scheme, ext.value);
  }

  std::optional<EntityRow> entity(EntityId id) {
    if (created_here(id)) {
      const auto& e = entities_[static_cast<std::size_t>(raw(id) - first_entity_)];
      return EntityRow{e.id, e.kind, std::string(e.name), std::string(e.country), e.anonymous,
                       std::string(e.description)};
    }
    return reader_ ? reader_->entity(id) : std::nullopt;
  }

  std::vector<std::string> alias_keys(EntityId id) {
    std::vector<std::string> keys;
    if (!created_here(id) && reader_)
      for (auto& a : reader_->aliases(id)) keys.push_back(std::move(a.key));
    if (const Chains* chains = chains_.find(raw(id)))
      for (std::int32_t a = chains->alias; a >= 0; a = aliases_[static_cast<std::size_t>(a)].next)
        keys.emplace_back(aliases_[static_cast<std::size_t>(a)].key);
    return keys;
  }

  std::vector<ExternalId> external_ids(EntityId id) {
    std::vector<ExternalId> ids;
    if (!created_here(id) && reader_) ids = reader_->external_ids(id);
    if (const Chains* chains = chains_.find(raw(id)))
      for (std::int32_t x = chains->ext; x >= 0; x = ids_of_[static_cast<std::size_t>(x)].next)
        ids.push_back({std::string(ids_of_[static_cast<std::size_t>(x)].scheme),
                       std::string(ids_of_[static_cast<std::size_t>(x)].value)});
    return ids;
  }

  // The source already met in this run under `ext_id`, if any.
  std::optional<SourceId> known_source(std::string_view ext_id) {
    if (const SourceId* id = sources_.find(ext_id)) return *id;
    return std::nullopt;
  }

  // The source with `row.ext_id`, found or added; every view of `row` must be kept by the caller.
  SourceId source(const Store::SourceInsert& row) {
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

  // Writes one relation (or finds it, here or in the store) and its claim. Every view must be
  // kept by the caller.
  void relation(const Store::RelationInsert& row, const Store::ClaimInsert& claim) {
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
    ++claims_seen_;
    if (batch_.claims.size() >= kBatchRows) flush();
  }

  // Hands the buffered rows to the writer (after the previous batch is written).
  void flush() {
    collect();
    for (std::int64_t e = batch_first_entity_; e < next_.entity; ++e)
      batch_.entities.push_back(entities_[static_cast<std::size_t>(e - first_entity_)]);
    batch_first_entity_ = next_.entity;
    auto write = [this, batch = std::move(batch_)]() { return write_batch(batch); };
    batch_ = Batch{};
    if (background_) {
      inflight_ = std::async(std::launch::async, std::move(write));
    } else {
      add_counts(write());
    }
  }

  // Everything written: the writer connection is this thread's again.
  void finish() {
    flush();
    collect();
    report_.claims_existing = claims_seen_ - report_.claims_added;
  }

 private:
  static constexpr std::size_t kBatchRows = 50000;

  struct Batch {
    std::vector<Store::EntityInsert> entities;
    std::vector<Store::AliasInsert> aliases;
    std::vector<Store::ExternalIdInsert> external_ids;
    std::vector<std::pair<EntityId, std::string_view>> countries;
    std::vector<Store::SourceInsert> sources;
    std::vector<Store::RelationInsert> relations;
    std::vector<Store::ClaimInsert> claims;
  };
  struct Counts {
    std::size_t aliases = 0, claims = 0;
  };
  // Each entity's aliases and ids added in this run, as chains through aliases_ and ids_of_.
  struct Chains {
    std::int32_t alias = -1, ext = -1;
  };
  struct RunAlias {
    std::string_view name, key;
    std::int32_t next;
  };
  struct RunExternalId {
    std::string_view scheme, value;
    std::int32_t next;
  };
  struct KeyLink {
    EntityId id;
    std::int32_t next;
  };

  Chains& chains_of(EntityId id) {
    const std::uint64_t h = chains_.hash(raw(id));
    if (Chains* c = chains_.find(raw(id), h)) return *c;
    return chains_.insert(raw(id), h, Chains{});
  }

  // "scheme U+001F value", in a buffer reused from call to call.
  std::string_view joined_id(const ExternalId& ext) {
    joined_.assign(ext.scheme);
    joined_.push_back(kSep);
    joined_.append(ext.value);
    return joined_;
  }

  // Foreign-key order: entities before what names them, relations before their claims.
  Counts write_batch(const Batch& b) {
    Counts c;
    writer_.insert_entities(b.entities);
    c.aliases = writer_.insert_aliases(b.aliases);
    writer_.sync_search_index();  // here, beside the parsing, rather than all at commit
    writer_.insert_external_ids(b.external_ids);
    for (const auto& [id, country] : b.countries) writer_.set_entity_country(id, country);
    writer_.insert_sources(b.sources);
    writer_.insert_relations(b.relations);
    c.claims = writer_.insert_claims(b.claims);
    return c;
  }

  void add_counts(const Counts& c) {
    report_.aliases_added += c.aliases;
    report_.claims_added += c.claims;
  }

  // Waits for the batch in flight, if any (rethrowing what it threw).
  void collect() {
    if (inflight_.valid()) add_counts(inflight_.get());
  }

  Store& writer_;
  Store* reader_;
  const bool background_;
  IngestReport& report_;
  TextArena& text_;
  Store::NextIds next_;
  const std::int64_t first_entity_ = next_.entity;
  std::int64_t batch_first_entity_ = next_.entity;
  std::size_t claims_seen_ = 0;
  Batch batch_;
  std::future<Counts> inflight_;
  std::string joined_;
  std::vector<Store::EntityInsert> entities_;  // created in this run, by id - first_entity_
  std::vector<RunAlias> aliases_;
  std::vector<RunExternalId> ids_of_;
  std::vector<KeyLink> key_links_;
  FlatMap<std::int64_t, Chains, IntHash> chains_;
  FlatMap<std::string_view, std::int32_t, TextHash> key_heads_;  // alias key -> chain of entities
  FlatMap<std::string_view, EntityId, TextHash> ids_;            // joined external id -> entity
  FlatMap<std::string_view, SourceId, TextHash> sources_;        // ext_id -> source
  FlatMap<std::string_view, std::string_view, TextHash> interned_;
  FlatMap<Fingerprint, RelationId, FingerprintHash> relations_;
};

class Resolver {
 public:
  // `reader` sees the store as it was before the run; `forgotten_now` holds the digests of
  // people forgotten earlier in this run.
  Resolver(Store* reader, RunWriter& writer, const CurationIndex& curation, IngestReport& report,
           const std::unordered_set<std::string>& forgotten_now)
      : store_(reader), writer_(writer), curation_(curation), report_(report), forgotten_now_(forgotten_now),
        check_forgotten_(!forgotten_now.empty() || (reader && reader->has_forgotten())) {}

  // The node for `spec`, merged or created; nullopt when the entity was forgotten. The views
  // of `spec` need not outlive the call.
  std::optional<EntityId> resolve(const EntitySpec& spec, const Where& where) {
    // Specs seen before in this run (a CSV names each person and organisation many times)
    // resolve as they did then: same name, ids and country give the same node.
    const bool simple = spec.aliases.empty() && spec.ids.size() <= 1 && !spec.anonymous && spec.description.empty();
    if (!simple) return resolve_uncached(spec, where);
    cache_key_.assign(is_organisation(spec.kind) ? "org" : to_string(spec.kind));
    cache_key_.push_back(kSep);
    cache_key_.append(spec.country);
    cache_key_.push_back(kSep);
    cache_key_.append(spec.name);
    for (const auto& id : spec.ids) {
      cache_key_.push_back(kSep);
      cache_key_.append(id.scheme);
      cache_key_.push_back(kSep);
      cache_key_.append(id.value);
    }
    const std::uint64_t h = cache_.hash(cache_key_);
    if (const std::int64_t* cached = cache_.find(cache_key_, h))
      return *cached ? std::optional<EntityId>(EntityId{*cached}) : std::nullopt;
    auto result = resolve_uncached(spec, where);
    cache_.insert(writer_.text().keep(cache_key_), h, result ? raw(*result) : 0);
    return result;
  }

 private:
  // The alias key of `name`, kept for the run (as is `name`'s copy, in `kept_name`).
  std::string_view key(std::string_view name, KeyStyle style, std::string_view* kept_name = nullptr) {
    auto& cache = key_cache_[static_cast<int>(style)];
    const std::uint64_t h = cache.hash(name);
    Keyed* k = cache.find(name, h);
    if (!k) {
      const std::string_view kept = writer_.text().keep(name);
      k = &cache.insert(kept, h, Keyed{kept, writer_.text().keep(alias_key(name, style))});
    }
    if (kept_name) *kept_name = k->name;
    return k->key;
  }

  bool forgotten(const EntitySpec& spec, const std::vector<std::string_view>& keys) {
    if (!check_forgotten_ || spec.kind != NodeKind::person) return false;
    auto is_forgotten = [&](const std::string& digest) {
      return forgotten_now_.contains(digest) || (store_ && store_->is_forgotten(digest));
    };
    for (const auto& k : keys)
      if (is_forgotten(forgotten_name_digest(k))) return true;
    for (const auto& id : spec.ids)
      if (is_forgotten(forgotten_id_digest(id))) return true;
    return false;
  }

  bool kept_apart(const std::vector<std::string_view>& keys, EntityId candidate) {
    if (curation_.apart.empty()) return false;
    std::set<std::string, std::less<>> theirs;
    for (auto& k : writer_.alias_keys(candidate)) theirs.insert(std::move(k));
    auto meets = [](const std::set<std::string, std::less<>>& rule, const auto& keys) {
      return std::ranges::any_of(keys, [&](const auto& k) { return rule.contains(k); });
    };
    for (const auto& [a, b] : curation_.apart) {
      if ((meets(a, keys) && meets(b, theirs)) || (meets(b, keys) && meets(a, theirs))) return true;
    }
    return false;
  }

  bool ids_conflict(const EntitySpec& spec, EntityId candidate) {
    if (spec.ids.empty()) return false;
    for (const auto& theirs : writer_.external_ids(candidate))
      for (const auto& ours : spec.ids)
        if (ours.scheme == theirs.scheme && ours.value != theirs.value) return true;
    return false;
  }

  std::string describe(EntityId id) {
    auto e = writer_.entity(id);
    return e ? fmt::format("{} ({}, #{})", e->name, to_string(e->kind), raw(id)) : fmt::format("#{}", raw(id));
  }

  std::optional<EntityId> resolve_uncached(const EntitySpec& spec, const Where& where) {
    const KeyStyle style = key_style(spec.kind);
    // Every name with its key, both kept for the run.
    std::vector<std::pair<std::string_view, std::string_view>> names;
    std::vector<std::string_view> keys;
    auto add_name = [&](std::string_view n) {
      std::string_view kept;
      const std::string_view k = key(n, style, &kept);
      names.emplace_back(kept, k);
      if (!k.empty() && std::ranges::find(keys, k) == keys.end()) keys.push_back(k);
    };
    add_name(spec.name);
    for (const auto& a : spec.aliases) add_name(a);
    if (forgotten(spec, keys)) {
      ++report_.forgotten_skipped;
      return std::nullopt;
    }

    std::optional<EntityId> chosen;
    // 1. Explicit identifiers win.
    std::vector<EntityId> by_id;
    for (const auto& id : spec.ids)
      if (auto e = writer_.entity_by_external_id(id); e && std::ranges::find(by_id, *e) == by_id.end())
        by_id.push_back(*e);
    if (!by_id.empty()) {
      chosen = by_id.front();
      if (by_id.size() > 1) report_ambiguity(spec, where, by_id);
    }
    // 2. Otherwise the alias keys (and their same_as groups), within compatible kinds.
    if (!chosen && !spec.anonymous) {
      std::vector<std::string_view> wanted = keys;
      if (!curation_.group_of_key.empty())
        for (const auto& k : keys) {
          if (auto g = curation_.group_of_key.find(std::string(k)); g != curation_.group_of_key.end())
            for (const auto& other : curation_.group_keys[g->second])
              if (std::ranges::find(wanted, other) == wanted.end()) wanted.push_back(other);
        }
      std::vector<EntityId> candidates;
      for (const auto& k : wanted) {
        for (EntityId id : writer_.entities_with_alias_key(k)) {
          if (std::ranges::find(candidates, id) != candidates.end()) continue;
          auto e = writer_.entity(id);
          if (!e || e->anonymous || !kinds_compatible(e->kind, spec.kind)) continue;
          if (ids_conflict(spec, id) || kept_apart(keys, id)) continue;
          candidates.push_back(id);
        }
      }
      if (candidates.size() == 1) chosen = candidates.front();
      if (candidates.size() > 1) report_ambiguity(spec, where, candidates);
    }

    EntityId id;
    if (chosen) {
      id = *chosen;
      const std::uint64_t h = matched_.hash(raw(id));
      if (!matched_.find(raw(id), h)) {
        matched_.insert(raw(id), h, true);
        ++report_.entities_matched;
      }
      if (!spec.country.empty()) writer_.set_country(id, writer_.intern(spec.country));
    } else {
      id = writer_.create_entity(spec.kind, names.front().first, writer_.intern(spec.country), spec.anonymous,
                                 writer_.text().keep(spec.description));
    }
    for (const auto& [n, k] : names)
      if (!k.empty()) writer_.add_alias(id, n, k);
    for (const auto& ext : spec.ids) writer_.add_external_id(id, ext);
    return id;
  }

  void report_ambiguity(const EntitySpec& spec, const Where& where, const std::vector<EntityId>& candidates) {
    Ambiguity a;
    a.where = where.str();
    a.name = spec.name;
    a.kind = spec.kind;
    for (EntityId c : candidates) a.candidates.push_back(describe(c));
    report_.ambiguities.push_back(std::move(a));
  }

  struct Keyed {
    std::string_view name, key;
  };

  Store* store_;  // null: the store was empty
  RunWriter& writer_;
  const CurationIndex& curation_;
  IngestReport& report_;
  const std::unordered_set<std::string>& forgotten_now_;
  bool check_forgotten_;
  std::string cache_key_;
  FlatMap<std::string_view, std::int64_t, TextHash> cache_;  // spec -> entity id (0: forgotten)
  FlatMap<std::string_view, Keyed, TextHash> key_cache_[2];  // name -> kept name and its key, by KeyStyle
  FlatMap<std::int64_t, bool, IntHash> matched_;
};

void write_document(RunWriter& writer, Resolver& resolver, const Document& doc) {
  // The source is stored with its first claim: a document whose every claim was about a
  // forgotten person leaves nothing behind.
  std::optional<SourceId> source;
  std::vector<std::optional<EntityId>> ids;
  ids.reserve(doc.entities.size());
  for (const auto& e : doc.entities) {
    if (e.anonymous && e.ids.empty()) {
      // An unnamed entity never merges by name; its source and ref identify it, so that
      // ingesting the same source again finds it instead of adding a twin.
      EntitySpec spec = e;
      spec.ids.push_back({"source-ref", fmt::format("{}#{}", doc.source.ext_id, e.ref)});
      ids.push_back(resolver.resolve(spec, Where{doc.file, doc.line.value_or(0), e.record}));
      continue;
    }
    ids.push_back(resolver.resolve(e, Where{doc.file, doc.line.value_or(0), e.record}));
  }
  for (const auto& r : doc.relations) {
    if (!ids[r.from] || !ids[r.to] || (r.left && !ids[*r.left])) continue;  // about a forgotten person
    Store::RelationInsert row;
    row.kind = r.kind;
    row.from = *ids[r.from];
    row.to = *ids[r.to];
    row.start = r.start;
    row.end = r.end;
    row.role = r.role;
    row.former = r.former;
    if (r.left) row.left = *ids[*r.left];
    row.status = r.status;
    if (!source) {
      const SourceRow& s = doc.source;
      source = writer.source({SourceId{}, s.ext_id, s.url, s.title, s.publisher, s.published, s.language, s.based_on,
                              s.content_hash});
    }
    Store::ClaimInsert claim;
    claim.source = *source;
    claim.quote = r.quote;
    claim.confidence = r.confidence;
    claim.file = doc.file;
    claim.record = doc.line ? writer.text().keep(fmt::format("line {}: {}", *doc.line, r.record)) : r.record;
    writer.relation(row, claim);
  }
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, fmt::format("{}: cannot read file", path));
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

void ingest_csv(RunWriter& writer, Resolver& resolver, IngestReport& report, const std::string& path,
                std::vector<Error>& errors, std::size_t max_errors) {
  auto text = read_file(path);
  if (!text) {
    errors.push_back(text.error());
    return;
  }
  const std::string_view file_name = writer.text().keep(fs::path(path).filename().string());
  const std::string_view file_source = writer.text().keep(fmt::format("file:{}", file_name));
  EntitySpec person, org;
  person.kind = NodeKind::person;
  Store::RelationInsert row;
  row.kind = RelationKind::worked_at;
  Store::ClaimInsert claim;
  claim.file = path;
  std::optional<EntityId> person_id, last_person;
  std::string last_person_name, last_person_id;
  read_careers(*text, path, errors, max_errors, [&](const CareerRow& r) {
    ++report.csv_rows;
    if (!errors.empty()) return;  // the run will fail: only go on validating
    const Where where{path, r.line, {}};
    // Career CSVs list a person's rows together: the previous row's person is the likeliest.
    if (last_person && r.person == last_person_name && r.person_id == last_person_id) {
      person_id = last_person;
    } else {
      person_id.reset();
    }
    if (!person_id) {
      person.name.assign(r.person);
      person.ids.clear();
      if (!r.person_id.empty()) {
        // "scheme:value" names the scheme (wikidata:Q42, linkedin:…); a bare id is the dataset's own.
        const auto colon = r.person_id.find(':');
        if (colon != std::string_view::npos && colon > 0)
          person.ids.push_back({std::string(r.person_id.substr(0, colon)), std::string(r.person_id.substr(colon + 1))});
        else
          person.ids.push_back({"person_id", std::string(r.person_id)});
      }
    }
    org.kind = r.organization_kind;
    org.name.assign(r.organization);
    org.country.assign(r.organization_country);
    auto p = person_id ? person_id : resolver.resolve(person, where);
    last_person = p;
    last_person_name.assign(r.person);
    last_person_id.assign(r.person_id);
    auto o = resolver.resolve(org, where);
    if (!p || !o) return;  // about a forgotten person
    const std::string_view source_id = r.source_url.empty() ? file_source : r.source_url;
    std::optional<SourceId> source = writer.known_source(source_id);
    if (!source) {
      Store::SourceInsert src;
      if (r.source_url.empty()) {
        src.ext_id = file_source;
        src.title = file_name;
      } else {
        src.ext_id = src.url = writer.text().keep(r.source_url);
      }
      source = writer.source(src);
    }
    row.from = *p;
    row.to = *o;
    row.start = r.start;
    row.end = r.end;
    row.role = writer.intern(r.role);
    claim.source = *source;
    char buffer[32];
    const auto end = fmt::format_to_n(buffer, sizeof buffer, "line {}", r.line).out;
    claim.record = writer.text().keep(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
    writer.relation(row, claim);
  });
}

// Deletes the people a forget rule names and records their digests (also in `digests`).
std::size_t apply_forget(Store& store, const std::string& name, std::unordered_set<std::string>& digests) {
  std::size_t removed = 0;
  const std::string k = alias_key(name, KeyStyle::plain);
  if (k.empty()) return 0;
  auto forget = [&](const std::string& digest) {
    store.add_forgotten(digest);
    digests.insert(digest);
  };
  forget(forgotten_name_digest(k));
  for (EntityId id : store.entities_with_alias_key(k)) {
    auto e = store.entity(id);
    if (!e || e->kind != NodeKind::person) continue;
    for (const auto& a : store.aliases(id)) forget(forgotten_name_digest(a.key));
    for (const auto& ext : store.external_ids(id)) forget(forgotten_id_digest(ext));
    store.delete_entity(id);
    ++removed;
  }
  return removed;
}

// Merges the entities that a same_as group names, within compatible kinds.
std::size_t apply_same_as(Store& store, const CurationIndex& index) {
  std::size_t merges = 0;
  for (const auto& keys : index.group_keys) {
    std::vector<EntityRow> found;
    for (const auto& k : keys)
      for (EntityId id : store.entities_with_alias_key(k))
        if (auto e = store.entity(id);
            e && std::ranges::none_of(found, [&](const EntityRow& f) { return f.id == id; }))
          found.push_back(*e);
    std::ranges::sort(found, {}, [](const EntityRow& e) { return raw(e.id); });
    for (std::size_t i = 0; i < found.size(); ++i) {
      for (std::size_t j = i + 1; j < found.size(); ++j) {
        if (found[j].id == found[i].id || !kinds_compatible(found[i].kind, found[j].kind)) continue;
        store.merge_entities(found[i].id, found[j].id);
        found[j].id = found[i].id;
        ++merges;
      }
    }
  }
  return merges;
}

// Whether a run is likely to add at least as many relations as the store holds, and enough
// for rebuilding indexes to pay (a CSV row is about 100 bytes).
bool bulk_run(Store& store, const std::vector<Document>& documents,
              const std::vector<std::pair<std::string, InputFormat>>& inputs) {
  constexpr std::uintmax_t kMinRows = 50000, kBytesPerRow = 100;
  std::uintmax_t rows = 0;
  for (const auto& d : documents) rows += d.relations.size();
  for (const auto& [path, format] : inputs) {
    std::error_code ec;
    if (format != InputFormat::csv) continue;
    if (const std::uintmax_t size = fs::file_size(path, ec); !ec) rows += size / kBytesPerRow;
  }
  const auto held = static_cast<std::uintmax_t>(store.next_ids().relation - 1);
  return rows >= kMinRows && rows >= held;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back(kSep);
    out += n;
  }
  return out;
}

std::vector<std::string> split_names(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    auto next = joined.find(kSep, pos);
    out.push_back(joined.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

Error join_errors(const std::vector<Error>& errors, std::size_t max_errors) {
  Error e{errors.front().code, {}};
  for (const auto& err : errors) {
    if (!e.message.empty()) e.message += '\n';
    e.message += err.message;
  }
  if (errors.size() >= max_errors) e.message += fmt::format("\n(stopped after {} errors)", max_errors);
  return e;
}

}  // namespace

std::optional<InputFormat> parse_input_format(std::string_view text) {
  if (text == "json") return InputFormat::json;
  if (text == "jsonl") return InputFormat::jsonl;
  if (text == "csv") return InputFormat::csv;
  if (text == "curation") return InputFormat::curation;
  return std::nullopt;
}

Result<std::vector<std::pair<std::string, InputFormat>>> collect_inputs(const std::vector<std::string>& paths,
                                                                         std::optional<InputFormat> forced) {
  std::vector<std::pair<std::string, InputFormat>> out;
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file() && format_from_path(it->path())) files.push_back(it->path());
      if (ec) return fail(ErrorCode::io, fmt::format("{}: cannot list folder: {}", p, ec.message()));
      std::ranges::sort(files);
      for (const auto& f : files) out.emplace_back(f.string(), forced.value_or(*format_from_path(f)));
    } else if (fs::exists(path, ec)) {
      auto format = forced ? forced : format_from_path(path);
      if (!format)
        return fail(ErrorCode::usage,
                    fmt::format("{}: unknown format (expected .json, .jsonl or .csv; or say --format)", p));
      out.emplace_back(p, *format);
    } else {
      return fail(ErrorCode::io, fmt::format("{}: no such file or folder", p));
    }
  }
  return out;
}

Result<IngestReport> ingest(Store& store, const std::vector<std::string>& paths, const IngestOptions& options) {
  auto inputs = collect_inputs(paths, options.format);
  if (!inputs) return std::unexpected(inputs.error());
  for (const auto& c : options.curation_files) inputs->emplace_back(c, InputFormat::curation);

  IngestReport report;
  std::vector<Error> errors;
  // Pass 1: read and validate every extraction document and curation file before writing.
  std::vector<Document> documents;
  Curation curation;
  for (const auto& [path, format] : *inputs) {
    ++report.files;
    if (format == InputFormat::json || format == InputFormat::jsonl) {
      auto docs = read_extraction_file(path, format == InputFormat::jsonl, errors, options.max_errors);
      for (auto& d : docs) documents.push_back(std::move(d));
    } else if (format == InputFormat::curation) {
      if (auto c = read_curation_file(path, errors)) {
        for (auto& g : c->same_as) curation.same_as.push_back(std::move(g));
        for (auto& p : c->not_same_as) curation.not_same_as.push_back(std::move(p));
        for (auto& f : c->forget) curation.forget.push_back(std::move(f));
      }
    }
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors, options.max_errors));
  report.documents = documents.size();

  try {
    // Every id the run writes was created or read in this transaction: SQLite's foreign-key
    // checks (half the cost of writing) are left out, and the tests check the result.
    Store::Transaction tx(store, Store::Checks::trusted);
    const bool was_empty = store.empty();
    // Pass 2: curation rules, stored ones and new ones; forgetting happens first.
    for (const auto& g : curation.same_as) store.add_curation_rule("same_as", join_names(g));
    for (const auto& [a, b] : curation.not_same_as) store.add_curation_rule("not_same_as", join_names({a, b}));
    std::unordered_set<std::string> forgotten_now;
    for (const auto& name : curation.forget) report.forgotten_removed += apply_forget(store, name, forgotten_now);
    CurationIndex index;
    for (const auto& [rule, names] : store.curation_rules()) {
      auto list = split_names(names);
      if (rule == "same_as") index.add_same_as(list);
      if (rule == "not_same_as" && list.size() == 2) index.add_not_same_as(list[0], list[1]);
    }
    // Pass 3: resolve and write, in input order (CSV files are validated as they stream).
    // Batches are written on this connection by a second thread while this one goes on. Lookups
    // go to a second connection, which sees the store as before this run; an empty store needs
    // none (nothing to look up), and an in-memory one cannot have one (then writing waits).
    std::optional<Store> second;
    if (!was_empty && store.path() != ":memory:" && !store.path().empty()) {
      auto opened = Store::open(store.path(), OpenMode::existing_only);
      if (opened) second = std::move(*opened);
    }
    Store* reader = was_empty ? nullptr : second ? &*second : &store;
    const bool background = was_empty || second;
    // A run that adds more relations than the store holds rebuilds the random-order indexes
    // rather than updating them row by row; lookups do not need them (see above).
    const bool bulk = background && options.rebuild_indexes.value_or(bulk_run(store, documents, *inputs));
    if (bulk) store.drop_bulk_indexes();
    TextArena text;
    RunWriter writer(store, reader, background, report, text);
    Resolver resolver(reader, writer, index, report, forgotten_now);
    for (const auto& doc : documents) write_document(writer, resolver, doc);
    for (const auto& [path, format] : *inputs)
      if (format == InputFormat::csv) ingest_csv(writer, resolver, report, path, errors, options.max_errors);
    if (!errors.empty()) return std::unexpected(join_errors(errors, options.max_errors));
    writer.finish();
    if (bulk) store.create_bulk_indexes();
    // Pass 4: same_as groups merge what resolution kept apart.
    report.curation_merges = apply_same_as(store, index);
    tx.commit();
    if (report.forgotten_removed) store.checkpoint();
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, fmt::format("{}: {}", store.path(), e.what()));
  }
  return report;
}

Result<IngestReport> ingest_new_store(const std::string& db_path, const std::vector<std::string>& paths,
                                     const IngestOptions& options) {
  const std::string side = fmt::format("{}.loading-{}", db_path, ::getpid());
  auto remove_side = [&] {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(side + suffix, ec);
  };
  remove_side();  // left by a crashed run of a process that had this pid
  Result<IngestReport> report = [&]() -> Result<IngestReport> {
    auto store = Store::open(side, OpenMode::initial_load);
    if (!store) {
      Error e = store.error();
      if (auto at = e.message.find(side); at != std::string::npos) e.message.replace(at, side.size(), db_path);
      return fail(std::move(e));
    }
    auto done = ingest(*store, paths, options);
    if (!done) return done;
    try {
      store->finish_initial_load();
    } catch (const StoreError& e) {
      return fail(ErrorCode::io, fmt::format("{}: {}", side, e.what()));
    }
    return done;
  }();
  if (!report) {
    remove_side();
    return report;
  }
  // Durable before it is visible: the file, then its name (link fails if the name exists).
  auto sync = [](const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
  };
  if (!sync(side, O_RDWR)) {
    const int err = errno;
    remove_side();
    return fail(ErrorCode::io, fmt::format("{}: cannot sync the new store: {}", side, std::strerror(err)));
  }
  if (::link(side.c_str(), db_path.c_str()) != 0) {
    const int err = errno;
    remove_side();
    if (err == EEXIST)
      return fail(ErrorCode::io,
                  fmt::format("{}: created by another process during this ingest; nothing was written (run it again "
                              "to add to that store)",
                              db_path));
    return fail(ErrorCode::io, fmt::format("{}: cannot create: {}", db_path, std::strerror(err)));
  }
  remove_side();
  fs::path dir = fs::path(db_path).parent_path();
  sync(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
  return report;
}

Result<std::size_t> forget_person(Store& store, const std::string& name) {
  try {
    Store::Transaction tx(store);
    std::unordered_set<std::string> digests;
    const std::size_t removed = apply_forget(store, name, digests);
    tx.commit();
    store.checkpoint();
    return removed;
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, fmt::format("{}: {}", store.path(), e.what()));
  }
}

}  // namespace tg::ingest
