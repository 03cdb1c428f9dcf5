// The selection every export format writes (queries/export.h): the affiliation graph's relations
// or the move graph's flows, filtered by date, kind and confidence, rolled up, cut to an ego graph,
// and with people folded into counts when redacted.
#include <algorithm>
#include <deque>
#include <future>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "queries/entities.h"
#include "queries/export.h"
#include "queries/network.h"

namespace tg::queries {

std::string_view to_string(DatePrecision precision) {
  switch (precision) {
    case DatePrecision::year: return "year";
    case DatePrecision::month: return "month";
    case DatePrecision::day: return "day";
    case DatePrecision::none: break;
  }
  return "";
}

std::string iso_day(std::int32_t day) {
  const CivilDate d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

PartialDate date_from_days(std::int32_t first_day, std::int32_t last_day) {
  if (first_day == kNoDay || last_day == kNoDay || last_day < first_day) return {};
  const CivilDate a = civil_from_days(first_day), b = civil_from_days(last_day);
  std::string text;
  if (first_day == last_day)
    text = iso_day(first_day);
  else if (a.year == b.year && a.month == b.month)
    text = fmt::format("{:04}-{:02}", a.year, a.month);
  else
    text = fmt::format("{:04}", a.year);
  auto parsed = PartialDate::parse(text);
  return parsed ? *parsed : PartialDate();
}

namespace {

std::string node_id(NodeKind kind, EntityId id) { return std::string(to_string(kind)) + ':' + std::to_string(raw(id)); }

// date_from_days, remembered: an export meets the same few thousand spans millions of times.
class DateCache {
 public:
  const PartialDate& operator()(std::int32_t first, std::int32_t last) {
    const std::uint64_t key = (std::uint64_t{static_cast<std::uint32_t>(first)} << 32) | static_cast<std::uint32_t>(last);
    auto [it, fresh] = dates_.try_emplace(key);
    if (fresh) it->second = date_from_days(first, last);
    return it->second;
  }

 private:
  std::unordered_map<std::uint64_t, PartialDate> dates_;
};

// Whether the interval [first, last] (kNoDay: open) overlaps the window.
bool overlaps(const DateWindow& w, std::int32_t first, std::int32_t last) {
  if (w.last && first != kNoDay && first > *w.last) return false;
  if (w.first && last != kNoDay && last < *w.first) return false;
  return true;
}

// Builds the nodes of an ExportGraph from snapshot nodes, in ascending entity id (the snapshot's
// node order), and hands out their indices.
class NodeTable {
 public:
  NodeTable(Store& store, const graph::Snapshot& snapshot) : store_(store), snapshot_(snapshot) {}

  std::uint32_t index(std::uint32_t node) {
    auto [it, fresh] = index_.try_emplace(node, 0);
    if (fresh) {
      it->second = static_cast<std::uint32_t>(order_.size());
      order_.push_back(node);
    }
    return it->second;
  }
  bool has(std::uint32_t node) const { return index_.contains(node); }

  // The nodes, sorted by snapshot node; `remap` gets each old index's new one.
  std::vector<ExportNode> finish(std::vector<std::uint32_t>& remap) const {
    std::vector<std::uint32_t> sorted(order_.size());
    for (std::uint32_t i = 0; i < sorted.size(); ++i) sorted[i] = i;
    std::ranges::sort(sorted, {}, [&](std::uint32_t i) { return order_[i]; });
    remap.assign(order_.size(), 0);
    std::vector<ExportNode> nodes;
    nodes.reserve(order_.size());
    for (std::uint32_t i : sorted) {
      remap[i] = static_cast<std::uint32_t>(nodes.size());
      const std::uint32_t n = order_[i];
      ExportNode node;
      node.entity = snapshot_.entity(n);
      node.kind = snapshot_.kind(n);
      node.id = node_id(node.kind, node.entity);
      node.name = std::string(snapshot_.name(n));
      node.country = snapshot_.country(n);
      nodes.push_back(std::move(node));
    }
    const auto add_alias = [](ExportNode& node, std::string_view name) {
      if (name != node.name && std::ranges::find(node.aliases, name) == node.aliases.end()) node.aliases.emplace_back(name);
    };
    // Nodes ascend by entity id (the snapshot's order): a large selection takes every alias in one
    // scan of that order, a small one asks per node.
    if (nodes.size() > snapshot_.num_nodes() / 8) {
      std::size_t at = 0;
      store_.for_each_alias([&](EntityId entity, std::string_view name) {
        while (at < nodes.size() && raw(nodes[at].entity) < raw(entity)) ++at;
        if (at < nodes.size() && nodes[at].entity == entity) add_alias(nodes[at], name);
      });
    } else {
      for (ExportNode& node : nodes)
        for (const AliasRow& a : store_.aliases(node.entity)) add_alias(node, a.name);
    }
    return nodes;
  }

 private:
  Store& store_;
  const graph::Snapshot& snapshot_;
  std::unordered_map<std::uint32_t, std::uint32_t> index_;
  std::vector<std::uint32_t> order_;
};

// An edge while selecting: snapshot node ends, and where its ExportEdge is (Candidates::pool).
struct Candidate {
  std::uint32_t at = 0;
  std::uint32_t from = 0, to = 0;
  std::int64_t relation = -1;  // affiliation edges: the relation, whose claims are read last
};

// The candidates, and their edges apart: filters drop candidates, and the edges of those left
// become the graph's in place (one array of edges, not a second: at the L scale each is 1.3 GB).
struct Candidates {
  std::vector<Candidate> list;
  std::vector<ExportEdge> pool;
  ExportEdge& edge(const Candidate& c) { return pool[c.at]; }
  const ExportEdge& edge(const Candidate& c) const { return pool[c.at]; }
  void reserve(std::size_t n) {
    list.reserve(n);
    pool.reserve(n);
  }
  void add(Candidate c, ExportEdge e) {
    c.at = static_cast<std::uint32_t>(pool.size());
    pool.push_back(std::move(e));
    list.push_back(c);
  }
};

// A relation's claims as an edge shows them.
struct ClaimSummary {
  std::uint64_t claims = 0;
  double confidence = 0.0;
  std::string quote, source;
};

// The relations of the edges, ascending, each once.
std::vector<std::int64_t> relations_of(const Candidates& edges) {
  std::vector<std::int64_t> wanted;
  wanted.reserve(edges.list.size());
  for (const Candidate& c : edges.list)
    if (c.relation >= 0) wanted.push_back(c.relation);
  std::ranges::sort(wanted);
  wanted.erase(std::ranges::unique(wanted).begin(), wanted.end());
  return wanted;
}

// Whether the claims of `wanted` are read in one scan of the claims table (many relations) rather
// than one statement each (a few: an ego graph of a large store).
bool scan_claims(const std::vector<std::int64_t>& wanted, std::size_t relations_in_graph) {
  return wanted.size() > relations_in_graph / 8;
}

// The claims of each relation of `wanted` (by position; none: claims 0).
std::vector<ClaimSummary> read_claims(Store& store, const std::vector<std::int64_t>& wanted, bool scan) {
  std::vector<ClaimSummary> found(wanted.size());
  if (scan) {
    std::size_t at = 0;
    store.for_each_best_claim([&](const BestClaim& b) {
      while (at < wanted.size() && wanted[at] < raw(b.relation)) ++at;
      if (at == wanted.size() || wanted[at] != raw(b.relation)) return;
      found[at] = {b.claims, b.confidence, std::string(b.quote), std::string(b.source)};
    });
  } else {
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      std::vector<Evidence> evidence = store.evidence(RelationId{wanted[i]});
      if (!evidence.empty())
        found[i] = {evidence.size(), evidence.front().confidence, std::move(evidence.front().quote),
                    std::move(evidence.front().source)};
    }
  }
  return found;
}

// The same scan on a connection of its own, in a thread of its own, so that the caller's thread
// goes on meanwhile (at the M scale the claims are a third of a whole export's time). It reads the
// store as the snapshot was built: when the store has moved on since (or cannot be opened a
// second time: a store in memory), get() says nullopt, and the caller reads on its own connection.
class ClaimsInThread {
 public:
  ClaimsInThread(const Store& store, const graph::Snapshot& snapshot, const std::vector<std::int64_t>& wanted)
      : result_(std::async(std::launch::async, [path = store.path(), generation = snapshot.generation(),
                                                write_id = snapshot.write_id(), &wanted]() -> std::optional<std::vector<ClaimSummary>> {
          try {
            auto other = Store::open(path, OpenMode::read_only);
            if (!other) return std::nullopt;
            Store::ReadTransaction read(*other);
            if (write_id.empty() || other->generation() != generation || other->write_id() != write_id) return std::nullopt;
            return read_claims(*other, wanted, true);
          } catch (const StoreError&) {
            return std::nullopt;
          }
        })) {}
  std::optional<std::vector<ClaimSummary>> get() { return result_.get(); }

 private:
  std::future<std::optional<std::vector<ClaimSummary>>> result_;
};

// Fills each relation edge's claims, best confidence and best quote from `found` (by position in
// `wanted`; a relation without claims: none).
void apply_claims(Candidates& candidates, const std::vector<std::int64_t>& wanted, std::vector<ClaimSummary>& found) {
  const std::vector<Candidate>& edges = candidates.list;
  // Each edge's slot found once; the last edge of a relation (a `moved` relation has two) takes
  // its strings, the others copy.
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> slot(edges.size(), kNone);
  std::vector<std::uint8_t> uses(wanted.size(), 0);
  for (std::size_t e = 0; e < edges.size(); ++e)
    if (edges[e].relation >= 0) {
      slot[e] = static_cast<std::uint32_t>(std::ranges::lower_bound(wanted, edges[e].relation) - wanted.begin());
      ++uses[slot[e]];
    }
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (slot[e] == kNone) continue;
    ClaimSummary& f = found[slot[e]];
    if (f.claims == 0) continue;
    ExportEdge& x = candidates.edge(edges[e]);
    x.claims = f.claims;
    x.confidence = f.confidence;
    if (--uses[slot[e]] == 0) {
      x.quote = std::move(f.quote);
      x.quote_source = std::move(f.source);
    } else {
      x.quote = f.quote;
      x.quote_source = f.source;
    }
  }
}

void fill_claims(Store& store, Candidates& edges, std::size_t relations_in_graph) {
  const std::vector<std::int64_t> wanted = relations_of(edges);
  std::vector<ClaimSummary> found = read_claims(store, wanted, scan_claims(wanted, relations_in_graph));
  apply_claims(edges, wanted, found);
}

bool kind_wanted(const ExportSelection& s, NodeKind kind) {
  return s.kinds.empty() || std::ranges::find(s.kinds, kind) != s.kinds.end();
}

// The affiliation graph's relations that pass the filters, as edges between snapshot nodes (their
// claims not yet read: see claim_summaries).
Candidates affiliation_edges(const graph::Snapshot& snapshot, const ExportSelection& s) {
  const std::vector<std::uint8_t> mask = snapshot.mask(s.as_of, {});
  const std::span<const graph::SnapshotEdge> edges = snapshot.edges();
  Candidates out;
  out.reserve(edges.size());
  DateCache dates;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const graph::SnapshotEdge& e = edges[i];
    if (!mask[i]) continue;
    if (!overlaps(s.window, e.start_first, e.end_last)) continue;
    std::uint32_t from = e.from, to = e.to;
    if (s.roll_up) {
      if (is_organisation(snapshot.kind(from))) from = snapshot.top(from);
      if (is_organisation(snapshot.kind(to))) to = snapshot.top(to);
      if (from == to && e.from != e.to) continue;  // inside one top organisation
    }
    if (!kind_wanted(s, snapshot.kind(from)) || !kind_wanted(s, snapshot.kind(to))) continue;
    Candidate c;
    c.from = from;
    c.to = to;
    c.relation = e.relation;
    ExportEdge x;
    x.id = 'r' + std::to_string(e.relation);
    if (e.left) x.id += ".left";
    x.kind = std::string(to_string(e.kind));
    x.left = e.left != 0;
    x.start = dates(e.start_first, e.start_last);
    x.end = dates(e.end_first, e.end_last);
    x.former = e.former != 0;
    x.first_day = e.start_first;
    x.last_day = e.end_last;
    out.add(c, std::move(x));
  }
  return out;
}

