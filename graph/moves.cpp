#include "graph/moves.h"

#include <algorithm>
#include <optional>
#include <ranges>

namespace tg {
namespace {

// A stint: one employment or founding of P at an organisation, or the destination of a `moved`
// claim, with the relations that stand for it (several once two descriptions are known to be one).
struct Stint {
  EntityId org{};
  PartialDate start, end;
  bool former = false;  // the source says only "formerly at"
  bool joined = false;  // the destination of a `moved` claim: P joined then; whether P is still there is not said
  bool left = false;    // the origin of a `moved` claim: P left it
  bool open_origin = false;  // the destination of a `moved` claim that names no origin
  std::vector<RelationId> relations;
  std::optional<EntityId> location;  // where the work was done, when a source says
  // Ongoing as far as the sources say: an employment or founding neither former, left nor ended.
  bool current() const { return !former && !joined && !left && !end.known(); }
  bool undated() const { return !start.known() && !end.known(); }
};

// A strictly contains B: it began before B and was still going on after B ended, so B was
// a role held beside it (a side role), not a place the person moved to.
bool contains(const Stint& a, const Stint& b) {
  if (!a.start.known() || !b.start.known() || !a.start.before(b.start)) return false;
  if (a.current()) return true;                        // still ongoing: B is held beside it
  if (!a.end.known()) return false;                    // ended (former) at an unknown time
  if (!b.end.known()) return false;                    // A ended, B did not: a move with overlap
  return b.end.before(a.end);
}

// Why A precedes B, strongest first; a weaker reason never overrides what a stronger one ordered.
enum class Reason : std::uint8_t { none, explicit_claim, dated, former };

MoveBasis basis_of(Reason r) {
  switch (r) {
    case Reason::explicit_claim: return MoveBasis::explicit_claim;
    case Reason::former: return MoveBasis::former;
    default: return MoveBasis::dated;
  }
}

// An explicit claim is the strongest ground for a move, a dated chain the next.
int strength(MoveBasis b) {
  switch (b) {
    case MoveBasis::explicit_claim: return 3;
    case MoveBasis::dated: return 2;
    case MoveBasis::former: return 1;
  }
  return 0;
}

// The precedence order of n stints as its transitive closure, kept acyclic: an edge that would
// close a cycle (sources that contradict each other) is not added.
class Order {
 public:
  explicit Order(std::size_t n) : n_(n), words_((n + 63) / 64), reach_(n * words_, 0), reason_(n * n, Reason::none) {}

  bool precedes(std::size_t u, std::size_t v) const { return (reach_[u * words_ + v / 64] >> (v % 64)) & 1; }
  Reason reason(std::size_t u, std::size_t v) const { return reason_[u * n_ + v]; }

  void add(std::size_t u, std::size_t v, Reason why) {
    if (u == v || precedes(v, u)) return;
    if (reason_[u * n_ + v] == Reason::none) reason_[u * n_ + v] = why;
    if (precedes(u, v)) return;
    // Everything that reaches u (and u itself) now reaches v and all that v reaches.
    for (std::size_t x = 0; x < n_; ++x) {
      if (x != u && !precedes(x, u)) continue;
      set(x, v);
      for (std::size_t w = 0; w < words_; ++w) reach_[x * words_ + w] |= reach_[v * words_ + w];
    }
  }

  // A cover pair: u precedes v directly and nothing is known to lie between them.
  bool covers(std::size_t u, std::size_t v) const {
    if (reason(u, v) == Reason::none) return false;
    for (std::size_t w = 0; w < n_; ++w)
      if (w != u && w != v && precedes(u, w) && precedes(w, v)) return false;
    return true;
  }

