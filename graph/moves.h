// The move rule (docs/moves.md): the moves of a person P from organisation A to B, derived from
// P's career relations (never stored), and the window test every query applies to them.
// The model owns it, so the snapshot and every query read moves the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"

namespace tg {

// What a move was derived from: a dated chain of stints, an explicit "left A for B" claim, or a
// former stint of unknown date followed by a current one.
enum class MoveBasis : std::uint8_t { dated = 0, explicit_claim = 1, former = 2 };
inline constexpr int kMoveBasisCount = 3;
std::string_view to_string(MoveBasis basis);

struct Move {
  EntityId person{};
  EntityId from{}, to{};
  PartialDate date;  // arrival at `to`; unknown when the sources do not say
  MoveBasis basis = MoveBasis::dated;
  std::vector<RelationId> relations;  // the relations the move was derived from
  // Where the work was done at either end (a `worked_at` location: a place), when a source says.
  std::optional<EntityId> from_location, to_location;
};

// Organisations inside organisations (`part_of`): a lab in a company, a subsidiary. The move
// rule reads it to recognise one stint named at two levels ("formerly at Meta" and "FAIR
// 2017-2021"); roll-ups fold organisations into their top parent through the current links.
class OrgTree {
 public:
  // `current`: the link still holds (no end, not spun off); only current links roll up.
  void add(EntityId child, EntityId parent, bool current);
  bool empty() const { return links_.empty(); }
  // Whether a and b are one organisation, or one is (transitively) part of the other.
  bool related(EntityId a, EntityId b) const;
  // The top of `org`'s chain of current parents (itself when it has none; cycles stop).
  EntityId top(EntityId org) const;

 private:
  static constexpr int kMaxDepth = 16;  // part_of chains are short; a cycle in the data stops here
  struct Link {
    std::int64_t child = 0, parent = 0;
    bool current = false;
  };
  std::span<const Link> parents(std::int64_t child) const;
  bool ancestor(std::int64_t of, std::int64_t candidate) const;
  mutable std::vector<Link> links_;  // sorted by child on first read
  mutable bool sorted_ = true;
};

// Every part_of relation of the store.
OrgTree read_org_tree(Store& store);
// Whether a part_of relation still holds: no known end, and not spun off.
bool part_of_is_current(const RelationRow& r);

// The moves of one person's career relations (worked_at, founded, moved), in date order
// (dated first, by date; then undated). `orgs` places stints named at two levels.
std::vector<Move> moves_of_career(EntityId person, const std::vector<RelationRow>& career,
                                  const OrgTree* orgs = nullptr);

// Which moves a date window keeps: those whose date overlaps it; moves of unknown date only on
// request (they cannot be placed in a window). Without a window, every move.
struct MoveWindow {
  DateWindow window;
  bool include_undated = false;
  bool admits(const PartialDate& date) const;
  // The same for a date given as its day bounds (kNoDay: unknown).
  bool admits(std::int32_t first_day, std::int32_t last_day) const;
};

}  // namespace tg
