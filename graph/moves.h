// The move rule (docs/moves.md): the moves of a person P from organisation A to B, derived from
// P's career relations (never stored), and the window test every query applies to them.
// The model owns it, so the snapshot and every query read moves the same way.
#pragma once

#include <cstdint>
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
};

// The moves of one person's career relations (worked_at, founded, moved), in date order.
std::vector<Move> moves_of_career(EntityId person, const std::vector<RelationRow>& career);

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
