#include "graph/moves.h"

#include <algorithm>

namespace tg {
namespace {

struct Stint {
  EntityId org{};
  PartialDate start, end;
  bool former = false;
  RelationId relation{};
  // Ongoing: not known to have ended.
  bool current() const { return !former && !end.known(); }
};

// A strictly contains B: it began before B and was still going on after B ended, so B was
// a role held beside it (a side role), not a place the person moved to.
bool contains(const Stint& a, const Stint& b) {
  if (a.current()) return true;                        // still ongoing: B is held beside it
  if (!a.end.known()) return false;                    // ended (former) at an unknown time
  if (!b.end.known()) return false;                    // A ended, B did not: a move with overlap
  return b.end.before(a.end);
}

void add_move(std::vector<Move>& moves, EntityId person, EntityId from, EntityId to, const PartialDate& date,
              MoveBasis basis, std::initializer_list<RelationId> relations) {
  for (Move& m : moves) {
    if (m.from == from && m.to == to && m.date == date) {
      for (RelationId r : relations)
        if (std::ranges::find(m.relations, r) == m.relations.end()) m.relations.push_back(r);
      if (basis == MoveBasis::explicit_claim) m.basis = basis;  // an explicit claim is the strongest ground
      return;
    }
  }
  moves.push_back({person, from, to, date, basis, std::vector<RelationId>(relations)});
}

}  // namespace

std::string_view to_string(MoveBasis basis) {
  switch (basis) {
    case MoveBasis::dated: return "dated";
    case MoveBasis::explicit_claim: return "explicit";
    case MoveBasis::former: return "former";
  }
  return "";
}

std::vector<Move> moves_of_career(EntityId person, const std::vector<RelationRow>& career) {
  std::vector<Stint> stints;
  std::vector<Move> moves;
  for (const RelationRow& r : career) {
    if (r.kind == RelationKind::worked_at || r.kind == RelationKind::founded)
      stints.push_back({r.to, r.start, r.end, r.kind == RelationKind::worked_at && r.former, r.id});
    // Rule 2: an explicit "left A for B" claim.
    if (r.kind == RelationKind::moved && r.left && *r.left != r.to)
      add_move(moves, person, *r.left, r.to, r.start, MoveBasis::explicit_claim, {r.id});
  }

  // Rule 1: dated stints, ordered only where their start intervals do not overlap.
  std::vector<const Stint*> dated;
  for (const Stint& s : stints)
    if (s.start.known()) dated.push_back(&s);
  // A side role (held within another stint) is never the origin of a later move: the person
  // moves on from the stint that contained it.
  auto side_role = [&](const Stint* s) {
    return std::ranges::any_of(dated, [&](const Stint* a) {
      return a != s && a->org != s->org && a->start.before(s->start) && contains(*a, *s);
    });
  };
  for (const Stint* b : dated) {
    std::vector<const Stint*> before;
    for (const Stint* a : dated)
      if (a->start.before(b->start) && !side_role(a)) before.push_back(a);
    // The latest predecessors: those no other predecessor definitely follows. Several, when
    // their own order is unknown; each is a possible origin.
    for (const Stint* a : before) {
      const bool latest = std::ranges::none_of(before, [&](const Stint* o) { return a->start.before(o->start); });
      if (!latest || a->org == b->org || contains(*a, *b)) continue;  // re-hire or side role: no move, no fallback
      add_move(moves, person, a->org, b->org, b->start, MoveBasis::dated, {a->relation, b->relation});
    }
  }

  // Rule 3: a former employment of unknown date, followed by each current employment or founding.
  for (const Stint& f : stints) {
    if (!f.former || f.start.known()) continue;
    for (const Stint& c : stints) {
      if (!c.current() || c.org == f.org) continue;
      add_move(moves, person, f.org, c.org, c.start, MoveBasis::former, {f.relation, c.relation});
    }
  }

  std::ranges::stable_sort(moves, [](const Move& x, const Move& y) {
    if (x.date.known() != y.date.known()) return x.date.known();  // dated first
    return x.date.known() && x.date.first_day() < y.date.first_day();
  });
  return moves;
}

bool MoveWindow::admits(const PartialDate& date) const {
  if (!window.bounded()) return true;
  return date.known() ? window.overlaps(date) : include_undated;
}

bool MoveWindow::admits(std::int32_t first_day, std::int32_t last_day) const {
  if (!window.bounded()) return true;
  if (first_day == kNoDay) return include_undated;
  if (window.first && last_day < *window.first) return false;
  if (window.last && first_day > *window.last) return false;
  return true;
}

}  // namespace tg
