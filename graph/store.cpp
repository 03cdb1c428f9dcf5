// The store (graph/store.h). One file on purpose, over the usual size: it is the only place that
// includes sqlite3.h, and the schema, its migrations, the prepared statements and the Impl they
// share would otherwise leak SQLite into several headers.
#include "graph/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include "graph/digest.h"
#include "graph/hash.h"
#include "graph/names.h"

namespace tg {
namespace {

// Migration i brings the schema from version i to i + 1. Never edit a released step: append.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', 0);
-- A random identity, so that caches of a deleted and recreated database are not mistaken for its own.
INSERT INTO meta(key, value) VALUES ('store_id', abs(random()));

CREATE TABLE entities (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  country     TEXT NOT NULL DEFAULT '',
  anonymous   INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT ''
);

-- AUTOINCREMENT: ids never come back after a delete, so "id > search_upto" means "not yet indexed".
CREATE TABLE aliases (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  key       TEXT NOT NULL,
  UNIQUE (entity_id, name)
);
CREATE INDEX aliases_by_key ON aliases(key);

CREATE TABLE external_ids (
  scheme    TEXT NOT NULL,
  value     TEXT NOT NULL,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  PRIMARY KEY (scheme, value)
) WITHOUT ROWID;
CREATE INDEX external_ids_by_entity ON external_ids(entity_id);

CREATE TABLE sources (
  id           INTEGER PRIMARY KEY,
  ext_id       TEXT NOT NULL UNIQUE,
  url          TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  publisher    TEXT NOT NULL DEFAULT '',
  published    TEXT NOT NULL DEFAULT '',
  language     TEXT NOT NULL DEFAULT '',
  based_on     TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL DEFAULT ''
);

-- Dates are ISO 8601 text whose length is their precision ('' = unknown). Equal relations are
-- one row: the unique index (led by from_id, so it also serves "relations of X") covers every
-- field; left_key is left_id or 0, since NULLs never collide in a unique index.
CREATE TABLE relations (
  id       INTEGER PRIMARY KEY,
  kind     TEXT NOT NULL,
  from_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  to_id    INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  start    TEXT NOT NULL DEFAULT '',
  "end"    TEXT NOT NULL DEFAULT '',
  role     TEXT NOT NULL DEFAULT '',
  former   INTEGER NOT NULL DEFAULT 0,
  left_id  INTEGER REFERENCES entities(id) ON DELETE CASCADE,
  left_key INTEGER NOT NULL DEFAULT 0,
  status   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX relations_identity ON relations(from_id, kind, to_id, start, "end", role, former, left_key, status);
CREATE INDEX relations_by_to ON relations(to_id);
CREATE INDEX relations_by_left ON relations(left_id) WHERE left_id IS NOT NULL;

-- A claim: one source stating one relation at one place of one input (`record`).
CREATE TABLE claims (
  relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
  source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  record      TEXT NOT NULL DEFAULT '',
  quote       TEXT NOT NULL DEFAULT '',
  confidence  REAL NOT NULL DEFAULT 1.0 CHECK (confidence >= 0 AND confidence <= 1),
  file        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (relation_id, source_id, record)
) WITHOUT ROWID;
CREATE INDEX claims_by_source ON claims(source_id);

-- One-way digests of forgotten people's names and ids: enough to keep them out, nothing to read back.
CREATE TABLE forgotten (
  digest TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Curation decisions (same_as, not_same_as) kept so that every later ingest honours them.
-- `names` is the group of names joined by U+001F. Forget rules are never stored as names.
CREATE TABLE curation_rules (
  rule  TEXT NOT NULL,
  names TEXT NOT NULL,
  PRIMARY KEY (rule, names)
) WITHOUT ROWID;

-- Trigram index over normalised alias keys: substring search in any script. It is brought up
-- to date once per write transaction, at commit (per-row triggers on an FTS5 table cost more than
-- the rest of an ingest): rows with id > search_upto are new. Deleting an indexed row removes it.
INSERT INTO meta(key, value) VALUES ('search_upto', 0);
CREATE VIRTUAL TABLE alias_search USING fts5(key, content='aliases', content_rowid='id', tokenize='trigram');
CREATE TRIGGER aliases_ad AFTER DELETE ON aliases
WHEN old.id <= (SELECT value FROM meta WHERE key = 'search_upto') BEGIN
  INSERT INTO alias_search(alias_search, rowid, key) VALUES ('delete', old.id, old.key);
END;
)sql",
    // v2: the search index keeps neither positions nor sizes (detail=none, columnsize=0): it
    // costs a third as much to build, and substring queries (LIKE) are still narrowed by it.
    R"sql(
DROP TRIGGER aliases_ad;
DROP TABLE alias_search;
CREATE VIRTUAL TABLE alias_search USING fts5(key, content='aliases', content_rowid='id', tokenize='trigram',
                                             detail='none', columnsize=0);
INSERT INTO alias_search(rowid, key)
SELECT id, key FROM aliases WHERE id <= (SELECT value FROM meta WHERE key = 'search_upto') ORDER BY id;
CREATE TRIGGER aliases_ad AFTER DELETE ON aliases
WHEN old.id <= (SELECT value FROM meta WHERE key = 'search_upto') BEGIN
  INSERT INTO alias_search(alias_search, rowid, key) VALUES ('delete', old.id, old.key);
END;
)sql",
    // v3: relations are unique by (from_id, identity), identity being a 64-bit hash of the other
    // identifying fields (relation_identity below): an index of two integers instead of a copy
    // of every field. Lookups compare every field too, so a collision can only fail an insert.
    R"sql(
ALTER TABLE relations ADD COLUMN identity INTEGER NOT NULL DEFAULT 0;
UPDATE relations SET identity = tg_relation_identity(kind, to_id, start, "end", role, former, left_key, status);
DROP INDEX relations_identity;
CREATE UNIQUE INDEX relations_identity ON relations(from_id, identity);
)sql",
    // v4: revisions, country claims and work locations.
    // - csv_files: a career CSV is identified by its file name (a nightly rebuild re-ingests the
    //   same names from wherever the folder is checked out); claims.csv_file says which file a
    //   claim came from (0: a document's claim, retracted by its source instead).
    // - mentions: who gives each alias (what 1: the name as given), external id (2: scheme
    //   U+001F value) and country (3: the code) of an entity, by origin: a document's source
    //   (csv_file 0) or a CSV file (source_id 0). An entity is mentioned by an origin when the
    //   origin gives one of its names. Existing rows are attributed to every origin whose claims
    //   touch the entity (which one gave which alias cannot be known any more).
    // - claims.location_id: where a worked_at claim says the work was; relations.location_id is
    //   that of the relation's best claim naming one (not part of the relation's identity).
    R"sql(
CREATE TABLE csv_files (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
-- claims gain csv_file in their key: two CSV files citing one URL at the same line are two claims.
CREATE TABLE claims_v4 (
  relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
  source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  record      TEXT NOT NULL DEFAULT '',
  quote       TEXT NOT NULL DEFAULT '',
  confidence  REAL NOT NULL DEFAULT 1.0 CHECK (confidence >= 0 AND confidence <= 1),
  file        TEXT NOT NULL DEFAULT '',
  csv_file    INTEGER NOT NULL DEFAULT 0,
  location_id INTEGER REFERENCES entities(id),
  PRIMARY KEY (relation_id, source_id, csv_file, record)
) WITHOUT ROWID;
INSERT INTO claims_v4(relation_id, source_id, record, quote, confidence, file)
  SELECT relation_id, source_id, record, quote, confidence, file FROM claims;
DROP TABLE claims;
ALTER TABLE claims_v4 RENAME TO claims;
CREATE INDEX claims_by_source ON claims(source_id);
ALTER TABLE relations ADD COLUMN location_id INTEGER REFERENCES entities(id);
CREATE INDEX relations_by_location ON relations(location_id) WHERE location_id IS NOT NULL;
CREATE INDEX claims_by_csv_file ON claims(csv_file) WHERE csv_file <> 0;
CREATE TABLE mentions (
  source_id  INTEGER NOT NULL DEFAULT 0,
  csv_file   INTEGER NOT NULL DEFAULT 0,
  entity_id  INTEGER NOT NULL,
  what       INTEGER NOT NULL,
  value      TEXT NOT NULL,
  confidence REAL NOT NULL DEFAULT 1.0,
  PRIMARY KEY (source_id, csv_file, entity_id, what, value)
) WITHOUT ROWID;
CREATE INDEX mentions_by_entity ON mentions(entity_id, what);

INSERT INTO csv_files(name) SELECT DISTINCT tg_file_name(file) FROM claims WHERE file LIKE '%.csv' ORDER BY 1;
UPDATE claims SET csv_file = (SELECT id FROM csv_files WHERE name = tg_file_name(claims.file)) WHERE file LIKE '%.csv';
CREATE TEMP TABLE v4_origins AS
  SELECT DISTINCT CASE WHEN c.csv_file = 0 THEN c.source_id ELSE 0 END AS source_id, c.csv_file AS csv_file,
         e.id AS entity_id
  FROM claims c JOIN relations r ON r.id = c.relation_id JOIN entities e ON e.id IN (r.from_id, r.to_id, r.left_id);
INSERT OR IGNORE INTO mentions(source_id, csv_file, entity_id, what, value)
  SELECT o.source_id, o.csv_file, o.entity_id, 1, a.name FROM v4_origins o JOIN aliases a ON a.entity_id = o.entity_id;
INSERT OR IGNORE INTO mentions(source_id, csv_file, entity_id, what, value)
  SELECT o.source_id, o.csv_file, o.entity_id, 2, x.scheme || char(31) || x.value
  FROM v4_origins o JOIN external_ids x ON x.entity_id = o.entity_id;
INSERT OR IGNORE INTO mentions(source_id, csv_file, entity_id, what, value)
  SELECT o.source_id, o.csv_file, o.entity_id, 3, e.country FROM v4_origins o JOIN entities e ON e.id = o.entity_id
  WHERE e.country <> '';
DROP TABLE temp.v4_origins;
)sql",
    // v5: the manifest of `rebuild --sources DIR`: each file it read, by its path relative to the
    // folder ('/' between parts), with what tells a change (size and modification time first, then
    // the SHA-256 of its bytes) and the origins it gave (a document's source ext_id, a CSV file's
    // name), which a changed or deleted file's retraction needs. `generation` is the store's
    // generation that the rebuild reading the file committed (for a later history of rebuilds).
    R"sql(
CREATE TABLE source_files (
  path        TEXT PRIMARY KEY,
  format      TEXT NOT NULL,
  size        INTEGER NOT NULL,
  mtime_ns    INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  generation  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- kind 1: a source's ext_id; 2: a CSV file's name.
CREATE TABLE source_file_origins (
  path TEXT NOT NULL REFERENCES source_files(path),
  kind INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (path, kind, name)
) WITHOUT ROWID;
)sql",
    // v6: the write log. `rebuilds`: one row per committed ingest or rebuild (by the generation
    // it committed), with its times (UTC ISO 8601), what it read and what it changed.
    // `rebuild_moves`: the moves that appeared (change +1) or disappeared (-1) in it, as they
    // read then (a retracted move's entities may be gone): names, employer and work-location
    // countries, date, basis and one piece of evidence. `person_key` is the alias key of the
    // person's name, by which `forget` finds their rows under any id.
    R"sql(
CREATE TABLE rebuilds (
  generation          INTEGER PRIMARY KEY,
  kind                TEXT NOT NULL,
  started             TEXT NOT NULL,
  finished            TEXT NOT NULL,
  duration_ms         INTEGER NOT NULL DEFAULT 0,
  files_added         INTEGER NOT NULL DEFAULT 0,
  files_changed       INTEGER NOT NULL DEFAULT 0,
  files_removed       INTEGER NOT NULL DEFAULT 0,
  files_unchanged     INTEGER NOT NULL DEFAULT 0,
  files_skipped       INTEGER NOT NULL DEFAULT 0,
  entities_added      INTEGER NOT NULL DEFAULT 0,
  entities_retracted  INTEGER NOT NULL DEFAULT 0,
  relations_added     INTEGER NOT NULL DEFAULT 0,
  relations_retracted INTEGER NOT NULL DEFAULT 0,
  claims_added        INTEGER NOT NULL DEFAULT 0,
  claims_retracted    INTEGER NOT NULL DEFAULT 0,
  moves_new           INTEGER NOT NULL DEFAULT 0,
  moves_retracted     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rebuilds_by_finished ON rebuilds(finished);
CREATE TABLE rebuild_moves (
  id                    INTEGER PRIMARY KEY,
  generation            INTEGER NOT NULL REFERENCES rebuilds(generation),
  change                INTEGER NOT NULL CHECK (change IN (1, -1)),
  person_id             INTEGER NOT NULL,
  from_id               INTEGER NOT NULL,
  to_id                 INTEGER NOT NULL,
  person_key            TEXT NOT NULL,
  person                TEXT NOT NULL,
  from_name             TEXT NOT NULL,
  to_name               TEXT NOT NULL,
  from_country          TEXT NOT NULL DEFAULT '',
  to_country            TEXT NOT NULL DEFAULT '',
  from_location_country TEXT NOT NULL DEFAULT '',
  to_location_country   TEXT NOT NULL DEFAULT '',
  date                  TEXT NOT NULL DEFAULT '',
  basis                 TEXT NOT NULL DEFAULT '',
  source                TEXT NOT NULL DEFAULT '',
  quote                 TEXT NOT NULL DEFAULT '',
  url                   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rebuild_moves_by_generation ON rebuild_moves(generation);
CREATE INDEX rebuild_moves_by_person ON rebuild_moves(person_id);
CREATE INDEX rebuild_moves_by_key ON rebuild_moves(person_key);
)sql",
    // v7: an entry may be the first load into an empty store, whose moves (every move it made)
    // are counted in moves_new but not logged one by one (`moves` lists them).
    R"sql(
ALTER TABLE rebuilds ADD COLUMN initial_load INTEGER NOT NULL DEFAULT 0;
)sql",
    // v8: what identifies the store's content, and keyed digests of the forgotten.
    // - write_id: 16 random bytes set anew by every committed write (Store::Transaction::commit),
    //   kept in snapshot caches beside store_id and generation: a copy of the store restored and
    //   written again reaches a generation its lost branch had, never its write id.
    // - forget_key: 32 random bytes, the key of the HMAC-SHA-256 the forgotten table keeps of each
    //   digest from now on (keyed 1). Rows from before are unkeyed SHA-256 digests (keyed 0): the
    //   names are gone, so they cannot be keyed; they are still matched.
    R"sql(
INSERT INTO meta(key, value) VALUES ('write_id', randomblob(16));
INSERT INTO meta(key, value) VALUES ('forget_key', randomblob(32));
ALTER TABLE forgotten ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
)sql",
};
constexpr int kMigrationCount = static_cast<int>(std::size(kMigrations));
static_assert(kMigrationCount == Store::kSchemaVersion);