std::int32_t min_day(std::int32_t a, std::int32_t b) { return a == kNoDay ? b : b == kNoDay ? a : std::min(a, b); }
std::int32_t max_day(std::int32_t a, std::int32_t b) { return a == kNoDay ? b : b == kNoDay ? a : std::max(a, b); }

// The move graph's flows between organisations: people and moves per ordered pair, in total and
// per year (queries::flows, twice: distinct people do not add up across years).
Candidates move_edges(const graph::Snapshot& snapshot, const ExportSelection& s) {
  FlowQuery q;
  q.by = FlowBy::org;
  q.moves = {s.window, s.include_undated};
  q.roll_up = s.roll_up;
  const FlowResult totals = flows(snapshot, q);
  q.per = Period::year;
  const FlowResult per_year = flows(snapshot, q);
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<ExportPeriod>> periods;
  for (const FlowRow& r : per_year.flows) {
    if (!r.from_node || !r.to_node) continue;
    ExportPeriod p;
    p.period = r.period;
    if (auto date = PartialDate::parse(r.period); date && date->known()) {
      p.first_day = date->first_day();
      p.last_day = date->last_day();
    }
    p.people = r.people;
    p.moves = r.moves;
    periods[{*r.from_node, *r.to_node}].push_back(std::move(p));
  }
  Candidates out;
  for (const FlowRow& r : totals.flows) {
    if (!r.from_node || !r.to_node) continue;
    if (!kind_wanted(s, snapshot.kind(*r.from_node)) || !kind_wanted(s, snapshot.kind(*r.to_node))) continue;
    Candidate c;
    c.from = *r.from_node;
    c.to = *r.to_node;
    ExportEdge x;
    x.id = fmt::format("m{}-{}", raw(snapshot.entity(c.from)), raw(snapshot.entity(c.to)));
    x.kind = "moves";
    x.people = r.people;
    x.moves = r.moves;
    x.periods = std::move(periods[{c.from, c.to}]);
    // Periods in order, undated last; the edge holds over the dated ones.
    std::ranges::sort(x.periods, {}, [](const ExportPeriod& p) { return p.first_day == kNoDay ? INT32_MAX : p.first_day; });
    for (const ExportPeriod& p : x.periods) {
      x.first_day = min_day(x.first_day, p.first_day);
      x.last_day = max_day(x.last_day, p.last_day);
    }
    out.add(c, std::move(x));
  }
  std::ranges::sort(out.list, {}, [&](const Candidate& c) { return std::pair{snapshot.entity(c.from), snapshot.entity(c.to)}; });
  return out;
}

