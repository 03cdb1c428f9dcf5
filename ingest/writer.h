// The writing side of an ingest: RunWriter buffers what a run writes and flushes it in large
// batches (one statement per row costs more than the B-trees), on a background thread when it
// can, and keeps in-memory indexes of everything the run added so that lookups see the store
// as it was plus the run so far.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/hash.h"
#include "graph/store.h"
#include "ingest/flat_map.h"
#include "ingest/report.h"

namespace tg::ingest {

// Separates the parts of joined keys (external ids, forgotten digests, rule names).
inline constexpr char kSep = '\x1f';

// A 128-bit fingerprint of a relation's identity (every field that makes two relations equal),
// for the in-run duplicate check without building strings: FNV-1a and a second, independent
// 64-bit hash, so a false match needs both to collide (about 1e-20 for ten million relations).
struct Fingerprint {
  Fnv1a a;
  std::uint64_t b = 0x9e3779b97f4a7c15ULL;
  void add(std::string_view bytes) {
    a.bytes(bytes);
    for (unsigned char c : bytes) {
      b = (b + c + 1) * 0xff51afd7ed558ccdULL;
      b ^= b >> 29;
    }
    a.byte(0xff);  // field separator
    b = (b + 0x100) * 0xc4ceb9fe1a85ec53ULL;
  }
  void add(std::int64_t v) { add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  bool operator==(const Fingerprint& o) const { return a.value() == o.a.value() && b == o.b; }
};
struct FingerprintHash {
  std::size_t operator()(const Fingerprint& f) const { return static_cast<std::size_t>(f.a.value() ^ (f.b << 1)); }
};

Fingerprint fingerprint(const Store::RelationInsert& r);

// What this run writes, with in-memory indexes of everything the run added. Lookups combine
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
  RunWriter(Store& writer, Store* reader, bool background, IngestReport& report, TextArena& text);
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  ~RunWriter();

  TextArena& text() { return text_; }
  bool created_here(EntityId id) const { return raw(id) >= first_entity_; }

  // A stable copy of short, much repeated text (roles, countries): one copy per distinct value.
  std::string_view intern(std::string_view s);

  // `name`, `country` and `description` are kept by the caller (interned or in a document).
  EntityId create_entity(NodeKind kind, std::string_view name, std::string_view country, bool anonymous,
                         std::string_view description);
  // `name` and `key` must be kept by the caller.
  void add_alias(EntityId id, std::string_view name, std::string_view key);
  void add_external_id(EntityId id, const ExternalId& ext);
  // Fills in an unknown country (the first one given wins). `country` must be kept by the caller.
  void set_country(EntityId id, std::string_view country);

  std::vector<EntityId> entities_with_alias_key(std::string_view key);
  std::optional<EntityId> entity_by_external_id(const ExternalId& ext);
  std::optional<EntityRow> entity(EntityId id);
  std::vector<std::string> alias_keys(EntityId id);
  std::vector<ExternalId> external_ids(EntityId id);

  // The source already met in this run under `ext_id`, if any.
  std::optional<SourceId> known_source(std::string_view ext_id) {
    if (const SourceId* id = sources_.find(ext_id)) return *id;
    return std::nullopt;
  }
  // The source with `row.ext_id`, found or added; every view of `row` must be kept by the caller.
  SourceId source(const Store::SourceInsert& row);

  // Writes one relation (or finds it, here or in the store) and its claim. Every view must be
  // kept by the caller.
  void relation(const Store::RelationInsert& row, const Store::ClaimInsert& claim);

  // Revisions. A document whose source the store holds already replaces that source's claims
  // and mentions: revise_source() queues their retraction ahead of everything the document
  // writes (and the source's new citation). A CSV file is identified by its name: csv_file()
  // gives its id, retracting what an earlier ingest of a file of that name wrote. Both return
  // whether the origin was met before in this run (then nothing is retracted again).
  bool revise_source(const Store::SourceInsert& row);
  std::int64_t csv_file(std::string_view name);
  // What `origin` says of an entity: a name as given, "scheme U+001F value" or a country.
  // Written once per batch (`value` is copied then), with the highest confidence given; the
  // store's upsert merges the same mention from two batches.
  void mention(Origin origin, EntityId id, MentionKind what, std::string_view value, double confidence = 1.0);

  // What the end of the run recomputes: entities given a country (or a headquarters) in this
  // run, relations given a location.
  const std::vector<EntityId>& country_entities() const { return country_entities_; }
  const std::vector<RelationId>& located_relations() const { return located_relations_; }

  // Hands the buffered rows to the writer (after the previous batch is written).
  void flush();
  // Everything written: the writer connection is this thread's again.
  void finish();

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
    std::vector<Origin> retractions;  // first: before anything of the batch
    std::vector<Store::SourceInsert> source_updates;
    std::vector<std::pair<std::int64_t, std::string_view>> csv_files;
    std::vector<Store::MentionInsert> mentions;
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

  Chains& chains_of(EntityId id);
  // "scheme U+001F value", in a buffer reused from call to call.
  std::string_view joined_id(const ExternalId& ext);
  // Foreign-key order: entities before what names them, relations before their claims.
  Counts write_batch(const Batch& b);
  void add_counts(const Counts& c);
  // Waits for the batch in flight, if any (rethrowing what it threw).
  void collect();

  Store& writer_;
  Store* reader_;
  const bool background_;
  IngestReport& report_;
  TextArena& text_;
  Store::NextIds next_;
  const std::int64_t first_entity_ = next_.entity;
  std::int64_t batch_first_entity_ = next_.entity;
  std::size_t claims_seen_ = 0, claims_added_ = 0;
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
  FlatMap<std::string_view, std::int64_t, TextHash> csv_files_;  // name -> id
  // The batch's mentions (index into batch_.mentions), emptied at each flush: a run-long map held
  // three entries per CSV row (1.3 GiB at 5M rows), for duplicates that are nearly all a
  // person's consecutive rows.
  FlatMap<Fingerprint, std::uint32_t, FingerprintHash> batch_mentions_;
  FlatMap<std::int64_t, bool, IntHash> country_seen_;
  std::vector<EntityId> country_entities_;
  std::vector<RelationId> located_relations_;
};

}  // namespace tg::ingest