// FNV-1a over the identifying fields of a relation other than from_id, each one terminated by
// 0xFF (a byte UTF-8 never holds). Stored in relations.identity: changing it needs a migration.
std::int64_t relation_identity(std::string_view kind, std::int64_t to, std::string_view start, std::string_view end,
                               std::string_view role, bool former, std::int64_t left_key, std::string_view status) {
  Fnv1a h;
  auto text = [&](std::string_view t) {
    h.bytes(t);
    h.byte(0xFF);
  };
  auto integer = [&](std::int64_t v) {
    h.integer(v);
    h.byte(0xFF);
  };
  text(kind);
  integer(to);
  text(start);
  text(end);
  text(role);
  integer(former ? 1 : 0);
  integer(left_key);
  text(status);
  return static_cast<std::int64_t>(h.value());
}

// The same, as SQL (for migrations): tg_relation_identity(kind, to_id, start, "end", role, former, left_key, status).
void sql_relation_identity(sqlite3_context* ctx, int, sqlite3_value** v) {
  auto text = [&](int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v[i]));
    return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v[i])));
  };
  sqlite3_result_int64(ctx, relation_identity(text(0), sqlite3_value_int64(v[1]), text(2), text(3), text(4),
                                              sqlite3_value_int64(v[5]) != 0, sqlite3_value_int64(v[6]), text(7)));
}

// tg_file_name(path): the last component of a path (for migrations).
void sql_file_name(sqlite3_context* ctx, int, sqlite3_value** v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v[0]));
  const std::string name = std::filesystem::path(p ? p : "").filename().string();
  sqlite3_result_text(ctx, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
}

PartialDate date_from_text(std::string_view text) {
  if (text.empty()) return {};
  auto d = PartialDate::parse(text);
  if (!d) throw StoreError(fmt::format("store holds a malformed date \"{}\"", text));
  return *d;
}


}  // namespace

// A cached prepared statement; reset and unbound each time it is handed out.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      throw StoreError(fmt::format("cannot prepare statement: {}", sqlite3_errmsg(db)));
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  Stmt& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, double v) {
    check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  // Text that outlives the step is bound without a copy (every caller steps the statement before
  // its arguments die, and the next use rebinds); a temporary string is copied.
  Stmt& bind(int i, std::string_view v) {
    // A default string_view has no data pointer, which SQLite would store as NULL: it is text.
    check(sqlite3_bind_text(stmt_, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_STATIC));
    return *this;
  }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, std::string&& v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& bind_null(int i) {
    check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  // One step: true while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
  }
  void run() {
    while (step()) {
    }
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw StoreError(fmt::format("SQLite bind: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct Store::Impl {
  sqlite3* db = nullptr;
  std::string path;
  bool read_only = false;
  std::string forget_key;  // meta forget_key, read when first needed
  // ReadTransactions nest (a command's, the snapshot build's): the outermost begins and ends it,
  // and none begins inside a write transaction, which already reads one state.
  int read_nesting = 0;
  bool read_began = false;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> statements;  // keyed by the literal's address

  // Rows of two text columns about one entity (its aliases, its external ids).
  template <typename Row>
  std::vector<Row> text_pairs(const char* sql, EntityId id) {
    auto& s = stmt(sql);
    s.bind(1, raw(id));
    std::vector<Row> out;
    while (s.step()) out.push_back({s.text(0), s.text(1)});
    return out;
  }

  ~Impl() {
    statements.clear();
    generated.clear();
    if (db) sqlite3_close_v2(db);
  }

  // Statements stopped before their last row keep a read transaction open; a BEGIN, COMMIT or
  // PRAGMA must not run inside it.
  void reset_all() {
    for (auto& [sql, st] : statements) st->reset();
    for (auto& [sql, st] : generated) st->reset();
  }

  void exec(const char* sql) {
    reset_all();
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string text = msg ? msg : sqlite3_errmsg(db);
      sqlite3_free(msg);
      throw StoreError(fmt::format("SQLite: {}", text));
    }
  }

  std::unordered_map<std::string, std::unique_ptr<Stmt>> generated;  // keyed by their text
  bool revising = false;  // retract() made this transaction's temp tables (finish_revisions drops them)
  bool revising_csv = false;  // and retracted a CSV file
  bool revising_all = false;  // retract_all(): everything is written again, whether or not it is the same

  // Deletes the entities listed in `table` (its column entity_id) that no origin mentions and no
  // relation touches, with their aliases and ids; what went, counted.
  Retracted delete_unreferenced(std::string_view table) {
    Retracted r;
    std::vector<std::int64_t> gone;
    {
      auto& s = stmt_text(fmt::format(
          "SELECT entity_id FROM {} re WHERE EXISTS (SELECT 1 FROM entities WHERE id = re.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = re.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM relations WHERE from_id = re.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM relations WHERE to_id = re.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM relations WHERE left_id = re.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM relations WHERE location_id = re.entity_id) ORDER BY entity_id",
          table));
      while (s.step()) gone.push_back(s.integer(0));
    }
    for (std::int64_t id : gone) {
      stmt("DELETE FROM aliases WHERE entity_id = ?").bind(1, id).run();
      r.aliases += static_cast<std::size_t>(sqlite3_changes(db));
      stmt("DELETE FROM external_ids WHERE entity_id = ?").bind(1, id).run();
      r.ids += static_cast<std::size_t>(sqlite3_changes(db));
      stmt("UPDATE claims SET location_id = NULL WHERE location_id = ?").bind(1, id).run();
      stmt("DELETE FROM entities WHERE id = ?").bind(1, id).run();
      ++r.entities;
    }
    return r;
  }

  // A statement that fails to prepare (a bad statement, SQLITE_NOMEM) leaves no empty slot behind:
  // reset_all would follow it while the error unwinds (a segfault instead of the error).
  Stmt& stmt_text(const std::string& sql) {
    auto it = generated.find(sql);
    if (it == generated.end()) it = generated.emplace(sql, std::make_unique<Stmt>(db, sql.c_str())).first;
    return it->second->reset();
  }

  // Inserts rows in statements of up to kBatch rows each: one statement per row costs more in
  // statement setup than in the B-trees. `bind(stmt, first_param, row)` binds one row.
  template <typename Row, typename Bind>
  std::size_t insert_batch(std::string_view head, std::string_view tuple, int params, std::span<const Row> rows,
                           Bind bind, std::string_view tail = "") {
    constexpr std::size_t kBatch = 64;
    std::size_t changed = 0;
    for (std::size_t i = 0; i < rows.size(); i += kBatch) {
      const std::size_t n = std::min(kBatch, rows.size() - i);
      std::string sql(head);
      for (std::size_t j = 0; j < n; ++j) {
        if (j) sql += ',';
        sql += tuple;
      }
      sql += tail;
      Stmt& st = stmt_text(sql);
      for (std::size_t j = 0; j < n; ++j) bind(st, static_cast<int>(j) * params + 1, rows[i + j]);
      st.run();
      changed += static_cast<std::size_t>(sqlite3_changes(db));
    }
    return changed;
  }

  // `sql` must be a string literal: statements are cached by its address.
  Stmt& stmt(const char* sql) {
    auto it = statements.find(sql);
    if (it == statements.end()) it = statements.emplace(sql, std::make_unique<Stmt>(db, sql)).first;
    return it->second->reset();
  }

  // The key of the forgotten table's digests (meta forget_key, schema v8), read once.
  const std::string& forget_key_bytes() {
    if (forget_key.empty()) {
      auto& s = stmt("SELECT value FROM meta WHERE key = 'forget_key'");
      if (s.step()) forget_key = s.text(0);
      s.reset();
      if (forget_key.size() != 32) throw StoreError("the store's forget_key is missing or damaged");
    }
    return forget_key;
  }

  std::int64_t user_version() {
    auto& s = stmt("PRAGMA user_version");
    s.step();
    return s.integer(0);
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

namespace {

// An SQLite URI for `path` (absolute, percent-encoded where a URI would read it otherwise).
std::string uri_of(const std::string& path) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(path, ec).string();
  if (ec) abs = path;
  std::string out = "file:";
  for (const unsigned char c : abs) {
    if (c == '%' || c == '?' || c == '#' || c < 0x21 || c >= 0x7f)
      out += fmt::format("%{:02X}", static_cast<unsigned>(c));
    else
      out += static_cast<char>(c);
  }
  return out;
}

// Whether a write-ahead log is waiting beside `path` (its content is part of the store).
bool wal_pending(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path + "-wal", ec);
  return !ec && size > 0;
}

}  // namespace

Result<Store> Store::open(const std::string& path, OpenMode mode) {
  // No allocation statistics: they take a global mutex on every SQLite malloc. Must precede
  // sqlite3_initialize, hence once, here.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if ((mode == OpenMode::existing_only || mode == OpenMode::read_only) && !exists)
    return fail(ErrorCode::missing_db,
                fmt::format("no such database (create it with `talentgraph --db {} ingest …`)", path), Location{.file = path});
  if (mode == OpenMode::initial_load && exists)
    return fail(ErrorCode::io, "already exists (an initial load needs a new file)", Location{.file = path});
  auto not_a_store = [&](std::string_view why) {
    return fail(ErrorCode::io, fmt::format("{} is not a talentgraph store ({}); it was left as it was", path, why));
  };
  // A file that is not a regular file (a folder, a FIFO) is nobody's store.
  if (exists && !std::filesystem::is_regular_file(path, ec)) return not_a_store("not a regular file");

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->read_only = mode == OpenMode::read_only;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= impl->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::create_if_missing || mode == OpenMode::initial_load) flags |= SQLITE_OPEN_CREATE;
  auto connect = [&](const std::string& name, int open_flags) -> std::optional<Error> {
    if (impl->db) {
      impl->statements.clear();
      impl->generated.clear();
      sqlite3_close_v2(impl->db);
      impl->db = nullptr;
    }
    if (sqlite3_open_v2(name.c_str(), &impl->db, open_flags, nullptr) != SQLITE_OK) {
      std::string why = impl->db ? sqlite3_errmsg(impl->db) : "out of memory";
      return Error{ErrorCode::io, fmt::format("cannot open database: {}", why), Location{.file = path}};
    }
    sqlite3_busy_timeout(impl->db, 10000);
    sqlite3_create_function(impl->db, "tg_relation_identity", 8, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            sql_relation_identity, nullptr, nullptr);
    sqlite3_create_function(impl->db, "tg_file_name", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, sql_file_name,
                            nullptr, nullptr);
    sqlite3_extended_result_codes(impl->db, 1);
    return std::nullopt;
  };
  if (auto e = connect(path, flags)) return fail(std::move(*e));
  try {
    // A file that is not a database fails here, on its first read. Read-only, a store whose
    // folder does not let SQLite make the log's index (DB-shm) fails here too: with no log
    // pending, nothing can change it (nobody can write there) and it is read as immutable.
    std::int64_t version = 0;
    try {
      version = impl->user_version();
    } catch (const StoreError& e) {
      const int code = sqlite3_extended_errcode(impl->db);
      if ((code & 0xff) == SQLITE_NOTADB) return not_a_store("not an SQLite database");
      if (!impl->read_only || wal_pending(path)) throw;
      if (auto again = connect(uri_of(path) + "?immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX))
        return fail(std::move(*again));
      version = impl->user_version();
    }
    // A damaged header (user_version is its bytes 60-63) can read as a negative version: none of
    // ours, and no index into the migrations.
    if (version < 0)
      return not_a_store(fmt::format("its schema version {} is none of talentgraph's: a damaged header?", version));
    impl->exec("PRAGMA foreign_keys = ON");
    if (version > kSchemaVersion)
      return fail(ErrorCode::io,
                  fmt::format("database schema version {} is newer than this talentgraph ({})", version, kSchemaVersion),
                  Location{.file = path});
    // What makes a file a talentgraph store: a schema version and the meta table with the store's
    // id. A version-0 file is a store only to be: a new or empty file, or a database without tables.
    auto count = [&](const char* sql) {
      auto& st = impl->stmt(sql);
      const std::int64_t n = st.step() ? st.integer(0) : 0;
      st.reset();
      return n;
    };
    if (version == 0) {
      if (mode != OpenMode::create_if_missing && mode != OpenMode::initial_load)
        return not_a_store(count("SELECT count(*) FROM sqlite_schema") ? "an SQLite database of another application"
                                                                      : "an empty file");
      if (count("SELECT count(*) FROM sqlite_schema"))
        return not_a_store("an SQLite database of another application: it already holds tables");
    } else if (!count("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") ||
               !count("SELECT count(*) FROM meta WHERE key = 'store_id'")) {
      return not_a_store("an SQLite database of another application");
    }
    if (impl->read_only && version < kSchemaVersion) {
      // Migrated once by a writable connection, then read as asked.
      {
        auto upgraded = open(path, OpenMode::existing_only);
        if (!upgraded)
          return fail(ErrorCode::io,
                      fmt::format("the store has schema version {} and this talentgraph reads {}; it must be "
                                  "upgraded once by a command that can write it (`ingest`, `rebuild`): {}",
                                  version, kSchemaVersion, upgraded.error().message),
                      Location{.file = path});
      }
      return open(path, OpenMode::read_only);
    }
    if (mode == OpenMode::initial_load) {
      impl->exec("PRAGMA journal_mode = MEMORY");
      impl->exec("PRAGMA synchronous = OFF");
    } else if (!impl->read_only) {
      impl->exec("PRAGMA journal_mode = WAL");
      impl->exec("PRAGMA synchronous = NORMAL");
    }
    impl->exec("PRAGMA cache_size = -65536");  // 64 MiB of page cache
    impl->exec("PRAGMA temp_store = MEMORY");
    // SQLite keeps no page checksums: a damaged cell count or pointer can read as a sound page
    // with fewer rows. This checks each b-tree cell's size as its page is read, turning more of
    // that damage into SQLITE_CORRUPT ("malformed") than a wrong answer.
    impl->exec("PRAGMA cell_size_check = ON");
    if (!impl->read_only) impl->exec("PRAGMA secure_delete = ON");  // deleted people leave no readable bytes behind
    if (version < kSchemaVersion) {
      impl->exec("BEGIN IMMEDIATE");
      try {
        for (std::int64_t v = version; v < kSchemaVersion; ++v) impl->exec(kMigrations[v]);
        impl->exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion).c_str());
        impl->exec("COMMIT");
      } catch (...) {
        // SQLite may have rolled back already (a full disk does): then a ROLLBACK would fail and
        // its error ("no transaction is active") would hide the one that says what went wrong.
        if (!sqlite3_get_autocommit(impl->db)) sqlite3_exec(impl->db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    }
  } catch (const StoreError& e) {
    return fail(ErrorCode::io, e.what(), Location{.file = path});
  }
  return Store(std::move(impl));
}

bool Store::read_only() const { return impl_->read_only; }

std::string Store::integrity_problems(std::int64_t full_check_below) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(impl_->path, ec);
  const bool full = !ec && static_cast<std::int64_t>(size) < full_check_below;
  auto& s = impl_->stmt(full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)");
  std::string out;
  while (s.step()) {
    const std::string line = s.text(0);
    if (line == "ok") continue;
    // A page the check could not read (an I/O error, no memory) is not damage it found: thrown,
    // as any failing read is, instead of being reported as a store that fails the check.
    if (const auto at = line.find("error code="); at != std::string::npos) {
      const int code = std::atoi(line.c_str() + at + 11);
      if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_NOMEM) {
        s.reset();
        throw StoreError(fmt::format("SQLite: {} (reading the store to check it: {})", sqlite3_errstr(code), line));
      }
    }
    if (!out.empty()) out += "; ";
    out += line;
  }
  s.reset();
  return out;
}

Store::Transaction::Transaction(Store& store, Checks checks) : store_(&store), checks_(checks) {
  // The pragma is a no-op inside a transaction: it is switched before BEGIN and back after the end.
  if (checks_ == Checks::trusted) store_->impl_->exec("PRAGMA foreign_keys = OFF");
  try {
    store_->impl_->exec("BEGIN IMMEDIATE");
  } catch (...) {
    if (checks_ == Checks::trusted) store_->impl_->exec("PRAGMA foreign_keys = ON");
    throw;
  }
}

Store::Transaction::~Transaction() {
  if (!done_) end("ROLLBACK");
}

void Store::Transaction::end(const char* sql) {
  auto& impl = *store_->impl_;
  impl.reset_all();
  char* msg = nullptr;
  const int rc = sqlite3_exec(impl.db, sql, nullptr, nullptr, &msg);
  const std::string error = rc == SQLITE_OK ? "" : (msg ? msg : sqlite3_errmsg(impl.db));
  sqlite3_free(msg);
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(impl.db)) sqlite3_exec(impl.db, "ROLLBACK", nullptr, nullptr, nullptr);
  if (checks_ == Checks::trusted) sqlite3_exec(impl.db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK && std::string_view(sql) == "COMMIT") throw StoreError(fmt::format("SQLite: {}", error));
}