// The nodes within `hops` of `centre` over the candidates' edges, ignoring direction.
std::vector<std::uint8_t> ego(const graph::Snapshot& snapshot, const std::vector<Candidate>& edges, std::uint32_t centre,
                              std::uint32_t hops) {
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> adjacent;
  for (const Candidate& c : edges) {
    adjacent[c.from].push_back(c.to);
    adjacent[c.to].push_back(c.from);
  }
  std::vector<std::uint8_t> in(snapshot.num_nodes(), 0);
  std::vector<std::uint32_t> depth(snapshot.num_nodes(), 0);
  std::deque<std::uint32_t> queue{centre};
  in[centre] = 1;
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    if (depth[v] == hops) continue;
    auto it = adjacent.find(v);
    if (it == adjacent.end()) continue;
    for (std::uint32_t w : it->second)
      if (!in[w]) {
        in[w] = 1;
        depth[w] = depth[v] + 1;
        queue.push_back(w);
      }
  }
  return in;
}

// People folded away: "s" edges between every two organisations a person is tied to (counting
// distinct people), and each organisation's count of people; the people's other edges go.
void redact(const graph::Snapshot& snapshot, Candidates& edges,
            std::unordered_map<std::uint32_t, std::uint64_t>& people_at) {
  std::map<std::uint32_t, std::vector<std::uint32_t>> orgs_of;  // person -> organisations
  std::vector<Candidate> kept;
  for (const Candidate& c : edges.list) {
    const bool from_person = snapshot.kind(c.from) == NodeKind::person;
    const bool to_person = snapshot.kind(c.to) == NodeKind::person;
    if (!from_person && !to_person) {
      edges.edge(c).quote.clear();
      edges.edge(c).quote_source.clear();
      kept.push_back(c);
      continue;
    }
    if (from_person && !to_person && is_organisation(snapshot.kind(c.to))) orgs_of[c.from].push_back(c.to);
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> shared;
  for (auto& [person, orgs] : orgs_of) {
    std::ranges::sort(orgs);
    const auto [end, _] = std::ranges::unique(orgs);
    orgs.erase(end, orgs.end());
    for (std::uint32_t o : orgs) ++people_at[o];
    for (std::size_t i = 0; i < orgs.size(); ++i)
      for (std::size_t j = i + 1; j < orgs.size(); ++j) ++shared[{orgs[i], orgs[j]}];
  }
  for (const auto& [pair, count] : shared) {
    Candidate c;
    c.from = pair.first;
    c.to = pair.second;
    ExportEdge x;
    x.id = fmt::format("s{}-{}", raw(snapshot.entity(c.from)), raw(snapshot.entity(c.to)));
    x.kind = "shares_people";
    x.people = count;
    c.at = static_cast<std::uint32_t>(edges.pool.size());
    edges.pool.push_back(std::move(x));
    kept.push_back(c);
  }
  edges.list = std::move(kept);
}

}  // namespace

