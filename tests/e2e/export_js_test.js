// talentgraph export through the JavaScript readers: graphology-gexf reads GEXF 1.3 and
// Cytoscape.js loads the .cyjs elements headless, each with the node-link's node and edge counts,
// ids, labels and kinds; the hostile names survive both.
//
// Usage: node export_js_test.js TALENTGRAPH_BINARY SOURCE_DIR (the modules from SOURCE_DIR/node_modules)
'use strict';
const {execFileSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [binary, src] = process.argv.slice(2);
const need = (m) => require(path.join(src, 'node_modules', m));
const Graph = need('graphology');
const gexf = need('graphology-gexf');
const cytoscape = need('cytoscape');

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-export-js-'));
const env = Object.assign({}, process.env);
delete env.TALENTGRAPH_DB;
try {
  const datasets = {seed: [path.join(src, 'data/seed')], hostile: [path.join(src, 'tests/e2e/inputs/export/hostile.json')]};
  for (const [name, inputs] of Object.entries(datasets)) {
    const db = path.join(tmp, name + '.db');
    const run = (...args) => execFileSync(binary, ['--db', db, ...args], {env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe']}).toString('utf8');
    run('ingest', ...inputs);
    const data = JSON.parse(run('export', 'node-link'));
    const nodes = new Map(data.nodes.map((n) => [n.id, n]));
    const edges = new Map(data.edges.map((e) => [e.id, e]));

    const g = gexf.parse(Graph, run('export', 'gexf'), {allowUndeclaredAttributes: false});
    check(g.order === nodes.size, `${name}: graphology-gexf ${g.order} nodes, not ${nodes.size}`);
    check(g.size === edges.size, `${name}: graphology-gexf ${g.size} edges, not ${edges.size}`);
    g.forEachNode((id, a) => {
      const n = nodes.get(id);
      check(n && a.label === n.name && a.kind === n.kind, `${name}: gexf node ${id} ${JSON.stringify(a)}`);
    });
    g.forEachEdge((id, a, source, target) => {
      const e = edges.get(id);
      check(e && source === e.source && target === e.target && a.kind === e.kind, `${name}: gexf edge ${id} ${JSON.stringify(a)}`);
    });

    const cy = JSON.parse(run('export', 'cytoscape'));
    const c = cytoscape({headless: true, elements: cy.elements});
    check(c.nodes().length === nodes.size, `${name}: cytoscape ${c.nodes().length} nodes, not ${nodes.size}`);
    check(c.edges().length === edges.size, `${name}: cytoscape ${c.edges().length} edges, not ${edges.size}`);
    c.nodes().forEach((n) => {
      const want = nodes.get(n.id());
      check(want && n.data('name') === want.name, `${name}: cytoscape node ${n.id()}`);
    });
    c.edges().forEach((e) => {
      const want = edges.get(e.id());
      check(want && e.source().id() === want.source && e.target().id() === want.target && e.data('interaction') === want.kind,
            `${name}: cytoscape edge ${e.id()}`);
    });

    if (name === 'hostile') {
      for (const want of ['Acme "Quoted" <Labs> & Sons </script> 🦄', 'Zoë "Z" O\'Brien <b>&amp; </script> 🚀', '김민준', '深度求索 & Co']) {
        check(g.someNode((_, a) => a.label === want), `hostile: graphology-gexf lost ${want}`);
        check(c.nodes().some((n) => n.data('name') === want), `hostile: cytoscape lost ${want}`);
      }
    }
  }
} finally {
  fs.rmSync(tmp, {recursive: true, force: true});
}
for (const f of failures) console.log('FAIL:', f);
process.exit(failures.length ? 1 : 0);