Store::ReadTransaction::ReadTransaction(Store& store) : store_(&store) {
  Impl& impl = *store_->impl_;
  if (impl.read_nesting++ == 0 && sqlite3_get_autocommit(impl.db)) {
    impl.exec("BEGIN DEFERRED");
    impl.read_began = true;
  }
}

Store::ReadTransaction::~ReadTransaction() {
  Impl& impl = *store_->impl_;
  if (--impl.read_nesting != 0 || !impl.read_began) return;
  impl.read_began = false;
  impl.reset_all();
  char* msg = nullptr;
  sqlite3_exec(impl.db, "COMMIT", nullptr, nullptr, &msg);
  sqlite3_free(msg);
}

void Store::sync_search_index() {
  impl_->stmt(
          "INSERT INTO alias_search(rowid, key) SELECT id, key FROM aliases "
          "WHERE id > (SELECT value FROM meta WHERE key = 'search_upto') ORDER BY id")
      .run();
  impl_->stmt("UPDATE meta SET value = (SELECT coalesce(max(id), 0) FROM aliases) WHERE key = 'search_upto'").run();
}

// The same definitions as in the schema (a test compares them).
constexpr const char* kBulkIndexes[][2] = {
    {"aliases_by_key", "CREATE INDEX IF NOT EXISTS aliases_by_key ON aliases(key)"},
    {"relations_by_to", "CREATE INDEX IF NOT EXISTS relations_by_to ON relations(to_id)"},
    {"mentions_by_entity", "CREATE INDEX IF NOT EXISTS mentions_by_entity ON mentions(entity_id, what)"},
};

void Store::drop_bulk_indexes() {
  for (const auto& [name, sql] : kBulkIndexes) impl_->exec(fmt::format("DROP INDEX IF EXISTS {}", name).c_str());
}

void Store::create_bulk_indexes() {
  for (const auto& [name, sql] : kBulkIndexes) impl_->exec(sql);
}

void Store::Transaction::commit(const std::function<void()>& before_end) {
  store_->sync_search_index();
  store_->impl_->stmt("UPDATE meta SET value = value + 1 WHERE key = 'generation'").run();
  store_->impl_->stmt("UPDATE meta SET value = randomblob(16) WHERE key = 'write_id'").run();
  if (before_end) before_end();
  done_ = true;
  end("COMMIT");
}

void Store::set_entity_country(EntityId id, std::string_view country) {
  impl_->stmt("UPDATE entities SET country = ? WHERE id = ? AND country = ''").bind(1, country).bind(2, raw(id)).run();
}

namespace {
// Binds the identifying fields of a relation as parameters 1..9 (from, kind, to, start, end,
// role, former, left_key, status) and their identity hash as 10.
template <typename Row>  // RelationRow or Store::RelationInsert
void bind_identity(Stmt& s, const Row& r) {
  const std::string start = r.start.str(), end = r.end.str();
  const std::int64_t left_key = r.left ? raw(*r.left) : 0;
  s.bind(1, raw(r.from)).bind(2, to_string(r.kind)).bind(3, raw(r.to)).bind(4, std::string(start));
  s.bind(5, std::string(end)).bind(6, std::string_view(r.role)).bind(7, r.former ? 1 : 0).bind(8, left_key).bind(9, std::string_view(r.status));
  s.bind(10, relation_identity(to_string(r.kind), raw(r.to), start, end, r.role, r.former, left_key, r.status));
}

constexpr const char* kFindRelation =
    "SELECT id FROM relations WHERE from_id = ?1 AND identity = ?10 AND kind = ?2 AND to_id = ?3 AND start = ?4 "
    "AND \"end\" = ?5 AND role = ?6 AND former = ?7 AND left_key = ?8 AND status = ?9";
}  // namespace

Store::NextIds Store::next_ids() {
  NextIds n;
  auto next = [&](const char* sql) {
    auto& s = impl_->stmt(sql);
    s.step();
    const std::int64_t v = s.integer(0) + 1;
    s.reset();
    return v;
  };
  n.entity = next("SELECT coalesce(max(id), 0) FROM entities");
  n.source = next("SELECT coalesce(max(id), 0) FROM sources");
  n.relation = next("SELECT coalesce(max(id), 0) FROM relations");
  n.csv_file = next("SELECT coalesce(max(id), 0) FROM csv_files");
  return n;
}

void Store::insert_entities(std::span<const EntityInsert> rows) {
  impl_->insert_batch("INSERT INTO entities(id, kind, name, country, anonymous, description) VALUES ",
                      "(?,?,?,?,?,?)", 6, rows, [](Stmt& s, int p, const EntityInsert& r) {
                        s.bind(p, raw(r.id)).bind(p + 1, to_string(r.kind)).bind(p + 2, r.name);
                        s.bind(p + 3, r.country).bind(p + 4, r.anonymous ? 1 : 0).bind(p + 5, r.description);
                      });
}

