#!/usr/bin/env python3
"""NetworkX's side of tg-bench export: reads talentgraph's node-link file into a graph (untimed),
then times NetworkX's own export of it (for GEXF after dropping None values and turning lists into
JSON text, untimed, as write_gexf refuses both): node_link_data + json.dump, or write_gexf (GEXF 1.2draft,
the newest NetworkX 2.8 writes). Writes {"seconds", "nodes", "edges"} as JSON to RESULT.

Usage: export_peers.py node-link|gexf GRAPH.json OUT RESULT.json
"""
import json
import sys
import time

import networkx as nx


def main():
    step, graph_json, out, result = sys.argv[1:5]
    with open(graph_json, encoding="utf-8") as f:
        g = nx.node_link_graph(json.load(f), link="edges")
    if step == "gexf":
        # What write_gexf takes, as our GEXF holds it: no None values (absent instead), lists as
        # JSON text. Untimed.
        for _, d in list(g.nodes(data=True)) + [(None, d) for *_, d in g.edges(keys=True, data=True)]:
            for k in [k for k, v in d.items() if v is None]:
                del d[k]
            for k, v in d.items():
                if isinstance(v, list):
                    d[k] = json.dumps(v, ensure_ascii=False)
    start = time.perf_counter()
    if step == "node-link":
        with open(out, "w", encoding="utf-8") as f:
            json.dump(nx.node_link_data(g, link="edges"), f)
    else:
        nx.write_gexf(g, out)
    seconds = time.perf_counter() - start
    with open(result, "w", encoding="utf-8") as f:
        json.dump({"seconds": seconds, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}, f)


if __name__ == "__main__":
    main()
