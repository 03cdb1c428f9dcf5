#!/usr/bin/python3
"""tg-bench's peers: the same graph steps in NetworkX, igraph and graph-tool, on the edge lists
tg-bench wrote, timed in this process. Usage: peers.py SPEC.json  (prints a JSON report).

SPEC: {"threads": 2, "reps": 5, "budget_seconds": 120,
       "graphs": {NAME: {"n": N, "directed": bool, "src": PATH, "dst": PATH, "weight": PATH}},
       "pairs": PATH,                 # uint32 (source, target) pairs for the path step
       "steps": [{"key": K, "kind": "build"|"pagerank"|"paths"|"betweenness", "graph": NAME,
                  "weighted": bool, "tolerance": T}]}
Arrays are raw little-endian: uint32 for src/dst/pairs, float64 for weights.
A step whose estimate (from a sample of sources) exceeds budget_seconds is not run in full:
its estimate is reported with "estimated": true. igraph 0.10 cannot run betweenness from a
subset of sources, so its full run is given a time limit (in a forked child) instead.
"""
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def timed(fn, reps, fast=1.0):
    """Median of `reps` runs when one run takes under `fast` seconds, else the single run."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first >= fast or reps <= 1:
        return first
    times = [first]
    for _ in range(reps - 1):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def with_time_limit(fn, limit):
    """Runs fn in a forked child; its duration, or None when it passes `limit` seconds."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def child():
        t0 = time.perf_counter()
        fn()
        queue.put(time.perf_counter() - t0)

    proc = ctx.Process(target=child)
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