std::size_t Store::insert_aliases(std::span<const AliasInsert> rows) {
  return impl_->insert_batch(
      "INSERT INTO aliases(entity_id, name, key) VALUES ", "(?,?,?)", 3, rows,
      [](Stmt& s, int p, const AliasInsert& r) { s.bind(p, raw(r.entity)).bind(p + 1, r.name).bind(p + 2, r.key); },
      " ON CONFLICT DO NOTHING");
}

void Store::insert_external_ids(std::span<const ExternalIdInsert> rows) {
  impl_->insert_batch(
      "INSERT INTO external_ids(scheme, value, entity_id) VALUES ", "(?,?,?)", 3, rows,
      [](Stmt& s, int p, const ExternalIdInsert& r) {
        s.bind(p, r.scheme).bind(p + 1, r.value).bind(p + 2, raw(r.entity));
      },
      " ON CONFLICT DO NOTHING");
}

void Store::insert_sources(std::span<const SourceInsert> rows) {
  impl_->insert_batch(
      "INSERT INTO sources(id, ext_id, url, title, publisher, published, language, based_on, content_hash) VALUES ",
      "(?,?,?,?,?,?,?,?,?)", 9, rows, [](Stmt& s, int p, const SourceInsert& r) {
        s.bind(p, raw(r.id)).bind(p + 1, r.ext_id).bind(p + 2, r.url).bind(p + 3, r.title).bind(p + 4, r.publisher);
        s.bind(p + 5, r.published).bind(p + 6, r.language).bind(p + 7, r.based_on).bind(p + 8, r.content_hash);
      });
}

void Store::insert_relations(std::span<const RelationInsert> rows) {
  // Dates as text must outlive the statement: format them first.
  std::vector<std::array<std::string, 2>> dates;
  dates.reserve(rows.size());
  for (const auto& r : rows) dates.push_back({r.start.str(), r.end.str()});
  const RelationInsert* base = rows.data();
  impl_->insert_batch(
      "INSERT INTO relations(id, kind, from_id, to_id, start, \"end\", role, former, left_id, left_key, status, "
      "identity, location_id) VALUES ",
      "(?,?,?,?,?,?,?,?,?,?,?,?,?)", 13, rows, [&](Stmt& s, int p, const RelationInsert& r) {
        const auto& d = dates[static_cast<std::size_t>(&r - base)];
        const std::string_view kind = to_string(r.kind);
        const std::int64_t left_key = r.left ? raw(*r.left) : 0;
        s.bind(p, raw(r.id)).bind(p + 1, kind).bind(p + 2, raw(r.from)).bind(p + 3, raw(r.to));
        s.bind(p + 4, d[0]).bind(p + 5, d[1]).bind(p + 6, r.role).bind(p + 7, r.former ? 1 : 0);
        if (r.left)
          s.bind(p + 8, raw(*r.left));
        else
          s.bind_null(p + 8);
        s.bind(p + 9, left_key).bind(p + 10, r.status);
        s.bind(p + 11, relation_identity(kind, raw(r.to), d[0], d[1], r.role, r.former, left_key, r.status));
        if (r.location)
          s.bind(p + 12, raw(*r.location));
        else
          s.bind_null(p + 12);
      });
}

std::size_t Store::insert_claims(std::span<const ClaimInsert> rows) {
  return impl_->insert_batch(
      "INSERT INTO claims(relation_id, source_id, record, quote, confidence, file, csv_file, location_id) VALUES ",
      "(?,?,?,?,?,?,?,?)", 8, rows,
      [](Stmt& s, int p, const ClaimInsert& r) {
        s.bind(p, raw(r.relation)).bind(p + 1, raw(r.source)).bind(p + 2, r.record).bind(p + 3, r.quote);
        s.bind(p + 4, r.confidence).bind(p + 5, r.file).bind(p + 6, r.csv_file);
        if (r.location)
          s.bind(p + 7, raw(*r.location));
        else
          s.bind_null(p + 7);
      },
      " ON CONFLICT DO NOTHING");
}

void Store::insert_mentions(std::span<const MentionInsert> rows) {
  impl_->insert_batch(
      "INSERT INTO mentions(source_id, csv_file, entity_id, what, value, confidence) VALUES ", "(?,?,?,?,?,?)", 6, rows,
      [](Stmt& s, int p, const MentionInsert& r) {
        s.bind(p, raw(r.origin.source)).bind(p + 1, r.origin.csv_file).bind(p + 2, raw(r.entity));
        s.bind(p + 3, static_cast<int>(r.what)).bind(p + 4, r.value).bind(p + 5, r.confidence);
      },
      " ON CONFLICT DO UPDATE SET confidence = max(confidence, excluded.confidence)");
}

void Store::update_source(const SourceInsert& r) {
  impl_->stmt("UPDATE sources SET url = ?2, title = ?3, publisher = ?4, published = ?5, language = ?6, based_on = ?7, "
              "content_hash = ?8 WHERE id = ?1")
      .bind(1, raw(r.id)).bind(2, r.url).bind(3, r.title).bind(4, r.publisher).bind(5, r.published)
      .bind(6, r.language).bind(7, r.based_on).bind(8, r.content_hash).run();
}

std::optional<std::int64_t> Store::find_csv_file(std::string_view name) {
  auto& s = impl_->stmt("SELECT id FROM csv_files WHERE name = ?");
  if (s.bind(1, name).step()) return s.integer(0);
  return std::nullopt;
}

std::vector<SourceFileRow> Store::source_files() {
  std::vector<SourceFileRow> out;
  {
    auto& s = impl_->stmt("SELECT path, format, size, mtime_ns, sha256, generation FROM source_files ORDER BY path");
    while (s.step())
      out.push_back(SourceFileRow{s.text(0), s.text(1), s.integer(2), s.integer(3), s.text(4), s.integer(5), {}});
  }
  auto& s = impl_->stmt("SELECT path, kind, name FROM source_file_origins ORDER BY path, kind, name");
  std::size_t i = 0;
  while (s.step()) {
    const std::string path = s.text(0);
    while (i < out.size() && out[i].path < path) ++i;
    if (i == out.size() || out[i].path != path) continue;
    out[i].origins.push_back(FileOrigin{static_cast<FileOrigin::Kind>(s.integer(1)), s.text(2)});
  }
  return out;
}

void Store::put_source_file(const SourceFileRow& row) {
  delete_source_file(row.path);
  impl_->stmt("INSERT INTO source_files(path, format, size, mtime_ns, sha256, generation) VALUES (?,?,?,?,?,?)")
      .bind(1, row.path).bind(2, row.format).bind(3, row.size).bind(4, row.mtime_ns).bind(5, row.sha256)
      .bind(6, row.generation).run();
  for (const FileOrigin& o : row.origins)
    impl_->stmt("INSERT OR IGNORE INTO source_file_origins(path, kind, name) VALUES (?,?,?)")
        .bind(1, row.path).bind(2, static_cast<std::int64_t>(o.kind)).bind(3, o.name).run();
}

void Store::delete_source_file(std::string_view path) {
  impl_->stmt("DELETE FROM source_file_origins WHERE path = ?").bind(1, path).run();
  impl_->stmt("DELETE FROM source_files WHERE path = ?").bind(1, path).run();
}

void Store::insert_csv_file(std::int64_t id, std::string_view name) {
  impl_->stmt("INSERT INTO csv_files(id, name) VALUES (?, ?)").bind(1, id).bind(2, name).run();
}

void Store::begin_revisions() {
  if (impl_->revising) return;
  impl_->exec(
      "CREATE TEMP TABLE IF NOT EXISTS revised_claims (relation_id INTEGER, source_id INTEGER, csv_file INTEGER, "
      "record TEXT, quote TEXT, confidence REAL, file TEXT, location_id INTEGER, "
      "PRIMARY KEY (relation_id, source_id, csv_file, record)) WITHOUT ROWID;"
      "CREATE TEMP TABLE IF NOT EXISTS revised_entities (entity_id INTEGER PRIMARY KEY);"
      "CREATE TEMP TABLE IF NOT EXISTS revised_sources (source_id INTEGER PRIMARY KEY);"
      // What the revised origins said before, to tell whether the new versions say the same.
      "CREATE TEMP TABLE IF NOT EXISTS revised_origins (source_id INTEGER, csv_file INTEGER, "
      "PRIMARY KEY (source_id, csv_file)) WITHOUT ROWID;"
      "CREATE TEMP TABLE IF NOT EXISTS revised_mentions AS SELECT * FROM mentions WHERE 0;"
      "CREATE TEMP TABLE IF NOT EXISTS revised_source_rows AS SELECT * FROM sources WHERE 0;");
  impl_->revising = true;
}

void Store::retract_all() {
  begin_revisions();
  impl_->revising_csv = true;
  impl_->revising_all = true;
  impl_->exec(
      "INSERT OR IGNORE INTO temp.revised_claims SELECT relation_id, source_id, csv_file, record, quote, confidence, "
      "file, location_id FROM claims;"
      "INSERT OR IGNORE INTO temp.revised_origins SELECT 0, id FROM csv_files;"
      "INSERT OR IGNORE INTO temp.revised_origins SELECT id, 0 FROM sources;"
      "INSERT INTO temp.revised_mentions SELECT * FROM mentions;"
      "INSERT INTO temp.revised_source_rows SELECT * FROM sources;"
      "INSERT OR IGNORE INTO temp.revised_sources SELECT id FROM sources;"
      "DELETE FROM claims;"
      "INSERT OR IGNORE INTO temp.revised_entities SELECT DISTINCT entity_id FROM mentions;"
      "DELETE FROM mentions;");
}

void Store::retract(Origin o) {
  begin_revisions();
  if (o.csv_file) impl_->revising_csv = true;
  // A CSV file is retracted whole (its rows cite many sources); a source, as far as documents
  // gave it (csv_file 0). The same steps for either, by the file's id or the source's. The
  // claims of a file are read by claims_by_csv_file, whose `csv_file <> 0` the statement must
  // say for SQLite to use it.
  const std::int64_t key = o.csv_file ? o.csv_file : raw(o.source);
  auto run = [&](const char* by_file, const char* by_source) {
    impl_->stmt(o.csv_file ? by_file : by_source).bind(1, key).run();
  };
  run("INSERT OR IGNORE INTO temp.revised_claims SELECT relation_id, source_id, csv_file, record, quote, confidence, "
      "file, location_id FROM claims WHERE csv_file = ? AND csv_file <> 0",
      "INSERT OR IGNORE INTO temp.revised_claims SELECT relation_id, source_id, csv_file, record, quote, confidence, "
      "file, location_id FROM claims WHERE source_id = ? AND csv_file = 0");
  run("INSERT OR IGNORE INTO temp.revised_origins VALUES (0, ?)",
      "INSERT OR IGNORE INTO temp.revised_origins VALUES (?, 0)");
  // A CSV file's mentions are read by the mentions' key, led by source_id: of the sources its
  // claims cite (or 0, a v4 store's vote of the file), which are all the sources its mentions
  // are by (ingest writes a row's mentions with its claim; delete_entity keeps it so).
  run("INSERT INTO temp.revised_mentions SELECT * FROM mentions WHERE csv_file = ?1 AND source_id IN (SELECT 0 "
      "UNION SELECT source_id FROM claims WHERE csv_file = ?1 AND csv_file <> 0)",
      "INSERT INTO temp.revised_mentions SELECT * FROM mentions WHERE source_id = ? AND csv_file = 0");
  if (!o.csv_file)
    impl_->stmt("INSERT INTO temp.revised_source_rows SELECT * FROM sources WHERE id = ?").bind(1, key).run();
  run("INSERT OR IGNORE INTO temp.revised_sources SELECT DISTINCT source_id FROM claims WHERE csv_file = ? "
      "AND csv_file <> 0",
      "INSERT OR IGNORE INTO temp.revised_sources VALUES (?)");
  run("DELETE FROM claims WHERE csv_file = ? AND csv_file <> 0",
      "DELETE FROM claims WHERE source_id = ? AND csv_file = 0");
  // A CSV file's mentions are by each row's source within the file: the file retracts them all.
  run("INSERT OR IGNORE INTO temp.revised_entities SELECT DISTINCT entity_id FROM temp.revised_mentions "
      "WHERE csv_file = ?",
      "INSERT OR IGNORE INTO temp.revised_entities SELECT DISTINCT entity_id FROM mentions "
      "WHERE source_id = ? AND csv_file = 0");
  run("DELETE FROM mentions WHERE csv_file = ?1 AND source_id IN (SELECT source_id FROM temp.revised_mentions "
      "WHERE csv_file = ?1)",
      "DELETE FROM mentions WHERE source_id = ? AND csv_file = 0");
}

