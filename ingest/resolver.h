// Entity resolution: which node a name (with its aliases, ids and country) stands for, by
// external id first, then by alias key within compatible kinds and curation's same_as groups,
// never merging forgotten people or names kept apart; a name that fits several nodes is
// reported and gets a node of its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "graph/error.h"
#include "graph/names.h"
#include "ingest/curation_rules.h"
#include "ingest/document.h"
#include "ingest/writer.h"

namespace tg::ingest {

// Where an entity was named, as views (a CSV row resolves two names), made a Location only
// when a message needs it: "file:12: entities[3]".
struct Where {
  std::string_view file;
  std::size_t line = 0;  // 0: none (a JSON document's own file)
  std::string_view record;
  Location location() const { return Location{.file = std::string(file), .line = line, .record = std::string(record)}; }
};

// A person created by this run whose name is an existing person's words in another order
// ("Zhao Shengjia" beside "Shengjia Zhao"): merged after the run's relations are written, when
// the two share an organisation (see name_order.h).
struct NameOrderSuspect {
  EntityId created{}, existing{};
  std::string where;
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

  const std::vector<NameOrderSuspect>& name_order_suspects() const { return suspects_; }

 private:
  // The alias key of `name`, kept for the run (as is `name`'s copy, in `kept_name`).
  std::string_view key(std::string_view name, KeyStyle style, std::string_view* kept_name = nullptr);
  bool forgotten(const EntitySpec& spec, const std::vector<std::string_view>& keys);
  bool kept_apart(const std::vector<std::string_view>& keys, EntityId candidate);
  bool ids_conflict(const EntitySpec& spec, EntityId candidate);
  std::string describe(EntityId id);
  std::optional<EntityId> resolve_uncached(const EntitySpec& spec, const Where& where);
  void report_ambiguity(const EntitySpec& spec, const Where& where, const std::vector<EntityId>& candidates);
  void note_name_order(EntityId created, const EntitySpec& spec, const std::vector<std::string_view>& keys,
                       const Where& where);

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
  std::vector<NameOrderSuspect> suspects_;
};

}  // namespace tg::ingest