class Peer:
    name = "?"

    def __init__(self, spec, arrays):
        self.spec = spec
        self.arrays = arrays
        self.graphs = {}

    def run_step(self, step):
        kind = step["kind"]
        g = step["graph"]
        reps = self.spec["reps"]
        if kind == "build":
            return {"seconds": timed(lambda: self.build(g), reps)}
        graph = self.graphs.get(g) or self.build(g)
        if kind == "pagerank":
            return {"seconds": timed(lambda: self.pagerank(graph, g, step), reps)}
        if kind == "paths":
            pairs = self.arrays["pairs"]
            return {"seconds": timed(lambda: self.paths(graph, pairs), reps)}
        if kind == "betweenness":
            return self.betweenness(graph, g)
        raise ValueError(kind)

    def estimate_then_run(self, n, run_sample, run_full):
        """Times k sampled sources (k = 2, 8, 32, ... until a sample takes 3 s or k reaches
        max(8, n/200)), extrapolates to n; runs in full when that is within budget."""
        k_max = min(n, max(8, n // 200))
        k = min(2, n)
        while True:
            sources = random.Random(1).sample(range(n), k)
            t0 = time.perf_counter()
            run_sample(sources)
            elapsed = time.perf_counter() - t0
            if elapsed >= 3.0 or k >= k_max:
                break
            k = min(k_max, k * 4)
        estimate = elapsed * n / k
        if estimate > self.spec["budget_seconds"]:
            return {"seconds": estimate, "estimated": True}
        t0 = time.perf_counter()
        run_full()
        return {"seconds": time.perf_counter() - t0}


class NetworkX(Peer):
    name = "networkx"

    def build(self, g):
        import networkx as nx
        a = self.arrays[g]
        G = nx.MultiDiGraph() if a["directed"] else nx.MultiGraph()
        G.add_nodes_from(range(a["n"]))
        G.add_weighted_edges_from(zip(a["src"].tolist(), a["dst"].tolist(), a["weight"].tolist()))
        self.graphs[g] = G
        return G

    def pagerank(self, G, g, step):
        import networkx as nx
        nx.pagerank(G, alpha=0.85, tol=step["tolerance"], max_iter=100000,
                    weight="weight" if step["weighted"] else None)

    def paths(self, G, pairs):
        import networkx as nx
        for s, t in pairs:
            try:
                nx.shortest_path(G, int(s), int(t))
            except nx.NetworkXNoPath:
                pass

    def betweenness(self, G, g):
        import networkx as nx
        n = G.number_of_nodes()

        def sample(sources):
            # NetworkX's own source sampling: the same Brandes loop over k sources.
            nx.betweenness_centrality(G, k=len(sources), seed=1)

        return self.estimate_then_run(n, sample, lambda: nx.betweenness_centrality(G))


class IGraph(Peer):
    name = "igraph"

    def build(self, g):
        import igraph as ig
        a = self.arrays[g]
        G = ig.Graph(n=a["n"], edges=np.column_stack((a["src"], a["dst"])), directed=a["directed"])
        G.es["weight"] = a["weight"]
        self.graphs[g] = G
        return G

    def pagerank(self, G, g, step):
        G.pagerank(directed=self.arrays[g]["directed"], damping=0.85,
                   weights="weight" if step["weighted"] else None, implementation="prpack")

    def paths(self, G, pairs):
        for s, t in pairs:
            G.get_shortest_paths(int(s), to=int(t), mode="out", output="epath")

    def betweenness(self, G, g):
        directed = self.arrays[g]["directed"]
        limit = self.spec["budget_seconds"]
        seconds = with_time_limit(lambda: G.betweenness(directed=directed), limit)
        if seconds is None:
            return {"seconds": limit, "timeout": True}
        return {"seconds": seconds}


class GraphTool(Peer):
    name = "graph-tool"

    def __init__(self, spec, arrays):
        super().__init__(spec, arrays)
        import graph_tool.all as gt
        gt.openmp_set_num_threads(spec["threads"])
        self.weights = {}

    def build(self, g):
        import graph_tool.all as gt
        a = self.arrays[g]
        G = gt.Graph(directed=a["directed"])
        G.add_vertex(a["n"])
        w = G.new_edge_property("double")
        G.add_edge_list(np.column_stack((a["src"], a["dst"], a["weight"])), eprops=[w])
        self.graphs[g] = G
        self.weights[g] = w
        return G

    def pagerank(self, G, g, step):
        import graph_tool.all as gt
        gt.pagerank(G, damping=0.85, weight=self.weights[g] if step["weighted"] else None,
                    epsilon=step["tolerance"] * G.num_vertices(), max_iter=0)

    def paths(self, G, pairs):
        import graph_tool.all as gt
        for s, t in pairs:
            gt.shortest_path(G, G.vertex(int(s)), G.vertex(int(t)))

    def betweenness(self, G, g):
        import graph_tool.all as gt
        n = G.num_vertices()
        return self.estimate_then_run(n, lambda sources: gt.betweenness(G, pivots=sources), lambda: gt.betweenness(G))


def versions():
    import graph_tool
    import igraph
    import networkx
    return {"networkx": networkx.__version__, "igraph": igraph.__version__, "graph-tool": graph_tool.__version__.split()[0]}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    arrays = {"pairs": np.fromfile(spec["pairs"], dtype=np.uint32).reshape(-1, 2)}
    for name, g in spec["graphs"].items():
        arrays[name] = {"n": g["n"], "directed": g["directed"],
                        "src": np.fromfile(g["src"], dtype=np.uint32),
                        "dst": np.fromfile(g["dst"], dtype=np.uint32),
                        "weight": np.fromfile(g["weight"], dtype=np.float64)}
    only = set(spec.get("peers", ["networkx", "igraph", "graph-tool"]))
    report = {"versions": versions(), "results": {}}
    for cls in (NetworkX, IGraph, GraphTool):
        if cls.name not in only:
            continue
        peer = cls(spec, arrays)
        results = {}
        for step in spec["steps"]:
            try:
                results[step["key"]] = peer.run_step(step)
            except Exception as e:  # report, do not stop the other peers
                results[step["key"]] = {"error": f"{type(e).__name__}: {e}"}
            print(f"peers: {cls.name} {step['key']}: {results[step['key']]}", file=sys.stderr, flush=True)
        report["results"][cls.name] = results
        peer.graphs.clear()
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