Retracted Store::finish_revisions(std::vector<EntityId>* left) {
  Retracted r;
  if (!impl_->revising) return r;
  auto changes = [&] { return static_cast<std::size_t>(sqlite3_changes(impl_->db)); };
  auto count = [&](const char* sql) {
    auto& s = impl_->stmt(sql);
    s.step();
    return static_cast<std::size_t>(s.integer(0));
  };
  // A claim is its relation and its source (in its CSV file): one that moved to another record
  // (line N, relations[i]) is stated again, not retracted and added.
  r.claims = count(
      "SELECT count(*) FROM (SELECT DISTINCT relation_id, source_id, csv_file FROM temp.revised_claims) rc "
      "WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.relation_id = rc.relation_id AND c.source_id = rc.source_id "
      "AND c.csv_file = rc.csv_file)");
  // (Each claim matches one distinct triple: from the revised claims, not over every claim.)
  r.restated = count(
      "SELECT count(*) FROM (SELECT DISTINCT relation_id, source_id, csv_file FROM temp.revised_claims) rc "
      "JOIN claims c ON c.relation_id = rc.relation_id AND c.source_id = rc.source_id AND c.csv_file = rc.csv_file");
  // Whether the new versions wrote back exactly what was retracted: claims (with records,
  // quotes and locations), mentions and citations.
  // The current rows of the revised origins, a branch per kind of origin so that each reads an
  // index: claims_by_csv_file (its `csv_file <> 0` written out, as the partial index needs),
  // claims_by_source, the mentions' key (led by source_id, csv_file; a CSV file's by the sources
  // its claims cite).
  auto current = [](const char* columns, const char* table, bool csv) {
    const std::string by_source = fmt::format(
        "SELECT {} FROM {} WHERE csv_file = 0 AND source_id IN (SELECT source_id FROM temp.revised_origins "
        "WHERE csv_file = 0)",
        columns, table);
    if (!csv) return fmt::format("SELECT * FROM ({})", by_source);
    // A file's mentions by the sources its claims cite, as retract() reads them.
    const char* of_sources = std::string_view(table) == "mentions"
                                 ? "AND source_id IN (SELECT 0 UNION SELECT source_id FROM claims WHERE csv_file <> 0 "
                                   "AND csv_file IN (SELECT csv_file FROM temp.revised_origins WHERE csv_file <> 0))"
                                 : "";
    return fmt::format(
        "SELECT * FROM (SELECT {} FROM {} WHERE csv_file <> 0 AND csv_file IN (SELECT csv_file FROM "
        "temp.revised_origins WHERE csv_file <> 0) {} UNION ALL {})",
        columns, table, of_sources, by_source);
  };
  auto same = [&](bool csv) {
    return fmt::format(
        "SELECT NOT EXISTS (SELECT * FROM temp.revised_claims EXCEPT {0}) AND NOT EXISTS ({0} EXCEPT SELECT * FROM "
        "temp.revised_claims) AND NOT EXISTS (SELECT * FROM temp.revised_mentions EXCEPT {1}) AND NOT EXISTS ({1} "
        "EXCEPT SELECT * FROM temp.revised_mentions) AND NOT EXISTS (SELECT * FROM temp.revised_source_rows EXCEPT "
        "SELECT * FROM sources WHERE id IN (SELECT id FROM temp.revised_source_rows))",
        current("relation_id, source_id, csv_file, record, quote, confidence, file, location_id", "claims", csv),
        current("*", "mentions", csv));
  };
  static const std::string same_documents = same(false), same_files = same(true);
  // (Not asked after retract_all: rebuild --full writes whatever it finds, and comparing every
  // claim and mention both ways was a quarter of it.)
  r.unchanged = !impl_->revising_all && count((impl_->revising_csv ? same_files : same_documents).c_str()) != 0;
  // Relations that keep claims take the location of their best claim that names one.
  impl_->stmt(
          "UPDATE relations SET location_id = (SELECT location_id FROM claims c WHERE c.relation_id = relations.id "
          "AND c.location_id IS NOT NULL ORDER BY c.confidence DESC, c.location_id LIMIT 1) "
          "WHERE id IN (SELECT relation_id FROM temp.revised_claims)")
      .run();
  // Relations left without any claim, and the entities at their ends.
  impl_->exec(
      "CREATE TEMP TABLE gone_relations AS SELECT DISTINCT relation_id AS id FROM temp.revised_claims rc "
      "WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.relation_id = rc.relation_id);"
      "INSERT OR IGNORE INTO temp.revised_entities SELECT from_id FROM relations WHERE id IN (SELECT id FROM gone_relations);"
      "INSERT OR IGNORE INTO temp.revised_entities SELECT to_id FROM relations WHERE id IN (SELECT id FROM gone_relations);"
      "INSERT OR IGNORE INTO temp.revised_entities SELECT left_id FROM relations "
      "WHERE id IN (SELECT id FROM gone_relations) AND left_id IS NOT NULL;"
      "INSERT OR IGNORE INTO temp.revised_entities SELECT location_id FROM relations "
      "WHERE id IN (SELECT id FROM gone_relations) AND location_id IS NOT NULL;");
  impl_->stmt("DELETE FROM relations WHERE id IN (SELECT id FROM temp.gone_relations)").run();
  r.relations = changes();
  // Entities no origin mentions any more and no relation touches.
  const Retracted unreferenced = impl_->delete_unreferenced("temp.revised_entities");
  r.entities += unreferenced.entities;
  r.aliases += unreferenced.aliases;
  r.ids += unreferenced.ids;
  // Aliases and ids of the entities that stay, when no origin gives them any more (an entity
  // keeps its own name; one that no origin mentions keeps everything).
  impl_->stmt(
          "DELETE FROM aliases WHERE entity_id IN (SELECT entity_id FROM temp.revised_entities) "
          "AND name <> (SELECT name FROM entities e WHERE e.id = aliases.entity_id) "
          "AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = aliases.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = aliases.entity_id AND m.what = 1 "
          "AND m.value = aliases.name)")
      .run();
  r.aliases += changes();
  impl_->stmt(
          "DELETE FROM external_ids WHERE entity_id IN (SELECT entity_id FROM temp.revised_entities) "
          "AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = external_ids.entity_id) "
          "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = external_ids.entity_id AND m.what = 2 "
          "AND m.value = external_ids.scheme || char(31) || external_ids.value)")
      .run();
  r.ids += changes();
  // Sources of the revised origins that nothing cites any more.
  impl_->stmt(
          "DELETE FROM sources WHERE id IN (SELECT source_id FROM temp.revised_sources) "
          "AND NOT EXISTS (SELECT 1 FROM claims WHERE source_id = sources.id) "
          "AND NOT EXISTS (SELECT 1 FROM mentions WHERE source_id = sources.id)")
      .run();
  if (left) {
    auto& s = impl_->stmt(
        "SELECT entity_id FROM temp.revised_entities re WHERE EXISTS (SELECT 1 FROM entities WHERE id = re.entity_id) "
        "ORDER BY entity_id");
    while (s.step()) left->push_back(EntityId{s.integer(0)});
  }
  impl_->exec(
      "DROP TABLE temp.gone_relations; DROP TABLE temp.revised_claims; DROP TABLE temp.revised_entities; "
      "DROP TABLE temp.revised_sources; DROP TABLE temp.revised_origins; DROP TABLE temp.revised_mentions; "
      "DROP TABLE temp.revised_source_rows;");
  impl_->revising = false;
  impl_->revising_csv = false;
  impl_->revising_all = false;
  return r;
}

namespace {
// One source is one vote, however many files or rows cite it: a CSV row's mention is by its
// source (the row's source_url, or the file's own source); one of a v4 store written before
// that is by its file alone (source_id 0), one vote per file.
#define TG_MENTION_SOURCE(m) "CASE WHEN " m ".source_id <> 0 THEN " m ".source_id ELSE -" m ".csv_file END"
// The country most sources claim (then the highest confidence, then the code), as
// set_effective_countries fills temp.country_claimed with it.
constexpr const char* kExplicitCountry = "(SELECT country FROM temp.country_claimed WHERE id = entities.id)";
constexpr const char* kHeadquartersCountry =
    "(SELECT p.country FROM relations r JOIN entities p ON p.id = r.to_id WHERE r.from_id = entities.id "
    "AND r.kind = 'headquartered_in' AND p.country <> '' GROUP BY p.country ORDER BY count(*) DESC, p.country LIMIT 1)";
}  // namespace

std::vector<EntityId> Store::set_effective_countries(std::span<const EntityId> ids,
                                                     const std::vector<std::pair<EntityId, std::string>>& pins) {
  impl_->exec(
      "CREATE TEMP TABLE IF NOT EXISTS country_dirty (id INTEGER PRIMARY KEY);"
      "CREATE TEMP TABLE IF NOT EXISTS country_pins (id INTEGER PRIMARY KEY, country TEXT NOT NULL);"
      "CREATE TEMP TABLE IF NOT EXISTS country_claimed (id INTEGER PRIMARY KEY, country TEXT NOT NULL);"
      "DELETE FROM temp.country_dirty; DELETE FROM temp.country_pins; DELETE FROM temp.country_claimed;");
  // The claimed country of each: most sources (one vote a source, TG_MENTION_SOURCE), then the
  // highest confidence, then the code. Tallied here from what mentions_by_entity holds (value
  // and source): SQLite's GROUP BY with a count(DISTINCT) per entity cost six times as much, and
  // reading the confidence of every mention (not in the index) 15 times; it is read for ties.
  std::vector<std::pair<std::string, std::int64_t>> claimed;  // (country, source)
  for (EntityId id : ids) {
    impl_->stmt("INSERT OR IGNORE INTO temp.country_dirty VALUES (?)").bind(1, raw(id)).run();
    auto& m = impl_->stmt("SELECT value, " TG_MENTION_SOURCE("m") " FROM mentions m WHERE m.entity_id = ? AND m.what = 3");
    m.bind(1, raw(id));
    claimed.clear();
    while (m.step()) claimed.emplace_back(m.text(0), m.integer(1));
    if (claimed.empty()) continue;
    std::ranges::sort(claimed);
    claimed.erase(std::unique(claimed.begin(), claimed.end()), claimed.end());
    // Votes per country, in code order; the first of the most votes, unless a tie's confidence says otherwise.
    std::vector<std::pair<std::string_view, std::size_t>> votes;
    for (const auto& [country, source] : claimed)
      if (votes.empty() || votes.back().first != country) votes.emplace_back(country, 1);
      else ++votes.back().second;
    std::size_t most = 0, at_most = 0;
    for (const auto& v : votes) most = std::max(most, v.second);
    for (const auto& v : votes) at_most += v.second == most;
    std::string_view best;
    double best_confidence = -1;
    for (const auto& [country, n] : votes) {
      if (n != most) continue;
      if (at_most == 1) {
        best = country;
        break;
      }
      auto& c = impl_->stmt("SELECT max(confidence) FROM mentions WHERE entity_id = ? AND what = 3 AND value = ?");
      const double confidence = c.bind(1, raw(id)).bind(2, country).step() ? c.real(0) : 0;
      if (confidence > best_confidence) {  // strictly: a tie of confidence keeps the lower code
        best = country;
        best_confidence = confidence;
      }
    }
    impl_->stmt("INSERT OR REPLACE INTO temp.country_claimed VALUES (?, ?)").bind(1, raw(id)).bind(2, best).run();
  }
  for (const auto& [id, country] : pins) {
    impl_->stmt("INSERT OR REPLACE INTO temp.country_pins VALUES (?, ?)").bind(1, raw(id)).bind(2, country).run();
    impl_->stmt("INSERT OR IGNORE INTO temp.country_dirty VALUES (?)").bind(1, raw(id)).run();
  }
  static const std::string places = fmt::format(
      "UPDATE entities SET country = coalesce((SELECT country FROM temp.country_pins WHERE id = entities.id), {}, '') "
      "WHERE id IN (SELECT id FROM temp.country_dirty) AND kind NOT IN ('company', 'lab', 'university', 'agency')",
      kExplicitCountry);
  static const std::string organisations = fmt::format(
      "UPDATE entities SET country = coalesce((SELECT country FROM temp.country_pins WHERE id = entities.id), {}, {}, "
      "'') WHERE id IN (SELECT id FROM temp.country_dirty) AND kind IN ('company', 'lab', 'university', 'agency')",
      kHeadquartersCountry, kExplicitCountry);
  impl_->stmt(places.c_str()).run();
  impl_->stmt(organisations.c_str()).run();
  // Disagreements: two countries claimed, or one claimed that the rule did not choose.
  auto& s = impl_->stmt(
      "SELECT d.id FROM temp.country_dirty d JOIN entities e ON e.id = d.id WHERE EXISTS (SELECT 1 FROM mentions m "
      "WHERE m.entity_id = d.id AND m.what = 3 AND m.value <> e.country) ORDER BY d.id");
  std::vector<EntityId> out;
  while (s.step()) out.push_back(EntityId{s.integer(0)});
  return out;
}