Result<ExportGraph> select_export(Store& store, const graph::Snapshot& snapshot, const ExportSelection& s) {
  const bool moves = s.graph == ExportGraphKind::moves;
  if (moves && s.min_confidence)
    return fail(ErrorCode::usage,
                "export: --min-confidence: applies to the affiliation graph (moves are derived from careers, not claimed)");
  std::optional<std::uint32_t> centre;
  if (!s.around.empty()) {
    auto id = find_entity(store, s.around);
    if (!id) return fail(id.error());
    auto node = node_of(snapshot, *id, s.around);
    if (!node) return fail(node.error());
    centre = s.roll_up && is_organisation(snapshot.kind(*node)) ? snapshot.top(*node) : *node;
  }

  Candidates edges = moves ? move_edges(snapshot, s) : affiliation_edges(snapshot, s);
  const std::size_t relations_in_graph = snapshot.edges().size();
  // A confidence floor needs every candidate's claims before the ego graph is cut; otherwise only
  // the edges that stay are read.
  bool claims_read = false;
  if (s.min_confidence) {
    fill_claims(store, edges, relations_in_graph);
    claims_read = true;
    std::erase_if(edges.list, [&](const Candidate& c) { return edges.edge(c).confidence.value_or(0.0) < *s.min_confidence; });
  }
  std::vector<std::uint8_t> inside;
  if (centre) {
    inside = ego(snapshot, edges.list, *centre, s.hops);
    std::erase_if(edges.list, [&](const Candidate& c) { return !inside[c.from] || !inside[c.to]; });
  }
  // The claims of many relations are read in a second thread while this one makes the nodes
  // (redaction reads the claims first: then they are read here).
  std::vector<std::int64_t> wanted;
  std::optional<ClaimsInThread> claims_in_thread;
  if (!moves && !claims_read) {
    wanted = relations_of(edges);
    const bool scan = scan_claims(wanted, relations_in_graph);
    if (scan && !s.redact_people) {
      claims_in_thread.emplace(store, snapshot, wanted);
    } else {
      std::vector<ClaimSummary> found = read_claims(store, wanted, scan);
      apply_claims(edges, wanted, found);
    }
  }
  std::unordered_map<std::uint32_t, std::uint64_t> people_at;
  if (s.redact_people && !moves) redact(snapshot, edges, people_at);

  NodeTable table(store, snapshot);
  // The centre stays even without edges (an ego graph of one); kinds and redaction still apply.
  if (centre && kind_wanted(s, snapshot.kind(*centre)) && !(s.redact_people && snapshot.kind(*centre) == NodeKind::person))
    table.index(*centre);
  ExportGraph g;
  g.graph = s.graph;
  g.redacted = s.redact_people;
  g.multigraph = !moves;
  for (const Candidate& c : edges.list) {
    edges.edge(c).source = table.index(c.from);
    edges.edge(c).target = table.index(c.to);
  }
  std::vector<std::uint32_t> remap;
  g.nodes = table.finish(remap);
  if (claims_in_thread) {
    std::optional<std::vector<ClaimSummary>> found = claims_in_thread->get();
    if (!found) found = read_claims(store, wanted, true);
    apply_claims(edges, wanted, *found);
  }
  for (const Candidate& c : edges.list) {
    ExportEdge& x = edges.edge(c);
    x.source = remap[x.source];
    x.target = remap[x.target];
  }
  // The edges kept, in the candidates' order. Where that is the pool's own order (the affiliation
  // graph: filters only drop), they are moved down in place and the pool becomes the graph's.
  if (std::ranges::is_sorted(edges.list, std::ranges::less{}, &Candidate::at)) {
    std::size_t w = 0;
    for (const Candidate& c : edges.list) {
      if (c.at != w) edges.pool[w] = std::move(edges.pool[c.at]);
      ++w;
    }
    edges.pool.resize(w);
    g.edges = std::move(edges.pool);
  } else {
    g.edges.reserve(edges.list.size());
    for (const Candidate& c : edges.list) g.edges.push_back(std::move(edges.edge(c)));
  }
  edges = {};
  for (ExportNode& n : g.nodes) {
    if (!s.redact_people || !is_organisation(n.kind)) continue;
    auto node = snapshot.node_of(n.entity);
    auto it = node ? people_at.find(*node) : people_at.end();
    n.people = it == people_at.end() ? 0 : it->second;
  }
  // Each node's span: its edges'; the graph's bounds: the window's, else every date's.
  std::vector<std::uint8_t> open_start(g.nodes.size(), 0), open_end(g.nodes.size(), 0), seen(g.nodes.size(), 0);
  for (const ExportEdge& e : g.edges) {
    for (std::uint32_t n : {e.source, e.target}) {
      ExportNode& node = g.nodes[n];
      if (e.first_day == kNoDay) open_start[n] = 1;
      if (e.last_day == kNoDay) open_end[n] = 1;
      node.first_day = seen[n] ? min_day(node.first_day, e.first_day) : e.first_day;
      node.last_day = seen[n] ? max_day(node.last_day, e.last_day) : e.last_day;
      seen[n] = 1;
    }
    for (std::int32_t d : {e.first_day, e.last_day, e.start.known() ? e.start.last_day() : kNoDay,
                           e.end.known() ? e.end.last_day() : kNoDay}) {
      g.first_day = min_day(g.first_day, d);
      g.last_day = max_day(g.last_day, d);
    }
  }
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    if (open_start[n]) g.nodes[n].first_day = kNoDay;
    if (open_end[n]) g.nodes[n].last_day = kNoDay;
  }
  if (s.window.first) g.first_day = *s.window.first;
  if (s.window.last) g.last_day = *s.window.last;
  if (s.as_of && g.last_day == kNoDay) g.last_day = *s.as_of;
  return g;
}

Result<ExportGraph> select_export(Store& store, const ExportSelection& selection) {
  return on_snapshot(store, [&](const graph::Snapshot& snapshot) { return select_export(store, snapshot, selection); });
}

}  // namespace tg::queries
