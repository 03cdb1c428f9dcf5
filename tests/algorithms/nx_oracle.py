#!/usr/bin/python3
"""NetworkX as the oracle for tests/algorithms: reads graphs, prints their centralities.

Input (one or more graphs):
    graph NAME directed|undirected N M
    SRC DST WEIGHT ALLOWED        (M lines; ALLOWED 0 drops the edge, like a mask byte 0)
Output, per graph, one line per metric, values by node id 0..N-1 (repr, round-trips exactly):
    graph NAME
    pagerank V0 V1 ...            networkx.pagerank, unweighted (parallel edges count)
    pagerank_weighted ...         the same with weight="weight"
    betweenness ...               networkx.betweenness_centrality(normalized=True)
    betweenness_every7th ...      the same from the sources 0, 7, 14, ... only, rescaled by n/k as
                                  networkx does for its k sampled sources
    harmonic ...                  networkx.harmonic_centrality
    in_degree / out_degree ...    weighted degrees (undirected: both are G.degree)
"""
import sys

import networkx as nx


def graphs(lines):
    it = iter(lines)
    for header in it:
        if not header.strip():
            continue
        _, name, orientation, n, m = header.split()
        G = nx.MultiDiGraph() if orientation == "directed" else nx.MultiGraph()
        G.add_nodes_from(range(int(n)))
        for _ in range(int(m)):
            src, dst, weight, allowed = next(it).split()
            if allowed == "1":
                G.add_edge(int(src), int(dst), weight=float(weight))
        yield name, G


def betweenness_from(G, sources):
    """NetworkX's betweenness_centrality(G, k) loop and rescaling, with the k sources given."""
    from networkx.algorithms.centrality import betweenness as bc
    b = dict.fromkeys(G, 0.0)
    for s in sources:
        S, P, sigma, _ = bc._single_source_shortest_path_basic(G, s)
        b, _ = bc._accumulate_basic(b, S, P, sigma, s)
    return bc._rescale(b, len(G), normalized=True, directed=G.is_directed(), k=len(sources), endpoints=False)


def line(label, values, n):
    return label + " " + " ".join(repr(float(values[v])) for v in range(n))


def main():
    with open(sys.argv[1]) as f:
        lines = f.read().splitlines()
    out = []
    for name, G in graphs(lines):
        n = G.number_of_nodes()
        out.append(f"graph {name}")
        out.append(line("pagerank", nx.pagerank(G, alpha=0.85, tol=1e-13, max_iter=100000, weight=None), n))
        out.append(line("pagerank_weighted", nx.pagerank(G, alpha=0.85, tol=1e-13, max_iter=100000, weight="weight"), n))
        out.append(line("betweenness", nx.betweenness_centrality(G, normalized=True), n))
        out.append(line("betweenness_every7th", betweenness_from(G, list(range(0, n, 7))), n))
        out.append(line("harmonic", nx.harmonic_centrality(G), n))
        if G.is_directed():
            out.append(line("in_degree", dict(G.in_degree(weight="weight")), n))
            out.append(line("out_degree", dict(G.out_degree(weight="weight")), n))
        else:
            out.append(line("in_degree", dict(G.degree(weight="weight")), n))
            out.append(line("out_degree", dict(G.degree(weight="weight")), n))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