void Store::set_relation_locations(std::span<const RelationId> ids) {
  for (RelationId id : ids)
    impl_->stmt("UPDATE relations SET location_id = (SELECT location_id FROM claims WHERE relation_id = ?1 AND "
                "location_id IS NOT NULL ORDER BY confidence DESC, location_id LIMIT 1) WHERE id = ?1")
        .bind(1, raw(id)).run();
}

std::vector<EntityId> Store::headquartered_in(std::span<const EntityId> places) {
  std::vector<EntityId> out;
  for (EntityId p : places) {
    // Only a place has organisations headquartered in it; an organisation, asked here for every
    // one whose country changed, would have each of its employments read to find none.
    auto& s = impl_->stmt(
        "SELECT r.from_id FROM entities p JOIN relations r ON r.to_id = p.id WHERE p.id = ? AND p.kind = 'place' "
        "AND r.kind = 'headquartered_in'");
    s.bind(1, raw(p));
    while (s.step()) out.push_back(EntityId{s.integer(0)});
  }
  return out;
}

std::vector<CountryClaim> Store::country_claims(EntityId id) {
  // Each value's support counted once, not once per mention: an organisation named in 51k CSV
  // rows has 51k mentions of its country, and a count per row read them all each time (`show`
  // of it took minutes). Ties stay in the order the index reads the mentions (by origin).
  auto& s = impl_->stmt(
      "WITH mine AS (SELECT m.csv_file, m.source_id, m.value, m.confidence, " TG_MENTION_SOURCE("m")
      " AS origin FROM mentions m WHERE m.entity_id = ? AND m.what = 3), "
      "support AS (SELECT value, count(DISTINCT origin) AS n FROM mine GROUP BY value) "
      "SELECT CASE WHEN m.csv_file = 0 THEN coalesce(src.ext_id, '') "
      "WHEN m.source_id = 0 OR src.ext_id = 'file:' || f.name THEN 'csv:' || f.name "
      "ELSE coalesce(src.ext_id, '') || ' in ' || f.name END, m.value, m.confidence, sup.n AS support, m.origin "
      "FROM mine m JOIN support sup ON sup.value = m.value LEFT JOIN csv_files f ON f.id = m.csv_file "
      "LEFT JOIN sources src ON src.id = m.source_id ORDER BY support DESC, m.value, 1, m.source_id, m.csv_file");
  s.bind(1, raw(id));
  std::vector<CountryClaim> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.integer(4)});
  return out;
}

