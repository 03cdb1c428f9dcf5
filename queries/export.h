// Exports: one selection of the graph (select_export) that every format writes, so that node-link
// JSON, Cytoscape.js, GEXF, GraphML, DOT and the CSV dialects hold the same nodes and edges with
// the same ids. The selection is a plain struct of nodes and edges (ExportGraph); each writer turns
// it into text. Ids are stable: the store's entity ids prefixed by kind ("company:42"), relation ids
// for relations ("r17"; "r17.left" for the organisation a `moved` relation left), the two ends for
// aggregated edges ("m42-17": moves; "s42-17": people shared, redacted).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/error.h"
#include "graph/model.h"
#include "graph/snapshot.h"
#include "graph/store.h"

namespace tg::queries {

// Which graph: every relation (people, organisations, places, regulations), or the move graph
// (organisations, one edge per ordered pair with the people and moves between them per year).
enum class ExportGraphKind { affiliation, moves };

struct ExportSelection {
  ExportGraphKind graph = ExportGraphKind::affiliation;
  // The ego graph: nodes within `hops` edges of `around` (any name or alias), over the edges the
  // other filters keep, ignoring direction.
  std::string around;
  std::uint32_t hops = 2;
  std::vector<NodeKind> kinds;         // only nodes of these kinds (empty: every kind)
  DateWindow window;                   // --since/--until: relations or moves overlapping it
  // Affiliation: relations that held on this day. The move graph takes only the window (the CLI's
  // --as-of ends it too, as for `flows`).
  std::optional<std::int32_t> as_of;
  std::optional<double> min_confidence;  // affiliation: relations whose best claim has at least this
  bool include_undated = true;         // moves graph: moves of unknown date stay in a window
  bool roll_up = false;                // organisations folded into their top parent (part_of)
  // People left out: their ties become counts on organisation-to-organisation edges ("s" edges:
  // people tied to both; "m" edges: moves), and quotes go (they name people).
  bool redact_people = false;
};

// People and moves between two organisations in one period (a year, "" for undated moves).
struct ExportPeriod {
  std::string period;
  std::int32_t first_day = kNoDay, last_day = kNoDay;  // the period's days (kNoDay: undated)
  std::uint64_t people = 0, moves = 0;
};

struct ExportNode {
  std::string id;  // "person:12"
  EntityId entity{};
  NodeKind kind = NodeKind::person;
  std::string name;
  std::string country;               // "" when unknown
  std::vector<std::string> aliases;  // every name but the canonical one, in the store's order
  std::optional<std::uint64_t> people;  // redacted: distinct people tied to it in the selection
  // Days the node is seen in the selection: the span of its edges' intervals (kNoDay: open).
  std::int32_t first_day = kNoDay, last_day = kNoDay;
  // A layout's coordinates, written by the formats that take them (Cytoscape, GEXF viz) when set.
  std::optional<std::pair<double, double>> position;
};

struct ExportEdge {
  std::string id;  // "r17", "r17.left", "m42-17", "s42-17"
  std::uint32_t source = 0, target = 0;  // indices into ExportGraph::nodes
  std::string kind;  // the relation kind; "moves" and "shares_people" for aggregated edges
  bool left = false;  // the organisation a `moved` relation left (its only date is its end)
  PartialDate start, end;  // relations: dates with their precision (unknown: absent)
  bool former = false;
  std::uint64_t claims = 0;  // relations: claims backing it
  std::optional<double> confidence;  // relations: the best claim's
  std::string quote, quote_source;   // relations: the best claim's quote and source ("" none or redacted)
  std::optional<std::uint64_t> people, moves;  // aggregated edges
  std::vector<ExportPeriod> periods;           // "m" edges: by year, undated last
  // Days the edge holds: [first, last] (kNoDay: open). Aggregated edges: their periods' span.
  std::int32_t first_day = kNoDay, last_day = kNoDay;
};

struct ExportGraph {
  ExportGraphKind graph = ExportGraphKind::affiliation;
  bool redacted = false;
  bool directed = true;
  bool multigraph = true;  // parallel edges (two stints at one company); the moves graph has none
  std::vector<ExportNode> nodes;  // by entity id
  std::vector<ExportEdge> edges;  // relations by id; aggregated edges by their ends' ids
  // The bounds open intervals are closed with (GEXF): the window's, else the earliest and latest
  // day any date in the selection covers (both kNoDay when nothing is dated).
  std::int32_t first_day = kNoDay, last_day = kNoDay;
};

// The selection from the store's snapshot (queries::on_snapshot: a damaged cache is rebuilt). An
// `around` name that fits nothing is ErrorCode::not_found, several ErrorCode::ambiguous; options
// that do not apply to the graph asked for are ErrorCode::usage ("export: --as-of: …").
[[nodiscard]] Result<ExportGraph> select_export(Store& store, const ExportSelection& selection);
// The same on a given snapshot.
[[nodiscard]] Result<ExportGraph> select_export(Store& store, const graph::Snapshot& snapshot,
                                                const ExportSelection& selection);

// A partial date from the day bounds a snapshot keeps (its precision recovered from the span:
// one day, one whole month or one whole year); unknown when either bound is kNoDay.
PartialDate date_from_days(std::int32_t first_day, std::int32_t last_day);
// "YYYY-MM-DD".
std::string iso_day(std::int32_t day);
std::string_view to_string(DatePrecision precision);  // "year", "month", "day", "" (none)

// ---- the formats ----
// Each writer gives its text to a sink as it goes, in pieces of about a megabyte (a document of
// gigabytes is never held whole), or returns it as one string.
using ExportSink = std::function<void(std::string_view)>;
struct NodeLinkOptions {
  std::string links_key = "edges";  // "links" for NetworkX <= 3.3's default
};
void write_node_link(const ExportGraph& g, const ExportSink& sink, const NodeLinkOptions& options = {});
std::string write_node_link(const ExportGraph& g, const NodeLinkOptions& options = {});
void write_cytoscape(const ExportGraph& g, const ExportSink& sink);
std::string write_cytoscape(const ExportGraph& g);
enum class GexfVersion { v1_3, v1_2draft };
void write_gexf(const ExportGraph& g, const ExportSink& sink, GexfVersion version = GexfVersion::v1_3);
std::string write_gexf(const ExportGraph& g, GexfVersion version = GexfVersion::v1_3);
void write_graphml(const ExportGraph& g, const ExportSink& sink);
std::string write_graphml(const ExportGraph& g);
struct DotOptions {
  bool clusters = false;  // a cluster per country
};
void write_dot(const ExportGraph& g, const ExportSink& sink, const DotOptions& options = {});
std::string write_dot(const ExportGraph& g, const DotOptions& options = {});
enum class CsvDialect { neo4j, graphframes, gephi };
// File name -> contents: neo4j one nodes file per node kind and one relationships file per
// relation kind ("nodes_company.csv", "relationships_worked_at.csv"); graphframes and gephi
// "nodes.csv" and "edges.csv".
std::map<std::string, std::string> write_csv(const ExportGraph& g, CsvDialect dialect);

// Text as XML 1.0 character data or attribute value: & < > " ' escaped; characters XML 1.0 does
// not allow (control characters but tab, newline and return; U+FFFE, U+FFFF; invalid UTF-8) are
// dropped.
std::string xml_escape(std::string_view text);
// A JSON string literal with quotes; "<", ">", "&" and U+2028/2029 as \u escapes, so that the
// text may sit inside an HTML <script>; invalid UTF-8 becomes U+FFFD.
std::string json_string(std::string_view text);

}  // namespace tg::queries
