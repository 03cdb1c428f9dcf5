// The store of record: a SQLite database of entities, aliases, external ids, sources, relations
// and the claims that back each relation. Versioned schema with migrations, foreign keys, WAL.
// Only this module talks to SQLite; names and quotes are always bound as parameters.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "graph/model.h"

namespace tg {

enum class EntityId : std::int64_t {};
enum class RelationId : std::int64_t {};
enum class SourceId : std::int64_t {};

inline std::int64_t raw(EntityId id) { return static_cast<std::int64_t>(id); }
inline std::int64_t raw(RelationId id) { return static_cast<std::int64_t>(id); }
inline std::int64_t raw(SourceId id) { return static_cast<std::int64_t>(id); }

// SQLite failing underneath us (disk full, corruption, a lock held too long) is exceptional:
// it is thrown, and turned into an Error with code io at the edges (CLI, ingest transaction).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EntityRow {
  EntityId id{};
  NodeKind kind = NodeKind::person;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2 or empty
  bool anonymous = false;
  std::string description;
};

struct AliasRow {
  std::string name;
  std::string key;
};

struct ExternalId {
  std::string scheme;
  std::string value;
};

struct SourceRow {
  SourceId id{};
  std::string ext_id;  // the source's own id from the input
  std::string url, title, publisher, published, language, based_on;
  std::string content_hash;
};

struct RelationRow {
  RelationId id{};
  RelationKind kind = RelationKind::worked_at;
  EntityId from{}, to{};
  PartialDate start, end;
  std::string role;
  bool former = false;
  std::optional<EntityId> left;  // `moved`: the organisation left
  std::string status;
  std::optional<EntityId> location;  // `worked_at`: the place of work, from the best claim naming one
};

// A claim as read back, with its source's citation.
struct Evidence {
  std::string source;  // source ext_id
  std::string source_title, source_publisher, source_url, source_published;
  std::string quote;
  double confidence = 1.0;
  std::string file, record;
};

// A relation's claim count and best claim (Store::for_each_best_claim).
struct BestClaim {
  RelationId relation{};
  std::uint64_t claims = 0;
  double confidence = 1.0;
  std::string_view source, quote;  // valid during the callback only
};

// Where claims and mentions come from, which is what a revision retracts: a document's source
// (csv_file 0) or a career CSV file (source 0; csv_files.id, see Store::csv_file).
struct Origin {
  SourceId source{};
  std::int64_t csv_file = 0;
  bool operator==(const Origin&) const = default;
};

// What a source or CSV file says an entity is called, is identified by or where it is.
enum class MentionKind { alias = 1, external_id = 2, country = 3 };

// One origin's country for an entity, as read back ("show"), with the origin named.
struct CountryClaim {
  // The source's ext_id; a CSV row's: "URL in NAME", or "csv:NAME" for rows without a source_url.
  std::string origin;
  std::string country;
  double confidence = 1.0;
  std::int64_t source = 0;  // who votes (one vote a source): the source's id, or -csv_file for a file's own
};

// What the revisions of a run took away (claims the new versions did not state again, and
// what was left without any claim or mention).
struct Retracted {
  std::size_t claims = 0, relations = 0, entities = 0, aliases = 0, ids = 0;
  // Claims of the new versions whose (relation, source) was retracted: known, not new (their
  // record may have moved).
  std::size_t restated = 0;
  // The new versions wrote back exactly what was retracted (claims, mentions, citations).
  bool unchanged = true;
};

struct Stats {
  std::vector<std::pair<NodeKind, std::int64_t>> entities_by_kind;
  std::vector<std::pair<RelationKind, std::int64_t>> relations_by_kind;
  std::int64_t entities = 0, relations = 0, sources = 0, claims = 0, aliases = 0;
};

struct SearchHit {
  EntityId id{};
  std::string name;       // canonical name
  NodeKind kind = NodeKind::person;
  std::string matched;    // the alias that matched
};

// What a file of a rebuild's folder gave, which retracting it takes away: a document's source
// (by ext_id, as source ids change when a source is dropped and made again) or a CSV file (by name).
struct FileOrigin {
  enum class Kind { source = 1, csv_file = 2 };
  Kind kind = Kind::source;
  std::string name;
  auto operator<=>(const FileOrigin&) const = default;
};