std::vector<std::pair<std::string, std::string>> Store::headquarters_countries(EntityId id) {
  auto& s = impl_->stmt(
      "SELECT p.name, p.country FROM relations r JOIN entities p ON p.id = r.to_id WHERE r.from_id = ? "
      "AND r.kind = 'headquartered_in' AND p.country <> '' ORDER BY p.id");
  s.bind(1, raw(id));
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

std::optional<RelationId> Store::find_relation(const RelationInsert& row) {
  auto& find = impl_->stmt(kFindRelation);
  bind_identity(find, row);
  if (find.step()) return RelationId{find.integer(0)};
  return std::nullopt;
}

std::optional<SourceId> Store::find_source(std::string_view ext_id) {
  auto& find = impl_->stmt("SELECT id FROM sources WHERE ext_id = ?");
  if (find.bind(1, ext_id).step()) return SourceId{find.integer(0)};
  return std::nullopt;
}

void Store::merge_entities(EntityId keep, EntityId drop) {
  if (keep == drop) return;
  impl_->stmt("INSERT INTO aliases(entity_id, name, key) SELECT ?, name, key FROM aliases WHERE entity_id = ? "
              "ON CONFLICT DO NOTHING")
      .bind(1, raw(keep)).bind(2, raw(drop)).run();
  impl_->stmt("UPDATE external_ids SET entity_id = ? WHERE entity_id = ?").bind(1, raw(keep)).bind(2, raw(drop)).run();
  impl_->stmt("UPDATE entities SET country = (SELECT country FROM entities WHERE id = ?) WHERE id = ? AND country = ''")
      .bind(1, raw(drop)).bind(2, raw(keep)).run();
  // What the origins said of `drop` they now say of `keep` (a revision of one of them retracts it there).
  impl_->stmt("INSERT INTO mentions(source_id, csv_file, entity_id, what, value, confidence) "
              "SELECT source_id, csv_file, ?, what, value, confidence FROM mentions WHERE entity_id = ? "
              "ON CONFLICT DO UPDATE SET confidence = max(confidence, excluded.confidence)")
      .bind(1, raw(keep)).bind(2, raw(drop)).run();
  impl_->stmt("DELETE FROM mentions WHERE entity_id = ?").bind(1, raw(drop)).run();
  impl_->stmt("UPDATE relations SET location_id = ? WHERE location_id = ?").bind(1, raw(keep)).bind(2, raw(drop)).run();
  impl_->stmt("UPDATE claims SET location_id = ? WHERE location_id = ?").bind(1, raw(keep)).bind(2, raw(drop)).run();
  // Re-point every relation; one that becomes identical to an existing one hands over its claims.
  std::vector<RelationRow> moved;
  for (const RelationRow& r : relations_touching(drop)) moved.push_back(r);
  for (RelationRow r : moved) {
    const RelationId old_id = r.id;
    if (r.from == drop) r.from = keep;
    if (r.to == drop) r.to = keep;
    if (r.left && *r.left == drop) r.left = keep;
    auto& find = impl_->stmt(
        "SELECT id FROM relations WHERE from_id = ?1 AND identity = ?10 AND kind = ?2 AND to_id = ?3 AND start = ?4 "
        "AND \"end\" = ?5 AND role = ?6 AND former = ?7 AND left_key = ?8 AND status = ?9 AND id <> ?11");
    bind_identity(find, r);
    if (find.bind(11, raw(old_id)).step()) {
      const std::int64_t target = find.integer(0);
      impl_->stmt("INSERT INTO claims(relation_id, source_id, quote, confidence, file, record, csv_file, location_id) "
                  "SELECT ?, source_id, quote, confidence, file, record, csv_file, location_id FROM claims "
                  "WHERE relation_id = ? "
                  "ON CONFLICT DO NOTHING")
          .bind(1, target).bind(2, raw(old_id)).run();
      impl_->stmt("DELETE FROM claims WHERE relation_id = ?").bind(1, raw(old_id)).run();
      impl_->stmt("DELETE FROM relations WHERE id = ?").bind(1, raw(old_id)).run();
    } else {
      auto& up = impl_->stmt(
          "UPDATE relations SET from_id = ?1, to_id = ?3, left_key = ?8, identity = ?10, left_id = ?11 WHERE id = ?12");
      bind_identity(up, r);
      if (r.left)
        up.bind(11, raw(*r.left));
      else
        up.bind_null(11);
      up.bind(12, raw(old_id)).run();
    }
  }
  impl_->stmt("DELETE FROM aliases WHERE entity_id = ?").bind(1, raw(drop)).run();
  impl_->stmt("DELETE FROM entities WHERE id = ?").bind(1, raw(drop)).run();
}

void Store::delete_entity(EntityId id) {
  // Children first, explicitly: a trusted transaction has no ON DELETE CASCADE. secure_delete
  // (set at open) overwrites the freed content; the search index keeps deleted terms in its
  // segments until they are merged, so merge them now.
  constexpr const char* kTouching =
      "SELECT id FROM relations WHERE from_id = ?1 UNION SELECT id FROM relations WHERE to_id = ?1 "
      "UNION SELECT id FROM relations WHERE left_id = ?1";
  static const std::string delete_claims = fmt::format("DELETE FROM claims WHERE relation_id IN ({})", kTouching);
  static const std::string delete_relations = fmt::format("DELETE FROM relations WHERE id IN ({})", kTouching);
  // The other ends of its relations, and the entities its sources spoke of: each goes too when
  // nothing is left of it (below), as a revision leaves nothing unreferenced.
  impl_->exec("CREATE TEMP TABLE IF NOT EXISTS forgotten_ends (entity_id INTEGER PRIMARY KEY); "
              "DELETE FROM temp.forgotten_ends;");
  static const std::string ends = fmt::format(
      "INSERT OR IGNORE INTO temp.forgotten_ends SELECT from_id FROM relations WHERE id IN ({0}) "
      "UNION SELECT to_id FROM relations WHERE id IN ({0}) "
      "UNION SELECT left_id FROM relations WHERE id IN ({0}) AND left_id IS NOT NULL "
      "UNION SELECT location_id FROM relations WHERE id IN ({0}) AND location_id IS NOT NULL",
      kTouching);
  impl_->stmt(ends.c_str()).bind(1, raw(id)).run();
  impl_->stmt(delete_claims.c_str()).bind(1, raw(id)).run();
  impl_->stmt(delete_relations.c_str()).bind(1, raw(id)).run();
  impl_->stmt("DELETE FROM aliases WHERE entity_id = ?").bind(1, raw(id)).run();
  impl_->stmt("DELETE FROM external_ids WHERE entity_id = ?").bind(1, raw(id)).run();
  impl_->stmt("DELETE FROM mentions WHERE entity_id = ?").bind(1, raw(id)).run();  // names and ids as given
  impl_->stmt("UPDATE relations SET location_id = NULL WHERE location_id = ?").bind(1, raw(id)).run();
  impl_->stmt("UPDATE claims SET location_id = NULL WHERE location_id = ?").bind(1, raw(id)).run();
  impl_->stmt("DELETE FROM entities WHERE id = ?").bind(1, raw(id)).run();
  impl_->stmt("INSERT INTO alias_search(alias_search) VALUES ('optimize')").run();
  // Sources left without any claim were only about this entity: they go too, with what they
  // said of others.
  // And what a CSV file's rows of this entity's sources said of others, when no claim of that
  // file cites the source any more: a revision of the file finds its mentions by its claims'
  // sources (retract).
  constexpr const char* kUncited =
      "source_id <> 0 AND (source_id NOT IN (SELECT source_id FROM claims) OR (csv_file <> 0 AND NOT EXISTS "
      "(SELECT 1 FROM claims c WHERE c.source_id = mentions.source_id AND c.csv_file = mentions.csv_file)))";
  static const std::string uncited_ends =
      fmt::format("INSERT OR IGNORE INTO temp.forgotten_ends SELECT entity_id FROM mentions WHERE {}", kUncited);
  static const std::string delete_uncited = fmt::format("DELETE FROM mentions WHERE {}", kUncited);
  impl_->stmt(uncited_ends.c_str()).run();
  impl_->stmt(delete_uncited.c_str()).run();
  impl_->stmt("DELETE FROM sources WHERE NOT EXISTS (SELECT 1 FROM claims WHERE claims.source_id = sources.id)").run();
  impl_->delete_unreferenced("temp.forgotten_ends");
  impl_->exec("DROP TABLE temp.forgotten_ends;");
}

void Store::add_forgotten(std::string_view digest) {
  const std::string keyed = hmac_sha256_hex(impl_->forget_key_bytes(), digest);
  impl_->stmt("INSERT OR IGNORE INTO forgotten(digest, keyed) VALUES (?, 1)").bind(1, keyed).run();
}

bool Store::is_forgotten(std::string_view digest) {
  const std::string keyed = hmac_sha256_hex(impl_->forget_key_bytes(), digest);
  return impl_->stmt("SELECT 1 FROM forgotten WHERE digest = ?1 AND keyed = 1 UNION ALL "
                     "SELECT 1 FROM forgotten WHERE digest = ?2 AND keyed = 0")
      .bind(1, keyed)
      .bind(2, digest)
      .step();
}

std::size_t Store::unkeyed_forgotten() {
  auto& s = impl_->stmt("SELECT count(*) FROM forgotten WHERE keyed = 0");
  const auto n = s.step() ? static_cast<std::size_t>(s.integer(0)) : 0;
  s.reset();
  return n;
}

bool Store::add_curation_rule(std::string_view rule, std::string_view names) {
  impl_->stmt("INSERT OR IGNORE INTO curation_rules(rule, names) VALUES (?, ?)").bind(1, rule).bind(2, names).run();
  return sqlite3_changes(impl_->db) > 0;
}

std::vector<std::pair<std::string, std::string>> Store::curation_rules() {
  auto& s = impl_->stmt("SELECT rule, names FROM curation_rules ORDER BY rule, names");
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

std::size_t Store::foreign_key_violations() {
  auto& s = impl_->stmt("PRAGMA foreign_key_check");
  std::size_t n = 0;
  while (s.step()) ++n;
  return n;
}

void Store::checkpoint() {
  // TRUNCATE waits (the busy timeout) for readers of an older state to finish; one that is still
  // reading then keeps the old pages in the log (and the database file's old pages unwritten),
  // and the row says busy (1). A long query may hold its state that long: try for a minute.
  constexpr int kAttempts = 6;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto& s = impl_->stmt("PRAGMA wal_checkpoint(TRUNCATE)");
    const bool row = s.step();
    const bool busy = row && s.integer(0) != 0;
    if (row) (void)s.step();
    if (!busy) {
      // Every reader of an older state has ended; one that was building the snapshot cache from
      // it wrote the cache (with the names just removed) before it ended: it goes again.
      std::error_code ec;
      std::filesystem::remove(impl_->path + ".tgsnap", ec);
      return;
    }
  }
  throw StoreError(
      "the change is committed, but readers kept older states of the store in use for over a minute, so their "
      "pages (with what was removed) are still in the write-ahead log and the database file; run `sqlite3 DB "
      "'PRAGMA wal_checkpoint(TRUNCATE)'` once they are done");
}

void Store::finish_initial_load() {
  impl_->exec("PRAGMA journal_mode = WAL");
  impl_->exec("PRAGMA synchronous = NORMAL");
}

bool Store::empty() {
  return !impl_->stmt("SELECT 1 FROM entities LIMIT 1").step() && !impl_->stmt("SELECT 1 FROM sources LIMIT 1").step() &&
         !has_forgotten();
}

bool Store::has_forgotten() { return impl_->stmt("SELECT 1 FROM forgotten LIMIT 1").step(); }

std::int64_t Store::store_id() {
  auto& s = impl_->stmt("SELECT value FROM meta WHERE key = 'store_id'");
  return s.step() ? s.integer(0) : 0;
}

std::string Store::write_id() {
  auto& s = impl_->stmt("SELECT value FROM meta WHERE key = 'write_id'");
  std::string out = s.step() ? s.text(0) : std::string();
  s.reset();
  return out;
}

std::int64_t Store::generation() {
  auto& s = impl_->stmt("SELECT value FROM meta WHERE key = 'generation'");
  return s.step() ? s.integer(0) : 0;
}

std::vector<EntityId> Store::entities_with_alias_key(std::string_view key) {
  auto& s = impl_->stmt("SELECT DISTINCT entity_id FROM aliases WHERE key = ? ORDER BY entity_id");
  s.bind(1, key);
  std::vector<EntityId> out;
  while (s.step()) out.push_back(EntityId{s.integer(0)});
  return out;
}

std::optional<EntityId> Store::entity_by_external_id(std::string_view scheme, std::string_view value) {
  auto& s = impl_->stmt("SELECT entity_id FROM external_ids WHERE scheme = ? AND value = ?");
  if (s.bind(1, scheme).bind(2, value).step()) return EntityId{s.integer(0)};
  return std::nullopt;
}

namespace {
EntityRow read_entity(const Stmt& s) {
  EntityRow e;
  e.id = EntityId{s.integer(0)};
  auto kind = parse_node_kind(s.text(1));
  if (!kind) throw StoreError(fmt::format("store holds an unknown entity kind \"{}\"", s.text(1)));
  e.kind = *kind;
  e.name = s.text(2);
  e.country = s.text(3);
  e.anonymous = s.integer(4) != 0;
  e.description = s.text(5);
  return e;
}

RelationRow read_relation(const Stmt& s) {
  RelationRow r;
  r.id = RelationId{s.integer(0)};
  auto kind = parse_relation_kind(s.text(1));
  if (!kind) throw StoreError(fmt::format("store holds an unknown relation kind \"{}\"", s.text(1)));
  r.kind = *kind;
  r.from = EntityId{s.integer(2)};
  r.to = EntityId{s.integer(3)};
  r.start = date_from_text(s.text(4));
  r.end = date_from_text(s.text(5));
  r.role = s.text(6);
  r.former = s.integer(7) != 0;
  if (!s.is_null(8)) r.left = EntityId{s.integer(8)};
  r.status = s.text(9);
  if (!s.is_null(10)) r.location = EntityId{s.integer(10)};
  return r;
}
}  // namespace

std::optional<EntityRow> Store::entity(EntityId id) {
  auto& s = impl_->stmt("SELECT id, kind, name, country, anonymous, description FROM entities WHERE id = ?");
  if (s.bind(1, raw(id)).step()) return read_entity(s);
  return std::nullopt;
}

void Store::for_each_entity(const std::function<void(const EntityRow&)>& fn) {
  auto& s = impl_->stmt("SELECT id, kind, name, country, anonymous, description FROM entities ORDER BY id");
  while (s.step()) fn(read_entity(s));
}

std::vector<AliasRow> Store::aliases(EntityId id) {
  return impl_->text_pairs<AliasRow>("SELECT name, key FROM aliases WHERE entity_id = ? ORDER BY id", id);
}

std::vector<ExternalId> Store::external_ids(EntityId id) {
  return impl_->text_pairs<ExternalId>("SELECT scheme, value FROM external_ids WHERE entity_id = ? ORDER BY scheme, value",
                                id);
}

std::optional<SourceRow> Store::source(SourceId id) {
  auto& s = impl_->stmt(
      "SELECT id, ext_id, url, title, publisher, published, language, based_on, content_hash FROM sources WHERE id = ?");
  if (!s.bind(1, raw(id)).step()) return std::nullopt;
  SourceRow r;
  r.id = SourceId{s.integer(0)};
  r.ext_id = s.text(1);
  r.url = s.text(2);
  r.title = s.text(3);
  r.publisher = s.text(4);
  r.published = s.text(5);
  r.language = s.text(6);
  r.based_on = s.text(7);
  r.content_hash = s.text(8);
  return r;
}

std::vector<RelationRow> Store::relations_touching(EntityId id) {
  auto& s = impl_->stmt(
      "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations "
      "WHERE from_id = ?1 UNION SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, "
      "location_id FROM relations WHERE to_id = ?1 UNION SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, "
      "status, location_id FROM relations WHERE left_id = ?1 ORDER BY id");
  s.bind(1, raw(id));
  std::vector<RelationRow> out;
  while (s.step()) out.push_back(read_relation(s));
  return out;
}

std::optional<RelationRow> Store::relation(RelationId id) {
  auto& s = impl_->stmt(
      "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations WHERE id = ?");
  if (s.bind(1, raw(id)).step()) return read_relation(s);
  return std::nullopt;
}

void Store::for_each_relation(const std::vector<RelationKind>& kinds,
                              const std::function<void(const RelationRow&)>& fn) {
  // The kinds asked for are chosen by SQLite: a row skipped there costs a fraction of one read
  // (read_org_tree asks for part_of alone, before every `moves`: at 680k relations it took 0.5 s).
  std::string sql = "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations";
  for (std::size_t i = 0; i < kinds.size(); ++i)
    sql += fmt::format("{}'{}'", i == 0 ? " WHERE kind IN (" : ", ", to_string(kinds[i]));
  sql += kinds.empty() ? " ORDER BY id" : ") ORDER BY id";
  auto& s = impl_->stmt_text(sql);
  std::array<bool, kRelationKindCount> wanted{};
  for (RelationKind k : kinds) wanted[static_cast<std::size_t>(k)] = true;
  while (s.step()) {
    RelationRow r = read_relation(s);
    if (kinds.empty() || wanted[static_cast<std::size_t>(r.kind)]) fn(r);
  }
}

void Store::for_each_career(std::optional<EntityId> person,
                            const std::function<void(EntityId, const std::vector<RelationRow>&)>& fn) {
  auto& s = person ? impl_->stmt(
                         "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations "
                         "WHERE from_id = ? AND kind IN ('worked_at', 'founded', 'moved') ORDER BY id")
                   : impl_->stmt(
                         "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations "
                         "WHERE kind IN ('worked_at', 'founded', 'moved') ORDER BY from_id");
  if (person) s.bind(1, raw(*person));
  // Ordered by person only, which the identity index gives as it is read; a person's rows are put
  // in id order here (an ORDER BY id as well made SQLite sort the whole table again: 1.8x slower).
  std::vector<RelationRow> group;
  auto hand_over = [&] {
    std::ranges::sort(group, {}, [](const RelationRow& r) { return raw(r.id); });
    fn(group.front().from, group);
    group.clear();
  };
  while (s.step()) {
    RelationRow r = read_relation(s);
    if (!group.empty() && group.front().from != r.from) hand_over();
    group.push_back(std::move(r));
  }
  if (!group.empty()) hand_over();
}

std::vector<Evidence> Store::evidence(RelationId id) {
  auto& s = impl_->stmt(
      "SELECT s.ext_id, s.title, s.publisher, s.url, s.published, c.quote, c.confidence, c.file, c.record "
      "FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.relation_id = ? "
      "ORDER BY c.confidence DESC, c.quote = '', s.published DESC, s.id, c.record");
  s.bind(1, raw(id));
  std::vector<Evidence> out;
  while (s.step()) {
    Evidence e;
    e.source = s.text(0);
    e.source_title = s.text(1);
    e.source_publisher = s.text(2);
    e.source_url = s.text(3);
    e.source_published = s.text(4);
    e.quote = s.text(5);
    e.confidence = s.real(6);
    e.file = s.text(7);
    e.record = s.text(8);
    out.push_back(std::move(e));
  }
  return out;
}

void Store::for_each_best_claim(const std::function<void(const BestClaim&)>& fn) {
  // The order of `evidence` within each relation: the first row of a relation is its best claim.
  auto& s = impl_->stmt(
      "SELECT c.relation_id, s.ext_id, c.quote, c.confidence FROM claims c JOIN sources s ON s.id = c.source_id "
      "ORDER BY c.relation_id, c.confidence DESC, c.quote = '', s.published DESC, s.id, c.record");
  BestClaim best;
  std::string source, quote;
  const auto flush = [&] {
    if (best.claims == 0) return;
    best.source = source;
    best.quote = quote;
    fn(best);
  };
  while (s.step()) {
    const RelationId relation{s.integer(0)};
    if (best.claims > 0 && relation == best.relation) {
      ++best.claims;
      continue;
    }
    flush();
    best.relation = relation;
    best.claims = 1;
    best.confidence = s.real(3);
    source = s.text(1);
    quote = s.text(2);
  }
  flush();
}

void Store::for_each_alias(const std::function<void(EntityId, std::string_view name)>& fn) {
  auto& s = impl_->stmt("SELECT entity_id, name FROM aliases ORDER BY entity_id, id");
  while (s.step()) fn(EntityId{s.integer(0)}, s.text(1));
}

void Store::log_write(const LogEntry& e, std::span<const LoggedMove> moves) {
  impl_->stmt(
          "INSERT INTO rebuilds(generation, kind, started, finished, duration_ms, files_added, files_changed, "
          "files_removed, files_unchanged, files_skipped, entities_added, entities_retracted, relations_added, "
          "relations_retracted, claims_added, claims_retracted, moves_new, moves_retracted, initial_load) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, e.generation).bind(2, e.kind).bind(3, e.started).bind(4, e.finished).bind(5, e.duration_ms)
      .bind(6, e.files_added).bind(7, e.files_changed).bind(8, e.files_removed).bind(9, e.files_unchanged)
      .bind(10, e.files_skipped).bind(11, e.entities_added).bind(12, e.entities_retracted)
      .bind(13, e.relations_added).bind(14, e.relations_retracted).bind(15, e.claims_added)
      .bind(16, e.claims_retracted).bind(17, e.moves_new).bind(18, e.moves_retracted)
      .bind(19, static_cast<std::int64_t>(e.initial_load)).run();
  for (const LoggedMove& m : moves) {
    auto& s = impl_->stmt(
        "INSERT INTO rebuild_moves(generation, change, person_id, from_id, to_id, person_key, person, from_name, "
        "to_name, from_country, to_country, from_location_country, to_location_country, date, basis, source, quote, "
        "url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, e.generation).bind(2, m.change).bind(3, raw(m.person)).bind(4, raw(m.from)).bind(5, raw(m.to));
    s.bind(6, alias_key(m.person_name, KeyStyle::plain)).bind(7, m.person_name).bind(8, m.from_name);
    s.bind(9, m.to_name).bind(10, m.from_country).bind(11, m.to_country).bind(12, m.from_location_country);
    s.bind(13, m.to_location_country).bind(14, m.date).bind(15, m.basis).bind(16, m.source).bind(17, m.quote);
    s.bind(18, m.url).run();
  }
}

std::vector<LogEntry> Store::write_log(std::int64_t min_generation, std::string_view finished_from) {
  auto& s = impl_->stmt(
      "SELECT generation, kind, started, finished, duration_ms, files_added, files_changed, files_removed, "
      "files_unchanged, files_skipped, entities_added, entities_retracted, relations_added, relations_retracted, "
      "claims_added, claims_retracted, moves_new, moves_retracted, initial_load FROM rebuilds WHERE generation >= ? "
      "AND finished >= ? "
      "ORDER BY generation");
  s.bind(1, min_generation).bind(2, finished_from);
  std::vector<LogEntry> out;
  while (s.step())
    out.push_back(LogEntry{s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5), s.integer(6),
                           s.integer(7), s.integer(8), s.integer(9), s.integer(10), s.integer(11), s.integer(12),
                           s.integer(13), s.integer(14), s.integer(15), s.integer(16), s.integer(17),
                           s.integer(18) != 0});
  return out;
}

std::optional<std::int64_t> Store::last_logged_generation() {
  auto& s = impl_->stmt("SELECT max(generation) FROM rebuilds");
  if (s.step() && !s.is_null(0)) return s.integer(0);
  return std::nullopt;
}

std::vector<LoggedMove> Store::logged_moves(std::int64_t min_generation) {
  auto& s = impl_->stmt(
      "SELECT generation, change, person_id, from_id, to_id, person, from_name, to_name, from_country, to_country, "
      "from_location_country, to_location_country, date, basis, source, quote, url FROM rebuild_moves "
      "WHERE generation >= ? ORDER BY generation, change DESC, id");
  s.bind(1, min_generation);
  std::vector<LoggedMove> out;
  while (s.step())
    out.push_back(LoggedMove{s.integer(0), static_cast<int>(s.integer(1)), EntityId{s.integer(2)},
                             EntityId{s.integer(3)}, EntityId{s.integer(4)}, s.text(5), s.text(6), s.text(7),
                             s.text(8), s.text(9), s.text(10), s.text(11), s.text(12), s.text(13), s.text(14),
                             s.text(15), s.text(16)});
  return out;
}

std::size_t Store::forget_logged_moves(EntityId person, std::span<const std::string> alias_keys) {
  // The entries' move counts lose the rows too, so that they still count what the log holds.
  constexpr const char* kRecount =
      "UPDATE rebuilds SET moves_new = moves_new - (SELECT count(*) FROM rebuild_moves m WHERE m.generation = "
      "rebuilds.generation AND m.change = 1 AND (m.person_id = ?1 OR m.person_key = ?2)), moves_retracted = "
      "moves_retracted - (SELECT count(*) FROM rebuild_moves m WHERE m.generation = rebuilds.generation AND "
      "m.change = -1 AND (m.person_id = ?1 OR m.person_key = ?2)) WHERE generation IN (SELECT generation FROM "
      "rebuild_moves WHERE person_id = ?1 UNION SELECT generation FROM rebuild_moves WHERE person_key = ?2)";
  constexpr const char* kDelete = "DELETE FROM rebuild_moves WHERE person_id = ?1 OR person_key = ?2";
  std::size_t n = 0;
  auto forget = [&](std::string_view key) {
    impl_->stmt(kRecount).bind(1, raw(person)).bind(2, key).run();
    impl_->stmt(kDelete).bind(1, raw(person)).bind(2, key).run();
    n += static_cast<std::size_t>(sqlite3_changes(impl_->db));
  };
  forget("");  // by id alone: no row has an empty key
  for (const std::string& key : alias_keys)
    if (!key.empty()) forget(key);
  return n;
}

namespace {
// The claims of the origins, as a condition on `c` (claims) with parameter 1 the origin's name:
// a document's source (by ext_id) or a CSV file (by name).
constexpr const char* kBySource =
    "c.source_id = (SELECT id FROM sources WHERE ext_id = ?1) AND c.csv_file = 0";
// (`csv_file <> 0` lets SQLite use the partial index claims_by_csv_file, which it cannot know the
// subquery's id to be in.)
constexpr const char* kByCsvFile = "c.csv_file = (SELECT id FROM csv_files WHERE name = ?1) AND c.csv_file <> 0";
}  // namespace

std::vector<EntityId> Store::career_people_of(std::span<const FileOrigin> origins) {
  static const std::string by_source = fmt::format(
      "SELECT DISTINCT r.from_id FROM claims c JOIN relations r ON r.id = c.relation_id WHERE {} "
      "AND r.kind IN ('worked_at', 'founded', 'moved')", kBySource);
  static const std::string by_file = fmt::format(
      "SELECT DISTINCT r.from_id FROM claims c JOIN relations r ON r.id = c.relation_id WHERE {} "
      "AND r.kind IN ('worked_at', 'founded', 'moved')", kByCsvFile);
  std::vector<EntityId> out;
  for (const FileOrigin& o : origins) {
    auto& s = impl_->stmt((o.kind == FileOrigin::Kind::source ? by_source : by_file).c_str());
    s.bind(1, o.name);
    while (s.step()) out.push_back(EntityId{s.integer(0)});
  }
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<RelationRow> Store::part_of_claimed_by(std::span<const FileOrigin> origins) {
  static const std::string by_source = fmt::format(
      "SELECT DISTINCT r.id, r.kind, r.from_id, r.to_id, r.start, r.\"end\", r.role, r.former, r.left_id, r.status, "
      "r.location_id FROM claims c JOIN relations r ON r.id = c.relation_id WHERE {} AND r.kind = 'part_of'",
      kBySource);
  static const std::string by_file = fmt::format(
      "SELECT DISTINCT r.id, r.kind, r.from_id, r.to_id, r.start, r.\"end\", r.role, r.former, r.left_id, r.status, "
      "r.location_id FROM claims c JOIN relations r ON r.id = c.relation_id WHERE {} AND r.kind = 'part_of'",
      kByCsvFile);
  std::vector<RelationRow> out;
  for (const FileOrigin& o : origins) {
    auto& s = impl_->stmt((o.kind == FileOrigin::Kind::source ? by_source : by_file).c_str());
    s.bind(1, o.name);
    while (s.step()) out.push_back(read_relation(s));
  }
  return out;
}

std::vector<RelationRow> Store::part_of_parents(EntityId org) {
  auto& s = impl_->stmt(
      "SELECT id, kind, from_id, to_id, start, \"end\", role, former, left_id, status, location_id FROM relations "
      "WHERE from_id = ? AND kind = 'part_of' ORDER BY id");
  s.bind(1, raw(org));
  std::vector<RelationRow> out;
  while (s.step()) out.push_back(read_relation(s));
  return out;
}

Stats Store::stats() {
  Stats st;
  {
    auto& s = impl_->stmt("SELECT kind, count(*) FROM entities GROUP BY kind");
    while (s.step())
      if (auto k = parse_node_kind(s.text(0))) st.entities_by_kind.emplace_back(*k, s.integer(1));
    std::ranges::sort(st.entities_by_kind);
  }
  {
    auto& s = impl_->stmt("SELECT kind, count(*) FROM relations GROUP BY kind");
    while (s.step())
      if (auto k = parse_relation_kind(s.text(0))) st.relations_by_kind.emplace_back(*k, s.integer(1));
    std::ranges::sort(st.relations_by_kind);
  }
  auto count = [&](const char* sql) {
    auto& s = impl_->stmt(sql);
    s.step();
    return s.integer(0);
  };
  st.entities = count("SELECT count(*) FROM entities");
  st.relations = count("SELECT count(*) FROM relations");
  st.sources = count("SELECT count(*) FROM sources");
  st.claims = count("SELECT count(*) FROM claims");
  st.aliases = count("SELECT count(*) FROM aliases");
  return st;
}

std::vector<SearchHit> Store::search_keys(std::string_view fragment, int limit) {
  std::vector<SearchHit> out;
  if (fragment.empty()) return out;
  // Rank: exact key, then prefix, then anywhere; shorter names first. Trigram FTS answers
  // fragments of three or more characters; shorter ones (two Hangul syllables) scan the keys.
  const auto chars = std::ranges::count_if(fragment, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  // LIKE's wildcards never occur in keys (punctuation is folded away); a fragment holding one scans.
  const bool use_fts = chars >= 3 && std::ranges::none_of(fragment, [](char c) { return c == '%' || c == '_'; });
  const char* sql_fts =
      "SELECT e.id, e.name, e.kind, a.name, min(CASE WHEN a.key = ?1 THEN 0 WHEN substr(a.key, 1, length(?1)) = ?1 "
      "THEN 1 ELSE 2 END) AS rank FROM alias_search f JOIN aliases a ON a.id = f.rowid JOIN entities e ON e.id = "
      "a.entity_id WHERE f.key LIKE '%' || ?1 || '%' AND instr(a.key, ?1) > 0 GROUP BY e.id "
      "ORDER BY rank, length(e.name), e.name LIMIT ?2";
  const char* sql_scan =
      "SELECT e.id, e.name, e.kind, a.name, min(CASE WHEN a.key = ?1 THEN 0 WHEN substr(a.key, 1, length(?1)) = ?1 "
      "THEN 1 ELSE 2 END) AS rank FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE instr(a.key, ?1) > 0 "
      "GROUP BY e.id ORDER BY rank, length(e.name), e.name LIMIT ?2";
  auto& s = impl_->stmt(use_fts ? sql_fts : sql_scan);
  s.bind(1, fragment).bind(2, limit);
  while (s.step()) {
    SearchHit h;
    h.id = EntityId{s.integer(0)};
    h.name = s.text(1);
    h.kind = parse_node_kind(s.text(2)).value_or(NodeKind::person);
    h.matched = s.text(3);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<SearchHit> Store::search_names(std::string_view text, int limit) {
  std::vector<SearchHit> out;
  if (text.empty()) return out;
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  auto& s = impl_->stmt(
      "SELECT e.id, e.name, e.kind, min(a.name) FROM aliases a JOIN entities e ON e.id = a.entity_id "
      "WHERE a.name LIKE ?1 ESCAPE '\\' GROUP BY e.id ORDER BY length(e.name), e.name LIMIT ?2");
  s.bind(1, pattern).bind(2, limit);
  while (s.step()) out.push_back({EntityId{s.integer(0)}, s.text(1), parse_node_kind(s.text(2)).value_or(NodeKind::person), s.text(3)});
  return out;
}

}  // namespace tg
