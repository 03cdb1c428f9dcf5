#!/usr/bin/env python3
"""talentgraph export through the real readers: NetworkX (Debian's) reads node-link (under both
links keys), GraphML and GEXF 1.2draft with the node-link's node and edge counts, ids and
attributes; igraph reads GraphML; xmllint accepts GraphML and both GEXF versions; dot -Tsvg
accepts the DOT; the CSV dialects have the headers their importers document. Ids are the same
across two runs and across formats; the hostile names (quotes, <, &, </script>, emoji, Hangul,
Hanzi) survive every format; with --redact people no format holds a person's name.

Usage: export_readers_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import csv
import html
import io
import json
import os
import subprocess
import sys
import tempfile

import igraph
import networkx as nx

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)


def main():
    binary, src = sys.argv[1], sys.argv[2]
    env = dict(os.environ)
    env.pop("TALENTGRAPH_DB", None)
    with tempfile.TemporaryDirectory(prefix="tg-export-") as tmp:
        datasets = {
            "seed": [os.path.join(src, "data/seed")],
            "hostile": [os.path.join(src, "tests/e2e/inputs/export/hostile.json")],
        }
        for name, inputs in datasets.items():
            db = os.path.join(tmp, name + ".db")

            def run(*args, ok=True):
                out = subprocess.run([binary, "--db", db, *args], capture_output=True, timeout=120, env=env)
                if ok and out.returncode != 0:
                    sys.exit(f"{name}: talentgraph {' '.join(args)} failed ({out.returncode}): {out.stderr.decode()}")
                return out

            run("ingest", *inputs)
            one_dataset(name, tmp, run)
        errors(tmp, binary, env)
    for f in FAILURES:
        print("FAIL:", f)
    sys.exit(1 if FAILURES else 0)


def one_dataset(name, tmp, run):
    base = os.path.join(tmp, name)
    out = lambda ext: f"{base}.{ext}"  # noqa: E731
    run("export", "node-link", "--out", out("json"))
    again = run("export", "node-link").stdout
    with open(out("json"), "rb") as f:
        first = f.read()
    check(first == again, f"{name}: two node-link exports differ")
    data = json.loads(first)
    nodes = {n["id"]: n for n in data["nodes"]}
    edges = {e["id"]: e for e in data["edges"]}
    check(data["directed"] is True and data["multigraph"] is True, f"{name}: directed/multigraph not written")
    check(len(nodes) == len(data["nodes"]) and len(edges) == len(data["edges"]), f"{name}: ids not unique")
    check(len(edges) > 0, f"{name}: no edges")
    for e in data["edges"]:
        for key in ("kind", "start", "start_precision", "end", "end_precision", "claims", "quote"):
            check(key in e, f"{name}: edge {e['id']} lacks {key}")
    for n in data["nodes"]:
        for key in ("kind", "name", "country", "aliases"):
            check(key in n, f"{name}: node {n['id']} lacks {key}")

    # NetworkX: node-link under "edges" (link="edges") and under "links" (--links-key links).
    g = nx.node_link_graph(data, link="edges")
    same_graph(name, "node-link", g, nodes, edges)
    links = json.loads(run("export", "node-link", "--links-key", "links").stdout)
    same_graph(name, "node-link --links-key links", nx.node_link_graph(links), nodes, edges)

    # GraphML: NetworkX and igraph; xmllint.
    run("export", "graphml", "--out", out("graphml"))
    xmllint(name, out("graphml"))
    gm = nx.read_graphml(out("graphml"), force_multigraph=True)
    same_graph(name, "graphml", gm, nodes, edges, label="label")
    for u, v, k, d in gm.edges(keys=True, data=True):
        e = edges.get(k)
        if e:
            check(d.get("claims") == e["claims"] and type(d.get("claims")) is int, f"{name}: graphml claims of {k}")
            check(("start" in d) == (e["start"] is not None), f"{name}: graphml writes an absent start of {k}")
    ig = igraph.Graph.Read_GraphML(out("graphml"))
    check(ig.vcount() == len(nodes) and ig.ecount() == len(edges), f"{name}: igraph counts {ig.vcount()} {ig.ecount()}")
    check(sorted(ig.vs["label"]) == sorted(n["name"] for n in nodes.values()), f"{name}: igraph labels")
    check(sorted(ig.vs["id"]) == sorted(nodes), f"{name}: igraph ids")

    # GEXF: 1.2draft through NetworkX; both versions through xmllint.
    run("export", "gexf", "--gexf-version", "1.2draft", "--out", out("12.gexf"))
    run("export", "gexf", "--out", out("13.gexf"))
    xmllint(name, out("12.gexf"))
    xmllint(name, out("13.gexf"))
    gx = nx.read_gexf(out("12.gexf"), node_type=str)
    same_graph(name, "gexf 1.2draft", gx, nodes, edges, label="label")

    # Cytoscape: ids unique across nodes and edges, the same as node-link's.
    cy = json.loads(run("export", "cytoscape").stdout)
    cy_nodes = [n["data"] for n in cy["elements"]["nodes"]]
    cy_edges = [e["data"] for e in cy["elements"]["edges"]]
    check({n["id"] for n in cy_nodes} == set(nodes), f"{name}: cytoscape node ids")
    check({e["id"] for e in cy_edges} == set(edges), f"{name}: cytoscape edge ids")
    check(len({x["id"] for x in cy_nodes + cy_edges}) == len(cy_nodes) + len(cy_edges), f"{name}: cytoscape ids clash")
    check(all(e["interaction"] == edges[e["id"]]["kind"] for e in cy_edges), f"{name}: cytoscape interaction")
    check(all(n["name"] == nodes[n["id"]]["name"] for n in cy_nodes), f"{name}: cytoscape names")

    # DOT through Graphviz; with clusters too.
    for extra in ([], ["--clusters"]):
        dot = run("export", "dot", *extra).stdout
        svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, timeout=60)
        check(svg.returncode == 0, f"{name}: dot -Tsvg {extra}: {svg.stderr.decode()}")
        if svg.returncode == 0:
            text = html.unescape(svg.stdout.decode())
            for n in nodes.values():
                check(n["name"].replace("\\", "\\") in text, f"{name}: the svg lacks {n['name']!r}")

    # CSV dialects.
    csv_dialects(name, tmp, run, nodes, edges)

    # Redacted: no person's name or alias, in any format, raw or escaped.
    people = [n for n in nodes.values() if n["kind"] == "person"]
    names = {p["name"] for p in people} | {a for p in people for a in p["aliases"]}
    for fmt_args in (["node-link"], ["cytoscape"], ["graphml"], ["gexf"], ["gexf", "--gexf-version", "1.2draft"], ["dot"]):
        text = run("export", *fmt_args, "--redact", "people").stdout.decode()
        decoded = html.unescape(text) + json.dumps(json.loads(text), ensure_ascii=False) if fmt_args[0] in ("node-link", "cytoscape") else html.unescape(text)
        for p in names:
            check(p not in text and p not in decoded, f"{name}: {fmt_args} --redact people holds {p!r}")
        check('"person' not in text, f"{name}: {fmt_args} --redact people holds a person id")
    redacted = json.loads(run("export", "node-link", "--redact", "people").stdout)
    for d in ("neo4j", "graphframes", "gephi"):
        folder = os.path.join(tmp, f"{name}-redacted-{d}")
        run("export", "csv", "--dialect", d, "--redact", "people", "--out", folder)
        for f in os.listdir(folder):
            with open(os.path.join(folder, f), encoding="utf-8") as fh:
                text = fh.read()
            for p in names:
                check(p not in text, f"{name}: csv {d} {f} --redact people holds {p!r}")
    if name == "hostile":
        shares = [e for e in redacted["edges"] if e["kind"] == "shares_people"]
        check(len(shares) > 0 and all(e["people"] >= 1 for e in shares), f"{name}: redacted graph has no people counts")

    # The hostile names, read back by each reader.
    if name == "hostile":
        want = {"Acme \"Quoted\" <Labs> & Sons </script> 🦄", "Zoë \"Z\" O'Brien <b>&amp; </script> 🚀", "김민준", "深度求索 & Co"}
        for reader, got in (("node-link", {n["name"] for n in nodes.values()}),
                            ("graphml", {d["label"] for _, d in gm.nodes(data=True)}),
                            ("igraph", set(ig.vs["label"])),
                            ("gexf", {d["label"] for _, d in gx.nodes(data=True)}),
                            ("cytoscape", {n["name"] for n in cy_nodes})):
            check(want <= got, f"hostile: {reader} lost {want - got}")
        quote = edges["r1"]["quote"]
        check("\n" in quote and "</script>" in quote, "hostile: the quote lost its newline or </script>")
        check(gm.edges["person:4", "company:1", "r1"]["quote"] == quote, "hostile: graphml quote differs")


def same_graph(name, fmt, g, nodes, edges, label="name"):
    check(g.number_of_nodes() == len(nodes), f"{name}: {fmt}: {g.number_of_nodes()} nodes, not {len(nodes)}")
    check(g.number_of_edges() == len(edges), f"{name}: {fmt}: {g.number_of_edges()} edges, not {len(edges)}")
    for n, d in g.nodes(data=True):
        want = nodes.get(n)
        check(want is not None, f"{name}: {fmt}: unknown node {n}")
        if want:
            check(d.get(label) == want["name"] and d.get("kind") == want["kind"], f"{name}: {fmt}: node {n} {d}")
            if want["country"]:
                check(d.get("country") == want["country"], f"{name}: {fmt}: country of {n}")
    if g.is_multigraph():
        for u, v, k, d in g.edges(keys=True, data=True):
            e = edges.get(d.get("id", k))
            check(e is not None, f"{name}: {fmt}: unknown edge {k}")
            if e:
                check((u, v) == (e["source"], e["target"]) and d.get("kind") == e["kind"], f"{name}: {fmt}: edge {k} {d}")


def xmllint(name, path):
    r = subprocess.run(["xmllint", "--noout", path], capture_output=True, timeout=60)
    check(r.returncode == 0, f"{name}: xmllint {path}: {r.stderr.decode()}")


def csv_dialects(name, tmp, run, nodes, edges):
    neo = os.path.join(tmp, f"{name}-neo4j")
    run("export", "csv", "--dialect", "neo4j", "--out", neo)
    types = {"", "long", "double", "boolean", "string"}
    seen_nodes, seen_edges = set(), set()
    for f in sorted(os.listdir(neo)):
        with open(os.path.join(neo, f), encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for h in header:
            prop, _, typ = h.partition(":")
            check(typ in types or (prop == "" and typ in ("START_ID", "END_ID", "TYPE", "LABEL")) or typ == "ID",
                  f"{name}: neo4j {f}: header {h!r}")
        if f.startswith("nodes_"):
            check(header[0] == "id:ID" and ":LABEL" in header, f"{name}: neo4j {f}: header {header}")
            seen_nodes |= {r[0] for r in rows[1:]}
            for r in rows[1:]:
                check(r[1] == nodes[r[0]]["name"], f"{name}: neo4j name of {r[0]}")
        else:
            check(f.startswith("relationships_") and header[:3] == [":START_ID", ":END_ID", ":TYPE"],
                  f"{name}: neo4j {f}: header {header}")
            seen_edges |= {r[3] for r in rows[1:]}
            for r in rows[1:]:
                check(r[2] == edges[r[3]]["kind"].upper(), f"{name}: neo4j type of {r[3]}")
    check(seen_nodes == set(nodes) and seen_edges == set(edges), f"{name}: neo4j files hold other ids")
    for dialect, node_head, edge_head in (("graphframes", ["id", "name"], ["src", "dst", "id"]),
                                          ("gephi", ["Id", "Label"], ["Source", "Target", "Type", "Id", "Label", "Weight", "timeset"])):
        folder = os.path.join(tmp, f"{name}-{dialect}")
        run("export", "csv", "--dialect", dialect, "--out", folder)
        with open(os.path.join(folder, "nodes.csv"), encoding="utf-8", newline="") as fh:
            n_rows = list(csv.reader(fh))
        with open(os.path.join(folder, "edges.csv"), encoding="utf-8", newline="") as fh:
            e_rows = list(csv.reader(fh))
        check(n_rows[0][:len(node_head)] == node_head, f"{name}: {dialect} nodes header {n_rows[0]}")
        check(e_rows[0][:len(edge_head)] == edge_head, f"{name}: {dialect} edges header {e_rows[0]}")
        check({r[0]: r[1] for r in n_rows[1:]} == {i: n["name"] for i, n in nodes.items()}, f"{name}: {dialect} nodes")
        id_col = 2 if dialect == "graphframes" else 3
        check({r[id_col] for r in e_rows[1:]} == set(edges), f"{name}: {dialect} edge ids")


def errors(tmp, binary, env):
    db = os.path.join(tmp, "seed.db")

    def expect(args, code, message):
        r = subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, timeout=60, env=env)
        check(r.returncode == code and message in r.stderr, f"{args}: exit {r.returncode} {r.stderr!r}, not {code} {message!r}")

    expect(["export", "node-link", "--hops", "2"], 2, "talentgraph: export: --hops: takes --around NAME")
    expect(["export", "node-link", "--around", "Nobody Anywhere"], 5, "Nobody Anywhere")
    expect(["export", "csv", "--dialect", "neo4j"], 2, "export: csv: --out DIR is required")
    expect(["export", "gexf", "--dialect", "neo4j"], 2, "export: --dialect: applies to the csv format only")
    expect(["export", "node-link", "--kinds", "person,robot"], 2, 'export: --kinds: unknown kind "robot"')
    expect(["export", "node-link", "--out", os.path.join(tmp, "no", "such", "dir", "g.json")], 6, "g.json")
    expect(["export", "node-link", "--graph", "moves", "--min-confidence", "0.5"], 2, "export: --min-confidence: applies to the affiliation graph")


if __name__ == "__main__":
    main()