// One file of the rebuild manifest (schema v5, table source_files): see ingest/manifest.h.
struct SourceFileRow {
  std::string path;    // relative to the folder, '/' between parts
  std::string format;  // "json", "jsonl", "csv", "curation"
  std::int64_t size = 0, mtime_ns = 0;
  std::string sha256;  // of the bytes, lower-case hex
  std::int64_t generation = 0;  // the store's generation after the rebuild that read it
  std::vector<FileOrigin> origins;
};

// The write log (schema v6, tables `rebuilds` and `rebuild_moves`; v7 marks a first load): one
// entry per committed ingest or rebuild, with what it did and the moves that appeared and
// disappeared. A move is
// kept as it read when it was logged (names, countries, date, one piece of evidence): a retracted
// move's entities may be gone.
struct LogEntry {
  std::int64_t generation = 0;  // the store's generation that the write committed
  std::string kind;             // "ingest", "rebuild" or "rebuild --full"
  std::string started, finished;  // UTC, ISO 8601 ("2026-11-02T03:00:00Z")
  std::int64_t duration_ms = 0;
  std::int64_t files_added = 0, files_changed = 0, files_removed = 0, files_unchanged = 0, files_skipped = 0;
  std::int64_t entities_added = 0, entities_retracted = 0, relations_added = 0, relations_retracted = 0;
  std::int64_t claims_added = 0, claims_retracted = 0;
  std::int64_t moves_new = 0, moves_retracted = 0;
  // The first load into an empty store (schema v7): its moves_new moves, every move it made, are
  // counted but not logged one by one (`moves` lists them).
  bool initial_load = false;
};

struct LoggedMove {
  std::int64_t generation = 0;
  int change = 1;  // +1: appeared (new), -1: disappeared (retracted)
  EntityId person{}, from{}, to{};
  std::string person_name, from_name, to_name;
  std::string from_country, to_country;  // the employers' (as `moves` shows them)
  std::string from_location_country, to_location_country;  // where the work was, when a source said
  std::string date;   // the move's date as ISO text, "" when unknown
  std::string basis;  // dated, explicit or former
  std::string source, quote, url;  // its first piece of evidence
};

// How a store is opened. Only the modes that may create a store (create_if_missing,
// initial_load) ever write a schema into a file; the others refuse a file that is not a
// talentgraph store ("not a talentgraph store", ErrorCode::io) and leave it byte for byte as it was.
// - create_if_missing: ingest and rebuild. A missing file, an empty (0-byte) file or an SQLite
//   database without any table becomes a store; a database holding other tables is refused.
// - existing_only: writers of an existing store (forget, ingest into a store, rebuild): it must
//   be a talentgraph store; older schemas are migrated.
// - read_only: queries. SQLITE_OPEN_READONLY: nothing is ever written to the file, and a store in
//   a read-only folder or a read-only file can be read. An older schema is migrated first through
//   a writable connection when the file can be written; otherwise it is refused with a message
//   saying a writer must open it once. When the write-ahead log's index (DB-shm) cannot be made
//   (a read-only folder) and no log is pending (DB-wal absent or empty), the file is read as
//   immutable.
// - initial_load: a new file (it must not exist) that one process fills before anyone reads it,
//   then puts in place (see ingest_new_store): no write-ahead log, a rollback journal in memory,
//   and no syncs until finish_initial_load(), so that each page is written once.
enum class OpenMode { create_if_missing, existing_only, initial_load, read_only };

class Store {
 public:
  static constexpr int kSchemaVersion = 8;

  // Opens (creating and migrating as needed). A missing file with existing_only is
  // ErrorCode::missing_db; a database from a newer talentgraph is refused.
  static Result<Store> open(const std::string& path, OpenMode mode);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::string& path() const;

  // How a write transaction checks references. `checked`: SQLite enforces every foreign key.
  // `trusted`: it does not (the checks cost half of a bulk load's writing); the caller writes only
  // ids it created or read in this transaction, as ingest does. Deletes never rely on cascades,
  // so both modes leave no dangling row (the store tests check foreign_key_violations()).
  enum class Checks { checked, trusted };