 private:
  void set(std::size_t u, std::size_t v) { reach_[u * words_ + v / 64] |= std::uint64_t{1} << (v % 64); }
  std::size_t n_, words_;
  std::vector<std::uint64_t> reach_;
  std::vector<Reason> reason_;
};

void add_relations(std::vector<RelationId>& to, const std::vector<RelationId>& from) {
  for (RelationId r : from)
    if (std::ranges::find(to, r) == to.end()) to.push_back(r);
}

// Partial dates cover calendar intervals, which either nest or are disjoint: nested dates are
// one date told with different precision.
bool same_date(const PartialDate& a, const PartialDate& b) {
  return a.first_day() <= b.last_day() && b.first_day() <= a.last_day();
}

// One person, one origin, one destination: derivations of (P, A, B) at one date (or of unknown
// date) are one move, with their evidence unioned and the most precise date kept. Moves at
// distinct dates (a return and a second departure) stay apart.
std::vector<Move> merge(std::vector<Move> raw) {
  std::ranges::stable_sort(raw, [](const Move& x, const Move& y) { return x.date.known() > y.date.known(); });
  std::vector<Move> out;
  for (Move& m : raw) {
    Move* into = nullptr;
    for (Move& o : out) {
      if (o.from != m.from || o.to != m.to) continue;
      if (!m.date.known() || (o.date.known() && same_date(o.date, m.date))) {
        into = &o;
        break;
      }
    }
    if (!into) {
      out.push_back(std::move(m));
      continue;
    }
    add_relations(into->relations, m.relations);
    if (!into->from_location) into->from_location = m.from_location;
    if (!into->to_location) into->to_location = m.to_location;
    if (m.date.known() && m.date.precision() > into->date.precision()) into->date = m.date;
    if (strength(m.basis) > strength(into->basis)) into->basis = m.basis;
  }
  return out;
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

void OrgTree::add(EntityId child, EntityId parent, bool current) {
  if (child == parent) return;
  links_.push_back({raw(child), raw(parent), current});
  sorted_ = false;
}

std::span<const OrgTree::Link> OrgTree::parents(std::int64_t child) const {
  if (!sorted_) {
    std::ranges::sort(links_, {}, &Link::child);
    sorted_ = true;
  }
  const auto [lo, hi] = std::ranges::equal_range(links_, child, {}, &Link::child);
  return {lo, hi};
}

bool OrgTree::ancestor(std::int64_t of, std::int64_t candidate) const {
  // Breadth-first up the parent links, bounded: part_of chains are short, and a cycle in the
  // data must not loop.
  std::vector<std::int64_t> frontier{of}, seen{of};
  for (int depth = 0; depth < kMaxDepth && !frontier.empty(); ++depth) {
    std::vector<std::int64_t> next;
    for (std::int64_t c : frontier)
      for (const Link& l : parents(c)) {
        if (l.parent == candidate) return true;
        if (std::ranges::find(seen, l.parent) == seen.end()) {
          seen.push_back(l.parent);
          next.push_back(l.parent);
        }
      }
    frontier = std::move(next);
  }
  return false;
}

bool OrgTree::related(EntityId a, EntityId b) const {
  if (a == b) return true;
  if (links_.empty()) return false;
  return ancestor(raw(a), raw(b)) || ancestor(raw(b), raw(a));
}

EntityId OrgTree::top(EntityId org) const {
  std::int64_t at = raw(org);
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    const auto links = parents(at);
    const auto up = std::ranges::find_if(links, &Link::current);
    if (up == links.end() || up->parent == raw(org)) break;
    at = up->parent;
  }
  return EntityId{at};
}

bool part_of_is_current(const RelationRow& r) {
  return r.kind == RelationKind::part_of && !r.end.known() && r.status != "spun_off";
}

OrgTree read_org_tree(Store& store) {
  OrgTree tree;
  store.for_each_relation({RelationKind::part_of},
                          [&](const RelationRow& r) { tree.add(r.from, r.to, part_of_is_current(r)); });
  return tree;
}

std::vector<Move> moves_of_career(EntityId person, const std::vector<RelationRow>& rows, const OrgTree* orgs) {
  // In relation-id order, so that the order the rows come in changes nothing.
  std::vector<const RelationRow*> sorted;
  for (const RelationRow& r : rows) sorted.push_back(&r);
  std::ranges::sort(sorted, {}, [](const RelationRow* r) { return raw(r->id); });
  auto career = sorted | std::views::transform([](const RelationRow* r) -> const RelationRow& { return *r; });
  std::vector<Stint> stints;
  for (const RelationRow& r : career)
    if (r.kind == RelationKind::worked_at || r.kind == RelationKind::founded)
      stints.push_back({r.to, r.start, r.end, r.kind == RelationKind::worked_at && r.former, false, false, false,
                        {r.id}, r.kind == RelationKind::worked_at ? r.location : std::nullopt});

  // A `moved` claim: P joined B (a stint of its own) after leaving A, which precedes it. A is
  // P's stint there that did not begin after the move, else a former stint the claim implies.
  std::vector<std::pair<std::size_t, std::size_t>> explicit_pairs;
  const std::size_t employments = stints.size();
  for (const RelationRow& r : career) {
    if (r.kind != RelationKind::moved) continue;
    const std::size_t b = stints.size();
    stints.push_back({r.to, r.start, {}, false, true, false, !r.left || *r.left == r.to, {r.id}, std::nullopt});
    if (!r.left || *r.left == r.to) continue;
    bool found = false;
    for (std::size_t a = 0; a < employments; ++a) {
      Stint& s = stints[a];
      if (s.org != *r.left || (r.start.known() && s.start.known() && r.start.before(s.start))) continue;
      s.left = true;
      explicit_pairs.emplace_back(a, b);
      found = true;
    }
    if (!found) {
      explicit_pairs.emplace_back(stints.size(), b);
      stints.push_back({*r.left, {}, {}, true, false, true, false, {r.id}, std::nullopt});
    }
  }

  // A former stint of unknown date at an organisation where P has a dated stint (the same
  // organisation, or one part of the other) is that stint, not another origin; two such former
  // stints at one organisation are one.
  const std::size_t n = stints.size();
  std::vector<std::size_t> rep(n);
  for (std::size_t i = 0; i < n; ++i) rep[i] = i;
  auto related = [&](EntityId a, EntityId b) { return a == b || (orgs && orgs->related(a, b)); };
  // Of several dated stints there, the latest: a report's "formerly at" speaks of the last time.
  auto later = [&](std::size_t x, std::size_t y) {  // x began (or ended) after y
    const auto day = [&](std::size_t s) { return stints[s].start.known() ? stints[s].start.first_day() : stints[s].end.first_day(); };
    return day(x) > day(y);
  };
  // Two employments at one organisation from one start (told with any precision), whose ends do
  // not disagree, are one stint told twice ("joined Kestrel in April 2021" beside a CV's
  // "Kestrel 2021-04 – 2022-02"): the known end and the finer dates are kept.
  for (std::size_t s = 0; s < employments; ++s) {
    for (std::size_t d = 0; d < s; ++d) {
      if (rep[d] != d || stints[d].org != stints[s].org) continue;
      Stint &a = stints[d], &b = stints[s];
      if (!a.start.known() || !b.start.known() || !same_date(a.start, b.start)) continue;
      if (a.end.known() && b.end.known() && !same_date(a.end, b.end)) continue;
      rep[s] = d;
      add_relations(a.relations, b.relations);
      if (b.start.precision() > a.start.precision()) a.start = b.start;
      if (b.end.known() && (!a.end.known() || b.end.precision() > a.end.precision())) a.end = b.end;
      a.former = a.former || b.former;
      a.left = a.left || b.left;
      if (!a.location) a.location = b.location;
      break;
    }
  }
  for (std::size_t f = 0; f < n; ++f) {
    if (rep[f] != f) continue;
    if (!stints[f].former || !stints[f].undated()) continue;
    std::optional<std::size_t> into;
    for (bool same_org : {true, false}) {
      for (std::size_t d = 0; d < n; ++d) {
        if (d == f || rep[d] != d || stints[d].undated()) continue;
        if (same_org ? stints[d].org != stints[f].org : !related(stints[d].org, stints[f].org)) continue;
        if (!into || later(d, *into)) into = d;
      }
      if (into) break;
    }
    for (std::size_t d = 0; d < f && !into; ++d)
      if (rep[d] == d && stints[d].former && stints[d].undated() && stints[d].org == stints[f].org) into = d;
    if (!into) continue;
    rep[f] = *into;
    add_relations(stints[*into].relations, stints[f].relations);
    if (!stints[*into].location) stints[*into].location = stints[f].location;
    stints[*into].former = true;  // the sources say P has left it
    if (stints[f].left) stints[*into].left = true;
  }
  for (auto& [a, b] : explicit_pairs) a = rep[a];

  // Side roles (held within another stint) take no part: P moves on from the stint that
  // contained them. A stint an explicit claim names is never one.
  std::vector<std::uint8_t> active(n, 0);
  for (std::size_t s = 0; s < n; ++s) {
    if (rep[s] != s) continue;
    const bool named = stints[s].joined || std::ranges::any_of(explicit_pairs, [&](const auto& p) {
                         return p.first == s || p.second == s;
                       });
    const bool side = !named && std::ranges::any_of(std::views::iota(std::size_t{0}, n), [&](std::size_t a) {
      return a != s && rep[a] == a && stints[a].org != stints[s].org && contains(stints[a], stints[s]);
    });
    active[s] = !side;
  }

  // The order, strongest grounds first: explicit claims, then dates (A began definitely
  // before B, or A's known end is no later than B's start), then former before current.
  Order order(n);
  for (const auto& [a, b] : explicit_pairs)
    if (active[a] && active[b]) order.add(a, b, Reason::explicit_claim);
  for (std::size_t u = 0; u < n; ++u) {
    if (!active[u]) continue;
    for (std::size_t v = 0; v < n; ++v) {
      if (!active[v] || u == v || !stints[v].start.known()) continue;
      const Stint &a = stints[u], &b = stints[v];
      if ((a.start.known() && a.start.before(b.start)) || (a.end.known() && a.end.last_day() <= b.start.first_day()))
        order.add(u, v, Reason::dated);
    }
  }
  // Former before current; likewise a stint known to have ended before one still going on whose
  // start is unknown ("until 2023" in a CV, "now at DeepSeek" in the news), and a former stint
  // of unknown date before the destination of a `moved` claim that names no origin ("X, formerly
  // of Y, joined Z").
  for (std::size_t u = 0; u < n; ++u)
    for (std::size_t v = 0; v < n; ++v) {
      if (!active[u] || !active[v] || u == v) continue;
      const Stint &a = stints[u], &b = stints[v];
      const bool ended = a.former || (a.end.known() && !a.joined);
      if ((a.former && b.current()) || (ended && b.current() && !b.start.known()) ||
          (a.former && a.undated() && b.open_origin))
        order.add(u, v, Reason::former);
    }

  std::vector<Move> raw;
  for (std::size_t u = 0; u < n; ++u) {
    if (!active[u]) continue;
    for (std::size_t v = 0; v < n; ++v) {
      if (!active[v] || stints[u].org == stints[v].org || !order.covers(u, v)) continue;
      const Reason why = order.reason(u, v);
      Move m{person, stints[u].org, stints[v].org, stints[v].start, basis_of(why), {}, stints[u].location,
             stints[v].location};
      // An explicit claim is its own evidence of the origin; a derived move rests on both stints.
      if (why != Reason::explicit_claim) m.relations = stints[u].relations;
      add_relations(m.relations, stints[v].relations);
      raw.push_back(std::move(m));
    }
  }
  std::vector<Move> moves = merge(std::move(raw));
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