  // RAII write transaction (BEGIN IMMEDIATE). Rolled back unless commit() is called.
  // commit() also bumps the store's generation, which snapshot caches are stamped with.
  class Transaction {
   public:
    explicit Transaction(Store& store, Checks checks = Checks::checked);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    // Moves the generation and write id on, runs `before_end` (which sees the write as committed
    // readers will: graph/snapshot.h's commit_keeping_cache builds the next cache there), commits.
    void commit(const std::function<void()>& before_end = {});

   private:
    void end(const char* sql);
    Store* store_;
    Checks checks_;
    bool done_ = false;
  };

  // A consistent read of several statements (BEGIN … COMMIT): writers in other processes go on,
  // this connection keeps seeing the store as it was when the first read began. They nest (an
  // inner one joins the outermost), and inside a write Transaction they do nothing.
  class ReadTransaction {
   public:
    explicit ReadTransaction(Store& store);
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    ~ReadTransaction();

   private:
    Store* store_;
  };

  // ---- writes (inside a Transaction) ----
  void set_entity_country(EntityId id, std::string_view country);
  // Moves every alias, id, relation and claim of `drop` onto `keep`, then deletes `drop`.
  void merge_entities(EntityId keep, EntityId drop);
  // Deletes an entity with its aliases, ids, every relation touching it and their claims.
  void delete_entity(EntityId id);
  // Rows whose reference points at nothing (PRAGMA foreign_key_check): 0 in a sound store.
  std::size_t foreign_key_violations();
  // Persistent sets of keys (curation: forgotten people). The caller passes a one-way digest
  // (SHA-256 of the normalised name or id); the store keeps HMAC-SHA-256 of it under the store's
  // secret (meta `forget_key`, 32 random bytes made with the store, schema v8), so that the table
  // alone (a dump, a copy of the rows) cannot be checked against guessed names. Digests kept by
  // stores older than v8 are unkeyed (forgotten.keyed = 0): still matched, as they cannot be
  // keyed without the names. See README, "Forgetting people".
  void add_forgotten(std::string_view digest);
  bool is_forgotten(std::string_view digest);
  // How many of the forgotten are kept as unkeyed digests (from before schema v8).
  std::size_t unkeyed_forgotten();
  bool has_forgotten();
  // Curation rules (`same_as`, `not_same_as`), names joined by U+001F; false: already stored.
  bool add_curation_rule(std::string_view rule, std::string_view names);
  std::vector<std::pair<std::string, std::string>> curation_rules();

  // ---- bulk writes, for large ingests: the caller assigns ids from next_ids() and has made
  // sure (in memory and with find_*) that entities, sources and relations are new ----
  struct NextIds {
    std::int64_t entity = 1, source = 1, relation = 1, csv_file = 1;
  };
  NextIds next_ids();
  // Rows of the bulk writes are views: their text must stay alive until the call returns.
  struct EntityInsert {
    EntityId id{};
    NodeKind kind = NodeKind::person;
    std::string_view name, country, description;
    bool anonymous = false;
  };
  struct AliasInsert {
    EntityId entity{};
    std::string_view name, key;
  };
  struct ExternalIdInsert {
    EntityId entity{};
    std::string_view scheme, value;
  };
  struct SourceInsert {
    SourceId id{};
    std::string_view ext_id, url, title, publisher, published, language, based_on, content_hash;
  };
  struct RelationInsert {
    RelationId id{};
    RelationKind kind = RelationKind::worked_at;
    EntityId from{}, to{};
    PartialDate start, end;
    std::string_view role, status;
    bool former = false;
    std::optional<EntityId> left;
    std::optional<EntityId> location;  // the first claim's; see set_relation_locations
  };
  struct ClaimInsert {
    RelationId relation{};
    SourceId source{};
    std::string_view quote, file, record;
    double confidence = 1.0;
    std::int64_t csv_file = 0;
    std::optional<EntityId> location;
  };
  struct MentionInsert {
    Origin origin;
    EntityId entity{};
    MentionKind what = MentionKind::alias;
    std::string_view value;
    double confidence = 1.0;
  };
  void insert_entities(std::span<const EntityInsert> rows);
  std::size_t insert_aliases(std::span<const AliasInsert> rows);  // existing ones are skipped; returns how many were new
  void insert_external_ids(std::span<const ExternalIdInsert> rows);
  void insert_sources(std::span<const SourceInsert> rows);
  void insert_relations(std::span<const RelationInsert> rows);
  std::size_t insert_claims(std::span<const ClaimInsert> rows);  // existing ones are skipped; returns how many were new
  void insert_mentions(std::span<const MentionInsert> rows);      // existing ones are skipped
  void update_source(const SourceInsert& row);                    // a revised source's citation
  // CSV files by name (a file name, no folder); the caller assigns new ids from next_ids().
  void insert_csv_file(std::int64_t id, std::string_view name);
  std::optional<std::int64_t> find_csv_file(std::string_view name);

  // ---- the rebuild manifest (writes inside a Transaction) ----
  std::vector<SourceFileRow> source_files();  // by path, with their origins
  void put_source_file(const SourceFileRow& row);  // replaces the row of its path
  void delete_source_file(std::string_view path);

  // ---- the write log (writes inside a Transaction) ----
  void log_write(const LogEntry& entry, std::span<const LoggedMove> moves);
  // Entries of generation >= `min_generation` that finished on or after `finished_from` (ISO
  // text; "" = any), oldest first.
  std::vector<LogEntry> write_log(std::int64_t min_generation, std::string_view finished_from = "");
  std::optional<std::int64_t> last_logged_generation();
  // The logged moves of entries of generation >= `min_generation`, by generation, new first.
  std::vector<LoggedMove> logged_moves(std::int64_t min_generation);
  // Deletes the logged moves of a person being forgotten: by id, and by the alias key of the
  // name logged (a person retracted and added again has another id). Returns how many.
  std::size_t forget_logged_moves(EntityId person, std::span<const std::string> alias_keys);
  // The people (from_id) of career relations (worked_at, founded, moved) that the origins claim.
  std::vector<EntityId> career_people_of(std::span<const FileOrigin> origins);
  // The part_of relations that the origins claim.
  std::vector<RelationRow> part_of_claimed_by(std::span<const FileOrigin> origins);
  // The part_of relations from `org` (its parents).
  std::vector<RelationRow> part_of_parents(EntityId org);

  // ---- revisions (inside a Transaction) ----
  // Retracts every claim and mention of `origin`, remembering what they touched; the new
  // version is then written as usual, and finish_revisions() removes what was left without
  // any: relations without a claim, aliases and ids no origin gives, entities no origin
  // mentions and no relation touches. Ids of what stays do not change.
  void retract(Origin origin);
  // retract() of every origin the store holds (rebuild --full), by whole tables rather than
  // origin by origin; finish_revisions() then does not compare what came back with what went
  // (its `unchanged` is false).
  void retract_all();
  // `left`: the entities the revisions touched that are still there (their countries may change).
  Retracted finish_revisions(std::vector<EntityId>* left = nullptr);

  // Sets the effective country of `ids` by the documented rule: `pins` (curation) first, then
  // the country of a place the organisation is headquartered_in, then the country most origins
  // give (ties: highest confidence, then code). Places and other non-organisations first, so
  // that headquarters read their new countries. Returns those of `ids` (and pinned) for which
  // some origin claims another country than the one chosen.
  std::vector<EntityId> set_effective_countries(std::span<const EntityId> ids, const std::vector<std::pair<EntityId, std::string>>& pins);
  // Each relation's location becomes that of its best claim naming one (highest confidence,
  // then lowest place id), or none.
  void set_relation_locations(std::span<const RelationId> ids);
  // The organisations headquartered in `places` (their country follows the place's).
  std::vector<EntityId> headquartered_in(std::span<const EntityId> places);
  std::optional<RelationId> find_relation(const RelationInsert& row);
  // Secondary indexes whose keys arrive in random order (relations by target, aliases by key,
  // mentions by entity):
  // kept up row by row they cost a bulk load more than building them once from sorted keys.
  // A large run drops them and creates them again before anything reads through them.
  void drop_bulk_indexes();
  void create_bulk_indexes();
  // Brings the search index up to date with the aliases added so far (commit does it too).
  void sync_search_index();
  std::optional<SourceId> find_source(std::string_view ext_id);

  // Ends an initial load: the file switches to the write-ahead log like every other store.
  // The caller syncs the file before putting it in place.
  void finish_initial_load();
  // No entity, source or forgotten person: nothing for an ingest to look up.
  bool empty();

  // Folds the write-ahead log into the database and empties it (after forgetting someone, so no
  // old page with their data lingers in the log). Waits for readers of older states, for a minute
  // at most; then throws StoreError saying the pages are still there. Once it is done, the
  // snapshot cache beside the store (DB.tgsnap, graph/snapshot.h) is removed: a query of an older
  // state, which the checkpoint waited for, may have written it meanwhile.
  void checkpoint();

  // SQLite's PRAGMA quick_check (integrity_check when the file is under `full_check_below`
  // bytes): "" when sound, else its first complaints. Writers run it before writing.
  std::string integrity_problems(std::int64_t full_check_below = std::int64_t(64) << 20);

  // Opened with OpenMode::read_only (SQLITE_OPEN_READONLY): writes fail.
  bool read_only() const;

  // ---- reads ----
  std::int64_t generation();  // bumped by every committed write
  // 16 random bytes set anew by every committed write, in its transaction (schema v8): with
  // store_id and generation, what identifies the store's content. A copy restored and written
  // again reaches the same generation as the lost branch, never the same write id.
  std::string write_id();
  std::int64_t store_id();    // random, fixed when the database was created
  std::vector<EntityId> entities_with_alias_key(std::string_view key);
  std::optional<EntityId> entity_by_external_id(std::string_view scheme, std::string_view value);
  std::optional<EntityRow> entity(EntityId id);
  std::vector<AliasRow> aliases(EntityId id);
  std::vector<ExternalId> external_ids(EntityId id);
  std::optional<SourceRow> source(SourceId id);
  std::vector<RelationRow> relations_touching(EntityId id);  // from, to or left
  std::optional<RelationRow> relation(RelationId id);
  // Streams every relation of the given kinds (all kinds when empty), ordered by id.
  void for_each_relation(const std::vector<RelationKind>& kinds, const std::function<void(const RelationRow&)>& fn);
  // Streams each person's career relations (worked_at, founded, moved), grouped by person.
  void for_each_career(std::optional<EntityId> person,
                       const std::function<void(EntityId, const std::vector<RelationRow>&)>& fn);
  void for_each_entity(const std::function<void(const EntityRow&)>& fn);
  std::vector<Evidence> evidence(RelationId id);  // claims with their sources, best first
  // One scan for what a whole-graph export needs of the claims and aliases, instead of a statement
  // per relation or entity. Every relation with a claim, in ascending id: how many claims it has
  // and the best one as `evidence` orders them (its source's ext_id, quote and confidence).
  void for_each_best_claim(const std::function<void(const BestClaim&)>& fn);
  // Every alias, by entity id and then in the order `aliases` gives them.
  void for_each_alias(const std::function<void(EntityId, std::string_view name)>& fn);
  // Every origin's country for `id`, most supported country first, then by origin.
  std::vector<CountryClaim> country_claims(EntityId id);
  // The countries of the places `id` is headquartered_in, by place id.
  std::vector<std::pair<std::string, std::string>> headquarters_countries(EntityId id);  // (place name, country)
  Stats stats();
  // Names containing `key_fragment` (a normalised alias key), best matches first.
  std::vector<SearchHit> search_keys(std::string_view key_fragment, int limit);
  // Names and aliases containing `text` as written (ASCII case ignored), shortest first: the
  // words that alias keys fold away ("Group", "Inc"). A scan of every alias: a fallback.
  std::vector<SearchHit> search_names(std::string_view text, int limit);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  void begin_revisions();  // the temp tables retract() and retract_all() fill
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg
